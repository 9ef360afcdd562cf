"""Share a view: the link that restores it exactly (the page's URL, whose query holds its whole state), and
Zalo and Facebook share addresses built from that link.

The link is read from the browser's own address (st.context.url) after the page wrote its state to the URL, so
it is the address a visitor would copy from the bar, on whatever host the app is served from.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from explorer.ui.i18n import t

FACEBOOK_SHARER = "https://www.facebook.com/sharer/sharer.php"
ZALO_SHARER = "https://sp.zalo.me/share_inline"  # Zalo's web share page; it reads the link from `url`


def view_link(page_url: str, query: Mapping[str, str]) -> str:
    """The page's address (scheme, host, path; its own query and fragment dropped) with `query` as its query."""
    scheme, host, path, _, _ = urlsplit(page_url)
    return urlunsplit((scheme, host, path, urlencode(dict(query)), ""))


def facebook_url(link: str) -> str:
    return f"{FACEBOOK_SHARER}?{urlencode({'u': link})}"


def zalo_url(link: str) -> str:
    return f"{ZALO_SHARER}?{urlencode({'url': link})}"


def share_row(key: str, query: Mapping[str, str] | None = None) -> str:
    """Copy-link box and the two share buttons for the view whose URL query is `query` (default: the URL's
    query now); returns the link."""
    link = view_link(st.context.url or "", st.query_params.to_dict() if query is None else query)
    with st.popover(t("public.share_button"), icon="🔗", key=f"{key}_share"):
        st.caption(t("public.share_copy_hint"))
        st.code(link, language=None, wrap_lines=True)  # the code block has a copy button
        left, right = st.columns(2)
        left.link_button("Zalo", zalo_url(link), width="stretch")
        right.link_button("Facebook", facebook_url(link), width="stretch")
    return link
