"""Pages as the tests see them: each page's URL-parameter SPEC, read from its source without running it, and
opening a page in an AppTest of the app with given URL parameters."""

from __future__ import annotations

import ast
from pathlib import Path

from explorer.params import Param

PAGES = Path(__file__).resolve().parent.parent / "explorer" / "pages"


def page_specs() -> dict[str, dict[str, Param]]:
    """{page name: SPEC}: only each file's imports and upper-case constants up to SPEC are executed."""
    specs = {}
    for path in sorted(PAGES.glob("*.py")):
        kept = []
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                kept.append(node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if all(isinstance(t, ast.Name) and t.id.isupper() for t in targets):
                    kept.append(node)
                    if any(t.id == "SPEC" for t in targets):
                        break
        namespace: dict = {}
        exec(compile(ast.Module(body=kept, type_ignores=[]), str(path), "exec"), namespace)  # our own source
        specs[path.stem] = namespace["SPEC"]
    return specs


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
