"""An edit the scheme rejected: remembered per scheme version, so the results of the previous scheme are
cleared behind a banner instead of staying on screen unmarked."""

from __future__ import annotations

import streamlit as st

from explorer.ui.i18n import t
from explorer.ui.vouchers.errors import show_error
from explorer.ui.vouchers.scheme_file import version_of
from explorer.vouchers.scheme import Scheme

REJECTED = "vouchers_rejected"


def rejected_for(scheme: Scheme) -> dict | None:
    """The rejected edit of the scheme on screen, if its form still holds one."""
    rejected = st.session_state.get(REJECTED)
    if rejected and rejected["version"] == version_of(scheme):
        return rejected
    st.session_state.pop(REJECTED, None)
    return None


def stale_banner(rejected: dict) -> None:
    show_error(rejected["error"], rejected["currency"], rejected["groups"])
    st.warning(t("vouchers.stale"), icon="⚠️")
    if st.button(t("vouchers.discard_edits"), key="vd_discard"):
        for name in [k for k in st.session_state if str(k).startswith("vd_") and str(k).endswith(rejected["version"])]:
            del st.session_state[name]
        st.session_state.pop(REJECTED, None)
        st.rerun()
