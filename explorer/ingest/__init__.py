"""Importing published bank statements (sao kê) with provenance. Pure Python: no Streamlit here.

    from explorer.ingest import import_file
    result = import_file(engine, "sao_ke.csv", account="0019990004321")

Sources: CSV/TSV, XLSX, Parquet and text PDFs (explorer.ingest.pdf, entering through pdf_source). Layouts:
vcb_daily, vcb_thong_ke, vietinbank, agribank, vbsp (the best header score wins; `layout` forces one) and
generic (any table with an explicit column mapping). Rows that cannot be read are set aside, doubtful ones
flagged (policy.py); gaps in the running balance and printed figures are findings (reconcile.py). A line is
identified by its content (identity.py), so a re-export or overlapping file adds only new lines; every
stored line keeps the file's SHA-256, page, row, layout and import. See docs/ARCHITECTURE.md ("How an import flows").
"""

from explorer.ingest.errors import Problem, StatementImportError
from explorer.ingest.importer import (
    ImportResult,
    Statement,
    import_file,
    import_statement,
    read_statement,
    write_statement,
)
from explorer.ingest.layouts import LAYOUTS, parse_mapping

__all__ = [
    "LAYOUTS",
    "ImportResult",
    "Problem",
    "Statement",
    "StatementImportError",
    "import_file",
    "import_statement",
    "parse_mapping",
    "read_statement",
    "write_statement",
]
