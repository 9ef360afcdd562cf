"""Importing published bank statements (sao kê) with provenance. Pure Python: no Streamlit here.

    from explorer.ingest import import_file
    result = import_file(engine, "sao_ke.csv", account="0019990004321")

Layouts: vcb_daily, vcb_thong_ke, vietinbank, agribank, vbsp (detected from the file) and generic (any
CSV/XLSX/Parquet with an explicit column mapping). Every stored line keeps the file's SHA-256, its row and
the layout; `source_row` is the row a spreadsheet program shows for the record (see ingest/source.py).
An import validates the whole file first and writes in one transaction: all or nothing, and importing
the same file into the same account again adds no lines.
"""
from explorer.ingest.errors import Problem, StatementImportError
from explorer.ingest.importer import ImportResult, Statement, import_file, import_statement, read_statement, write_statement
from explorer.ingest.layouts import LAYOUTS, parse_mapping

__all__ = ["LAYOUTS", "ImportResult", "Problem", "Statement", "StatementImportError", "import_file",
           "import_statement", "parse_mapping", "read_statement", "write_statement"]
