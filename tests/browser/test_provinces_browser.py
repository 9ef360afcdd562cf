"""The province filter across the 1 July 2025 merger, in a real browser (vi and en), with a screenshot each:
picking Tuyên Quang finds Hà Giang's 2024 campaign, labelled as such; an old name in the URL gives the same view."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from test_browser import no_exception, open_page, shoot
from test_public_pages import choose, column, grid, label, select_value

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_picking_a_province_of_today_finds_the_old_ones_merged_into_it(page, server, tiny_engine, screenshots, lang):
    open_page(page, server, "campaigns", f"lang={lang}&sort=newest")
    province = label("campaigns.province", lang)
    choose(page, province, "Tuyên Quang")
    assert select_value(page, province) == "Tuyên Quang"
    assert "province=22" in page.url
    with tiny_engine.connect() as conn:
        expected = conn.execute(text("SELECT id FROM campaigns WHERE province_code IN (22, 23) ORDER BY id")).scalars()
        expected = [str(i) for i in expected]
    assert sorted(column(page, "#")) == expected
    shown = middle_column(page, province)
    assert shown == [label("provinces.now", lang).format(old="Hà Giang", today="Tuyên Quang")] * len(expected)
    shoot(page, screenshots / f"province-merger-campaigns-{lang}.png")
    no_exception(page)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_old_province_name_in_the_url_selects_todays_province(page, server, screenshots, lang):
    open_page(page, server, "disbursements", f"lang={lang}&province=binh-thuan")
    province = label("disbursements.province", lang)
    assert select_value(page, province) == "Lâm Đồng"
    shown = set(middle_column(page, province))
    assert label("provinces.now", lang).format(old="Bình Thuận", today="Lâm Đồng") in shown
    assert shown <= {"Lâm Đồng", label("provinces.now", lang).format(old="Bình Thuận", today="Lâm Đồng")}
    shoot(page, screenshots / f"province-merger-disbursements-{lang}.png")
    no_exception(page)


def middle_column(page, header: str) -> list[str]:
    """A column the grid draws only once scrolled to it: step right until its header is drawn."""
    for step in range(12):
        table = grid(page)
        if header in table["headers"]:
            at = table["headers"].index(header)
            return [row[at] for row in table["rows"]]
        page.locator('[data-testid="stDataFrame"]').first.evaluate(
            "(g, x) => g.querySelector('.dvn-scroller').scrollLeft = x", 300 * (step + 1)
        )
        page.wait_for_timeout(200)  # a poll: the grid redraws its columns in view after the scroll
    raise AssertionError(f"{header!r} not drawn: {grid(page)['headers']}")
