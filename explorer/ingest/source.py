"""File bytes → a grid of cells: encoding, delimiter and file type are found here, never guessed later.

Row numbers everywhere in the importer are the row a spreadsheet program shows for that record: the first
record of the file is row 1 (a header, a title line or — in headerless files — the first transaction), and a
CSV memo wrapped over several text lines is still one row. For Parquet the column names count as row 1.
An XLSX workbook is read from its first sheet; formulas count with the result the file saved for them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from explorer.ingest.errors import Problem, StatementImportError
from explorer.ingest.normalise import UnsavedFormula

DELIMITERS = (",", ";", "\t", "|")
SNIFF_LINES = 40


@dataclass
class Grid:
    """Cells by column (fast to walk two million rows with zip); '' for an empty cell."""

    columns: list[list[object]]
    kind: str  # csv | xlsx | parquet
    delimiter: str | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)  # what the reader had to do ('decoded as Windows-1258')

    @property
    def nrows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def row(self, index: int) -> list[object]:
        return [col[index] for col in self.columns]

    @staticmethod
    def row_number(index: int) -> int:
        return index + 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_grid(data: bytes, name: str) -> Grid:
    """Read a CSV/TXT, XLSX or Parquet file's cells; StatementImportError if it is none of them."""
    if not data or data.isspace():
        raise StatementImportError.single(name, "the file is empty")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, name)
    if data.startswith(b"PAR1"):
        return _read_parquet(data, name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise StatementImportError.single(name, "this is an old binary .xls workbook: save it as .xlsx or CSV first")
    text, encoding = decode(data, name)
    return _read_csv(text, name, encoding)


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM), UTF-16 (BOM or not), else Windows-1258 (Vietnamese ANSI)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name), "utf-16"
    if b"\x00" in data[:4096]:
        sample = data[:4096]
        if sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) == 0:
            return _strict(data, "utf-16-le", name), "utf-16-le"
        if sample[0::2].count(0) > len(sample) // 4 and sample[1::2].count(0) == 0:
            return _strict(data, "utf-16-be", name), "utf-16-be"
        raise StatementImportError.single(name, "this is a binary file, not a statement (CSV, XLSX or Parquet)")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Windows-1258 writes Vietnamese tones as combining marks: compose them so 'Số' matches 'Số'.
        text, encoding = unicodedata.normalize("NFC", _strict(data, "cp1258", name)), "cp1258"
    text = text.lstrip("\ufeff")
    controls = sum(1 for ch in text[:20_000] if ch < " " and ch not in "\t\r\n")
    if controls > 10:
        raise StatementImportError.single(name, "this is a binary file, not a statement (CSV, XLSX or Parquet)")
    return text, encoding


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise StatementImportError.single(
            name, f"the text is not valid {encoding} at byte {exc.start:,}: a damaged or binary file?"
        ) from None


def sniff_delimiter(text: str) -> tuple[str, int]:
    """(delimiter, fields per row): the candidate that splits the first rows most consistently into most fields."""
    # Lines are cut short: a huge cell must not trip the csv module's field limit while sniffing.
    sample = [line[:5000] for line in text[:200_000].splitlines(keepends=True)[:SNIFF_LINES]]
    best = (",", 1, -1.0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(sample, delimiter=delim) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not counts:
            continue
        width = max(set(counts), key=lambda w: (counts.count(w), w))
        score = counts.count(width) / len(counts) if width > 1 else 0.0
        if (score, width) > (best[2], best[1]):
            best = (delim, width, score)
    return best[0], best[1]


def _read_csv(text: str, name: str, encoding: str) -> Grid:
    delim, width = sniff_delimiter(text)
    try:
        # dtype=object: plain Python strings straight from the C parser (no Arrow round trip), '' when empty.
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delim,
            header=None,
            names=range(width),
            dtype=object,
            keep_default_na=False,
            skip_blank_lines=False,
            quotechar='"',
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise StatementImportError.single(name, _csv_reason(str(exc), width)) from None
    _refuse_cut_last_row(text, delim, width, len(frame), name)
    grid = Grid([col.tolist() for _, col in frame.items()], "csv", delimiter=delim, encoding=encoding)
    if encoding != "utf-8":
        grid.notes.append(f"decoded as {encoding}")
    return grid


def _refuse_cut_last_row(text: str, delim: str, width: int, rows: int, name: str) -> None:
    """A file that stops inside its last row, short of fields and with no line end, was cut (an interrupted
    download): the rows after it are lost and nothing could count them, so the file is refused, not read."""
    if text.endswith(("\n", "\r")):
        return
    last = text.rsplit("\n", 1)[-1]
    fields = next(csv.reader([last], delimiter=delim), [])
    if 1 < len(fields) < width:
        raise StatementImportError(
            name,
            [
                Problem(
                    rows,
                    None,
                    f"the file ends inside this row ({len(fields)} of {width} fields, no line end): it looks cut off"
                    " — download it again",
                )
            ],
        )


def _csv_reason(message: str, width: int) -> str:
    if "EOF inside string" in message:
        return "a quoted cell is never closed: the file is truncated or a memo contains a stray quote"
    if "Expected" in message and "fields" in message:
        detail = message.split("C error:")[-1].strip()
        return (
            f"{detail} (rows have {width} fields): a row with extra separators — the wrong delimiter or an "
            "unquoted separator inside a memo"
        )
    return f"cannot read the file as CSV: {message.strip().splitlines()[0]}"


def _read_xlsx(data: bytes, name: str) -> Grid:
    try:
        frame = pd.read_excel(io.BytesIO(data), header=None, dtype=object, sheet_name=0)
        formulas = _formula_cells(data)
    except Exception as exc:  # zip, XML and openpyxl raise many types on a damaged workbook
        raise StatementImportError.single(
            name, f"cannot read the Excel workbook (damaged or truncated?): {type(exc).__name__}: {exc}"[:300]
        ) from None
    columns = [[_cell(v) for v in col.tolist()] for _, col in frame.items()]
    for (r, c), formula in formulas.items():
        while c >= len(columns):
            columns.append([""] * len(frame))
        if r < len(frame) and columns[c][r] == "":
            columns[c][r] = UnsavedFormula(formula)
    return Grid(columns, "xlsx")


def _formula_cells(data: bytes) -> dict[tuple[int, int], str]:
    """Formulas on the first sheet (pandas reads their saved results; a formula never computed has none)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        return {
            (cell.row - 1, cell.column - 1): str(cell.value)
            for row in sheet.iter_rows()
            for cell in row
            if getattr(cell, "data_type", None) == "f" and cell.row and cell.column  # an empty cell has no place
        }
    finally:
        book.close()


def _read_parquet(data: bytes, name: str) -> Grid:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises many types on a damaged file
        raise StatementImportError.single(name, f"cannot read the Parquet file: {exc}"[:300]) from None
    columns = [[str(label)] + [_cell(v) for v in col.tolist()] for label, col in frame.items()]
    return Grid(columns, "parquet")


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value
