"""First run: seed an empty embedded database before any page opens, showing progress."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from explorer.db import rollups
from explorer.db.engine import DatabaseError, create_schema, has_data, make_engine, schema_is_current
from explorer.settings import Settings
from explorer.ui.data import fail
from explorer.ui.i18n import t

# Databases this process has seen holding data: if one goes away later, that is an outage (the pages say so
# and recover when it returns), not a first run — never create or seed an empty database in its place.
_READY: set[str] = set()


def ensure_data(settings: Settings) -> None:
    if settings.database_url in _READY:
        return
    try:
        engine = make_engine(settings.database_url)
        if has_data(engine):
            if not schema_is_current(engine):  # written by an earlier version: add the tables and columns since
                create_schema(engine)
            if not rollups.built(engine):  # a database written before the rollups existed gets them once
                with st.spinner(t("common.building_rollups")):
                    create_schema(engine)  # adds the rollup tables themselves if the database predates them
                    rollups.ensure(engine)
            _READY.add(settings.database_url)
            return
        if not settings.is_default_sqlite:
            create_schema(engine)
            st.warning(t("common.empty_database"))
            return
        from seed.generate import seed_database  # imported only when needed: keeps page start-up light

        bar = st.progress(0.0, text=t("common.seeding", scale=settings.default_scale))

        def on_progress(done: float, label: str) -> None:
            bar.progress(min(done, 1.0), text=f"{t('common.seeding', scale=settings.default_scale)} — {label}")

        seed_database(engine, scale=settings.default_scale, seed=1, progress=on_progress)
        bar.empty()
    except DatabaseError as exc:
        st.error(str(exc))
        st.stop()
    except SQLAlchemyError as exc:  # the server cannot be reached: the friendly message every page gives
        fail(exc)
