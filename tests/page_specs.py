"""Pages as the tests see them: each page's URL-parameter spec (explorer/urls.py), and opening a page in an AppTest
of the app with given URL parameters."""

from __future__ import annotations

from pathlib import Path

from explorer import urls
from explorer.params import Param

PAGES = Path(__file__).resolve().parent.parent / "explorer" / "pages"


def page_specs() -> dict[str, dict[str, Param]]:
    """{page name: its URL-parameter spec}, as the pages read it (explorer/urls.py)."""
    return urls.SPECS


def open_page(app, name: str, params: dict | None = None, /, **more):
    """Run the app once (st.navigation registers the pages), then open page `name` with these URL params
    (as a dict, or as keywords; `page` is one of the Statements page's own params) and check it raised nothing."""
    app.run()
    app.query_params.clear()
    app.query_params.update({key: str(value) for key, value in {**(params or {}), **more}.items()})
    at = app.switch_page(str(PAGES / f"{name}.py")).run()
    assert not at.exception, at.exception[0].message if at.exception else ""
    return at


def exports(at, stores) -> dict[str, bytes]:
    """file name → bytes of every download button of the last run (deferred ones are produced separately);
    `stores` is the `media` fixture (conftest)."""
    out = {}
    for button in at.get("download_button"):
        if button.proto.url:
            file = stores[-1].get_file(button.proto.url.rsplit("/", 1)[-1])
            out[f"{button.proto.id[-12:]}:{button.label}:{file.filename or ''}"] = bytes(file.content)
    return out


def chart_frames(at) -> list:
    """The data behind every Altair chart on the page, as the browser receives it (pandas frames)."""
    import pyarrow as pa

    return [
        pa.ipc.open_stream(ds.data.data).read_all().to_pandas()
        for chart in at.get("vega_lite_chart")
        for ds in chart.proto.datasets
    ]
