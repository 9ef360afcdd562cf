"""Hostile URLs: every page checks its query parameters against its SPEC (a whitelist with a type per name).

For every page of the app (the operator Import page included, with writes allowed, on a private copy of the
tiny seed) and for URLs with: unknown parameters whose names and values are code, markup and path tricks;
malformed values of every declared parameter (numbers too large or out of range, 2024-02-30, injection
strings for choices, unreadable amounts); and valid but extreme values (first and last page, 0001-01-01 and
9999-12-31, the largest amount, 10 k-character and control-character texts) —

- the page renders without an exception and keeps its title;
- each unknown or malformed parameter is named in the visible notice, as literal text (a code span:
  a URL cannot put links, images or emphasis on the page);
- the URL written back holds none of the ignored names or values;
- nothing in the URL is ever evaluated: values that would create a file if run never do.

Counts are written to artifacts/issue8/hostile_urls.json.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from page_specs import open_page, page_specs

from explorer.i18n import translate

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
ARTIFACTS = ROOT / "artifacts" / "issue8"
RUNS: list[dict] = []


SPECS = page_specs()

# Would create CANARY if anything ever evaluated it (the path is filled in per test).
EVAL_BAIT = "__import__('pathlib').Path('{canary}').touch()"
UNKNOWN = {  # at most four unknown names + a bad `lang`: the notice lists the first five problems
    "__import__('os').system('touch {canary}')": "1",
    "x": EVAL_BAIT,
    "[pay here](https://evil.example/qr)": "![i](https://evil.example/p.png)",
    "<script>alert(1)</script>": "${7*7}{{7*7}}",
    "lang": "vi'; DROP TABLE accounts; --",
}
MALFORMED = {  # per kind, cycled over the page's parameters of that kind
    "int": ["99999999999999999999", "-1", "1e3", "0x10", "１２a", "", "12.5", "- 3"],
    "date": ["2024-02-30", "2024-13-01", "31/12/2024", "yesterday", "", "2024-2-3"],
    "choice": ["'; DROP TABLE statement_lines; --", "NEWEST", "", "all\x00", "%", EVAL_BAIT],
    "amount": ["9" * 400, "-500k", "abc", "1e9", "500kk", "1.2.3,4"],
    "flag": ["maybe", "2", "yes", ""],
    "province": ["Atlantis", "0", "100", "' OR 1=1 --", "", "ha--giang--x"],
}
EXTREME = {  # valid values at the edges: accepted, and the page must cope ("min"/"max": the Param's bounds)
    "int": ["min", "max"],
    "date": ["0001-01-01", "9999-12-31", "2024-02-29"],
    "amount": ["0", "1.000.000.000.000.000", "1"],
    "text": [
        "x" * 10_000,
        "' OR '1'='1' --",
        "\x00\x1b[31m<script>alert(1)</script>%_%\\",
        EVAL_BAIT,
        "Nguyễn 🙏 捐款 [a](https://evil.example) **bold** :red[x] $x^2$",
        "",
    ],
}


def url_cases():
    for page, spec in SPECS.items():
        yield pytest.param(page, "unknown", dict(UNKNOWN), id=f"{page}-unknown")
        bad, per_kind = [], {}
        for name, p in spec.items():
            if p.kind in MALFORMED:
                i = per_kind[p.kind] = per_kind.get(p.kind, -1) + 1
                bad.append((name, MALFORMED[p.kind][i % len(MALFORMED[p.kind])]))
        for start in range(0, len(bad), 5):
            yield pytest.param(page, "malformed", dict(bad[start : start + 5]), id=f"{page}-malformed{start // 5 + 1}")
        kinds = [p.kind for p in spec.values() if p.kind in EXTREME]
        for k in range(max((len(EXTREME[kind]) for kind in kinds), default=0)):
            values = {}
            for name, p in spec.items():
                if p.kind in EXTREME:
                    value = EXTREME[p.kind][k % len(EXTREME[p.kind])]
                    values[name] = str(getattr(p, value)) if p.kind == "int" else value
            yield pytest.param(page, "extreme", values, id=f"{page}-extreme{k + 1}")


CASES = list(url_cases())


@pytest.fixture(scope="module")
def copy_url(tiny_db_url, copy_sqlite, tmp_path_factory) -> str:
    """A private copy of the tiny seed: the operator page is listed, and nothing can reach the shared file."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.sqlite"
    copy_sqlite(tiny_db_url, path)
    return f"sqlite:///{path}"


@pytest.fixture()
def app(copy_url, monkeypatch):
    """AppTest of the whole app (streamlit_app.py → explorer.app.main), public mode, writes allowed."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("EXPLORER_DATABASE_URL", copy_url)
    monkeypatch.setenv("EXPLORER_PUBLIC_MODE", "1")
    monkeypatch.setenv("EXPLORER_ALLOW_WRITES", "1")
    return AppTest.from_file(APP, default_timeout=120)


def notices(at) -> list[str]:
    """The text of every ignored-parameters notice on the page (any language)."""
    prefixes = [translate(lang, "common.ignored_params", params="") for lang in ("vi", "en", "zh")]
    return [i.value for i in at.info if any(i.value.startswith(p) for p in prefixes)]


def url_value(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[-1] if isinstance(value, list) else value


def test_every_page_is_covered():
    assert {
        "overview",
        "accounts",
        "campaigns",
        "statements",
        "verify",
        "disbursements",
        "stats",
        "vouchers",
        "presenter",
        "import_statements",
    } <= set(SPECS)
    covered = {c.values[0] for c in CASES}
    assert covered == set(SPECS)
    assert len(CASES) >= 40


@pytest.mark.parametrize(("page", "kind", "params"), CASES)
def test_hostile_url(app, tmp_path, page, kind, params):
    canary = tmp_path / "evaluated.txt"
    params = {
        name.replace("{canary}", str(canary)): value.replace("{canary}", str(canary)) for name, value in params.items()
    }
    at = open_page(app, page, params)
    RUNS.append({"page": page, "kind": kind, "params": len(params), "exception": bool(at.exception)})
    assert not at.exception, at.exception[0].value if at.exception else ""
    assert at.title and at.title[0].value, "the page stopped before its title"
    assert not canary.exists(), "a URL value was evaluated"
    if kind == "extreme":  # valid values: nothing is reported about them, the page copes
        return
    (shown,) = [n for n in notices(at) if "`" in n] or notices(at)  # the layout's notice (pickers add their own)
    body = literal_body(shown)
    for name, raw in params.items():
        if kind == "unknown" and name != "lang":
            shown_lang = params.get("lang") if params.get("lang") in ("vi", "en", "zh") else "vi"
            reason = translate(shown_lang, "common.url_unknown")  # in the page's language
            assert f"{name[:40]!r}: {reason}".replace("`", "ˋ") in body, (name, body)
            assert url_value(at, name) is None, f"{name} kept in the URL"
        else:
            assert re.search(rf"(^|; ){re.escape(name)}: ", body), (name, body)
            assert url_value(at, name) != raw, f"the ignored {name}={raw!r} was written back to the URL"


def literal_body(notice: str) -> str:
    """What a notice quotes from the URL, asserting it is one code span (no markdown can act inside it)."""
    body = notice.split(": ", 1)[1].strip()
    assert re.fullmatch(r"`[^`]*`", body), f"URL text rendered as markdown: {body!r}"
    return body[1:-1]


def test_notice_cannot_close_its_code_span(app):
    """A backtick in a parameter name must not end the code span and let the rest render as markdown."""
    at = open_page(app, "overview", {"`[click](https://evil.example)`": "1"})
    (shown,) = notices(at)
    assert "[click](https://evil.example)" in literal_body(shown)


def test_unknown_account_is_echoed_literally(app):
    at = open_page(app, "statements", {"account": "[Chuyển tiền tại đây](https://evil.example) **STK 999**"})
    assert not at.exception
    echoed = [i.value for i in at.info if "evil.example" in i.value]
    assert echoed
    for notice in echoed:  # the URL text only ever appears inside one code span, where markdown is inert
        spans = re.findall(r"`[^`]*`", notice)
        assert len(spans) == 1 and "evil.example" in spans[0] and "evil.example" not in notice.replace(spans[0], "")


def test_zz_record_counts():
    """Runs last in this file (same worker under --dist loadfile): how many hostile URLs were rendered."""
    if len(RUNS) < len(CASES):
        pytest.skip("only part of the hostile URL suite ran")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary = {
        "pages": len({r["page"] for r in RUNS}),
        "urls_rendered": len(RUNS),
        "hostile_params": sum(r["params"] for r in RUNS),
        "exceptions": sum(r["exception"] for r in RUNS),
        "by_kind": {k: sum(r["kind"] == k for r in RUNS) for k in ("unknown", "malformed", "extreme")},
    }
    (ARTIFACTS / "hostile_urls.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"\nhostile URLs: {summary}")
    assert summary["exceptions"] == 0


def test_every_page_reads_its_spec_from_the_one_module():
    """The pages' URL parameters are data in explorer/urls.py: every page file takes its SPEC from there."""
    from page_specs import PAGES

    from explorer import urls

    pages = sorted(p.stem for p in PAGES.glob("*.py"))
    assert pages == sorted(urls.SPECS)
    for name in pages:
        assert f'SPEC = urls.SPECS["{name}"]' in (PAGES / f"{name}.py").read_text(encoding="utf-8")
