"""Declarative family specs: how to recognise a family and which heading names which column.

Aliases are folded (explorer.text.fold: no accents, lower case) and matched as whole-token runs inside a header
cell, so 'Số tiền ghi có / Credit (VND)' matches 'ghi co' and 'credit' alike. A family is scored by its header
(roles found / columns in the header block) and its title phrases, and the best score wins.
"""

from __future__ import annotations

from dataclasses import dataclass

AMOUNT_ROLES = ("debit", "credit", "amount", "balance")
TYPED_ROLES = ("seq", "date", "time", "value_date")


@dataclass(frozen=True)
class FamilySpec:
    name: str
    bank: str | None  # the bank's own statement; None for a charity's list or notice
    title: tuple[str, ...]  # folded phrases looked for in the first pages' text
    columns: dict[str, tuple[str, ...]]  # role -> folded heading aliases
    required: tuple[str, ...]  # roles the header must show
    numbers: str = "any"  # 'dot' (1.000.000,00), 'comma' (1,000,000.00) or 'any'
    assign: str = "nearest"  # 'nearest' (rows centred vertically) or 'above' (top-aligned rows)
    amount_direction: str = "credit"  # where a single 'Số tiền' column goes: 'credit' (a donor list) or 'amount'
    balance_decides: bool = False  # Agribank: choose (AMT, BAL) so that prev ± AMT == BAL; tells Dr from Cr
    exclude_title: tuple[str, ...] = ()  # phrases that rule the family out
    currency: str | None = None
    broken_direction: str = "credit"  # where the balance chain breaks and cannot tell: a money-in list
    headerless: bool = False  # a list whose header row can be missing: infer STT|date|name|amount
    stream_check: bool = False  # every 'd.ddd,dd' token of the text stream is an amount (VCB, BIDV)
    notes: str = ""


def _s(*a: str) -> tuple[str, ...]:
    return tuple(a)


FAMILIES: dict[str, FamilySpec] = {}


def _add(spec: FamilySpec) -> None:
    FAMILIES[spec.name] = spec


DATE = _s(
    "ngay giao dich",
    "ngay gd",
    "ngay thang nam",
    "ngay thang",
    "ngay",
    "date",
    "ngay hach toan",
    "thoi gian chuyen khoan",
    "thoi gian",
    "ngay gio giao dich",
    "transaction date",
    "txn date",
)
STT = _s("stt", "so tt", "no.", "so thu tu")
MEMO = _s(
    "noi dung chi tiet",
    "noi dung",
    "dien giai",
    "ghi chu",
    "remark",
    "mo ta giao dich",
    "mo ta",
    "chi tiet giao dich",
    "description",
    "transactions in detail",
    "ten don vi, ca nhan",
    "ten don vi",
    "tap the, ca nhan",
)
DEBIT = _s("so tien ghi no", "ghi no", "phat sinh no", "no", "dr", "debit", "debit amount")
CREDIT = _s("so tien ghi co", "ghi co", "phat sinh co", "co", "cr", "credit", "credit amount")
AMOUNT = _s("so tien", "tong so thu", "amount", "so tien giao dich")
BALANCE = _s("so du", "balance", "so du hien co")

# A. Agribank "SỔ PHỤ / STATEMENT": Date | Remark | Dr | Cr | Balance | Ref. no
_add(
    FamilySpec(
        "agribank_so_phu",
        "Agribank",
        title=_s("so phu / statement", "plus credit", "agribank", "prior statement", "ending balance"),
        columns={
            "date": _s("ngay", "date"),
            "description": _s("ghi chu", "remark"),
            "debit": _s("no", "dr"),
            "credit": _s("co", "cr"),
            "balance": _s("so du", "balance"),
            "reference": _s("so tham chieu", "ref. no", "ref no"),
        },
        required=_s("date", "description", "debit", "credit", "balance"),
        numbers="comma",
        assign="above",
        balance_decides=True,
        notes="balance chain picks Dr/Cr; memo wraps 2-8 lines below the date",
    )
)

# B. Agribank Tuyên Quang: Date | Remark | Cr only, no balance
_add(
    FamilySpec(
        "agribank_credit_only",
        "Agribank",
        title=_s("so phu / statement", "customer name", "a/c no", "agribank"),
        columns={"date": _s("ngay", "date"), "description": _s("ghi chu", "remark"), "credit": _s("co", "cr")},
        required=_s("date", "description", "credit"),
        numbers="any",
        assign="nearest",
    )
)

# C. VBSP "Sao kê tài khoản": date | value date | detail | amount | balance
_add(
    FamilySpec(
        "vbsp_sao_ke",
        "VBSP",
        title=_s("ngan hang chinh sach xa hoi", "sao ke tai khoan", "so du dau", "tong so giao dich ghi co"),
        columns={
            "date": _s("ngay giao dich"),
            "value_date": _s("ngay gia tri"),
            "description": _s("chi tiet giao dich", "noi dung"),
            "amount": _s("so tien giao dich", "so tien"),
            "balance": _s("so du hien co", "so du"),
        },
        required=_s("date", "description", "amount", "balance"),
        numbers="any",
        assign="above",
        amount_direction="balance",
    )
)

# E. Vietcombank "THỐNG KÊ GIAO DỊCH": STT | date time | debit | credit | sender | detail
_add(
    FamilySpec(
        "vcb_thong_ke",
        "VCB",
        title=_s("thong ke giao dich", "chi nhanh thuc hien", "loai tien", "so giao dich"),
        columns={
            "seq": STT,
            "date": _s("ngay gio giao dich", "ngay giao dich"),
            "debit": _s("so tien ghi no", "ghi no"),
            "credit": _s("so tien ghi co", "ghi co"),
            "counterparty": _s("ten nguoi chuyen"),
            "description": _s("noi dung chi tiet", "noi dung"),
        },
        required=_s("date", "debit", "credit", "description"),
        exclude_title=_s("thoi gian chuyen khoan", "bank for investment"),
        numbers="dot",
        assign="above",
        stream_check=True,
    )
)

# F. Vietcombank Quảng Ninh "SAO KÊ TÀI KHOẢN" (headings often unreadable: broken font)
_add(
    FamilySpec(
        "vcb_sao_ke",
        "VCB",
        title=_s("sao ke tai khoan", "so tham chieu", "so tien ghi no", "vietcombank"),
        # 'giao dich', 'so tien ghi' and 'ta' are what survives of the headings when the font is broken
        columns={
            "date": _s("ngay giao dich", "giao dich", "ngay"),
            "reference": _s("so tham chieu"),
            "debit": _s("so tien ghi no", "ghi no"),
            "credit": _s("so tien ghi co", "ghi co", "so tien ghi"),
            "description": _s("mo ta", "noi dung", "ta"),
        },
        required=_s("date", "debit", "credit", "description"),
        exclude_title=_s("ngan hang chinh sach", "account statement", "sao ke chi tiet giao dich"),
        numbers="comma",
        assign="nearest",
    )
)

# G. BIDV old account statement: STT | date | credit | detail
_add(
    FamilySpec(
        "bidv_sao_ke",
        "BIDV",
        title=_s("sao ke tai khoan tien gui khach hang", "account statement", "nhtmcp dt&ptvn", "bidv"),
        columns={
            "seq": STT,
            "date": _s("ngay giao dich"),
            "credit": _s("phat sinh co", "credit amount"),
            "description": _s("dien giai", "description"),
        },
        required=_s("seq", "date", "credit", "description"),
        numbers="dot",
        assign="nearest",
    )
)

# H. BIDV "THỐNG KÊ GIAO DỊCH": STT | time | sender account | debit | credit | detail
_add(
    FamilySpec(
        "bidv_thong_ke",
        "BIDV",
        title=_s("thong ke giao dich", "bank for investment", "tu ngay/ from date", "old account no"),
        columns={
            "seq": STT,
            "date": _s("thoi gian chuyen khoan", "thoi gian"),
            "counterparty": _s("so tai khoan cua nguoi chuyen"),
            "debit": _s("so tien ghi no", "ghi no"),
            "credit": _s("so tien ghi co", "ghi co"),
            "description": _s("noi dung chi tiet", "noi dung"),
        },
        required=_s("seq", "date", "credit", "description"),
        numbers="dot",
        assign="nearest",
        stream_check=True,
    )
)

# I. VietinBank "THỐNG KÊ CHI TIẾT GIAO DỊCH": STT | date/time | detail | credit | name | account
_add(
    FamilySpec(
        "vietinbank_thong_ke",
        "VietinBank",
        title=_s("thong ke chi tiet giao dich", "vietinbank", "cong thuong"),
        columns={
            "seq": STT,
            "date": _s("ngay gd", "ngay giao dich"),
            "description": _s("mo ta giao dich", "mo ta"),
            "credit": _s("co/credit", "co / credit", "credit", "co"),
            "counterparty": _s("ten doi ung"),
            "reference": _s("so tai khoan"),
        },
        required=_s("seq", "date", "description", "credit"),
        numbers="dot",
        assign="nearest",
    )
)

# J. MTTQ notice "THÔNG BÁO SỐ NN": STT | NGÀY | TÊN ĐƠN VỊ, CÁ NHÂN | SỐ TIỀN, then 'Tổng'
_add(
    FamilySpec(
        "mttq_notice",
        None,
        title=_s("thong bao so", "don vi, ca nhan dong gop", "uy ban mttq", "nang tong so"),
        columns={
            "seq": STT,
            "date": _s("ngay"),
            "counterparty": _s("ten don vi, ca nhan", "ten don vi"),
            "amount": _s("so tien"),
        },
        required=_s("seq", "date", "amount"),
        numbers="dot",
        assign="nearest",
        headerless=True,
    )
)

# K. MTTQ list at Agribank: STT | Ngày | Số tiền | Diễn giải (order varies)
_add(
    FamilySpec(
        "mttq_list_bank",
        None,
        title=_s("danh sach cac don vi, ca nhan ung ho", "tai ngan hang", "stk"),
        columns={
            "seq": STT,
            "date": _s("ngay giao dich", "ngay thang", "ngay"),
            "amount": AMOUNT,
            "description": _s("dien giai", "noi dung"),
        },
        required=_s("seq", "date", "amount", "description"),
        exclude_title=_s("kho bac"),
        numbers="comma",
        assign="nearest",
    )
)

# L. A list of gifts into a State Treasury (Kho bạc) account: STT | Ngày tháng | Diễn giải | Số tiền (Ninh Thuận,
#    comma thousands), or the treasury's own "THỐNG KÊ GIAO DỊCH": STT | Thời gian | Nội dung | Số tiền (Tuyên Quang,
#    dot thousands, published as a scan).
_add(
    FamilySpec(
        "mttq_list_kho_bac",
        None,
        title=_s(
            "danh sach cac don vi, ca nhan ung ho", "kho bac nha nuoc", "tai khoan so", "thong ke giao dich tu ngay"
        ),
        columns={
            "seq": STT,
            "date": _s("ngay thang", "thoi gian", "ngay"),
            "description": _s("dien giai", "noi dung"),
            "amount": _s("tong so thu", "so tien"),
        },
        required=_s("seq", "date", "description", "amount"),
        exclude_title=_s("bank for investment"),
        numbers="any",
        assign="nearest",
    )
)

# M. Cần Thơ Kho bạc list: STT | Ngày, tháng, năm | Số hiệu chứng từ | Diễn giải | Số tiền
_add(
    FamilySpec(
        "kho_bac_can_tho",
        None,
        title=_s("kho bac", "so hieu chung tu", "ung ho"),
        columns={
            "seq": STT,
            "date": _s("ngay, thang, nam", "ngay thang nam", "ngay"),
            "reference": _s("so hieu chung tu", "chung tu"),
            "description": _s("dien giai"),
            "amount": _s("so tien"),
        },
        required=_s("seq", "date", "reference", "description", "amount"),
        numbers="dot",
        assign="nearest",
    )
)

# N. Bắc Giang Kho bạc list: Ngày tháng | Số chứng từ | CK/TM | Tập thể, cá nhân | Số tiền (no STT)
_add(
    FamilySpec(
        "kho_bac_bac_giang",
        None,
        title=_s("sao ke chi tiet giao dich ung ho", "bac giang", "kho bac"),
        columns={
            "date": _s("ngay thang", "ngay"),
            "reference": _s("so chung tu"),
            "description#kind": _s("ck/tm"),
            "description": _s("tap the, ca nhan", "tap the"),
            "amount": _s("so tien"),
        },
        required=_s("date", "reference", "description", "amount"),
        numbers="comma",
        assign="nearest",
    )
)
