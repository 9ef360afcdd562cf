"""Issue 14, "presenter kiosk mode": one screen, no chrome, the chosen campaign's ticker, a QR at native size;
at a projector's 1280x720 and a 1920x1080 screen, in Vietnamese, English and Chinese."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from test_browser import no_exception, open_page, shoot

pytestmark = pytest.mark.browser

SCREEN = """() => {
    const main = document.querySelector('.st-key-pz_main').getBoundingClientRect();
    const seen = el => el && el.offsetParent !== null && el.getBoundingClientRect().width > 0;
    const qr = [...document.querySelectorAll('[data-testid="stImage"] img')].filter(seen);
    return {bottom: main.bottom, scrollY: window.scrollY, innerHeight: window.innerHeight,
            sidebar: seen(document.querySelector('[data-testid="stSidebar"]')),
            menu: seen(document.querySelector('[data-testid="stMainMenu"]')),
            deploy: document.body.innerText.includes('Deploy'),
            qr: qr.map(i => [i.naturalWidth, i.getBoundingClientRect().width, i.getBoundingClientRect().bottom]),
            where: [...document.querySelectorAll('.pz-tick')].filter(seen)
                .map(e => e.querySelector('.where').textContent)};
}"""


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("lang", ["vi", "en", "zh"])
def test_presenter_fits_one_screen_without_chrome(browser, server, tiny_engine, screenshots, width, height, lang):
    with tiny_engine.connect() as conn:
        campaign, title = conn.execute(
            text("SELECT id, title FROM campaigns WHERE status = 'active' ORDER BY id")
        ).first()
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        open_page(
            tab, server, "presenter", f"lang={lang}&campaign={campaign}&amount=500000&memo=ung%20ho%20mien%20trung"
        )
        tab.locator(".pz-tick").first.wait_for()
        tab.wait_for_timeout(800)  # images decoded
        seen = tab.evaluate(SCREEN)
        shoot(tab, screenshots / f"presenter-kiosk-{lang}-{width}x{height}.png")
        assert not seen["sidebar"] and not seen["menu"] and not seen["deploy"], seen
        assert seen["scrollY"] == 0 and seen["bottom"] <= height, f"the screen needs scrolling: {seen}"
        assert len(seen["qr"]) == 1, seen["qr"]  # one QR shown, at its native size
        natural, drawn, qr_bottom = seen["qr"][0]
        assert natural == drawn and qr_bottom <= height, seen["qr"]
        assert seen["where"] and set(seen["where"]) == {title}  # only the chosen campaign's donations
        no_exception(tab)
    finally:
        context.close()


def test_presenter_settings_follow_every_change(page, server):
    """The settings are on the URL-state convention: the second and third change apply like the first."""
    from test_public_pages import label, type_into

    open_page(page, server, "presenter")
    page.get_by_text(label("presenter.settings")).first.click()
    for memo in ("ung ho lan mot", "ung ho lan hai", "ung ho lan ba"):
        type_into(page, label("presenter.memo_label"), memo)
        assert page.get_by_role("textbox", name=label("presenter.memo_label")).first.input_value() == memo
        assert f"memo={memo.replace(' ', '+')}" in page.url
        assert memo in page.locator(".pz-row").last.inner_text()
    for amount, shown in (("200k", "200.000"), ("300k", "300.000")):
        type_into(page, label("presenter.amount_label"), amount)
        assert "amount=" + shown.replace(".", "") in page.url
        assert any(shown in row for row in page.locator(".pz-row").all_inner_texts())
    no_exception(page)
