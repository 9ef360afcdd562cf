"""Which population a scheme runs on (synthetic, the seeded database, an upload), the run itself with a
progress bar and a per-session cache of reports, and the note that says who was simulated."""

from __future__ import annotations

import streamlit as st

from explorer.queries import vouchers as vq
from explorer.ui.data import query
from explorer.ui.i18n import money, num, t
from explorer.ui.vouchers.errors import show_error
from explorer.ui.vouchers.inputs import UPLOAD
from explorer.ui.vouchers.labels import counts_text
from explorer.vouchers import codec
from explorer.vouchers.engine import simulate
from explorer.vouchers.inputs import population_from_counts
from explorer.vouchers.population import Population
from explorer.vouchers.presets import DOCUMENTED, SYNTHETIC_GROUP_SIZE, synthetic_for
from explorer.vouchers.report import (
    Report,
    build_report,
)
from explorer.vouchers.scheme import Scheme, SchemeError

CACHE_REPORTS = 8
SHARED_REPORTS = 32  # reports on synthetic populations kept for every session (each a few hundred kB)


def load_population(scheme: Scheme, source: str, preset: str, seed: int) -> Population:
    if source == "synthetic":
        return synthetic_for(scheme, preset, seed)
    if source == "upload":
        kept = st.session_state[UPLOAD]
        return population_from_counts(
            kept["counts"], kept["merchants"], categories=scheme.merchants.categories, seed=seed
        )
    people = query(
        vq.beneficiaries, groups=tuple(tg.group for tg in scheme.targets), provinces=tuple(scheme.eligibility.provinces)
    )
    if people.attrs.get("capped"):
        st.warning(t("vouchers.capped", limit=num(vq.MAX_BENEFICIARIES)))
    return Population(people, query(vq.merchants, categories=tuple(scheme.merchants.categories)))


def population_key(source: str) -> str:
    """What names a population in caches: an upload by its files' digest."""
    if source == "upload":
        kept = st.session_state.get(UPLOAD)
        return f"upload:{kept['digest'] if kept else ''}"
    return source


@st.cache_data(max_entries=SHARED_REPORTS, show_spinner=False)
def shared_synthetic_report(scheme_json: str, preset: str, runs: int, seed: int) -> Report:
    """A report on the preset's synthetic population, shared by every visitor: the population and the runs
    are seeded, so the same scheme, runs and seed give the same report to anyone. A fresh browser opening a
    preset then gets its results without a simulation (the largest part of the page's first run)."""
    scheme = codec.from_json(scheme_json)
    return build_report(simulate(scheme, synthetic_for(scheme, preset, seed), runs=runs, seed=seed))


def run_report(scheme: Scheme, source: str, preset: str, runs: int, seed: int) -> Report | None:
    """The scheme's report (kept per session; on a synthetic population shared by every session), or None
    after an error."""
    key = (codec.to_json(scheme), population_key(source), preset, runs, seed)
    cache = st.session_state.setdefault("vouchers_reports", {})
    if key in cache:
        return cache[key]
    try:
        if source == "synthetic":
            report = shared_synthetic_report(key[0], preset, runs, seed)
        else:
            report = _run_with_progress(scheme, load_population(scheme, source, preset, seed), runs, seed)
    except SchemeError as exc:
        show_error(exc, scheme.currency, [tg.group for tg in scheme.targets])
        return None
    while len(cache) >= CACHE_REPORTS:
        cache.pop(next(iter(cache)))
    cache[key] = report
    return report


def _run_with_progress(scheme: Scheme, population: Population, runs: int, seed: int) -> Report:
    bar = st.progress(0.0, text=t("vouchers.running", runs=runs))

    def on_progress(done: float) -> None:
        bar.progress(done, text=t("vouchers.running", runs=runs))

    try:
        sim = simulate(scheme, population, runs=runs, seed=seed, progress=on_progress)
    finally:
        bar.empty()
    return build_report(sim)


def _group_counts(report: Report) -> dict[str, int]:
    frame = report.by_group
    return {g: int(round(n)) for g, n in zip(frame["group"], frame["beneficiaries"], strict=False)}


def population_note(scheme: Scheme, report: Report, source: str, preset: str) -> None:
    """Who was simulated, in the same terms as the preset's caption: per group, in total, the value issued.
    The seeded database says how it differs from the population the preset is designed for."""
    if report.suppressed:
        return  # under 10 people: not even their number is shown (the page says why nothing is)
    counts = _group_counts(report)
    people, issued = int(round(report.value("registrations"))), money(round(report.value("issued")), report.currency)
    if source == "synthetic":
        st.caption(t("vouchers.pop_synthetic", groups=counts_text(counts), people=num(people), issued=issued))
        return
    if source == "upload":
        st.caption(t("vouchers.pop_upload", groups=counts_text(counts), people=num(people), issued=issued))
        return
    stated = stated_counts(scheme, preset)
    st.info(
        t(
            "vouchers.pop_db",
            groups=counts_text(counts) or "—",
            people=num(people),
            issued=issued,
            stated=counts_text(stated),
            stated_people=num(sum(stated.values())),
        )
    )


def stated_counts(scheme: Scheme, preset: str) -> dict[str, int]:
    documented = DOCUMENTED.get(preset, {})
    return {tg.group: documented.get(tg.group, SYNTHETIC_GROUP_SIZE) for tg in scheme.targets}
