"""Voucher simulation: pick a preset, edit the scheme, run K seeded Monte Carlo runs on the preset's stated
population (or the seeded database, or uploaded counts and merchants), read the results, the merchants and a
map, plan budget first, sweep one parameter, compare scenarios and preview funding from a campaign.

URL params: preset (new_year_gift | baby_vouchers | storm_relief_vn), scheme (URL-safe token of the
changes to the preset, parsed by the scheme's JSON validator — never evaluated), population (synthetic:
exactly the preset's stated sizes, the default | db: the seeded database | upload: counts uploaded in
this session — a link cannot carry them), runs (1–50), seed, lang.
"""

import streamlit as st

from explorer import urls
from explorer.queries import vouchers as vq
from explorer.ui.data import query
from explorer.ui.i18n import labels, t
from explorer.ui.layout import page, sync_url
from explorer.ui.listing import UrlState
from explorer.ui.vouchers.budget import budget_first
from explorer.ui.vouchers.compare import compare, load_scenarios, scenarios_token
from explorer.ui.vouchers.errors import show_error
from explorer.ui.vouchers.form import designer
from explorer.ui.vouchers.form_parts import rates_text
from explorer.ui.vouchers.fund import fund
from explorer.ui.vouchers.inputs import UPLOAD, upload_inputs, uploaded_note
from explorer.ui.vouchers.labels import preset_about, preset_labels
from explorer.ui.vouchers.map import coverage_map
from explorer.ui.vouchers.merchants import merchant_view
from explorer.ui.vouchers.results import results
from explorer.ui.vouchers.run import load_population, population_key, population_note, run_report
from explorer.ui.vouchers.scheme_file import scheme_download, scheme_upload
from explorer.ui.vouchers.stale import REJECTED, rejected_for, stale_banner
from explorer.ui.vouchers.sweep import sensitivity
from explorer.vouchers import codec
from explorer.vouchers.presets import PRESETS

SPEC = urls.SPECS["vouchers"]
MAX_TOKEN = codec.MAX_TOKEN_CHARS
TABS = ("results", "merchants", "map", "budget", "sweep", "compare", "fund")

params = page("vouchers", SPEC)
raw_token = str(st.query_params.get("scheme", ""))[: MAX_TOKEN + 1]
scheme, problem = codec.decode_or_base(raw_token, PRESETS[params["preset"]])
params["scheme"] = codec.encode_token(scheme, PRESETS[params["preset"]])
params["compare"] = str(st.query_params.get("compare", ""))[: MAX_TOKEN + 1]
if problem:
    show_error(problem)
    st.info(t("vouchers.url_ignored"))

provinces = query(vq.provinces)
province_names = dict(zip(provinces["code"], provinces["name_vi"], strict=False))

# The URL is the state (explorer.ui.listing.UrlState); a new preset drops the scheme edited from the old one.
state = UrlState("vp", SPEC, params)
params["preset"] = st.selectbox(
    t("vouchers.preset"),
    list(PRESETS),
    format_func=preset_labels(),
    **state.seed("preset", resets=("scheme",)),
)
top = st.columns([3, 1, 1])
params["population"] = top[0].radio(
    t("vouchers.population"),
    ["synthetic", "db", "upload"],
    format_func=labels("vouchers.population_choice_"),
    horizontal=True,
    **state.seed("population"),
)
params["runs"] = int(top[1].number_input(t("vouchers.runs"), 1, 50, **state.seed("runs")))
params["seed"] = int(top[2].number_input(t("vouchers.seed"), 0, 2**31 - 1, **state.seed("seed")))
about = st.empty()

# The designer's ~40 widgets are built only while it is open (a stateful expander): the first load stays light.
designer_box = st.expander(t("vouchers.designer"), expanded=False, key="vd_open", on_change="rerun")
if designer_box.open:
    with designer_box:
        uploaded = scheme_upload(scheme)  # before the form: the form then shows the uploaded scheme
        if uploaded is not None:
            scheme = uploaded
            st.session_state.pop(REJECTED, None)
        edited = designer(scheme, province_names)
        if edited is not None and edited != scheme:
            # Run again with the new scheme in the URL, so the form is drawn from it (a converted currency
            # shows its converted amounts) instead of the values as they were typed.
            params["scheme"] = codec.encode_token(edited, PRESETS[params["preset"]])
            sync_url(params, SPEC)
            st.rerun()
        scheme_download(scheme)
else:
    st.session_state.pop(REJECTED, None)  # closing the designer drops its unrun edits with it
params["scheme"] = codec.encode_token(scheme, PRESETS[params["preset"]])
if scheme == PRESETS[params["preset"]]:
    about.caption(preset_about(params["preset"]))
else:
    about.caption(t("vouchers.edited_from", preset=preset_labels()(params["preset"])))
converted = st.session_state.pop("vouchers_converted", None)
if converted:
    st.info(t("vouchers.converted", source=converted[0], target=converted[1], rates=rates_text()))

sync_url(params, SPEC)
if params["population"] == "upload" and upload_inputs() is None:
    st.stop()  # nothing to simulate until a valid counts file is uploaded (the uploader says what is wrong)
if params["population"] == "upload":
    uploaded_note(st.session_state[UPLOAD])
rejected = rejected_for(scheme)
if rejected is not None:
    stale_banner(rejected)  # the results of the previous scheme are not shown next to a scheme that did not run
    st.stop()
report = run_report(scheme, params["population"], params["preset"], params["runs"], params["seed"])
if report is not None:
    load_scenarios(params["compare"], PRESETS)
    population_note(scheme, report, params["population"], params["preset"])
    tab_labels = [t(f"vouchers.tab_{name}") for name in TABS]
    # Keyed, state-tracking tabs: "Add to comparison" or picking a campaign reruns the page on the same tab.
    results_tab, merchants_tab, map_tab, budget_tab, sweep_tab, compare_tab, fund_tab = st.tabs(
        tab_labels, key="vouchers_tab", on_change="rerun"
    )
    with results_tab:
        results(report, province_names, scheme)
    # The new tabs are drawn only while open (the tabs rerun the page on a switch): the first load stays
    # what it was — the merchant table, the two maps, the plan and the sweep cost nothing until asked for.
    with merchants_tab:
        if merchants_tab.open:
            merchant_view(report, scheme, province_names, params["population"])
    with map_tab:
        if map_tab.open:
            coverage_map(report, provinces, province_names)
    # Under 10 eligible people nothing about them is shown, not even in a plan or a sweep.
    if budget_tab.open or sweep_tab.open:
        population = (
            None
            if report.suppressed
            else load_population(scheme, params["population"], params["preset"], params["seed"])
        )
    with budget_tab:
        if budget_tab.open:
            if population is None:
                st.info(t("vouchers.too_few"))
            else:
                budget_first(scheme, population, province_names, params["seed"])
    with sweep_tab:
        if sweep_tab.open:
            if population is None:
                st.info(t("vouchers.too_few"))
            else:
                sensitivity(
                    scheme,
                    population,
                    (codec.to_json(scheme), population_key(params["population"]), params["preset"]),
                    params["runs"],
                    params["seed"],
                )
    with compare_tab:
        compare(
            scheme, report, params["population"], params["preset"], params["runs"], params["seed"], params["scheme"]
        )
    with fund_tab:
        st.caption(t("vouchers.fund_explain"))
        fund(scheme, report, params["population"])
    params["compare"] = scenarios_token()
    sync_url(params, SPEC)  # the comparison (added or removed scenarios) is part of the link
