"""Message catalogs: one JSON file per namespace, each key holding its text in every language.

`translate("vi", "overview.title")` reads `explorer/i18n/overview.json` → {"title": {"vi": …, "en": …, "zh": …}}.
Missing keys fall back to English, then to the key itself, so a gap shows up as text instead of a crash;
tests/test_i18n.py fails the build if any key used in the code lacks a language.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("vi", "en", "zh")
DEFAULT_LANGUAGE = "vi"
LOCALES = {"vi": "vi_VN", "en": "en_US", "zh": "zh_Hans_CN"}
CATALOG_DIR = Path(__file__).parent


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Every key 'namespace.name' → {lang: text}, read once per process."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOG_DIR.glob("*.json")):
        for name, texts in json.loads(path.read_text(encoding="utf-8")).items():
            merged[f"{path.stem}.{name}"] = texts
    return merged


def translate(lang: str, key: str, **values: object) -> str:
    texts = catalog().get(key, {})
    template = texts.get(lang) or texts.get("en") or key
    try:
        return template.format(**values) if values else template
    except (KeyError, IndexError, ValueError):
        return template
