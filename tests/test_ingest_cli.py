"""`python -m explorer import …`: one JSON object with --json, exit codes, one-line errors, never a traceback."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from explorer.db.engine import make_engine
from explorer.ingest import parse_mapping
from explorer.ingest.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))
KEYS = {
    "layout",
    "sha256",
    "rows",
    "added",
    "skipped",
    "credit_total",
    "debit_total",
    "already_present",
    "set_aside",
    "flagged",
    "gaps",
    "reconciled",
    "currency",
    "channels",
}


@pytest.fixture()
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"  # the CLI creates the schema of an empty database itself


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_one_object_with_the_published_numbers(capsys, db):
    code, out, err = run(
        capsys,
        str(FIXTURES / "vbsp_sheet.xlsx"),
        "--account",
        "1000009990001234",
        "--db",
        db,
        "--json",
        "--expected-rows",
        "200",
        "--expected-credit",
        "128.230.000",
    )
    assert code == 0, err
    assert out.count("\n") == 1
    result = json.loads(out)
    assert set(result) == KEYS
    expected = EXPECTED["vbsp_sheet.xlsx"]
    assert (result["layout"], result["rows"], result["added"], result["skipped"]) == ("vbsp", 200, 200, 2)
    assert (result["credit_total"], result["debit_total"]) == (expected["credit_total"], expected["debit_total"])
    code, out, _ = run(capsys, str(FIXTURES / "vbsp_sheet.xlsx"), "--account", "1000009990001234", "--db", db, "--json")
    assert code == 0 and json.loads(out)["added"] == 0


def test_human_report_and_options(capsys, db):
    code, out, err = run(
        capsys,
        str(FIXTURES / "vietinbank.csv"),
        "--account",
        "111602391111",
        "--db",
        db,
        "--bank",
        "VietinBank",
        "--holder",
        "Quỹ mẫu",
        "--layout",
        "vietinbank",
    )
    assert code == 0, err
    assert "300 transaction rows" in out and "300 added, 0 already present, 0 set aside" in out
    assert "credit 255,144,456 đ" in out
    with make_engine(db).connect() as conn:
        assert conn.execute(text("SELECT holder_name, bank FROM accounts")).one() == ("Quỹ mẫu", "VietinBank")


def test_the_account_comes_from_the_file_when_not_given(capsys, db):
    code, out, err = run(capsys, str(FIXTURES / "vbsp_sheet.xlsx"), "--db", db, "--json")
    assert code == 0, err
    with make_engine(db).connect() as conn:
        assert conn.execute(text("SELECT number, bank FROM accounts")).one() == ("1000009990001234", "VBSP")
    assert json.loads(out)["rows"] == 200


def test_dry_run_writes_nothing_and_reports(capsys, db, tmp_path):
    code, out, err = run(
        capsys,
        str(FIXTURES / "vietinbank.csv"),
        "--account",
        "111602391111",
        "--db",
        db,
        "--bank",
        "VietinBank",
        "--dry-run",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out) | {"sha256": ""} == {
        "layout": "vietinbank",
        "sha256": "",
        "rows": 300,
        "lines": 300,
        "set_aside": 0,
        "flagged": 0,
        "gaps": 0,
        "reconciled": None,
        "credit_total": 255_144_456,
        "debit_total": 0,
        "currency": "VND",
        "dry_run": True,
        "channels": {"unknown": 300},  # VietinBank's memos here name no channel
    }
    assert (
        not Path(db.removeprefix("sqlite:///")).exists()
        or "statement_lines" not in inspect(make_engine(db)).get_table_names()
    )


def test_generic_mapping_option(capsys, db, tmp_path):
    path = tmp_path / "own.csv"
    path.write_text(
        "Ngày;Có;Nội dung\n10/09/2024;100.000;NGUYEN VAN AN ung ho\n11/09/2024;50.000;ung ho\n", encoding="utf-8"
    )
    code, out, err = run(
        capsys,
        str(path),
        "--account",
        "1234",
        "--bank",
        "MB",
        "--db",
        db,
        "--json",
        "--map",
        "date=Ngay,credit=Co,description=Noi dung",
    )
    assert code == 0, err
    assert json.loads(out) | {"sha256": ""} == {
        "layout": "generic",
        "sha256": "",
        "rows": 2,
        "added": 2,
        "skipped": 0,
        "credit_total": 150_000,
        "debit_total": 0,
        "already_present": 0,
        "set_aside": 0,
        "flagged": 0,
        "gaps": 0,
        "reconciled": None,
        "currency": "VND",
        "channels": {"unknown": 2},
    }


def test_default_database_comes_from_settings(capsys, db, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATABASE_URL", db)
    code, out, err = run(capsys, str(FIXTURES / "agribank_no_header.csv"), "--account", "8300333385555", "--json")
    assert code == 0, err
    assert json.loads(out)["rows"] == 250
    with make_engine(db).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM statement_lines")).scalar_one() == 250


@pytest.mark.parametrize(
    "argv, code, phrase",
    [
        ([str(FIXTURES / "vbsp_sheet.xlsx"), "--account", "999"], 1, "statement of account 1000009990001234"),
        (
            [str(FIXTURES / "vbsp_sheet.xlsx"), "--account", "1000009990001234", "--expected-rows", "201"],
            1,
            "201 expected",
        ),
        (["missing.csv", "--account", "1234"], 1, "cannot read the file"),
        ([str(FIXTURES / "vietinbank.csv")], 1, "does not name its account: give the account number"),
        ([str(FIXTURES / "vbsp_sheet.xlsx"), "--account", "1", "--map", "colour=red"], 2, "unknown role"),
        ([str(FIXTURES / "vbsp_sheet.xlsx"), "--account", "1", "--expected-rows", "many"], 2, "not a whole number"),
        ([str(FIXTURES / "vbsp_sheet.xlsx"), "--account", "1", "--expected-credit", "lots"], 2, "not an amount"),
        ([str(FIXTURES / "vbsp_sheet.xlsx"), "--account", "1", "--layout", "bidv"], 2, "invalid choice"),
    ],
)
def test_errors_are_one_clear_line(capsys, db, argv, code, phrase):
    got, out, err = run(capsys, *argv, "--db", db)
    assert got == code
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and phrase in err, err
    assert "Traceback" not in err


def test_bad_database_url_is_a_clear_error(capsys):
    code, out, err = run(
        capsys, str(FIXTURES / "vbsp_sheet.xlsx"), "--account", "1000009990001234", "--db", "mysql://nobody@nowhere/x"
    )
    assert code == 1 and err.startswith("error: ") and "Unsupported database" in err and err.count("\n") == 1


def test_mapping_option_is_checked():
    assert parse_mapping("date=Ngay, credit=Co,description=Noi dung") == {
        "date": "Ngay",
        "credit": "Co",
        "description": "Noi dung",
    }
    for bad in ("credit=Co", "date=Ngay", "date=Ngay,colour=x,credit=Co", "date", "date=Ngay,amount=A,credit=C"):
        with pytest.raises(ValueError):
            parse_mapping(bad)


def test_help_exits_cleanly(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "--expected-rows" in out


def test_no_bad_input_file_gives_a_traceback(capsys, db, tmp_path):
    spec = importlib.util.spec_from_file_location("bad_input_cases", Path(__file__).parent / "test_ingest_bad_input.py")
    cases = sys.modules.setdefault("bad_input_cases", importlib.util.module_from_spec(spec))
    spec.loader.exec_module(cases)  # the generated bad files, whatever pytest's import mode

    for case in cases.CASES:
        path = tmp_path / "bad.csv"
        path.write_bytes(case.data)
        argv = [str(path), "--account", case.options["account"], "--db", db]
        if case.aside:  # strict: the one unreadable row refuses the file, as in the library test
            argv.append("--strict")
        for option in ("layout", "expected_rows", "expected_credit", "bank"):
            if case.options.get(option) is not None:
                argv += [f"--{option.replace('_', '-')}", str(case.options[option])]
        if case.options.get("column_map"):
            argv += ["--map", ",".join(f"{k}={v}" for k, v in case.options["column_map"].items())]
        code, out, err = run(capsys, *argv)
        assert "Traceback" not in err, case.name
        if case.error is None:
            assert code == 0, (case.name, err)
        else:
            assert code == 1 and err.count("\n") == 1 and "bad.csv" in err, (case.name, err)


def test_real_entry_point(tmp_path):
    """Through `python -m explorer import` in a fresh interpreter: stdout is only the JSON object."""
    db = f"sqlite:///{tmp_path / 'sub.sqlite'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "explorer",
            "import",
            str(FIXTURES / "vcb_daily_export.csv"),
            "--account",
            "0019990004321",
            "--db",
            db,
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    result = json.loads(ok.stdout)
    assert result["rows"] == 400 and result["debit_total"] == EXPECTED["vcb_daily_export.csv"]["debit_total"]
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "explorer",
            "import",
            str(FIXTURES / "vcb_daily_export.csv"),
            "--account",
            "0019990004321",
            "--db",
            db,
            "--layout",
            "agribank",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.startswith("error: ") and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_json_counts_the_channels_the_memos_show(capsys, db):
    """The channel counts of --json are the lines written per channel; the VCB export's 'MBVCB.' memos are
    transfers and the rest say nothing of their channel."""
    text_lines = (FIXTURES / "vcb_daily_export.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    transfers = sum(line.split(",", 6)[6].startswith("MBVCB.") for line in text_lines)
    code, out, err = run(
        capsys, str(FIXTURES / "vcb_daily_export.csv"), "--account", "0019990004321", "--db", db, "--json"
    )
    assert code == 0, err
    channels = json.loads(out)["channels"]
    engine = make_engine(db)
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT channel, COUNT(*) FROM statement_lines GROUP BY channel")).all())
    engine.dispose()
    assert channels == stored and sum(channels.values()) == len(text_lines)
    assert channels["transfer"] == transfers and transfers > 100
