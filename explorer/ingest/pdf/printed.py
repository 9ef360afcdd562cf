"""The figures a statement prints about itself: account, period, balances, turnover, counts, notice totals."""

from __future__ import annotations

import datetime as dt
import re

from explorer.text import fold

_NUM = r"(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_DATE = r"(\d{1,2}/\d{1,2}/\d{4})"

PATTERNS: list[tuple[str, re.Pattern]] = [
    (k, re.compile(p))
    for k, p in [
        ("account", r"(?:so tai khoan|a/c no|account no|stk|tai khoan so)\s*(?:/\s*a/c no)?\s*:?\s*(\d[\d.]{5,}\d)"),
        # OCR splits a number with one stray space ('376 1.0.1015545.91999'): taken only when it ends the line
        ("account", r"(?m)(?:so tai khoan|tai khoan so|stk)\s*:?\s*(\d[\d.]{1,}\d \d[\d.]{1,}\d)\s*$"),
        ("currency", r"(?:loai tien|ccy|currency)[^:\n]{0,20}:\s*(vnd|usd|eur)\b"),
        ("currency", r"loai tien te/\s*(vnd|usd|eur)\b"),
        (
            "holder",
            r"(?:customer name|ten tai khoan|ten khach hang)\s*:\s*([^\n]{3,80}?)\s*(?:\s{2,}|\n|$|ngay thuc hien|"
            r"dia chi|so tai khoan|loai tien|ngay in)",
        ),
        ("period", rf"tu ngay[^\d\n]{{0,20}}{_DATE}[^\d\n]{{0,30}}den(?: ngay)?[^\d\n]{{0,20}}{_DATE}"),
        ("period", rf"\btu:?\s*{_DATE}\s*den:?\s*{_DATE}"),
        ("list_day", r"^ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})$"),  # a list's date line 'Ngày 24 tháng 9 năm 2024'
        ("opening", rf"prior statement\s*:\s*{_DATE}\s+{_NUM}"),
        ("opening1", rf"so du dau(?: ky)?\s*:?\s*{_NUM}"),
        ("opening1", rf"so d\S{{0,2}} \S{{0,2}}au ky\s*:?\s*{_NUM}"),  # broken font: 'ư', 'đ' unknown
        ("closing", rf"ending balance\s*:\s*{_DATE}\s+{_NUM}"),
        ("closing1", rf"so du cuoi(?: ky)?\s*:?\s*{_NUM}"),
        ("closing1", rf"so d\S{{0,2}} cuoi ky\s*:?\s*{_NUM}"),
        ("debit_ct", rf"(?<!monthly )(?<!annual )less debit\s*:\s*(\d+)(?:\s+{_NUM})?"),
        ("credit_ct", rf"(?<!monthly )(?<!annual )plus credit\s*:\s*(\d+)(?:\s+{_NUM})?"),
        ("credit_ct2", rf"tong so giao dich ghi co\s*:?\s*(\d+)\s*mon\s*tong so tien phat sinh co\s*:?\s*{_NUM}"),
        ("debit_ct2", rf"tong so giao dich ghi no\s*:?\s*(\d+)\s*mon\s*tong so tien phat sinh no\s*:?\s*{_NUM}"),
        ("notice", rf"da co them\s+(\d[\d.]*)\s+(?:luot\s+)?don vi,?\s*ca nhan dong gop\s*:?\s*{_NUM}\s*dong"),
        ("cumulative", rf"nang tong so den nay la\s+[\d.]+\s+.{{0,60}}?tong so tien la\s*:?\s*{_NUM}\s*dong"),
    ]
]


def _date(text: str) -> dt.date | None:
    d, m, y = (int(x) for x in text.split("/"))
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def read_printed(printed, text: str) -> None:
    """Fill `printed` (a Printed) from the folded text of a statement's non-record lines; first match wins."""
    t = "\n".join(fold(line) for line in text.split("\n"))
    flat = t.replace("\n", " ")
    for key, rx in PATTERNS:
        if key == "list_day":
            m = next(filter(None, (rx.match(line.strip()) for line in t.split("\n"))), None)
        else:
            m = rx.search(flat if key in ("notice", "cumulative", "credit_ct2", "debit_ct2", "period") else t)
        if not m:
            continue
        g = m.groups()
        if key == "account" and printed.account is None:
            printed.account = g[0].replace(" ", "")
        elif key == "currency" and printed.currency is None:
            printed.currency = g[0].upper()
        elif key == "holder" and printed.holder is None:
            printed.holder = _original(text, g[0])
        elif key == "period" and printed.period_start is None:
            printed.period_start, printed.period_end = _date(g[0]), _date(g[1])
        elif key == "list_day" and printed.period_start is None:
            try:
                printed.period_start = printed.period_end = dt.date(int(g[2]), int(g[1]), int(g[0]))
            except ValueError:
                pass
        elif key == "opening" and printed.opening_balance is None:
            printed.opening_balance = g[1]
        elif key == "opening1" and printed.opening_balance is None:
            printed.opening_balance = g[0]
        elif key == "closing" and printed.closing_balance is None:
            printed.closing_balance = g[1]
            printed.period_end = printed.period_end or _date(g[0])
        elif key == "closing1" and printed.closing_balance is None:
            printed.closing_balance = g[0]
        elif key in ("debit_ct", "debit_ct2") and printed.debit_count is None:
            printed.debit_count, printed.debit_turnover = int(g[0]), g[1]
        elif key in ("credit_ct", "credit_ct2") and printed.credit_count is None:
            printed.credit_count, printed.credit_turnover = int(g[0]), g[1]
        elif key == "notice" and printed.notice_count is None:
            printed.notice_count, printed.notice_total = int(g[0].replace(".", "")), g[1]
        elif key == "cumulative" and printed.cumulative_total is None:
            printed.cumulative_total = g[0]


def _original(text: str, folded: str) -> str:
    """The holder's name as printed (with accents): find the same words in the original text."""
    for line in text.split("\n"):
        f = fold(line)
        i = f.find(folded)
        if i >= 0 and len(f) == len(line):
            return line[i : i + len(folded)].strip()
    return folded
