"""Generated text-PDF statements, one or more per layout family, each with its exact expected reading.

Written with fpdf2 and DejaVuSans (Vietnamese glyphs), cell by cell at exact positions, so each fixture can carry the
quirks of the real files: memos wrapped over several lines, amounts centred vertically in wrapped rows, the header on
every page, page footers, totals rows, split glyph runs ("1" + "00.000.000" as two text objects a hair apart),
glued cells ('418/9/2024', '500.000,00giup', '200.000VO'), two values in a balance cell, credits-only statements
whose balance jumps, title blocks with account/period/balances/turnover, notices, a USD statement, a newest-first
file and an image-only page.

Every builder returns (pdf_bytes, Expect).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from fpdf import FPDF

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass
class Row:
    cells: dict[str, object]  # column key -> str | list[str] (wrapped lines) | Split | Glue
    valign: str = "center"  # 'center' | 'top' | 'bottom'


@dataclass
class Split:
    """One cell written as several text objects a hair apart: Split('1', '00.000.000')."""

    parts: tuple[str, ...]
    gap: float = 0.2

    def __init__(self, *parts: str, gap: float = 0.2):
        self.parts, self.gap = parts, gap

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class Col:
    key: str
    heading: list[str]  # heading lines
    x: float  # left edge
    w: float
    align: str = "L"  # L | R | C


@dataclass
class Expect:
    family: str
    records: list[tuple[str, str, str]]  # (date as printed/read, 'credit'|'debit', amount as printed)
    printed: dict[str, object] = field(default_factory=dict)
    flags: dict[int, str] = field(default_factory=dict)  # record index -> a substring of one of its flags
    cells: dict[int, dict[str, str]] = field(default_factory=dict)  # record index -> exact cells to check
    skipped_contains: list[str] = field(default_factory=list)
    pages: int = 1
    pages_without_text: list[int] = field(default_factory=list)

    def total(self, direction: str) -> Decimal:
        return sum((dec(a) for _, d, a in self.records if d == direction), Decimal(0))


def dec(text: str) -> Decimal:
    from explorer.ingest.pdf import amount_value

    v = amount_value(text)
    assert v is not None, text
    return v


class Sheet:
    """A PDF being written: title lines, a table with its header on every page, rows, footers."""

    def __init__(
        self,
        cols: list[Col],
        *,
        size: float = 8,
        line_h: float = 10,
        pad: float = 4,
        landscape: bool = False,
        top: float = 40,
        bottom: float = 780,
        header_every_page: bool = True,
        footer=None,
        page_shift: float = 0.0,
    ):
        self.pdf = FPDF(orientation="L" if landscape else "P", unit="pt", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("dv", "", FONT)
        self.pdf.set_font("dv", size=size)
        self.size, self.line_h, self.pad = size, line_h, pad
        self.cols = {c.key: c for c in cols}
        self.order = cols
        self.top, self.bottom = top, (bottom if not landscape else 560)
        self.header_every_page = header_every_page
        self.footer = footer
        self.page_shift = page_shift  # pages after the first sit this far right (a scan fed off-centre)
        self.dx = 0.0
        self.y = top
        self.page_no = 0
        self.new_page()

    # -- low level
    def write(self, x: float, baseline: float, text: str, size: float | None = None) -> None:
        if size:
            self.pdf.set_font_size(size)
        self.pdf.text(x + self.dx, baseline, text)
        if size:
            self.pdf.set_font_size(self.size)

    def width(self, text: str) -> float:
        return self.pdf.get_string_width(text)

    def new_page(self) -> None:
        if self.page_no and self.footer:
            self.footer(self, self.page_no)
        self.pdf.add_page()
        self.page_no += 1
        self.dx = self.page_shift if self.page_no > 1 else 0.0
        self.y = self.top

    def line(self, text: str, x: float = 30, size: float | None = None, gap: float | None = None) -> None:
        """A title/prose line at the left margin."""
        self.write(x, self.y + (size or self.size), text, size)
        self.y += gap or (size or self.size) * 1.6

    def words_at(self, parts: list[tuple[float, str]], size: float | None = None) -> None:
        """Several texts on one line at given x (a key/value grid)."""
        for x, t in parts:
            self.write(x, self.y + (size or self.size), t, size)
        self.y += (size or self.size) * 1.6

    def header(self) -> None:
        n = max(len(c.heading) for c in self.order)
        for i in range(n):
            for c in self.order:
                if i < len(c.heading) and c.heading[i]:  # headings are centred over their column
                    self._cell(Col(c.key, [], c.x, c.w, "C"), c.heading[i], self.y + self.size + i * self.line_h)
        self.y += n * self.line_h + self.pad

    def _cell(self, c: Col, value, baseline: float) -> None:
        text = value.text if isinstance(value, Split) else str(value)
        w = self.width(text)
        x = c.x if c.align == "L" else (c.x + c.w - w if c.align == "R" else c.x + (c.w - w) / 2)
        if isinstance(value, Split):
            for p in value.parts:
                self.write(x, baseline, p)
                x += self.width(p) + value.gap
        else:
            self.write(x, baseline, text)

    def row(self, row: Row) -> None:
        lines = {k: (v if isinstance(v, list) else [v]) for k, v in row.cells.items()}
        n = max(len(v) for v in lines.values())
        h = n * self.line_h + self.pad
        if self.y + h > self.bottom:
            self.new_page()
            if self.header_every_page:
                self.header()
        for k, vs in lines.items():
            c = self.cols[k]
            off = {"top": 0, "center": (n - len(vs)) / 2, "bottom": n - len(vs)}[row.valign]
            for i, v in enumerate(vs):
                self._cell(c, v, self.y + self.size + (off + i) * self.line_h)
        self.y += h

    def glue(self, x_end: float, left: str, right: str) -> None:
        """Write `left` ending exactly where `right` begins (a leading digit glued to the memo)."""
        wl = self.width(left)
        self.write(x_end - wl, self.y + self.size, left)
        self.write(x_end, self.y + self.size, right)

    def done(self, image_page: bool = False) -> bytes:
        if self.footer:
            self.footer(self, self.page_no)
        if image_page:
            add_image_page(self.pdf)
        return bytes(self.pdf.output())


def add_image_page(pdf: FPDF) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (300, 200), "white")
    d = ImageDraw.Draw(img)
    d.text((10, 10), "17/09/2024  500,000", fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    pdf.add_page()
    pdf.image(buf, x=50, y=50, w=300)


def fmt(n: int, sep: str = ".") -> str:
    return f"{n:,}".replace(",", sep)


def memo(i: int, k: int) -> list[str]:
    base = [
        "NGUYEN VAN AN ung ho dong bao",
        "bi thiet hai do bao lu mien",
        "Bac nam 2024 FT2426",
        "kinh chuc",
        "moi nguoi binh an",
        "ma GD 1234 tai VCB",
        "chuyen tien tu thien",
        "lan thu 2",
    ]
    return [f"{base[0]} {i}"] + base[1:k]


# ---------------------------------------------------------------------------------------------------------------
# A. Agribank SỔ PHỤ / STATEMENT: title grid, 2-line bilingual header on every page, top-aligned rows whose memo
#    wraps 1–4 lines, Dr and Cr, running balance, footers, a memo line that starts with a date, two values in a
#    balance cell.
def agribank_so_phu(n: int = 60, amounts_last: bool = False) -> tuple[bytes, Expect]:
    cols = [
        Col("date", ["Ngày", "Date"], 25, 45),
        Col("memo", ["Ghi chú", "Remark"], 75, 150),
        Col("dr", ["Nợ", "Dr"], 240, 50, "R"),
        Col("cr", ["Có", "Cr"], 300, 60, "R"),
        Col("bal", ["Số dư", "Balance"], 380, 80, "R"),
        Col("ref", ["Số tham chiếu", "Ref. no"], 470, 70),
    ]

    def footer(s: Sheet, p: int) -> None:
        s.write(21, 825, f"Website: www.agribank.com.vn. {p}/3 Người in: HNTBHA Thời gian in: 18/09/2024 13:17:18")

    s = Sheet(cols, size=7.5, line_h=10, pad=3, footer=footer, bottom=800)
    s.line("Chi nhánh: Chi nhánh TP Hà Nội")
    s.line("SỔ PHỤ / STATEMENT", x=230, size=13)
    s.words_at([(21, "Tên khách hàng/ Customer name : Ủy Ban Mặt Trận Tổ Quốc Việt Nam TP Hà Nội")])
    s.words_at([(21, "Số tài khoản / A/C No : 1500201113838"), (330, "Loại tiền/ Ccy : VND")])
    opening = 58_171_509_961
    rows, bal, expected, cr_sum, dr_sum, crn, drn = [], opening, [], 0, 0, 0, 0
    for i in range(1, n + 1):
        debit = i % 9 == 0
        amt = (i * 37 % 11 + 1) * 100_000 + (24_177 if i == 5 else 0)
        bal = bal - amt if debit else bal + amt
        if debit:
            dr_sum += amt
            drn += 1
        else:
            cr_sum += amt
            crn += 1
        lines = memo(i, 1 + i % 4)
        if i == 7:
            lines = ["Gd ung ho theo loi keu goi ngay", "10/09/2024 cua MTTQ", "Viet Nam"]
        cells = {
            "date": "17/09/2024",
            "memo": lines,
            ("dr" if debit else "cr"): fmt(amt, ","),
            "bal": fmt(bal, ","),
            "ref": str(4708853 + i),
        }
        if i == 12:
            cells["bal"] = [fmt(bal, ","), "9112"]
        elif amounts_last:  # the row's last line ends in 'AMT BAL REF'
            for k in ("dr", "cr", "bal", "ref"):
                if k in cells:
                    cells[k] = [""] * (len(lines) - 1) + [cells[k]]
        rows.append(Row(cells, "top"))
        expected.append(("17/09/2024", "debit" if debit else "credit", fmt(amt, ",")))
    s.words_at(
        [
            (21, f"Ngày phát sinh trước / Prior Statement : 16/09/2024 {fmt(opening, ',')}"),
            (330, "Doanh số nợ tháng / Monthly less debit :"),
        ]
    )
    s.words_at(
        [
            (21, f"Số dư cuối ngày / Ending balance : 17/09/2024 {fmt(bal, ',')}"),
            (330, "Doanh số có tháng / Monthly plus credit: 63,531,785,314"),
        ]
    )
    s.words_at(
        [
            (21, f"Số bút toán/Doanh số nợ / Less debit : {drn} {fmt(dr_sum, ',')}"),
            (330, "Doanh số nợ năm / Annual less debit : 346,471,300"),
        ]
    )
    s.words_at([(21, f"Số bút toán/Doanh số có / Plus credit : {crn} {fmt(cr_sum, ',')}")])
    s.header()
    for r in rows:
        s.row(r)
    data = s.done()
    return data, Expect(
        "agribank_so_phu",
        expected,
        printed=dict(
            account="1500201113838",
            currency="VND",
            opening_balance=fmt(opening, ","),
            closing_balance=fmt(bal, ","),
            credit_count=crn,
            credit_turnover=fmt(cr_sum, ","),
            debit_count=drn,
            debit_turnover=fmt(dr_sum, ","),
        ),
        flags={11: "two values in the balance cell"},
        cells={6: {"description": "Gd ung ho theo loi keu goi ngay 10/09/2024 cua MTTQ Viet Nam"}},
        skipped_contains=["repeated table header", "page footer"],
        pages=s.page_no,
    )


# B. Agribank Tuyên Quang credit-only: Date | Remark | Cr, centred rows, split glyph run, a leading digit glued to
#    the memo, mixed thousands separators, an amount row with no date.
def agribank_credit_only() -> tuple[bytes, Expect]:
    cols = [
        Col("date", ["Ngày", "Date"], 20, 50),
        Col("memo", ["Ghi chú", "Remark"], 110, 300, "L"),
        Col("cr", ["Có", "Cr"], 500, 82, "R"),
    ]
    s = Sheet(cols, size=8, line_h=11, pad=4)
    s.line("Chi nhánh: Chi nhánh Tuyên Quang")
    s.line("SỔ PHỤ / STATEMENT", x=240, size=12)
    s.line("(Từ ngày 27/09/2024 đến 30/09/2024)", x=235)
    s.line("Tên khách hàng/ Customer name :Ủy Ban Mặt Trận Tổ Quốc Tỉnh Tuyên Quang")
    s.words_at([(20, "Số tài khoản/A/C No : 8100666698888"), (440, "Loại tiền / Ccy : VND")])
    s.header()
    exp = []
    s.row(Row({"date": "27/09/2024", "memo": "Truong Mam Non Son Nam ung ho", "cr": "15.390.000"}))
    exp.append(("27/09/2024", "credit", "15.390.000"))
    s.row(Row({"date": "27/09/2024", "memo": "CONG DOAN HONDA VIET NAM UNG HO", "cr": Split("1", "00.000.000")}))
    exp.append(("27/09/2024", "credit", "100.000.000"))
    s.row(
        Row(
            {
                "date": "27/09/2024",
                "memo": [
                    "VP DOAN DAI BIEU QUOC HOI VA HOI DONG NHAN DAN",
                    "UNG HO NHAN DAN KHAC PHUC THIET HAI THIEN TAI",
                    "lan 2",
                ],
                "cr": "16.775.000",
            }
        )
    )
    exp.append(("27/09/2024", "credit", "16.775.000"))
    # a leading digit glued to the memo: 'T H I E N T A I2' + ',000,000'
    y0 = s.y
    s.row(Row({"date": "28/09/2024", "memo": "Cong ty ABC ung ho"}))
    s.y = y0
    s.glue(582 - s.width(",000,000"), "T H I E N T A I2", ",000,000")
    s.y = y0 + 11 + 4
    exp.append(("28/09/2024", "credit", "2,000,000"))
    s.row(
        Row({"date": "30/09/2024", "memo": ["Trung tam thuy san tinh tuyen quang", "ung ho nhan dan"], "cr": "500.000"})
    )
    exp.append(("30/09/2024", "credit", "500.000"))
    s.row(Row({"cr": "487.900"}))
    exp.append(("", "credit", "487.900"))
    return s.done(), Expect(
        "agribank_credit_only",
        exp,
        printed=dict(account="8100666698888", currency="VND"),
        flags={5: "no date"},
        cells={3: {"description": "Cong ty ABC ung ho T H I E N T A I"}},
    )


# E. Vietcombank THỐNG KÊ GIAO DỊCH, USD with cents: STT, date + time, debit/credit told apart by x, long memos,
#    header on every page, the note at the end, credits == debits (daily sweep).
def vcb_thong_ke_usd() -> tuple[bytes, Expect]:
    cols = [
        Col("stt", ["STT"], 33, 20, "C"),
        Col("date", ["Ngày giờ giao dịch"], 64, 80),
        Col("dr", ["Số tiền ghi nợ"], 150, 63, "R"),
        Col("cr", ["Số tiền ghi có"], 235, 68, "R"),
        Col("name", ["Tên người chuyển"], 312, 90),
        Col("memo", ["Nội dung chi tiết"], 408, 150),
    ]

    def footer(s: Sheet, p: int) -> None:  # the bank's page footer: left block, then a line only at the right
        s.write(28, 772, "Postal address:", 6.5)
        s.write(414, 772, "Telex : (0805) 411504 VCB - VT", 6.5)
        s.write(414, 800, "Contact center: 1900.54.54.13", 6.5)
        s.write(522, 812, f"Page {p} of 2", 7)

    s = Sheet(cols, size=7, line_h=12, pad=5, bottom=740, footer=footer)
    s.line("THỐNG KÊ GIAO DỊCH", x=380, size=14)
    s.line("Tên tài khoản: MAT TRAN TO QUOC VN - BAN CUU TRO TW")
    s.line("Chi nhánh thực hiện: SỞ GIAO DỊCH", x=420)
    s.line("Số tài khoản: 0011371932538")
    s.line("Loại tiền: USD")
    s.words_at([(24, "Từ: 11/09/2024"), (180, "Đến: 30/09/2024")])
    s.header()
    exp, n = [], 0
    amounts = ["200,00", "100,00", "1.468,48", "50,00", "10.918,40", "7.965,00"]
    for day in range(11, 21):
        a = amounts[day % len(amounts)]
        n += 1
        s.row(
            Row(
                {
                    "stt": str(n),
                    "date": f"{day}/09/2024 8:00:31",
                    "cr": a,
                    "name": ["Chuyen tien lien ngan", "hang"],
                    "memo": [
                        "/REF:20240910006{//}",
                        f"VAL:2409{day}USD/33B:USD{a.replace('.', '').replace(',', '.')}",
                        "/70:UNG HO DONG BAO LU LUT",
                        "/71A:SHA/71F:USD0",
                    ],
                },
                "top",
            )
        )
        exp.append((f"{day}/09/2024", "credit", a))
        n += 1
        s.row(
            Row(
                {
                    "stt": str(n),
                    "date": f"{day}/09/2024 22:13:08",
                    "dr": a,
                    "memo": [
                        "VCBCSH.615508.DIEU VON TU DONG tu",
                        "0011371932538 MAT TRAN TO QUOC VN",
                        "toi 0011001932418",
                    ],
                },
                "top",
            )
        )
        exp.append((f"{day}/09/2024", "debit", a))
    s.y += 10
    s.line("Ghi chú: Quý khách sử dụng văn bản này đúng mục đích, đảm bảo tuân thủ pháp luật", x=24)
    return s.done(), Expect(
        "vcb_thong_ke",
        exp,
        printed=dict(account="0011371932538", currency="USD"),
        cells={0: {"seq": "1", "time": "8:00:31"}},
        skipped_contains=["repeated table header", "not a table row"],
        pages=s.page_no,
    )


# H. BIDV THỐNG KÊ GIAO DỊCH: 3-line heading, centred rows, STT glued to the date ('418/9/2024'), time glued to
#    the account ('10:21:100401001446xxx'), amount glued to the memo ('500.000,00giup').
def bidv_thong_ke(n: int = 40) -> tuple[bytes, Expect]:
    cols = [
        Col("stt", ["", "STT", ""], 80, 14, "C"),
        Col("date", ["", "Thời gian chuyển khoản", ""], 105, 75),
        Col("acct", ["Số tài khoản của người", "", "chuyển"], 182, 62),
        Col("dr", ["Số tiền ghi nợ", "", "(VND)"], 250, 40, "R"),
        Col("cr", ["", "Số tiền ghi có (VND)", ""], 290, 58, "R"),
        Col("memo", ["", "Nội dung chi tiết", ""], 350, 200),
    ]
    s = Sheet(cols, size=5.5, line_h=7.5, pad=8, top=90, bottom=800)
    s.line("NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM", x=105)
    s.line("Bank for Investment and Development of VietNam JSC", x=105)
    s.line("THỐNG KÊ GIAO DỊCH", x=244, size=7)
    s.line("Từ ngày/ From Date: 20/09/2024 Đến ngày/ To date: 24/09/2024", x=68)
    s.line("Số tài khoản / Account No: 1261122666 Currency: VND", x=68)
    s.header()
    exp = []
    for i in range(1, n + 1):
        a = fmt((i % 7 + 1) * 100_000) + ",00"
        day = 20 + i // 12
        cells = {
            "stt": str(i),
            "date": f"{day}/09/2024 {i % 24}:48:33",
            "acct": f"2004{i:03d}xxx",
            "cr": a,
            "memo": ["TKThe :2004882xxx, tai MSCBVNVX. NGUYEN", "TRUNG KIEN chuyen tien", "-B2B0200970422"],
        }
        if i == 4:  # STT glued to the date
            cells["stt"] = Split("4", f"{day}/9/2024", gap=0)
            del cells["date"]
            cells["memo"] = ["ung ho dong bao", "mien bac"]
            exp.append((f"{day}/9/2024", "credit", a))
        elif i == 9:  # time glued to the sender's account
            cells["date"] = Split(f"{day}/09/2024 ", "10:21:10", "0401001446xxx", gap=0)
            del cells["acct"]
            exp.append((f"{day}/09/2024", "credit", a))
        elif i == 13:  # amount glued to the memo
            cells["cr"] = Split(a, "giup", gap=0)
            exp.append((f"{day}/09/2024", "credit", a))
        elif i == 17:  # a stray digit of the neighbouring cell touches the amount
            cells["cr"] = Split("5", a, gap=0)
            exp.append((f"{day}/09/2024", "credit", a))
        else:
            exp.append((f"{day}/09/2024", "credit", a))
        s.row(Row(cells))
    return s.done(), Expect(
        "bidv_thong_ke",
        exp,
        printed=dict(account="1261122666", currency="VND"),
        flags={16: "stray digits touch the amount '5400.000,00'"},
        cells={3: {"seq": "4"}, 8: {"time": "10:21:10"}},
        pages=s.page_no,
    )


# J. MTTQ notice: prose with 'đã có thêm N lượt đơn vị, cá nhân đóng góp: X đồng', names wrapping with the date on
#    the last line, mixed date forms, the 'Tổng' label on its own line below the total, signatures after it.
def mttq_notice(header: bool = True) -> tuple[bytes, Expect]:
    cols = [
        Col("stt", ["STT"], 86, 26, "C"),
        Col("date", ["NGÀY"], 126, 64, "C"),
        Col("name", ["TÊN ĐƠN VỊ, CÁ NHÂN"], 200, 280),
        Col("amt", ["SỐ TIỀN"], 500, 69, "R"),
    ]

    def footer(s: Sheet, p: int) -> None:
        s.write(326, 770, str(p), 10)

    s = Sheet(cols, size=11, line_h=16, pad=12, top=50, bottom=740, footer=footer, header_every_page=header)
    s.line("UỶ BAN MTTQ VIỆT NAM TỈNH ĐỒNG NAI", x=118)
    s.line("THÔNG BÁO SỐ 13", x=257, size=14)
    names = [
        ["NGUYEN THI THUY"],
        ["Mạnh thường quân"],
        ["CÔNG TY TNHH GIẦY DONA STANDARD", "VIỆT NAM"],
        ["Trường THCS Nguyễn Trãi, Tp. Long Khánh, tỉnh", "Đồng Nai"],
        ["Chi đoàn Thanh niên Văn phòng Tổng công ty", "Sonadezi"],
        ["CÔNG TY TNHH PAULIN VINA"],
    ] * 3
    amounts = [200_000, 100_000, 782_000_000, 37_613_000, 6_500_000, 10_000_000] * 3
    total = sum(amounts)
    s.line(f"Từ ngày 27/9/2024 đến ngày 30/9/2024 đã có thêm {len(names)} lượt đơn vị, cá nhân đóng góp:", x=85)
    s.line(f"{fmt(total)} đồng, nâng tổng số đến nay là 3.447 lượt đơn vị, cá nhân ủng hộ với tổng", x=85)
    s.line("số tiền là: 66.409.452.430 đồng.", x=85)
    if header:
        s.header()
    exp = []
    for i, (nm, a) in enumerate(zip(names, amounts, strict=False), 1):
        d = "13/9/2024" if i % 5 == 0 else "27/09/2024"
        s.row(Row({"stt": str(i), "date": d, "name": nm, "amt": fmt(a)}, "bottom"))
        exp.append((d, "credit", fmt(a)))
    s.row(Row({"amt": [fmt(total), ""], "name": ["", "Tổng"]}))
    s.line("Nơi nhận:", x=91)
    s.line("TM. BAN THƯỜNG TRỰC", x=391)
    return s.done(), Expect(
        "mttq_notice",
        exp,
        printed=dict(
            notice_count=len(names), notice_total=fmt(total), total_credit=fmt(total), cumulative_total="66.409.452.430"
        ),
        cells={
            2: {"counterparty": "CÔNG TY TNHH GIẦY DONA STANDARD VIỆT NAM"},
            4: {"counterparty": "Chi đoàn Thanh niên Văn phòng Tổng công ty Sonadezi"},
        },
        skipped_contains=["totals row", "page footer"],
        pages=s.page_no,
    )


# K. MTTQ Ninh Thuận list at Agribank: STT | Ngày tháng | Số tiền | Diễn giải (amount before memo), centred rows,
#    the date typo '24/9/202024'.
def mttq_list_bank() -> tuple[bytes, Expect]:
    cols = [
        Col("stt", ["STT"], 61, 27, "C"),
        Col("date", ["Ngày tháng"], 105, 75),
        Col("amt", ["Số tiền"], 200, 65, "R"),
        Col("memo", ["Diễn giải"], 276, 294),
    ]
    s = Sheet(cols, size=11, line_h=8.1, pad=14, top=50)
    s.line("DANH SÁCH CÁC ĐƠN VỊ, CÁ NHÂN ỦNG HỘ NHÂN DÂN", x=115, size=12)
    s.line("Ngày 24 tháng 9 năm 2024", x=228)
    s.line("Tại Ngân hàng Nông nghiệp chi nhánh Ninh Thuận", x=152)
    s.line("STK: 4900201014350", x=242)
    s.header()
    exp = []
    for i in range(1, 13):
        a = fmt(i * 1_013_000 + 512, ",")
        m = ["Hoc sinh Truong tieu hoc An Xuan", "ung ho quy cuu tro", "bao so 3"][: 1 + i % 3]
        s.row(Row({"stt": str(i), "date": "24/9/202024", "amt": a, "memo": m}))
        exp.append(("24/9/2024", "credit", a))
    return s.done(), Expect(
        "mttq_list_bank",
        exp,
        printed=dict(account="4900201014350", period_start=dt.date(2024, 9, 24), period_end=dt.date(2024, 9, 24)),
        flags={i: "date printed as '24/9/202024'" for i in range(12)},
    )


def kho_bac_list_sheet() -> Sheet:
    """The Ninh Thuận State Treasury list's title block and header, ready for rows."""
    cols = [
        Col("stt", ["STT"], 78, 26, "C"),
        Col("date", ["Ngày tháng"], 117, 66),
        Col("memo", ["Diễn giải"], 198, 290),
        Col("amt", ["Số tiền"], 493, 70, "R"),
    ]
    s = Sheet(cols, size=11, line_h=14, pad=9, top=50)
    s.line("DANH SÁCH CÁC ĐƠN VỊ, CÁ NHÂN ỦNG HỘ NHÂN DÂN", x=115, size=12)
    s.line("Tài khoản số: 3761.0.1020401.91999", x=199)
    s.line("tại Kho bạc Nhà nước tỉnh Ninh Thuận", x=188)
    s.header()
    return s


# L. MTTQ Ninh Thuận list at the State Treasury: single-line rows, comma thousands.
def mttq_list_kho_bac() -> tuple[bytes, Expect]:
    s = kho_bac_list_sheet()
    exp = []
    for i, (nm, a) in enumerate(
        [
            ("UBND Thị trấn Khánh Hải", 500_000),
            ("Trường Mẫu giáo Nhơn Hải", 6_058_583),
            ("Tổng công ty Điện lực", 542_110_368),
            ("Hội Nông Dân xã Phước Hữu", 1_200_000),
        ],
        1,
    ):
        s.row(Row({"stt": str(i), "date": "23/09/2024", "memo": nm, "amt": fmt(a, ",")}))
        exp.append(("23/09/2024", "credit", fmt(a, ",")))
    return s.done(), Expect(
        "mttq_list_kho_bac",
        exp,
        printed=dict(account="3761.0.1020401.91999"),
        cells={2: {"description": "Tổng công ty Điện lực"}},
    )


# L, as the treasury itself prints it (Tuyên Quang): "THỐNG KÊ GIAO DỊCH TỪ NGÀY …", STT | Thời gian | Nội dung |
#    Số tiền, dot thousands, memos wrapping to two lines with the amount on the last one.
def kho_bac_thong_ke() -> tuple[bytes, Expect]:
    cols = [
        Col("stt", ["STT"], 40, 40, "C"),
        Col("date", ["Thời gian"], 85, 80, "C"),
        Col("memo", ["Nội dung"], 170, 260),
        Col("amt", ["Số tiền"], 435, 110, "R"),
    ]
    s = Sheet(cols, size=10, line_h=13, pad=8, top=50)
    s.line("KHO BẠC NHÀ NƯỚC TỈNH TUYÊN QUANG", x=200, size=11)
    s.line("THỐNG KÊ GIAO DỊCH TỪ NGÀY 12/9/2024 ĐẾN 16/9/2024", x=150, size=12)
    s.line("Tên đơn vị tiếp nhận: Uỷ ban Mặt trận Tổ quốc tỉnh Tuyên Quang")
    s.line("Số Tài khoản: 3761.0.1015545.91999")
    exp = []
    gifts = [
        (
            "12/09/2024",
            ["Ban cứu trợ TW- MTTQ Việt Nam hỗ trợ tỉnh Tuyên", "Quang khắc phục khó khăn do thiên tai"],
            20_000_000_000,
        ),
        ("12/09/2024", ["Nguyễn Thị Thanh Loan Hà Đông, Hà Nội ủng hộ"], 500_000),
        (
            "13/09/2024",
            ["Công đoàn Điện Lực VN hỗ trợ nhân dân khắc phục", "hậu quả thiên tai do cơ bão số 3"],
            500_000_000,
        ),
        ("16/09/2024", ["Hoàng Anh tuấn"], 20_000),
    ]
    s.header()
    for i, (day, memo, a) in enumerate(gifts, 1):
        amt = ([""] * (len(memo) - 1)) + [fmt(a)]
        s.row(Row({"stt": str(i), "date": day, "memo": memo, "amt": amt}, "top"))
        exp.append((day, "credit", fmt(a)))
    return s.done(), Expect(
        "mttq_list_kho_bac",
        exp,
        printed=dict(account="3761.0.1015545.91999"),
        cells={3: {"description": "Hoàng Anh tuấn"}},
    )


# C. VBSP sao kê: two dates, amount + balance on the memo's last line, money-in only so the balance jumps where
#    debits were left out; printed opening/closing and 'Tổng số giao dịch ghi Có N món ...'.
def vbsp_sao_ke(page_shift: float = 0.0, bottom: float = 780) -> tuple[bytes, Expect]:
    cols = [
        Col("date", ["Ngày giao dịch"], 30, 60),
        Col("vdate", ["Ngày giá trị"], 95, 60),
        Col("memo", ["Chi tiết giao dịch"], 160, 220),
        Col("amt", ["Số tiền giao dịch"], 385, 80, "R"),
        Col("bal", ["Số dư hiện có"], 470, 90, "R"),
    ]
    s = Sheet(cols, size=7, line_h=10, pad=6, bottom=bottom, header_every_page=not page_shift, page_shift=page_shift)
    s.line("NGÂN HÀNG CHÍNH SÁCH XÃ HỘI VIỆT NAM")
    s.line("Sao kê tài khoản", x=250, size=12)
    s.line("Số tài khoản: 1000007062920852")
    s.line("Số dư đầu: 10,000,000")
    s.header()
    bal, exp, total = 10_000_000, [], 0
    for i in range(1, 16):
        a = 100_000 * (i % 4 + 1)
        if i in (5, 11):
            bal -= 3_000_000 if i == 5 else 50_000  # a debit left out of the statement
        bal += a
        total += a
        s.row(
            Row(
                {
                    "date": "13/09/2024",
                    "vdate": "13/09/2024",
                    "memo": ["PAYTRON - CREDIT ( Ref: CT0012 )", "ung ho dong bao", "-MOB CHANNEL -000101"],
                    "amt": ["", "", fmt(a, ",")],
                    "bal": ["", "", fmt(bal, ",")],
                },
                "top",
            )
        )
        exp.append(("13/09/2024", "credit", fmt(a, ",")))
    s.line(f"Số dư cuối: {fmt(bal, ',')}")
    s.line(f"Tổng số giao dịch ghi Có 15 món Tổng số tiền phát sinh Có {fmt(total, ',')}")
    return s.done(), Expect(
        "vbsp_sao_ke",
        exp,
        printed=dict(
            opening_balance="10,000,000",
            closing_balance=fmt(bal, ","),
            credit_count=15,
            credit_turnover=fmt(total, ","),
        ),
        flags={4: "does not follow", 10: "does not follow"},
        cells={0: {"value_date": "13/09/2024"}},
    )


# I. VietinBank: date and time on two lines, STT centred on the line below the date, the amount glued to the
#    counterparty name ('200.000VO').
def vietinbank() -> tuple[bytes, Expect]:
    cols = [
        Col("stt", ["STT"], 30, 20, "C"),
        Col("date", ["Ngày GD"], 55, 50),
        Col("memo", ["Mô tả giao dịch"], 110, 190),
        Col("cr", ["Có/Credit"], 300, 60, "R"),
        Col("name", ["Tên đối ứng"], 360, 110),
        Col("acct", ["Số tài khoản"], 480, 80),
        Col("name2", [], 364, 100),
    ]
    s = Sheet(cols, size=7, line_h=9, pad=5)
    s.line("THỐNG KÊ CHI TIẾT GIAO DỊCH", x=200, size=12)
    s.line("Số tài khoản: 111602391111")
    s.header()
    exp = []
    for i in range(1, 11):
        a = fmt(i * 100_000)
        cells = {
            "stt": ["", str(i), ""],
            "date": [f"{10 + i}/09/2024", "08:15:22", ""],
            "memo": ["CT DEN:0123 ung ho dong bao", "lu lut mien bac", "MTTQ"],
            "acct": ["", "1010***123", ""],
        }
        cells["cr"] = ["", a, ""]
        if i % 2 == 0:  # the name starts where the amount ends: one word '200.000VO'
            cells["name"] = ["", "VO VAN AN", ""]
        else:
            cells["name2"] = ["", "NGUYEN THI B", ""]
        s.row(Row(cells, "top"))
        exp.append((f"{10 + i}/09/2024", "credit", a))
    return s.done(), Expect(
        "vietinbank_thong_ke",
        exp,
        printed=dict(account="111602391111"),
        cells={1: {"seq": "2", "counterparty": "VO VAN AN", "time": "08:15:22"}},
    )


# G. BIDV old statement: STT | date | Phát sinh có (Credit amount) | Diễn giải, memo right after the amount.
def bidv_sao_ke() -> tuple[bytes, Expect]:
    cols = [
        Col("stt", ["STT"], 40, 20, "C"),
        Col("date", ["Ngày giao dịch"], 70, 80),
        Col("cr", ["Phát sinh có", "(Credit amount)"], 280, 68, "R"),
        Col("memo", ["Diễn giải"], 351, 220),
    ]
    s = Sheet(cols, size=7, line_h=9, pad=6)
    s.line("SAO KÊ TÀI KHOẢN TIỀN GỬI KHÁCH HÀNG/ACCOUNT STATEMENT", x=120, size=10)
    s.line("Chi nhánh: NHTMCP DT&PTVN-CN BA DINH")
    s.line("Số tài khoản: 1261122666")
    s.header()
    exp = []
    for i in range(1, 9):
        a = fmt(i * 250_000)
        s.row(
            Row(
                {
                    "stt": str(i),
                    "date": ["01/09/2024", "10:00:00"],
                    "cr": a,
                    "memo": ["1261122666 ung ho 50.000 dong bao", "mien Bac so 3 500.000"],
                }
            )
        )
        exp.append(("01/09/2024", "credit", a))
    return s.done(), Expect("bidv_sao_ke", exp, printed=dict(account="1261122666"))


# M. Cần Thơ Kho bạc: STT | Ngày, tháng, năm | Số hiệu chứng từ | Diễn giải | Số tiền (dot thousands).
def kho_bac_can_tho() -> tuple[bytes, Expect]:
    cols = [
        Col("stt", ["STT"], 30, 20, "C"),
        Col("date", ["Ngày, tháng, năm"], 55, 85),
        Col("ref", ["Số hiệu chứng từ"], 145, 85),
        Col("memo", ["Diễn giải"], 235, 230),
        Col("amt", ["Số tiền"], 480, 80, "R"),
    ]
    s = Sheet(cols, size=9, line_h=12, pad=6)
    s.line("KHO BẠC NHÀ NƯỚC CẦN THƠ - DANH SÁCH ỦNG HỘ", x=120)
    s.line("Tài khoản số: 3761.0.1079212.91049")
    s.header()
    exp = []
    for i in range(8, 15):
        a = fmt(i * 1_500_000)
        s.row(
            Row(
                {
                    "stt": str(i - 7),
                    "date": f"{i}/9/2024",
                    "ref": f"TTG{i:02d}",
                    "memo": ["Công ty TNHH Minh Phú ủng hộ", "đồng bào bị bão lũ"],
                    "amt": a,
                }
            )
        )
        exp.append((f"{i}/9/2024", "credit", a))
    return s.done(), Expect(
        "kho_bac_can_tho", exp, printed=dict(account="3761.0.1079212.91049"), cells={0: {"reference": "TTG08"}}
    )


# N. Bắc Giang Kho bạc (landscape): Ngày tháng | Số chứng từ | CK/TM | Tập thể, cá nhân | Số tiền, no STT.
def kho_bac_bac_giang() -> tuple[bytes, Expect]:
    cols = [
        Col("date", ["Ngày tháng"], 40, 60),
        Col("ref", ["Số chứng từ"], 110, 70),
        Col("kind", ["CK/TM"], 190, 40),
        Col("memo", ["Tập thể, cá nhân"], 240, 440),
        Col("amt", ["Số tiền"], 700, 99, "R"),
    ]
    s = Sheet(cols, size=9, line_h=12, pad=6, landscape=True)
    s.line("SAO KÊ CHI TIẾT GIAO DỊCH ỦNG HỘ PHÒNG CHỐNG LŨ LỤT TỈNH BẮC GIANG", x=200, size=11)
    s.line("Kho bạc Nhà nước Bắc Giang", x=300)
    s.header()
    exp, page_sum, total = [], 0, 0
    for i in range(1, 7):
        a = fmt(i * 2_345_000, ",")
        s.row(
            Row(
                {
                    "date": "12/09/2024",
                    "ref": f"{1000 + i}",
                    "kind": "THUCK" if i % 2 else "THUTM",
                    "memo": ["Trường THCS Lê Lợi ủng hộ", "phòng chống lũ lụt"],
                    "amt": a,
                }
            )
        )
        exp.append(("12/09/2024", "credit", a))
        page_sum += i * 2_345_000
        total += i * 2_345_000
        if i % 3 == 0:
            s.row(Row({"memo": "Cộng trang", "amt": fmt(page_sum, ",")}))
            page_sum = 0
    s.row(Row({"memo": "Tổng cộng", "amt": fmt(total, ",")}))
    return s.done(), Expect(
        "kho_bac_bac_giang",
        exp,
        printed=dict(total_credit=fmt(total, ",")),
        cells={1: {"reference": "1002", "description": "THUTM Trường THCS Lê Lợi ủng hộ phòng chống lũ lụt"}},
        skipped_contains=["sub-total row: Cộng trang", "totals row: Tổng cộng"],
    )


# F-like. Vietcombank SAO KÊ TÀI KHOẢN, newest first, comma thousands, 'Số dư đầu kỳ:' glued to the number, the
# 'Tổng số:' label on the line above the totals (readable font: the real family's broken font is not reproduced).
def broken_font(text: str) -> str:
    """What pypdfium2 reads from the Quảng Ninh statement's broken font (LAYOUTS F): ASCII shifted by 29 code
    points, U+1EA0–U+1EF9 moved to U+04A4–U+04FD, Ê/À as Ç/¬; other accented letters unknown ('¤' here)."""
    out = []
    for c in text:
        o = ord(c)
        if c == " ":
            out.append(" ")
        elif 0x3E <= o <= 0x7A:
            out.append(chr(o - 29))
        elif 0x1EA0 <= o <= 0x1EF9:
            out.append(chr(o - 0x19FC))
        elif c in "ÊÀ":
            out.append({"Ê": "Ç", "À": "¬"}[c])
        else:
            out.append("¤")
    return "".join(out)


def vcb_sao_ke_newest_first(broken: bool = False) -> tuple[bytes, Expect]:
    b = broken_font if broken else (lambda t: t)
    cols = [
        Col("date", [b("Ngày giao dịch")], 30, 60),
        Col("ref", [b("Số tham chiếu")], 100, 80),
        Col("dr", [b("Số tiền ghi nợ")], 190, 75, "R"),
        Col("cr", [b("Số tiền ghi có")], 275, 77, "R"),
        Col("memo", [b("Mô tả")], 360, 200),
    ]
    s = Sheet(cols, size=8, line_h=10, pad=5)
    s.line("NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM - VIETCOMBANK", x=150)
    s.line(b("SAO KÊ TÀI KHOẢN"), x=250, size=12)
    s.line("Số tài khoản: 1000090909")
    s.line(b("Số dư đầu kỳ") + "1,000,000" if broken else "Số dư đầu kỳ:1,000,000")
    opening, exp, total = 1_000_000, [], 0
    rows = []
    for i in range(1, 9):
        a = i * 1_000_000
        total += a
        rows.append((f"{20 - i}/09/2024", a))
    s.line(b("Số dư cuối kỳ") + fmt(opening + total, ",") if broken else f"Số dư cuối kỳ:{fmt(opening + total, ',')}")
    s.header()
    for d, a in rows:  # newest first
        s.row(Row({"date": d, "ref": "5078 - 71690", "cr": fmt(a, ","), "memo": ["IBFT ung ho", "lu lut"]}))
        exp.append((d, "credit", fmt(a, ",")))
    s.row(Row({"date": "", "ref": b("Tổng số") if broken else "Tổng số:"}))
    s.y -= 6
    s.row(Row({"dr": "0", "cr": fmt(total, ",")}))
    return s.done(), Expect(
        "vcb_sao_ke",
        exp,
        printed=dict(
            account="1000090909",
            opening_balance="1,000,000",
            closing_balance=fmt(opening + total, ","),
            total_credit=fmt(total, ","),
        ),
    )


# A list with an image-only page at the end (the text pages are read, the image page is reported).
def with_image_page() -> tuple[bytes, Expect]:
    s = kho_bac_list_sheet()
    s.row(Row({"stt": "1", "date": "23/09/2024", "memo": "Trường Mẫu giáo Nhơn Hải", "amt": "6,058,583"}))
    return s.done(image_page=True), Expect(
        "mttq_list_kho_bac", [("23/09/2024", "credit", "6,058,583")], pages=2, pages_without_text=[2]
    )


def scan_only() -> bytes:
    pdf = FPDF(unit="pt", format="A4")
    add_image_page(pdf)
    add_image_page(pdf)
    return bytes(pdf.output())


def text_page(lines: list[str], password: str | None = None) -> bytes:
    """One page of plain text lines (no statement table), optionally encrypted."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("dv", "", FONT)
    pdf.set_font("dv", size=10)
    pdf.add_page()
    for i, line in enumerate(lines):
        pdf.text(50, 50 + i * 14, line)
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    return bytes(pdf.output())


def encrypted() -> bytes:
    return text_page(["SỔ PHỤ / STATEMENT"], password="secret")


def unknown_layout() -> bytes:
    return text_page([f"Biên bản họp lần {i}: không có bảng giao dịch nào ở đây." for i in range(10)])


FAMILY_FIXTURES = {
    "agribank_so_phu": agribank_so_phu,
    "agribank_so_phu_amounts_last_line": lambda: agribank_so_phu(amounts_last=True),
    "agribank_credit_only": agribank_credit_only,
    "vcb_thong_ke_usd": vcb_thong_ke_usd,
    "bidv_thong_ke": bidv_thong_ke,
    "mttq_notice": mttq_notice,
    "mttq_notice_without_header": lambda: mttq_notice(header=False),
    "mttq_list_bank": mttq_list_bank,
    "mttq_list_kho_bac": mttq_list_kho_bac,
    "kho_bac_thong_ke": kho_bac_thong_ke,
    "vbsp_sao_ke": vbsp_sao_ke,
    "vietinbank": vietinbank,
    "bidv_sao_ke": bidv_sao_ke,
    "kho_bac_can_tho": kho_bac_can_tho,
    "kho_bac_bac_giang": kho_bac_bac_giang,
    "vcb_sao_ke_newest_first": vcb_sao_ke_newest_first,
    "vcb_sao_ke_broken_font": lambda: vcb_sao_ke_newest_first(broken=True),
    "with_image_page": with_image_page,
}
