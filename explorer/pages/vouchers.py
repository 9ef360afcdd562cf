"""Voucher simulation: pick a preset, edit the scheme, run K seeded Monte Carlo runs on the seeded (or a
synthetic) population, read the results, compare schemes and preview funding one from a campaign.

URL params: preset (new_year_gift | baby_vouchers | storm_relief_vn), scheme (URL-safe token of the
changes to the preset, parsed by the scheme's JSON validator — never evaluated), population (db |
synthetic), runs (1–50), seed, lang.
"""
import streamlit as st

from explorer.params import Param
from explorer.queries import vouchers as vq
from explorer.ui import vouchers_view as vv
from explorer.ui.data import query
from explorer.ui.i18n import t
from explorer.ui.layout import page, sync_url
from explorer.vouchers import codec
from explorer.vouchers.presets import DEFAULT_PRESET, PRESETS

SPEC = {
    "preset": Param("choice", DEFAULT_PRESET, choices=tuple(PRESETS)),
    "scheme": Param("text", ""),  # the raw value is read below: Param("text") cuts at 200 characters
    "population": Param("choice", "db", choices=("db", "synthetic")),
    "runs": Param("int", 10, min=1, max=50),
    "seed": Param("int", 1, min=0, max=2**31 - 1),
}
MAX_TOKEN = codec.MAX_TOKEN_CHARS

params = page("vouchers", SPEC)
raw_token = str(st.query_params.get("scheme", ""))[:MAX_TOKEN + 1]
scheme, problem = codec.decode_or_base(raw_token, PRESETS[params["preset"]])
params["scheme"] = codec.encode_token(scheme, PRESETS[params["preset"]])
if problem:
    vv.show_error(problem)
    st.info(t("vouchers.url_ignored"))

provinces = query(vq.provinces)
province_names = dict(zip(provinces["code"], provinces["name_vi"]))

top = st.columns([2, 2, 1, 1])
preset = top[0].selectbox(t("vouchers.preset"), list(PRESETS), list(PRESETS).index(params["preset"]),
                          format_func=lambda name: t(f"vouchers.preset_{name}"), key="vp_preset")
if preset != params["preset"]:
    params.update(preset=preset, scheme="")
    scheme = PRESETS[preset]
sources = ["db", "synthetic"]
params["population"] = top[1].radio(t("vouchers.population"), sources, sources.index(params["population"]),
                                    format_func=lambda s: t(f"vouchers.population_{s}"), horizontal=True,
                                    key="vp_population")
params["runs"] = int(top[2].number_input(t("vouchers.runs"), 1, 50, params["runs"], key="vp_runs"))
params["seed"] = int(top[3].number_input(t("vouchers.seed"), 0, 2**31 - 1, params["seed"], key="vp_seed"))
st.caption(t(f"vouchers.preset_{params['preset']}_about"))

with st.expander(t("vouchers.designer"), expanded=False):
    edited = vv.designer(scheme, province_names)
    uploaded = vv.scheme_files(scheme)
for new in (edited, uploaded):
    if new is not None:
        scheme = new
        params["scheme"] = codec.encode_token(scheme, PRESETS[params["preset"]])

sync_url(params, SPEC)
report = vv.run_report(scheme, params["population"], params["preset"], params["runs"], params["seed"])
if report is not None:
    results_tab, compare_tab, fund_tab = st.tabs([t("vouchers.tab_results"), t("vouchers.tab_compare"),
                                                  t("vouchers.tab_fund")])
    with results_tab:
        vv.results(report, province_names)
    with compare_tab:
        vv.compare(f"{scheme.name} · {params['population']} · {params['scheme'][-6:] or 'preset'}", report)
    with fund_tab:
        st.caption(t("vouchers.fund_explain"))
        vv.fund(scheme, report, params["population"])
