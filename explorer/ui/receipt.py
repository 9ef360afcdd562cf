"""A printable confirmation of a donation found on the Verify page: one self-contained HTML page (no scripts, no
outside files) that prints on one sheet, with the matched line, its date, amount and account, the sender's name
masked, when it was checked and the link that repeats the check. Pure: the page passes words already translated.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from explorer.text import fold, mask_name

_STYLE = """body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; color: #111; }
h1 { font-size: 1.4rem; } table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #ccc; vertical-align: top; }
th { width: 38%; color: #333; } .note { font-size: .85rem; color: #444; margin-top: 1rem; }
@media print { body { margin: 0; } a { color: #111; } }"""


def confirmation_html(
    fields: Mapping[str, str], *, title: str, sender_label: str, sender: object, note: str, lang: str
) -> str:
    """`fields`: {label: value} in the order shown (line id, date, amount, account, memo, checked at, link);
    the sender's name is masked here, so an unmasked name cannot reach the page by mistake."""
    rows = [(k, masked_in(str(v), sender)) for k, v in fields.items()]  # a memo often repeats the name
    rows.insert(min(3, len(rows)), (sender_label, mask_name(sender) or "—"))
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return (
        f'<!doctype html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1><table>{body}</table>"
        f'<p class="note">{html.escape(note)}</p></body></html>'
    )


def masked_in(text: str, sender: object) -> str:
    """`text` with every word of the sender's name masked as mask_name does (accents and case ignored). No sender
    (None, or NaN as pandas reads a NULL) masks nothing: str(NaN) would have masked every 'nạn' as a name."""
    names = {fold(w) for w in (sender.split() if isinstance(sender, str) else ()) if len(w) > 1}
    return " ".join(mask_name(w) if fold(w) in names else w for w in text.split(" "))
