"""Issue 14, "defaults people expect": the campaign list's orders and the Verify page's capped count (AppTest on
the tiny seed, values from SQL)."""

from __future__ import annotations

import pytest
from page_specs import open_page
from sqlalchemy import text

from explorer import fmt
from explorer.i18n import translate

APP = str(__import__("pathlib").Path(__file__).resolve().parent.parent / "streamlit_app.py")
RAISED = (
    "(SELECT COALESCE(SUM(s.amount), 0) FROM statement_lines s WHERE s.campaign_id = c.id "
    "AND s.direction = 'in' AND s.currency = c.currency)"
)


def test_campaigns_open_most_raised_first(app, tiny_engine):
    at = open_page(app, "campaigns")
    shown = at.dataframe[0].value
    with tiny_engine.connect() as conn:
        expected = (
            conn.execute(text(f"SELECT c.id FROM campaigns c ORDER BY {RAISED} DESC, c.id DESC LIMIT 20"))
            .scalars()
            .all()
        )
    assert shown.id.tolist() == expected
    assert shown.received.tolist() == sorted(shown.received.tolist(), reverse=True)
    assert at.radio(key="cmp_sort_vi").value == "raised" and "sort" not in at.query_params


def test_campaigns_sort_ending_soon_and_newest(app, tiny_engine):
    at = open_page(app, "campaigns")
    at.radio(key="cmp_sort_vi").set_value("ending").run()
    assert at.query_params["sort"] == "ending"
    with tiny_engine.connect() as conn:
        ending = (
            conn.execute(
                text("""SELECT id FROM campaigns ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END,
            CASE WHEN end_on IS NULL THEN 1 ELSE 0 END, end_on, id LIMIT 20""")
            )
            .scalars()
            .all()
        )
        newest = conn.execute(text("SELECT id FROM campaigns ORDER BY start_on DESC, id DESC LIMIT 20")).scalars().all()
        active = conn.execute(text("SELECT COUNT(*) FROM campaigns WHERE status = 'active'")).scalar_one()
    assert at.dataframe[0].value.id.tolist() == ending
    assert set(at.dataframe[0].value.status.head(active)) == {translate("vi", "campaigns.status_active")}
    at.radio(key="cmp_sort_vi").set_value("newest").run()
    assert at.query_params["sort"] == "newest" and at.dataframe[0].value.id.tolist() == newest


@pytest.mark.parametrize("lang", ["vi", "en", "zh"])
def test_verify_says_a_full_list_is_a_cap(app_env, lang):
    from streamlit.testing.v1 import AppTest

    at = open_page(AppTest.from_file(APP, default_timeout=60), "verify", name="NGUYEN", lang=lang, days="31")
    (message,) = [s.value for s in at.success]
    assert len(at.dataframe[0].value) == 20
    assert message == translate(lang, "verify.found_capped", n=fmt.number(20, lang))


def test_verify_counts_a_short_list(app_env, tiny_engine):
    from streamlit.testing.v1 import AppTest

    with tiny_engine.connect() as conn:
        name, amount, day = conn.execute(
            text("""SELECT counterparty, amount, date(posted_at) FROM statement_lines
            WHERE direction = 'in' AND counterparty IS NOT NULL AND currency = 'VND' ORDER BY amount DESC LIMIT 1""")
        ).one()
    at = open_page(
        AppTest.from_file(APP, default_timeout=60), "verify", name=name, amount=str(amount), date=day, days="0"
    )
    n = len(at.dataframe[0].value)
    assert 0 < n < 20
    assert [s.value for s in at.success] == [translate("vi", "verify.found", n=fmt.number(n, "vi"))]


@pytest.mark.parametrize("path", ["overview", "statements", "stats", "campaigns"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_last_updated_stamp_is_the_newest_line(app_env, tiny_engine, path, lang):
    import pandas as pd
    from streamlit.testing.v1 import AppTest

    with tiny_engine.connect() as conn:
        newest = pd.Timestamp(conn.execute(text("SELECT MAX(posted_at) FROM statement_lines")).scalar_one())
    at = open_page(AppTest.from_file(APP, default_timeout=60), path, lang=lang)
    stamp = "🕒 " + translate(lang, "common.last_updated", when=fmt.moment(newest.to_pydatetime(), lang))
    assert stamp in [c.value for c in at.caption]
