"""`python -m explorer import FILE --account NUMBER …`: import one statement file from the command line.

Exit codes: 0 imported (or already imported: 0 lines added; or a --dry-run that would import), 1 nothing
imported (the reason on stderr, one line), 2 bad command line. `--json` prints exactly one JSON object on
stdout; progress bars go to stderr. The report says which layout matched and why, lines added and already
present, rows set aside and flagged, gaps in the running balance, and printed vs parsed figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from explorer.db.engine import DatabaseError, create_schema, make_engine
from explorer.ingest.errors import StatementImportError
from explorer.ingest.importer import Statement, read_statement, write_statement
from explorer.ingest.layouts import LAYOUTS, parse_mapping
from explorer.ingest.normalise import CellError, amount
from explorer.ingest.policy import DEFAULT_MAX_SET_ASIDE, Policy
from explorer.ingest.report import channel_counts, report_text


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of argparse's usage block and exit
        raise UsageError(message)


def _mapping(text: str) -> dict[str, str]:
    try:
        return parse_mapping(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _count(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(text)


def _money(text: str) -> int:
    try:
        value = amount(text, "expected credit")
    except CellError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None
    if value is None:
        raise argparse.ArgumentTypeError("empty amount")
    return value


def _share(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share (0.005 or 0.5%)") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 1 (or 0% and 100%)")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m explorer import", description="Import a bank statement (sao kê) file.")
    p.add_argument("file", type=Path, help="CSV, TSV, XLSX, Parquet or text PDF statement file")
    p.add_argument("--account", help="account number the statement belongs to (default: the one the file names)")
    p.add_argument("--bank", help="bank of the account (default: from the layout or the file)")
    p.add_argument("--holder", help="account holder, used when the account is created")
    p.add_argument("--layout", choices=["auto", *LAYOUTS], default="auto", help="default: detected from the file")
    p.add_argument(
        "--map",
        dest="column_map",
        type=_mapping,
        help="generic layout columns, e.g. 'date=Ngay,credit=Co,debit=No,description=Noi dung'",
    )
    p.add_argument("--expected-rows", type=_count, help="number of transactions the charity published")
    p.add_argument("--expected-credit", type=_money, help="incoming total the charity published (đồng)")
    p.add_argument("--currency", help="ISO code of the statement's currency (default: what the file says, else VND)")
    p.add_argument(
        "--max-set-aside",
        type=_share,
        default=DEFAULT_MAX_SET_ASIDE,
        help="share of unreadable rows set aside before the file is refused "
        f"(default {DEFAULT_MAX_SET_ASIDE * 100:g}%%)",
    )
    p.add_argument("--strict", action="store_true", help="refuse the file if any row cannot be read")
    p.add_argument("--dry-run", action="store_true", help="read and check the file, report, write nothing")
    p.add_argument("--db", help="database URL (default: the deployment's settings)")
    p.add_argument("--json", action="store_true", help="print one JSON object with the result")
    return p


def _progress_bars():
    """A progress callback drawing one tqdm bar per stage on stderr, and a function closing them."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            for other in bars.values():
                other.close()
            bar = bars[stage] = tqdm(
                total=total, desc=stage, unit=" rows", file=sys.stderr, disable=None, mininterval=0.5, unit_scale=True
            )
        bar.update(done - bar.n)

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return progress, close


def _dry_summary(statement: Statement) -> dict:
    return {
        "layout": statement.layout.name,
        "sha256": statement.sha256,
        "rows": statement.rows,
        "lines": len(statement.parsed.lines),
        "set_aside": len(statement.parsed.set_aside),
        "flagged": statement.flagged,
        "gaps": len(statement.gaps),
        "reconciled": statement.reconciled,
        "credit_total": statement.credit_total,
        "debit_total": statement.debit_total,
        "currency": statement.currency,
        "dry_run": True,
    }


def main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(f"error: {exc} (see: python -m explorer import --help)", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    progress, close = _progress_bars()
    try:
        url = args.db
        if not url:
            from explorer.settings import load_settings

            url = load_settings().database_url
        try:
            data = args.file.read_bytes()
        except OSError as exc:
            raise StatementImportError.single(args.file.name, f"cannot read the file: {exc.strerror or exc}") from None
        statement = read_statement(
            data,
            args.file.name,
            account=args.account,
            layout=None if args.layout == "auto" else args.layout,
            column_map=args.column_map,
            expected_rows=args.expected_rows,
            expected_credit=args.expected_credit,
            currency=args.currency,
            policy=Policy(args.max_set_aside, args.strict),
            progress=progress,
        )
        result = None
        if not args.dry_run:
            engine = make_engine(url)
            create_schema(engine)  # an empty database gets its tables: a newcomer can import straight away
            result = write_statement(
                engine, statement, account=args.account, bank=args.bank, holder=args.holder, progress=progress
            )
    except StatementImportError as exc:
        close()
        print(f"error: nothing imported — {exc.summary()}", file=sys.stderr)
        return 1
    except DatabaseError as exc:
        close()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        close()
        print("interrupted: nothing imported", file=sys.stderr)
        return 130
    except Exception as exc:  # the CLI promises a message, never a traceback
        close()
        print(f"error: nothing imported — unexpected {type(exc).__name__}: {str(exc)[:300]}", file=sys.stderr)
        return 1
    close()
    if args.json:
        summary = result.summary() if result else _dry_summary(statement)
        summary["channels"] = channel_counts(statement)  # lines per channel read from the memos
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(report_text(statement, result))
    return 0
