"""How a donation came, read from what the bank printed — only where the text shows it, `unknown` otherwise.

Bank memos are ASCII and mostly upper case. A memo says its channel through a prefix or a word the bank or the
wallet writes (`MOMO`, `ZALOPAY`, `VIETQR`, `IBFT`, `MBVCB.`, `LENH CHUYEN TIEN DINH KY` …); a memo that says
nothing of the kind is `unknown`: the channel is never guessed from the amount or the sender.
"""

from __future__ import annotations

import re

from explorer.text import fold

# (channel, pattern on the folded memo), first match wins: the most specific signals come first (a matching
# line names its giving day; a charity purchase prints items × amount; a standing order may go by IBFT).
RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (channel, re.compile(pattern))
    for channel, pattern in (
        ("matching", r"\b(doi ung|matching fund|quy doi ung)\b"),
        ("charity_purchase", r"\d[\d.,]*\s*(don hang|don|san pham|sp)\s*[x×*]\s*\d[\d.,]*\s*(d|vnd|dong)?\b"),
        ("giving_day", r"\b(giving day|ngay hoi (thien nguyen|gay quy)|ngay cho di)\b"),
        ("monthly", r"\b(dinh ky|lenh dinh ky|standing order|recurring|hang thang tu dong|tu dong hang thang)\b"),
        ("cash_deposit", r"\b(nop tien mat|nop tm|cash deposit)\b"),
        ("ewallet", r"^(momo|zalopay|zlp|shopeepay|airpay|viettelpay|viettel money|vnpt money)\b|\b(momo|zalopay)\b"),
        ("vietqr", r"\b(vietqr|qr code|qrcode|qr pay|qrpay|vnpayqr|napas qr)\b|^qr[ .:-]"),
        ("card", r"\b(pos|visa|mastercard|jcb|thanh toan the|the tin dung)\b"),
        ("transfer", r"^mbvcb\.|\bibft\b|\bchuyen khoan\b|\bck tu\b|/33b:|\bswift\b"),  # SWIFT: a wire
    )
)
_PURCHASE = re.compile(r"(\d[\d.,]*)\s*(?:don hang|don|san pham|sp)\s*[x×*]\s*(\d[\d.,]*)\s*(?:d|vnd|dong)?\b")


def infer_channel(memo: object) -> str:
    """The channel the memo's own text shows (explorer.db.schema.CHANNELS), else 'unknown'."""
    text = fold(memo)
    if not text:
        return "unknown"
    for channel, pattern in RULES:
        if pattern.search(text):
            return channel
    return "unknown"


def purchase_items(memo: object) -> tuple[int, int] | None:
    """(items sold, đồng per item) of a charity-purchase memo ('… 12.345 DON HANG X 500 D …'), else None."""
    found = _PURCHASE.search(fold(memo))
    if not found:
        return None
    items, per_item = (int(re.sub(r"[.,]", "", g)) for g in found.groups())
    return (items, per_item) if items > 0 and per_item > 0 else None
