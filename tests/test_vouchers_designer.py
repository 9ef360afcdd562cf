"""What a programme designer sees on the Voucher page (issue 16): presets simulate their stated populations,
results always belong to the scheme on screen, uploads fill the form, the active tab stays put, currency
changes convert, errors read in words and major units, tables read in the page's language, warnings name traps."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pyarrow as pa
from page_specs import open_page

from explorer import fmt
from explorer.i18n import translate
from explorer.vouchers import codec
from explorer.vouchers.presets import NEW_YEAR
from explorer.vouchers.scheme import Target


def tr(key: str, lang: str = "en", **values) -> str:
    return translate(lang, f"vouchers.{key}", **values)


def open_en(app, designer: bool = False, **params):
    """The page in English. The sidebar's language picker is set too: AppTest's first run (before the URL
    params) left it on Vietnamese, and the next interaction would switch the page back."""
    at = open_page(app, "vouchers", lang="en", **params)
    at.selectbox(key="lang_picker").set_value("en")
    return open_designer(at) if designer else at


def open_designer(at):
    """Open the scheme designer (its widgets exist only while it is open)."""
    at.session_state["vd_open"] = True
    return at.run()


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def apply(at, lang: str = "en"):
    next(b for b in at.button if b.label == tr("apply", lang)).click()
    return at.run()


def number_input(at, label: str):
    return next(n for n in at.number_input if n.label == label)


def shown_table(frame_element) -> pd.DataFrame:
    """The strings a visitor reads in an st.dataframe drawn from a Styler (display values)."""
    styler = frame_element.proto.arrow_data.styler
    return pa.ipc.open_stream(styler.display_values).read_pandas()


def token(at) -> str:
    value = at.query_params.get("scheme", "")
    return value[-1] if isinstance(value, list) else value


# --- 1. presets simulate their own stated populations ----------------------------------------------


def test_new_year_preset_shows_exactly_its_stated_population_and_total(app):
    at = open_en(app)
    about = (
        "Designed for 5,000 children × CN¥200.00 + 8,550 households × CN¥500.00 = CN¥5,275,000.00, "
        "at necessities, school-supply and pharmacy merchants."
    )
    assert about in captions(at)
    simulated = tr(
        "pop_synthetic",
        groups="5,000 children + 8,550 low-income households",
        people="13,550",
        issued="CN¥5,275,000.00",
    )
    assert simulated in captions(at)
    assert any(c.startswith("Money: issued CN¥5,275,000.00 = ") for c in captions(at))
    assert at.radio(key="vp_population_en").value == "synthetic"


def test_storm_relief_simulates_4000_households_and_a_believable_cost(app):
    at = open_en(app, preset="storm_relief_vn", runs=2)
    assert tr(
        "pop_synthetic", groups="4,000 disaster-affected households", people="4,000", issued="₫8,000,000,000"
    ) in captions(at)
    cost = next(m.value for m in at.metric if m.label == tr("m_cost_per_beneficiary"))
    amount = float(cost.replace("VND", "").replace("₫", "").replace("K", "e3").replace("M", "e6").strip())
    assert amount < 2_000_000  # the programme's own cost per household, well below the 2 M đ voucher


def test_the_seeded_database_is_a_choice_that_says_how_it_differs(app, public_engine):
    at = open_en(app, population="db", runs=2)
    (note,) = [i.value for i in at.info if "Seeded database" in i.value]
    assert "not the 5,000 children + 8,550 low-income households (13,550 people)" in note
    assert "13,550 people, exactly the stated sizes" not in " ".join(captions(at))


# --- 2. a rejected edit clears the results --------------------------------------------------------


def test_a_rejected_edit_hides_the_old_results_behind_a_banner(app):
    at = open_en(app, designer=True, runs=2)
    assert at.metric
    number_input(at, tr("group_child")).set_value(-5.0)
    at = apply(at)
    assert not at.exception
    assert tr("stale") in [w.value for w in at.warning]
    # (the designer's own per-group behaviour table, vd_bygroup_…, is a form input, not a result)
    assert not at.metric and not at.tabs and all(str(d.key).startswith("vd_bygroup_") for d in at.dataframe)
    (error,) = [e.value for e in at.error]
    assert error == tr("invalid", field="Children", message=tr("err_min", min="CN¥0.01"))
    assert "targets[" not in error
    # It stays hidden while the form holds the rejected values, and comes back with the previous scheme.
    at = at.run()
    assert not at.metric and tr("stale") in [w.value for w in at.warning]
    at = at.button(key="vd_discard").click().run()
    assert at.metric and not at.warning and number_input(at, tr("group_child")).value == 200.0


def test_all_amounts_zero_is_rejected_in_words(app):
    at = open_en(app, designer=True, runs=1)
    for group in ("child", "low_income_household"):
        number_input(at, tr(f"group_{group}")).set_value(0.0)
    at = apply(at)
    assert not at.metric and tr("stale") in [w.value for w in at.warning]
    assert [e.value for e in at.error] == [tr("invalid", field=tr("sec_targets"), message=tr("err_no_groups"))]


# --- 3. an upload updates the form, and the next edit keeps it --------------------------------------


def test_an_upload_fills_the_form_and_the_next_edit_starts_from_it(app):
    uploaded = dataclasses.replace(NEW_YEAR, name="my_gift", targets=(Target("child", 321_00),), horizon_days=120)
    at = open_en(app, designer=True, runs=1)
    at.file_uploader(key="vj_upload").set_value(("my_gift.json", codec.to_json(uploaded).encode(), "application/json"))
    at = at.run()
    assert not at.exception and not at.error
    assert number_input(at, tr("group_child")).value == 321.0
    assert number_input(at, tr("group_low_income_household")).value == 0.0
    assert number_input(at, tr("f_horizon_days")).value == 120
    assert codec.decode_token(token(at), NEW_YEAR) == uploaded
    number_input(at, tr("f_horizon_days")).set_value(100)
    at = apply(at)
    assert codec.decode_token(token(at), NEW_YEAR) == dataclasses.replace(uploaded, horizon_days=100)


def test_an_upload_over_the_limit_is_refused_with_the_true_limit(app):
    at = open_en(app, designer=True, runs=1)
    assert at.file_uploader(key="vj_upload").label == tr("upload_json_limit", limit="1 MB")
    at.file_uploader(key="vj_upload").set_value(("big.json", b" " * (codec.MAX_JSON_BYTES + 1), "application/json"))
    at = at.run()
    assert [e.value for e in at.error] == [
        tr("invalid", field=tr("field_json"), message=tr("err_too_large", size="1,048,577", limit="1 MB"))
    ]


# --- 4. the active tab stays put ----------------------------------------------------------------------


def test_add_to_comparison_and_picking_a_campaign_keep_the_tab(app, tiny_engine):
    from explorer.queries import vouchers as vq

    campaign = int(vq.funding_campaigns(tiny_engine, currency="VND")["id"].iloc[0])
    at = open_en(app, preset="storm_relief_vn", runs=1)
    at.session_state["vouchers_tab"] = tr("tab_compare")
    at = at.button(key="vc_add").click().run()
    assert at.session_state["vouchers_tab"] == tr("tab_compare")
    assert any(s.value.startswith("Added “") for s in at.success)
    at.session_state["vouchers_tab"] = tr("tab_fund")
    at = at.selectbox(key="vf_campaign").set_value(campaign).run()
    assert not at.exception
    assert at.session_state["vouchers_tab"] == tr("tab_fund")
    assert any(m.label == tr("fund_available") for m in at.metric)


def test_the_designer_is_built_only_when_open_and_closing_it_drops_a_rejected_edit(app):
    at = open_en(app, runs=1)
    # (the budget-first and sensitivity tabs have inputs of their own: bf_…, sw_…)
    assert not at.number_input or all(
        n.key in ("vp_runs_en", "vp_seed_en") or n.key.startswith(("bf_", "sw_")) for n in at.number_input
    )
    at = open_designer(at)
    number_input(at, tr("group_child")).set_value(-5.0)
    at = apply(at)
    assert not at.metric
    at.session_state["vd_open"] = False
    at = at.run()
    assert at.metric and not at.warning


# --- every field in the form, in sections; one expiry control ---------------------------------------


def test_household_cap_referral_rule_and_one_expiry_control_reach_the_scheme(app):
    at = open_en(app, designer=True, runs=1)
    mm = [n for n in at.number_input if n.label == tr("f_max_members")]
    assert len(mm) == 6  # one household cap per group
    next(c for c in at.checkbox if c.key.startswith("vd_pm_low_income_household")).check()
    next(n for n in mm if n.key.startswith("vd_mm_low_income_household")).set_value(4)
    next(c for c in at.checkbox if c.label == tr("f_referral_required")).check()
    next(s for s in at.slider if s.label == tr("f_referral_rate")).set_value(0.6)
    # The New-Year gift expires on a fixed date, day 90 of the scheme: the one control reads 90 days.
    assert number_input(at, tr("f_expiry_days")).value == 90
    expiry = fmt.day(dt.date(2025, 4, 20), "en")  # the one English date format of every page
    assert tr("expiry_now_fixed", date=expiry, days="90") in [c.value for c in at.caption]
    next(s for s in at.selectbox if s.label == tr("f_mode")).set_value("days_after_claim")
    number_input(at, tr("f_expiry_days")).set_value(45)
    at = apply(at)
    assert not at.exception and not at.error
    scheme = codec.decode_token(token(at), NEW_YEAR)
    household = next(tg for tg in scheme.targets if tg.group == "low_income_household")
    assert household.per_member and household.max_members == 4
    assert scheme.eligibility.referral_required and scheme.eligibility.referral_rate == 0.6
    assert scheme.expiry.mode == "days_after_claim" and scheme.expiry.days == 45 and scheme.expiry.date is None
    assert scheme.behaviour.by_group == NEW_YEAR.behaviour.by_group  # the per-group table kept as it was


def test_the_one_expiry_control_sets_a_fixed_date_as_days_after_the_start(app):
    at = open_en(app, designer=True, runs=1)
    number_input(at, tr("f_expiry_days")).set_value(30)
    at = apply(at)
    scheme = codec.decode_token(token(at), NEW_YEAR)
    assert scheme.expiry.mode == "fixed_date" and scheme.expiry.date.isoformat() == "2025-02-19"


def test_per_group_behaviour_table_round_trips_to_the_scheme():
    import pandas as pd

    from explorer.ui.vouchers.form_parts import by_group_from, group_behaviour_frame

    table = group_behaviour_frame(NEW_YEAR)
    assert table.set_index("group").loc["child", "school_supplies"] == 2.0
    assert table.set_index("group").loc["child", "pace"] == 1.0
    assert (
        codec.from_dict(
            {
                **codec.to_dict(NEW_YEAR),
                "behaviour": {**codec.to_dict(NEW_YEAR.behaviour), "by_group": by_group_from(table, NEW_YEAR)},
            }
        )
        == NEW_YEAR
    )
    slower = table.copy()
    slower.loc[slower["group"] == "low_income_household", "pace"] = 2.0
    slower.loc[slower["group"] == "child", "pharmacy_clinic"] = 0.5
    data = by_group_from(pd.DataFrame(slower), NEW_YEAR)
    assert data == {
        "child": {"pace": 1.0, "categories": {"school_supplies": 2.0, "pharmacy_clinic": 0.5}},
        "low_income_household": {"pace": 2.0, "categories": {"groceries": 2.0}},
    }


ABOUT = {  # each preset's description in English, its amounts written as the page writes every amount
    "baby_vouchers": "Designed for 2,500 newborn families × 4 × CN¥50.00 = CN¥500,000.00 at mother-and-baby shops; "
    "each tranche opens once the previous is spent.",
    "storm_relief_vn": "Designed for 4,000 storm-affected households in Yên Bái × ₫2,000,000 = ₫8,000,000,000, "
    "in two tranches 14 days apart.",
}


def test_a_new_preset_drops_the_scheme_edited_from_the_old_one_and_keeps_the_runs(app):
    """The URL is the state: a horizon edited on the New-Year preset is in the link; picking another preset
    starts from that preset (the token meant changes to the old one), twice over, and the runs stay."""
    import dataclasses

    from explorer.vouchers import codec
    from explorer.vouchers.presets import PRESETS

    first, second, third = list(PRESETS)[:3]
    edited = dataclasses.replace(PRESETS[first], horizon_days=PRESETS[first].horizon_days + 7)
    token = codec.encode_token(edited, PRESETS[first])
    at = open_en(app, preset=first, scheme=token, runs=2)
    assert at.query_params["scheme"] == token and at.query_params["runs"] == "2"
    for preset in (second, third):
        at.selectbox(key="vp_preset_en").set_value(preset).run()
        assert not at.exception
        assert at.query_params["preset"] == preset and "scheme" not in at.query_params
        assert at.query_params["runs"] == "2" and at.number_input(key="vp_runs_en").value == 2
        assert ABOUT[preset] in [c.value for c in at.caption]
