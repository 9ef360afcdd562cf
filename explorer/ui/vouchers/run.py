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


def run_report(scheme: Scheme, source: str, preset: str, runs: int, seed: int) -> Report | None:
    """The scheme's report (computed with a progress bar, kept per session), or None after an error."""
    key = (codec.to_json(scheme), population_key(source), preset, runs, seed)
    cache = st.session_state.setdefault("vouchers_reports", {})
    if key not in cache:
        population = load_population(scheme, source, preset, seed)
        bar = st.progress(0.0, text=t("vouchers.running", runs=runs))
        try:
            sim = simulate(
                scheme,
                population,
                runs=runs,
                seed=seed,
                progress=lambda done: bar.progress(done, text=t("vouchers.running", runs=runs)),
            )
        except SchemeError as exc:
            show_error(exc, scheme.currency, [tg.group for tg in scheme.targets])
            return None
        finally:
            bar.empty()
        while len(cache) >= CACHE_REPORTS:
            cache.pop(next(iter(cache)))
        cache[key] = build_report(sim)
    return cache[key]


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
