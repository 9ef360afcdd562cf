"""The app shell: page config, first-run seeding, navigation and the language picker.

Run it through the repository's `streamlit_app.py` (`streamlit run streamlit_app.py`): a main script that
sits next to a `pages/` folder makes Streamlit serve deep links in its legacy pages-folder mode until the
main script has run once, so the entry script lives one level up. `streamlit run explorer/app.py` also works.
On an empty embedded database it seeds the demo data first (with a progress bar), then opens the pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` does not install the package

from explorer.i18n import LANGUAGES
from explorer.settings import load_settings
from explorer.ui import first_run
from explorer.ui.i18n import lang, t

PAGES = Path(__file__).parent / "pages"


def _page(file: str, url_path: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(
        str(PAGES / file), title=t(f"nav.{url_path or 'overview'}"), icon=icon, url_path=url_path, default=default
    )


def _overview_by_name(overview: st.Page) -> st.Page:
    """`/overview`, the overview's own name, as a hidden page that sends the visitor on to `/` with the link's
    parameters (`?lang=en` stays): Streamlit serves the default page at `/` only, and answered `/overview`, a
    link people write by hand or copy from the page's name, with its English "Page not found" box."""

    def to_overview() -> None:
        st.switch_page(overview, query_params=st.query_params.to_dict())

    return st.Page(to_overview, title=overview.title, url_path="overview", visibility="hidden")


def main() -> None:
    st.set_page_config(page_title="Sao kê — charity transparency", page_icon="🔎", layout="wide")
    settings = load_settings()
    if settings.public_mode:  # the public sees a generic error message; details stay in the server log
        st.set_option("client.showErrorDetails", "none")
    first_run.ensure_data(settings)

    overview = _page("overview.py", "", "📊", default=True)  # at "/"; `/overview` is its alias, below
    public = [
        overview,
        _page("accounts.py", "accounts", "🏦"),
        _page("campaigns.py", "campaigns", "🎯"),
        _page("statements.py", "statements", "📜"),
        _page("verify.py", "verify", "✅"),
        _page("disbursements.py", "disbursements", "📦"),
        _page("stats.py", "stats", "📈"),
    ]
    design = [_page("vouchers.py", "vouchers", "🎟️"), _page("presenter.py", "presenter", "📣")]
    sections = {t("nav.section_public"): [*public, _overview_by_name(overview)], t("nav.section_design"): design}
    if settings.allow_writes:
        sections[t("nav.section_operator")] = [_page("import_statements.py", "import", "📥")]

    with st.sidebar:
        current = lang()
        chosen = st.selectbox(
            "🌐",
            LANGUAGES,
            index=LANGUAGES.index(current),
            key="lang_picker",
            format_func=lambda code: {"vi": "Tiếng Việt", "en": "English", "zh": "中文"}[code],
        )
        if chosen != current:
            st.session_state["lang"] = chosen
            st.query_params["lang"] = chosen
            st.rerun()

    st.navigation(sections).run()


if __name__ == "__main__":
    main()
