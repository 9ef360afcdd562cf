"""A giving day's page in a real browser (vi, en): gifts on the day, money matched and the pool left equal the
lines; the channel mix is drawn. Screenshots under artifacts/screenshots/giving-day-*."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from test_browser import metric, no_exception, norm, open_page, shoot
from test_public_pages import label

from explorer import fmt

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_giving_day_page_shows_gifts_matched_and_pool_left(page, server, tiny_engine, screenshots, lang):
    with tiny_engine.connect() as conn:
        project = conn.execute(text("SELECT MIN(campaign_id) FROM matching_projects")).scalar_one()
        gifts, matched = conn.execute(
            text(
                "SELECT SUM(CASE WHEN channel = 'giving_day' THEN amount ELSE 0 END),"
                " SUM(CASE WHEN channel = 'matching' THEN amount ELSE 0 END) FROM statement_lines"
                " WHERE campaign_id = :c AND direction = 'in'"
            ),
            {"c": project},
        ).one()
        pool = conn.execute(text("SELECT pool_size FROM matching_pools")).scalar_one()
        all_matched = conn.execute(text("SELECT SUM(amount) FROM statement_lines WHERE channel = 'matching'")).scalar()
    open_page(page, server, "campaigns", f"campaign={project}&lang={lang}")
    shown = {key: norm(metric(page, label(f"channels.{key}", lang))) for key in ("gifts", "matched", "pool_left")}
    assert shown == {
        key: norm(fmt.money(value, "VND", lang))
        for key, value in (("gifts", gifts), ("matched", matched), ("pool_left", pool - all_matched))
    }
    page.get_by_text(label("channels.mix_title", lang), exact=True).first.wait_for()
    shoot(page, screenshots / f"giving-day-{lang}.png")
    no_exception(page)
