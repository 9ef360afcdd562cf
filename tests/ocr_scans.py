"""Scanned versions of the generated statements: each page rendered, turned a little, noised, JPEG-compressed and
wrapped back into an image-only PDF (what a charity's printed-and-scanned statement looks like)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def scan(
    pdf_bytes: bytes,
    *,
    dpi: int = 200,
    angle: float = 0.7,
    noise: float = 12.0,
    jpeg: int = 55,
    seed: int = 1,
    pages: list[int] | None = None,
) -> bytes:
    """An image-only PDF of `pdf_bytes`' pages (all, or the 0-based `pages`), as a scanner would make it: each page
    rendered at `dpi`, turned by `angle` degrees (counter-clockwise; the sign alternates page by page), grey paper
    with Gaussian noise of `noise` grey levels, JPEG at `quality` `jpeg`."""
    import pypdfium2 as pdfium

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(pdf_bytes)
    imgs = []
    try:
        for i in pages if pages is not None else range(len(doc)):
            page = doc[i]
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            if angle:
                img = img.rotate(angle if len(imgs) % 2 == 0 else -angle, resample=Image.BICUBIC, fillcolor=255)
            arr = np.asarray(img).astype(np.float32)
            arr = arr * 0.9 + 12 + rng.normal(0, noise, arr.shape)  # grey paper, sensor noise
            img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=jpeg)
            imgs.append(Image.open(io.BytesIO(buf.getvalue())))
    finally:
        doc.close()
    out = io.BytesIO()
    imgs[0].save(out, format="PDF", save_all=True, append_images=imgs[1:], resolution=float(dpi))
    return out.getvalue()
