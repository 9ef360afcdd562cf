"""Every statement layout the importer reads, and how a file's layout is recognised."""

from __future__ import annotations

from explorer.ingest.layouts.agribank import AGRIBANK
from explorer.ingest.layouts.base import Context, Layout, Parsed
from explorer.ingest.layouts.generic import GENERIC, parse_mapping
from explorer.ingest.layouts.headed import VCB_DAILY, VCB_THONG_KE, VIETINBANK
from explorer.ingest.layouts.vbsp import VBSP
from explorer.ingest.source import Grid

# Detection order: the most specific signatures first; generic is only ever chosen explicitly.
LAYOUTS: dict[str, Layout] = {
    layout.name: layout for layout in (VCB_DAILY, VCB_THONG_KE, VIETINBANK, VBSP, AGRIBANK, GENERIC)
}


def detect_layout(grid: Grid) -> tuple[Layout, float, str] | None:
    """(layout, score, why) of the best-scoring layout that recognises the file; ties go to the earlier one."""
    best = None
    for layout in LAYOUTS.values():
        found = layout.recognise(grid)
        if found and (best is None or found[0] > best[1]):
            best = (layout, found[0], found[1])
    return best


__all__ = ["LAYOUTS", "Context", "Layout", "Parsed", "detect_layout", "parse_mapping"]
