"""Issue 14, "localised and consistent": what a reader sees in each language, in a real browser on the tiny seed.

The browser's own locale is Vietnamese throughout, so a value that follows the browser instead of the page's
language shows up in the English and Chinese pages.
"""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import text
from test_browser import no_exception, open_page, shoot

from explorer.i18n import catalog

pytestmark = pytest.mark.browser


def label(key: str, lang: str = "vi") -> str:
    return catalog()[key][lang]


def hover_tooltip(page, chart_index: int = 0, seconds: float = 20.0) -> str:
    """Move over the chart_index-th chart until Vega's tooltip shows; its text ('' if it never does). The chart is
    drawn after the page's run ends, and a busy machine draws it late: sweep the plot until the deadline."""
    chart = page.locator('[data-testid="stVegaLiteChart"]').nth(chart_index)
    chart.locator("canvas, svg").first.wait_for(timeout=int(seconds * 1000))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        # The tallest bars first (where a bar is drawn, not where one might be: the daily bars are thin and sparse,
        # and a few pixels of padding moved every blind point off them), then a sweep of the plot.
        bars = chart.evaluate("""c => [...c.querySelectorAll('.mark-rect path')].map(e => e.getBoundingClientRect())
            .filter(r => r.width > 0 && r.height > 0).sort((a, b) => b.height - a.height).slice(0, 5)
            .map(r => [r.x + r.width / 2, r.y + r.height / 2])""")
        sweep = [
            (box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            for fx in (0.5, 0.55, 0.45, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2, 0.9)
            for fy in (0.7, 0.8, 0.6)
        ]
        for x, y in [*bars, *sweep]:
            page.mouse.move(x, y)
            page.wait_for_timeout(150)
            tip = page.locator("#vg-tooltip-element")
            if tip.count() and tip.is_visible() and tip.inner_text().strip():
                return tip.inner_text()
        page.mouse.move(0, 0)  # leave the plot, so the next pass enters it afresh
    return ""


TIP = {  # the stats chart's tooltip: a day and a money amount, as each language writes them
    "vi": (r"(\d{2})/(\d{2})/(\d{4})", lambda m: f"{m[3]}-{m[2]}-{m[1]}", r"(\d{1,3}(?:\.\d{3})+)\xa0₫"),
    "en": (r"(\d{4})-(\d{2})-(\d{2})", lambda m: f"{m[1]}-{m[2]}-{m[3]}", r"₫(\d{1,3}(?:,\d{3})+)"),
    "zh": (r"(\d{4})/(\d{2})/(\d{2})", lambda m: f"{m[1]}-{m[2]}-{m[3]}", r"₫(\d{1,3}(?:,\d{3})+)"),
}


@pytest.mark.parametrize("lang", ["vi", "en", "zh"])
def test_chart_tooltip_speaks_the_page_language(page, server, tiny_engine, screenshots, lang):
    """A Vietnamese browser on each language's Stats page: the daily chart's tooltip writes the day and the
    amount as the page's language does, and they are that day's donations in SQL."""
    date_re, iso, money_re = TIP[lang]
    open_page(page, server, "stats", f"lang={lang}")
    tip = hover_tooltip(page, 0)
    shoot(page, screenshots / f"chart-tooltip-stats-{lang}-1440.png")
    day, amount = re.search(date_re, tip), re.search(money_re, tip)
    assert day and amount, tip
    with tiny_engine.connect() as conn:
        total = conn.execute(
            text("""SELECT SUM(amount) FROM statement_lines WHERE direction = 'in'
            AND currency = 'VND' AND date(posted_at) = :d"""),
            {"d": iso(day)},
        ).scalar_one()
    assert int(re.sub(r"\D", "", amount[1])) == total
    no_exception(page)


@pytest.mark.parametrize("lang,painted", [("vi", "53.000.000"), ("en", "53,000,000"), ("zh", "53,000,000")])
def test_grid_paints_money_as_the_page_language(page, server, lang, painted):
    """The money columns' format run through the grid's own sprintf (the module Streamlit ships) in a
    Vietnamese browser: the page's language decides, not the browser ('localized' gave 53.000.000 in English)."""
    from explorer import fmt

    open_page(page, server, "stats", f"lang={lang}")
    module = next(p.name for p in SPRINTF_DIR.glob("sprintfjs.*.js"))
    out = page.evaluate(
        """async ([url, format]) => (await import(url)).t(format, 53000000)""",
        [f"{server}/static/js/{module}", fmt.grid_money_format(lang)],
    )
    assert out == painted
    assert page.evaluate("() => navigator.language") == "vi-VN"


SPRINTF_DIR = __import__("pathlib").Path(__import__("streamlit").__file__).parent / "static" / "static" / "js"
