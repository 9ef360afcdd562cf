"""The scheme as a JSON file: upload (validated, never evaluated) and download; a scheme's version."""

from __future__ import annotations

import hashlib

import streamlit as st

from explorer.ui.i18n import t
from explorer.ui.vouchers.errors import show_error, upload_limit_text
from explorer.vouchers import codec
from explorer.vouchers.scheme import Scheme


def scheme_upload(scheme: Scheme) -> Scheme | None:
    """An upload returns its scheme once per uploaded file; drawn *before* the form, so the form then shows
    the uploaded scheme and the next edit starts from it."""
    upload = st.file_uploader(
        t("vouchers.upload_json_limit", limit=upload_limit_text()),
        type=["json"],
        key="vj_upload",
        max_upload_size=max(1, codec.MAX_JSON_BYTES // (1024 * 1024)),
    )
    if upload is None or st.session_state.get("vj_seen") == upload.file_id:
        return None
    st.session_state["vj_seen"] = upload.file_id
    uploaded, problem = codec.try_parse(upload.getvalue())
    if uploaded is None:  # try_parse gives a scheme or the problem with the file
        if problem is not None:
            show_error(problem, scheme.currency)
        return None
    st.success(t("vouchers.uploaded", name=uploaded.name))
    return uploaded


def scheme_download(scheme: Scheme) -> None:
    st.download_button(
        t("vouchers.download_json"),
        codec.to_json(scheme).encode("utf-8"),
        f"{scheme.name}.json",
        "application/json",
        key="vj_download",
    )


def version_of(scheme: Scheme) -> str:
    return hashlib.sha1(codec.to_json(scheme).encode()).hexdigest()[:8]
