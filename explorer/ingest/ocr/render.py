"""Render one PDF page to a greyscale image for OCR (pypdfium2), with the scale back to PDF points.

The page is rendered as displayed (its /Rotate applied), so OCR boxes map to top-down points of the displayed page
by a single factor: points = pixels × 72 / dpi.
"""

from __future__ import annotations

from PIL import Image


def open_doc(pdf):
    """A pypdfium2 document from bytes or an already open document (returned as is, with owned=False)."""
    import pypdfium2 as pdfium

    if isinstance(pdf, pdfium.PdfDocument):
        return pdf, False
    return pdfium.PdfDocument(pdf), True


def render_page(doc, index: int, dpi: int = 300) -> Image.Image:
    page = doc[index]
    scale: float = dpi / 72
    try:
        bitmap = page.render(scale=scale, grayscale=True)
        img = bitmap.to_pil()
    finally:
        page.close()
    return img.convert("L") if img.mode != "L" else img


def page_has_text(doc, index: int) -> bool:
    page = doc[index]
    try:
        tp = page.get_textpage()
        try:
            return tp.count_chars() > 0
        finally:
            tp.close()
    finally:
        page.close()
