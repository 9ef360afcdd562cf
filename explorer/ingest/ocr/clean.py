"""Image clean-up before OCR: table rules removed, small rotations (scanner skew) straightened.

Table rules are the main cause of lost cells: Tesseract's page segmentation takes a ruled table for a picture and
drops or merges whole cells (measured on a scanned Kho bạc list: 8 of 12 amounts read with the rules, 12 of 12
without). Rules are found as long runs of dark pixels (a 1-D opening: minimum then maximum filter over 1/25 of the
page width or height) and painted white.

Skew is estimated by the projection profile: the image, shrunk, is sheared by candidate angles and the angle whose
row sums have the sharpest profile wins (text lines and table rules line up with pixel rows only when level).
"""

from __future__ import annotations

from typing import cast

import numpy as np
from PIL import Image
from scipy import ndimage as ndi

DARK = 160  # grey level below which a pixel is ink
INK_LO, PAPER_HI = 90, 200  # normalised grey (pixel / local paper × 255): ≤ 90 ink, ≥ 200 paper (a shaded band is ~245)
RULE_FRACTION = 25  # a dark run longer than 1/25 of the page (~99 px at 300 dpi, 8 mm) is a rule: shorter ones
# hit glyphs ("TT" in "STT" at 11 pt is a 55 px bar; at 1/60 it was erased and read "Sit")
SPECK = 6  # px: ink blobs smaller than this are noise (an i-dot at 7 pt and 300 dpi is ~16 px)
MIN_SKEW = 0.3  # degrees: smaller rotations are left alone (rotating costs time and blurs glyphs)
MAX_SKEW = 3.0  # degrees searched either way


def otsu(a: np.ndarray) -> int:
    """Otsu's threshold of a greyscale array (the grey level that best splits ink from paper)."""
    hist = np.bincount(a.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    w0 = np.cumsum(hist)
    m = np.cumsum(hist * np.arange(256))
    w1 = total - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (m[-1] * w0 / total - m) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = 0
    return int(np.argmax(between))


def normalize(img: Image.Image) -> Image.Image:
    """Ink on white paper: each pixel divided by its local paper brightness (the maximum over a window a few strokes
    wide), then the contrast stretched so that INK_LO and darker is black and PAPER_HI and lighter is white. Scanner
    noise, grey paper, JPEG halos and shaded table headers go white; glyph edges keep their grey levels (a hard
    threshold broke the bold header of a VBSP scan into pieces Tesseract could not read). Without this, Tesseract's
    own thresholding left the single-digit STT column of a noisy scan unread ('oA', '&', 'M' for 'STT', '1', '2')."""
    a = np.asarray(img).astype(np.float32)
    k = max(int(round(a.shape[1] / 80)), 15)  # ~31 px at 300 dpi on A4
    bg = ndi.maximum_filter1d(ndi.maximum_filter1d(a, k, axis=0), k, axis=1)
    norm = a * 255.0 / np.maximum(bg, 1.0)
    return Image.fromarray(np.clip((norm - INK_LO) * (255.0 / (PAPER_HI - INK_LO)), 0, 255).astype(np.uint8))


def _rules(dark: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Runs of at least k dark pixels along `axis` (a 1-D opening)."""
    return ndi.maximum_filter1d(ndi.minimum_filter1d(dark, k, axis=axis), k, axis=axis)


def remove_rules(img: Image.Image) -> Image.Image:
    """Table rules (and the specks they leave) painted white, on a black-and-white image."""
    a = np.asarray(img)
    dark = (a < DARK).astype(np.uint8)
    kh, kv = max(a.shape[1] // RULE_FRACTION, 20), max(a.shape[0] // RULE_FRACTION, 20)
    mask = (_rules(dark, kh, 1) | _rules(dark, kv, 0)).astype(bool)
    out = a.copy()
    if mask.any():
        mask = ndi.maximum_filter(mask.astype(np.uint8), size=3).astype(bool)
        out[mask] = 255
    # specks left by broken rules, shaded bands and scanner dust
    # without an `output` array, label returns (labels, count); scipy's stubs also allow a bare count
    lab, n = cast(tuple[np.ndarray, int], ndi.label(out < DARK))
    if n:
        sizes = np.bincount(lab.ravel())
        small = sizes < SPECK
        small[0] = False
        out[small[lab]] = 255
    return Image.fromarray(out)


def _profile_score(dark: np.ndarray, angle: float) -> float:
    """Sharpness of the row profile after shearing columns by tan(angle) (a cheap stand-in for a rotation)."""
    h, w = dark.shape
    shift = np.round(np.arange(w) * np.tan(np.radians(angle))).astype(int)
    shift -= shift.min()
    rows = np.zeros(h + shift.max() + 1)
    ys, xs = np.nonzero(dark)
    np.add.at(rows, ys + shift[xs], 1)
    d = np.diff(rows)
    return float((d * d).sum())


def estimate_skew(img: Image.Image) -> float:
    """The page's skew in degrees, counter-clockwise positive (PIL's Image.rotate(a) makes a level page skew a)."""
    small = img.copy()
    small.thumbnail((900, 900))
    dark = np.asarray(small) < DARK
    if dark.sum() < 200:
        return 0.0
    best, best_a = -1.0, 0.0
    for a in np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25):
        s = _profile_score(dark, a)
        if s > best:
            best, best_a = s, a
    for a in np.arange(best_a - 0.2, best_a + 0.2 + 1e-9, 0.05):
        s = _profile_score(dark, a)
        if s > best:
            best, best_a = s, a
    return round(float(best_a), 2)


def deskew(img: Image.Image) -> tuple[Image.Image, float]:
    """The image turned level (about its centre, same size), and the angle that was corrected."""
    angle = estimate_skew(img)
    if abs(angle) <= MIN_SKEW:
        return img, 0.0
    return img.rotate(-angle, resample=Image.Resampling.BICUBIC, fillcolor=255), angle
