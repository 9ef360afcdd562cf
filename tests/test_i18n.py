"""Every UI text comes from a catalog, in every language.

Fails when a catalog key lacks a language or is empty, when the languages of one key disagree on their
{placeholders}, or when the code uses a key (t("namespace.key"), including the keys the code builds
with f-strings) that no catalog holds.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from explorer.i18n import CATALOG_DIR, LANGUAGES, catalog, translate

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "explorer").rglob("*.py"))
KEY = re.compile(r"^[a-z][a-z0-9_]*\.[A-Za-z0-9_]+$")
# t("…") / t('…') as a call of its own (not x.t(…) or print(…)), literal or f-string.
CALL = re.compile(r"(?<![\w.])t\(\s*(f?)(\"|')((?:(?!\2).)*)\2")


def calls() -> list[tuple[Path, bool, str]]:
    """(file, is_fstring, text) for every t(...) call with a string first argument."""
    out = []
    for path in SOURCES:
        for m in CALL.finditer(path.read_text(encoding="utf-8")):
            out.append((path, m.group(1) == "f", m.group(3)))
    return out


def test_sources_use_t():
    used = calls()
    assert len(used) > 50, "the scanner found too few t() calls: is the regex broken?"
    assert any(not f and key == "presenter.qr_title" for _, f, key in used)


def test_catalog_files_are_well_formed():
    files = sorted(CATALOG_DIR.glob("*.json"))
    assert {"common", "nav", "overview", "presenter"} <= {p.stem for p in files}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict) and data, f"{path.name} is empty or not an object"
        for name, texts in data.items():
            assert isinstance(texts, dict), f"{path.stem}.{name} is not a {{lang: text}} object"


@pytest.mark.parametrize("key", sorted(catalog()))
def test_every_key_has_every_language_and_no_empty_text(key):
    texts = catalog()[key]
    missing = [lang for lang in LANGUAGES if not isinstance(texts.get(lang), str) or not texts[lang].strip()]
    assert not missing, f"{key} lacks {missing}"
    assert not set(texts) - set(LANGUAGES), f"{key} has unknown languages {set(texts) - set(LANGUAGES)}"
    fields = {lang: {f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in LANGUAGES}
    assert fields["vi"] == fields["en"] == fields["zh"], f"{key}: placeholders differ {fields}"


def test_every_literal_key_used_in_the_code_exists():
    known = catalog()
    problems = []
    for path, is_f, key in calls():
        if is_f:
            continue
        where = path.relative_to(ROOT)
        if not KEY.match(key):
            problems.append(f"{where}: t({key!r}) is not a 'namespace.key'")
        elif key not in known:
            problems.append(f"{where}: {key} is in no catalog")
    assert not problems, "\n".join(problems)


def _nav_keys() -> set[str]:
    app = (ROOT / "explorer" / "app.py").read_text(encoding="utf-8")
    paths = re.findall(r"_page\(\s*\"[^\"]+\.py\",\s*\"([^\"]*)\"", app)
    assert "" in paths and "presenter" in paths and len(paths) >= 9  # "": the overview, served at "/"
    return {f"nav.{p or 'overview'}" for p in paths}


def _title_keys() -> set[str]:
    spaces = set()
    for path in (ROOT / "explorer" / "pages").glob("*.py"):
        spaces |= set(re.findall(r"(?<![\w.])page\(\s*\"([a-z_]+)\"", path.read_text(encoding="utf-8")))
    assert {"overview", "presenter"} <= spaces
    return {f"{ns}.title" for ns in spaces}


def _error_keys() -> set[str]:
    from explorer.vietqr import VietQRError

    return {f"presenter.err_{code}" for code in VietQRError.CODES}


# Keys the code builds at run time: the f-string → the exact set of keys it can produce.
DYNAMIC = {
    "nav.{url_path or 'overview'}": _nav_keys,
    "{namespace}.title": _title_keys,
    "presenter.err_{exc.code}": _error_keys,
}


@pytest.mark.parametrize("pattern", sorted(DYNAMIC))
def test_keys_built_at_run_time_exist(pattern):
    assert any(is_f and text == pattern for _, is_f, text in calls()), f"t(f{pattern!r}) is no longer used"
    missing = sorted(DYNAMIC[pattern]() - set(catalog()))
    assert not missing, f"t(f{pattern!r}) can ask for keys no catalog holds: {missing}"


def test_other_fstring_keys_match_some_catalog_key():
    """An f-string key we do not enumerate must at least have catalog keys of its shape (e.g. 'flags.status_*')."""
    known = set(catalog())
    problems = []
    for path, is_f, text in calls():
        if not is_f or text in DYNAMIC:
            continue
        shape = re.compile(
            "^"
            + "".join(".+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]*\})", text))
            + "$"
        )
        if not any(shape.match(k) for k in known):
            problems.append(f"{path.relative_to(ROOT)}: t(f{text!r}) matches no catalog key")
    assert not problems, "\n".join(problems)


def test_missing_key_falls_back_visibly():
    assert translate("zh", "presenter.no_such_key") == "presenter.no_such_key"
    assert translate("zh", "presenter.qr_title") == "扫码捐款"
    assert (
        translate("en", "presenter.qr_unavailable", account="1", bank="X", reason="r")
        == "No VietQR for account 1 (X): r"
    )
