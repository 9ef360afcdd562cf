"""First run: seed an empty embedded database before any page opens, showing progress."""
from __future__ import annotations

import streamlit as st

from explorer.db.engine import DatabaseError, create_schema, has_data, make_engine
from explorer.settings import Settings
from explorer.ui.i18n import t


def ensure_data(settings: Settings) -> None:
    try:
        engine = make_engine(settings.database_url)
        if has_data(engine):
            return
        if not settings.is_default_sqlite:
            create_schema(engine)
            st.warning(t("common.empty_database"))
            return
        from seed.generate import seed_database  # imported only when needed: keeps page start-up light

        bar = st.progress(0.0, text=t("common.seeding", scale=settings.default_scale))
        seed_database(engine, scale=settings.default_scale, seed=1,
                      progress=lambda done, label: bar.progress(min(done, 1.0), text=f"{t('common.seeding', scale=settings.default_scale)} — {label}"))
        bar.empty()
    except DatabaseError as exc:
        st.error(str(exc))
        st.stop()
