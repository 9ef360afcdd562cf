"""Issue 14, "for the public": the 390 px phone, date pickers on the data's range, share links, the printable
confirmation and the presenter ticker with a long campaign title; in Chromium on the tiny seed."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from conftest import streamlit_server
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import text
from test_browser import no_exception, open_page, settle, shoot

from explorer import fmt
from explorer.i18n import catalog

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ROW_BOXES = """table => [...table.querySelectorAll('tbody tr')].slice(0, 1).map(tr =>
    [...tr.querySelectorAll('td')].map(td => { const r = td.getBoundingClientRect();
        return {text: td.innerText, left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }))[0]"""
SIDEWAYS = """() => ({page: document.documentElement.scrollWidth,
    main: document.querySelector('[data-testid="stMainBlockContainer"]').scrollWidth,
    open: [...document.querySelectorAll('[data-testid="stExpander"] details')].filter(d => d.open).length})"""


def label(key: str, lang: str = "vi") -> str:
    return catalog()[key][lang]


@contextmanager
def new_tab(browser, viewport: dict, timeout_ms: int = 30_000):
    """A tab in a fresh Vietnamese context of `viewport` (a phone's is mobile and touch), closed after use."""
    touch = {"is_mobile": True, "has_touch": True} if viewport == PHONE else {}
    context = browser.new_context(viewport=viewport, locale="vi-VN", **touch)
    tab = context.new_page()
    tab.set_default_timeout(timeout_ms)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture()
def phone(browser):
    with new_tab(browser, PHONE) as tab:
        yield tab


def visible(page, selector: str) -> bool:
    return page.evaluate(
        f"() => {{ const e = document.querySelector('{selector}'); return !!e && e.offsetParent !== null; }}"
    )


def test_phone_statements_key_columns_fit_and_the_first_line_is_on_the_first_screen(
    phone, server, tiny_engine, screenshots
):
    open_page(phone, server, "statements")
    table = phone.locator(".st-key-stm_lines_narrow table.ph-table")
    table.wait_for()
    cells = table.evaluate(ROW_BOXES)
    shoot(phone, screenshots / "phone-statements-vi-390x844.png")
    with tiny_engine.connect() as conn:
        amount, direction, counterparty, description = conn.execute(
            text(
                "SELECT amount, direction, counterparty, description FROM statement_lines "
                "ORDER BY posted_at DESC, id DESC LIMIT 1"
            )
        ).one()
    amount_cell, sender_cell, memo_cell = cells
    assert amount_cell["text"].splitlines()[0] == ("+" if direction == "in" else "−") + fmt.money(amount, "VND", "vi")
    assert sender_cell["text"] == counterparty and memo_cell["text"] == description
    for cell in cells:  # amount, sender and memo: inside the screen, no sideways scrolling needed
        assert 0 <= cell["left"] and cell["right"] <= PHONE["width"], cells
    assert memo_cell["bottom"] <= PHONE["height"], f"the first line is below the fold: {cells}"
    assert not visible(phone, ".st-key-stm_lines_wide") and visible(phone, ".st-key-stm_lines_narrow")
    assert phone.evaluate(SIDEWAYS)["open"] == 0  # the filters are folded
    no_exception(phone)


def test_phone_campaigns_show_money_raised_and_progress(phone, server, tiny_engine, screenshots):
    open_page(phone, server, "campaigns")
    table = phone.locator(".ph-table").first
    table.wait_for()
    cells = table.evaluate(ROW_BOXES)
    shoot(phone, screenshots / "phone-campaigns-vi-390x844.png")
    with tiny_engine.connect() as conn:  # the list opens most raised first
        title, raised, target = conn.execute(
            text(
                "SELECT c.title, COALESCE(SUM(s.amount), 0), c.target FROM campaigns c LEFT JOIN statement_lines s "
                "ON s.campaign_id = c.id AND s.direction = 'in' AND s.currency = c.currency "
                "GROUP BY c.id ORDER BY 2 DESC, c.id LIMIT 1"
            )
        ).one()
    title_cell, money_cell, progress_cell = cells
    assert title_cell["text"] == title and money_cell["text"] == fmt.money(raised, "VND", "vi")
    assert progress_cell["text"].strip() == fmt.percent(raised / target, "vi")
    for cell in cells:
        assert 0 <= cell["left"] and cell["right"] <= PHONE["width"], cells
    assert progress_cell["bottom"] <= PHONE["height"], cells
    no_exception(phone)


def test_phone_accounts_list_fits_and_its_number_opens_the_account(phone, server, tiny_engine, screenshots):
    open_page(phone, server, "accounts", "province=22")
    table = phone.locator(".ph-table").first
    table.wait_for()
    cells = table.evaluate(ROW_BOXES)
    shoot(phone, screenshots / "phone-accounts-province-vi-390x844.png")
    number_cell, holder_cell = cells
    with tiny_engine.connect() as conn:  # the list opens in number order: 2205 (Tuyên Quang), then 2305
        bank, holder = conn.execute(text("SELECT bank, holder_name FROM accounts WHERE number = '2205'")).one()
    assert number_cell["text"].splitlines() == ["2205", bank]
    assert holder_cell["text"].splitlines() == [holder, "Tuyên Quang"]
    for cell in cells:
        assert 0 <= cell["left"] and cell["right"] <= PHONE["width"], cells
    assert not visible(phone, ".st-key-acc_list_wide") and phone.evaluate(SIDEWAYS)["open"] == 0
    table.locator("a").first.click()
    phone.wait_for_url("**/accounts?account=2205*")
    phone.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    phone.get_by_text("2205 · ").first.wait_for()
    no_exception(phone)


@pytest.mark.parametrize(
    "path", ["overview", "accounts", "verify?name=nguyen", "disbursements", "stats", "accounts?account=3879"]
)
def test_phone_pages_never_scroll_sideways(phone, server, path, screenshots):
    name, _, query = path.partition("?")
    open_page(phone, server, name, query)
    phone.wait_for_timeout(500)
    seen = phone.evaluate(SIDEWAYS)
    shoot(phone, screenshots / f"phone-{name}{'-' + query.replace('=', '-') if query else ''}-vi-390x844.png")
    assert seen["page"] <= PHONE["width"] and seen["main"] <= PHONE["width"], seen
    assert seen["open"] == 0, seen  # no filter panel open before the results
    no_exception(phone)


def test_statement_date_picker_opens_on_the_accounts_days(page, server, tiny_engine):
    with tiny_engine.connect() as conn:
        last = conn.execute(
            text(
                "SELECT MAX(s.posted_at) FROM statement_lines s JOIN accounts a ON a.id = s.account_id "
                "WHERE a.number = '3879'"
            )
        ).scalar_one()
    last = dt.datetime.fromisoformat(str(last))
    assert (last.year, last.month) != (dt.date.today().year, dt.date.today().month)  # else the test proves nothing
    open_page(page, server, "statements", "account=3879&lang=en")
    page.get_by_text(label("public.filters", "en"), exact=True).first.click()
    picker = page.locator('[data-testid="stDateInput"]').first
    picker.locator('[data-testid="stDateInputCalendarButton"]').click()
    month = page.locator('[data-testid="stDateInputCalendar"] [role="grid"]').first.get_attribute("aria-label")
    assert month.endswith(f"tháng {last.month} năm {last.year}"), month  # the calendar speaks the browser's vi-VN
    no_exception(page)


def test_share_link_restores_the_statement_view(page, server):
    open_page(page, server, "statements", "account=3879&dir=in&sort=largest")
    page.get_by_role("button", name=label("public.share_button")).first.click()
    link = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"] code').first.inner_text().strip()
    assert link.startswith(server + "/statements?") and "account=3879" in link and "sort=largest" in link
    zalo = page.get_by_role("link", name="Zalo").get_attribute("href")
    facebook = page.get_by_role("link", name="Facebook").get_attribute("href")
    assert facebook.startswith("https://www.facebook.com/sharer/sharer.php?u=") and "3879" in facebook and zalo
    first = page.locator('[data-testid="stDataFrame"]').first.locator("table tbody tr td").nth(0).inner_text()
    page.goto(link)
    settle(page)
    assert page.locator('[data-testid="stDataFrame"]').first.locator("table tbody tr td").nth(0).inner_text() == first
    no_exception(page)


def test_verify_downloads_a_printable_confirmation(page, server, tiny_engine, tmp_path):
    open_page(page, server, "verify", "name=nguyen")
    page.get_by_text(label("public.confirm_heading")).first.click()
    idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    download = None
    for _ in range(3):  # a click that lands while the page reruns meets a button about to be replaced: click again
        page.wait_for_selector(idle)
        try:
            with page.expect_download(timeout=10_000) as waiting:
                page.get_by_role("button", name=label("public.confirm_download")).click()
            download = waiting.value
            break
        except PlaywrightTimeout:
            continue
    assert download is not None, "no download after three clicks"
    saved = tmp_path / "confirmation.html"
    download.save_as(saved)
    body = saved.read_text(encoding="utf-8")
    line_id = int(body.split("<td>#", 1)[1].split("<", 1)[0])
    with tiny_engine.connect() as conn:
        amount, counterparty = conn.execute(
            text("SELECT amount, counterparty FROM statement_lines WHERE id = :i"), {"i": line_id}
        ).one()
    assert fmt.money(amount, "VND", "vi") in body and counterparty not in body
    assert counterparty.split()[0][0] + "*" * (len(counterparty.split()[0]) - 1) in body


@pytest.fixture(scope="module")
def long_title_server(tiny_db_url, copy_sqlite, tmp_path_factory):
    """The tiny seed with the first active campaign's title made long (words, no place to cut cleanly)."""
    import sqlite3

    workdir = tmp_path_factory.mktemp("long_title")
    url = copy_sqlite(tiny_db_url, workdir / "long.sqlite")
    title = (
        "Chung tay hỗ trợ khẩn cấp đồng bào các tỉnh miền núi phía Bắc bị ảnh hưởng nặng nề "
        "bởi bão Yagi và lũ quét sạt lở đất năm 2024"
    )
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        campaign = conn.execute("SELECT id FROM campaigns WHERE status = 'active' ORDER BY id").fetchone()[0]
        conn.execute("UPDATE campaigns SET title = ? WHERE id = ?", (title, campaign))
    with streamlit_server(url, workdir) as base:
        yield base, campaign, title


TICKER = """() => [...document.querySelectorAll('.pz-tick')].filter(e => e.offsetParent !== null).map(row => {
    const where = row.querySelector('.where'), when = row.querySelector('.when'), s = getComputedStyle(where);
    return {cut: where.scrollWidth > where.clientWidth, ellipsis: s.textOverflow === 'ellipsis',
            hover: where.title, text: where.textContent,
            whenInside: when.getBoundingClientRect().right <= row.getBoundingClientRect().right + 0.5}; })"""
TITLE = """() => { const e = document.querySelector('.pz-title'), s = getComputedStyle(e);
    return {cut: e.scrollWidth > e.clientWidth, ellipsis: s.textOverflow === 'ellipsis', hover: e.title,
            text: e.textContent}; }"""


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_ticker_never_cuts_a_long_title_without_an_ellipsis(browser, long_title_server, screenshots, width, height):
    base, campaign, title = long_title_server
    with new_tab(browser, {"width": width, "height": height}, timeout_ms=60_000) as tab:
        open_page(tab, base, "presenter", f"campaign={campaign}")
        tab.locator(".pz-tick").first.wait_for()
        rows, heading = tab.evaluate(TICKER), tab.evaluate(TITLE)
        shoot(tab, screenshots / f"presenter-long-title-vi-{width}x{height}.png")
        assert rows and all(r["text"] == title and r["hover"] == title for r in rows), rows
        assert all(r["ellipsis"] for r in rows if r["cut"]), rows  # cut only with "…"
        assert all(r["whenInside"] for r in rows), rows  # the time is never pushed out of its line
        assert heading["text"] == title and heading["hover"] == title
        assert heading["ellipsis"] or not heading["cut"], heading  # wrapped whole, or cut with "…"
        no_exception(tab)


# --- cut on a 390 px phone (and a 1280 px screen): flagged accounts, a long campaign title, an axis label, progress --

ROWS = """table => [...table.querySelectorAll('tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => {
    const r = td.getBoundingClientRect();
    return {text: td.innerText, left: r.left, right: r.right, cut: td.scrollWidth > td.clientWidth}; }))"""


def test_phone_flagged_accounts_show_whole_names_and_their_flag(phone, server, tiny_engine, screenshots):
    """The flagged accounts were a grid on the phone too: names cut at the screen's edge, the flag off-screen."""
    open_page(phone, server, "accounts")
    table = phone.locator("#flagged_table_phone")
    table.wait_for()
    table.scroll_into_view_if_needed()
    shoot(phone, screenshots / "phone-accounts-flagged-vi-390x844.png")
    flags = {"6605": "Thiếu báo cáo", "7005": "Báo cáo trễ hạn", "7805": "Chi vượt số đã nhận"}  # the tiny seed's
    with tiny_engine.connect() as conn:
        owners = dict(
            conn.execute(
                text("SELECT number, bank || '|' || holder_name FROM accounts WHERE number IN ('6605', '7005', '7805')")
            ).all()
        )
    rows = table.evaluate(ROWS)
    shown = [(number["text"].splitlines(), holder["text"].splitlines()) for number, holder in rows]
    assert shown == [([n, owners[n].split("|")[0]], [owners[n].split("|")[1], flag]) for n, flag in flags.items()], (
        shown
    )
    for cells in rows:
        assert all(0 <= c["left"] and c["right"] <= PHONE["width"] and not c["cut"] for c in cells), cells
    assert not visible(phone, ".st-key-acc_flagged_wide")
    table.locator("a", has_text="7005").click()
    phone.wait_for_url("**/accounts?account=7005*")
    no_exception(phone)


def test_phone_presenter_wraps_a_long_title_and_keeps_each_tickers_time(browser, long_title_server, screenshots):
    """A phone held upright is as short as a 720-line projector, so it got the projector's one-line title: the
    long title was cut to four words; the ticker's time was pushed off the screen."""
    base, campaign, title = long_title_server
    with new_tab(browser, PHONE, timeout_ms=60_000) as tab:
        open_page(tab, base, "presenter", f"campaign={campaign}")
        tab.locator(".pz-tick").first.wait_for()
        heading, rows = tab.evaluate(TITLE), tab.evaluate(TICKER)
        box = tab.locator(".pz-title").bounding_box()
        tab.screenshot(path=str(screenshots / "phone-presenter-long-title-vi-390x844.png"))
        assert heading["text"] == title and not heading["cut"], heading  # wrapped, whole
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert rows and all(r["whenInside"] and r["text"] == title for r in rows), rows
        assert all(r["ellipsis"] for r in rows if r["cut"]), rows
        no_exception(tab)


AXIS_LABELS_OUTSIDE = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].flatMap(chart => {
    const box = chart.querySelector('svg').getBoundingClientRect();
    return [...chart.querySelectorAll('.role-axis-label text, .role-axis-title text')]
      .filter(t => t.getAttribute('opacity') !== '0').map(t => {  // labels Vega hides for overlapping: not drawn
        const r = t.getBoundingClientRect();
        return {text: t.textContent, left: r.left, right: r.right, box: [box.left, box.right]}; })
      .filter(l => l.left < l.box[0] - 0.5 || l.right > l.box[1] + 0.5); })"""
PROVINCE_NAMES = """() => { const chart = document.querySelectorAll('[data-testid="stVegaLiteChart"]')[3];
    return {bars: chart.querySelectorAll('.mark-rect path').length,
            names: [...chart.querySelectorAll('.role-axis-label text')].filter(t => isNaN(parseInt(t.textContent)))
                .map(t => ({text: t.textContent, shown: t.getAttribute('opacity') !== '0'}))}; }"""


@pytest.mark.parametrize("width,height", [(1280, 720), (390, 844)])
def test_stats_charts_draw_every_axis_label_whole(browser, server, screenshots, width, height):
    """December 2024: the province chart's last amount ('24.000.000') ran past the chart's right edge at both widths,
    and on the phone every other province lost its name (its bars were drawn 19 px apart)."""
    with new_tab(browser, {"width": width, "height": height}) as tab:
        open_page(tab, server, "stats", "from=2024-12-01&to=2024-12-31")
        tab.locator('[data-testid="stVegaLiteChart"] svg .role-axis-label').nth(3).wait_for(state="attached")
        shoot(tab, screenshots / f"stats-december-vi-{width}x{height}.png")
        assert tab.evaluate(AXIS_LABELS_OUTSIDE) == []
        drawn = tab.evaluate(PROVINCE_NAMES)  # one name a bar, every one drawn
        assert drawn["bars"] == len(drawn["names"]) == 8 and all(n["shown"] for n in drawn["names"]), drawn
        no_exception(tab)


def test_phone_progress_past_the_target_is_a_full_green_bar(phone, server, tiny_engine):
    """134.6 % of the target was a full red bar (the alarm colour), the same as 100 %: a target met is green."""
    open_page(phone, server, "campaigns")
    table = phone.locator(".ph-table").first
    table.wait_for()
    bars = table.evaluate("""t => [...t.querySelectorAll('[role="progressbar"]')].map(b => ({
        value: parseFloat(b.getAttribute('aria-valuenow')),
        colour: getComputedStyle(b.firstElementChild).backgroundColor,
        fill: b.firstElementChild.getBoundingClientRect().width / b.getBoundingClientRect().width}))""")
    with tiny_engine.connect() as conn:  # the list opens most raised first; its first four passed their target
        ratios = [
            raised / target
            for raised, target in conn.execute(
                text(
                    "SELECT COALESCE(SUM(s.amount), 0), c.target FROM campaigns c LEFT JOIN statement_lines s "
                    "ON s.campaign_id = c.id AND s.direction = 'in' AND s.currency = c.currency "
                    "GROUP BY c.id ORDER BY 1 DESC, c.id LIMIT 6"
                )
            ).all()
        ]
    assert [round(b["value"], 1) for b in bars[:6]] == [round(r * 100, 1) for r in ratios]
    assert [r >= 1 for r in ratios] == [True] * 4 + [False] * 2
    for bar, ratio in zip(bars[:6], ratios, strict=True):
        assert bar["fill"] == pytest.approx(min(ratio, 1.0), abs=0.01), bar
        assert (bar["colour"] == "rgb(46, 125, 50)") == (ratio >= 1), bar  # green when met, never beyond the bar
    no_exception(phone)
