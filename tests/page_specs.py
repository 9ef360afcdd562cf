"""Each page's URL-parameter SPEC, read from its source file without running the page (no Streamlit)."""
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
