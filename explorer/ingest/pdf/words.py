"""Words and text lines of a PDF page, built from pypdfium2 character boxes.

pypdfium2 was chosen by measurement: on a 33-page Agribank statement pdfplumber's extract_words took 2.4 s (14
pages/s) where reading every character box through pypdfium2 took 0.14 s (230 pages/s). Words are runs of
characters in stream order that touch horizontally (gap ≤ X_TOLERANCE, the same 1.5 pt as pdfplumber's
x_tolerance) on the same baseline; split glyph runs ("1" + "00.000.000" written as two text objects a hair apart)
are joined afterwards on each line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

X_TOLERANCE = 1.5  # pt: characters closer than this belong to one word
JOIN_GAP = 1.0  # pt: two words on one line closer than this are one split glyph run

_BREAK = {" ", "\t", "\r", "\n", "\x00", "\x02", "\u00a0", "\u3000"}
_FIX = str.maketrans({"\ufffe": "-", "\u00ad": "-", "\u2010": "-", "\u2011": "-"})


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    xs: list[float] = field(default_factory=list)  # x0 of every character, to cut glued words at the right place
    glued: bool = False  # cut out of a longer word ('418/9/2024' → '18/9/2024')
    note: str | None = None  # a doubt found while cutting, shown as the record's flag

    @property
    def mid(self) -> float:
        """Vertical position for row matching: the box bottom (stacked Vietnamese diacritics move the top)."""
        return self.bottom

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def cut(self, i: int) -> tuple[Word, Word]:
        """Split before character i."""
        xs = self.xs if len(self.xs) == len(self.text) else _spread(self)
        a = Word(self.text[:i], self.x0, xs[i], self.top, self.bottom, xs[:i])
        b = Word(self.text[i:], xs[i], self.x1, self.top, self.bottom, xs[i:])
        return a, b


def _spread(w: Word) -> list[float]:
    n = max(len(w.text), 1)
    step = (w.x1 - w.x0) / n
    return [w.x0 + k * step for k in range(n)]


@dataclass(slots=True)
class TextLine:
    words: list[Word]
    top: float
    bottom: float
    index: int = 0  # 1-based line number on its page
    mid: float = 0.0  # vertical position: the median bottom of its words (set on creation)

    def __post_init__(self) -> None:
        bs = sorted(w.bottom for w in self.words)
        self.mid = bs[len(bs) // 2] if bs else self.bottom

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def page_words(page) -> tuple[list[Word], str]:
    """Words of one pypdfium2 page, in top-down coordinates (like pdfplumber's `top`), and the page's text stream."""
    height = page.get_height()
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        if n == 0:
            return [], ""
        text = tp.get_text_range(0, n)
        box = tp.get_charbox
        words: list[Word] = []
        cur: list = []  # [chars, x0, x1, top, bottom, xs]
        for i, ch in enumerate(text[:n]):
            if ch in _BREAK or ch.isspace() or ch < " ":
                if cur:
                    words.append(_word(cur))
                    cur = []
                continue
            left, bottom, right, top = box(i, loose=True)
            t, b = height - top, height - bottom
            if cur and (
                left - cur[2] > X_TOLERANCE
                or cur[1] - left > X_TOLERANCE * 4
                or abs((t + b) / 2 - (cur[3] + cur[4]) / 2) > (b - t) * 0.3
            ):
                words.append(_word(cur))
                cur = []
            if not cur:
                cur = [[ch], left, right, t, b, [left]]
            else:
                cur[0].append(ch)
                cur[2] = max(cur[2], right)
                cur[3] = min(cur[3], t)
                cur[4] = max(cur[4], b)
                cur[5].append(left)
        if cur:
            words.append(_word(cur))
        return words, text
    finally:
        tp.close()


def _word(cur) -> Word:
    return Word("".join(cur[0]).translate(_FIX), cur[1], cur[2], cur[3], cur[4], cur[5])


def group_lines(words: Sequence[Word]) -> list[TextLine]:
    """Words → text lines by vertical centre; each line's words left to right, split glyph runs joined."""
    if not words:
        return []
    words = sorted(words, key=lambda w: w.mid)
    lines: list[list[Word]] = []
    mids: list[float] = []
    for w in words:
        tol = max(2.0, w.height * 0.3)
        if lines and abs(w.mid - mids[-1]) <= tol:
            lines[-1].append(w)
            k = len(lines[-1])
            mids[-1] += (w.mid - mids[-1]) / k
        else:
            lines.append([w])
            mids.append(w.mid)
    out = []
    for ws in lines:
        ws.sort(key=lambda w: w.x0)
        ws = _join_runs(ws)
        out.append(TextLine(ws, min(w.top for w in ws), max(w.bottom for w in ws)))
    for i, ln in enumerate(out, 1):
        ln.index = i
    return out


_DIGITISH = re.compile(r"[\d.,]")


def _join_runs(ws: list[Word]) -> list[Word]:
    out = [ws[0]]
    for w in ws[1:]:
        p = out[-1]
        gap = w.x0 - p.x1
        if -0.5 <= gap <= JOIN_GAP and (_DIGITISH.match(w.text[0]) or len(p.text) == 1 or len(w.text) == 1):
            out[-1] = Word(
                p.text + w.text,
                p.x0,
                max(p.x1, w.x1),
                min(p.top, w.top),
                max(p.bottom, w.bottom),
                (p.xs if len(p.xs) == len(p.text) else _spread(p)) + (w.xs if len(w.xs) == len(w.text) else _spread(w)),
            )
        else:
            out.append(w)
    return out


# --- a broken embedded font (Vietcombank Quảng Ninh, LAYOUTS F) -------------------------------------------------
# Its headings come out of pypdfium2 shifted: ASCII by 29 code points ('6$2' = 'SAO') and the Vietnamese letters of
# U+1EA0–U+1EF9 down to U+04A4–U+04FD ('7әQJVӕ' = 'Tổng số'). Two Latin-1 letters are known (Ç = Ê, ¬ = À); the
# other Latin-1 letters of that font are not, so they stay as they are and the family's aliases avoid them.
_VOCAB = {
    "sao",
    "ke",
    "tai",
    "khoan",
    "so",
    "tien",
    "ghi",
    "no",
    "co",
    "ngay",
    "giao",
    "dich",
    "mo",
    "ta",
    "tham",
    "chieu",
    "du",
    "dau",
    "cuoi",
    "ky",
    "tong",
    "ngan",
    "hang",
    "chi",
    "nhanh",
    "loai",
    "ten",
    "khach",
    "dia",
    "tu",
    "den",
    "ma",
    "noi",
    "dung",
    "thoi",
    "gian",
    "phat",
    "sinh",
    "cong",
    "trang",
}
_LATIN1 = {"\u00c7": "\u00ca", "\u00ac": "\u00c0"}
_TAIL_NUMBER = re.compile(r"^(.*?)(\d[\d.,]*)$")
_NUMBERISH = re.compile(r"^[\d.,/:\-]+$")


def _unshift(text: str) -> str:
    out = []
    for c in text:
        o = ord(c)
        if c == " ":
            out.append(c)  # a separator added between words, not a character of the font
        elif 0x01 <= o <= 0x5D:
            out.append(chr(o + 29))
        elif 0x4A0 <= o <= 0x4FF:
            out.append(chr(o + 0x19FC))
        else:
            out.append(_LATIN1.get(c, c))
    return "".join(out)


def _vocab(text: str) -> tuple[int, int]:
    from explorer.text import fold

    toks = fold(text).replace(":", " ").split()
    return sum(1 for t in toks if t in _VOCAB), len(toks)


def repair_shifted(lines: list[TextLine]) -> int:
    """Rewrite, in place, the words of lines printed in the shifted font; returns how many lines were repaired."""
    fixed = 0
    todo: list[TextLine] = []
    for ln in lines:
        text = ln.text
        if not any(0x4A0 <= ord(c) <= 0x4FF or c in "$+" for c in text):
            continue  # every real example carries a shifted Vietnamese letter or 'A'/'H'
        hits, _ = _vocab(text)
        new_hits, n = _vocab(_unshift(text))
        if new_hits >= 2 and new_hits > hits and new_hits * 5 >= n * 2:
            todo.append(ln)
    if todo:  # the font is there: any other line with a shifted Vietnamese letter (Cyrillic range) is in it too
        todo += [ln for ln in lines if ln not in todo and any(0x4A0 <= ord(c) <= 0x4FF for c in ln.text)]
        for ln in todo:
            for w in ln.words:
                if _NUMBERISH.match(w.text):
                    continue  # numbers and dates are printed in a working font
                m = _TAIL_NUMBER.match(w.text)
                if m and m.group(1) and m.group(2).count(",") + m.group(2).count(".") >= 1:
                    w.text = _unshift(m.group(1)) + m.group(2)  # 'label:1,000,000': the digits are fine
                else:
                    w.text = _unshift(w.text)
            fixed += 1
    return fixed
