"""The one registry of banks: the code the ledger stores, the names people and statements use, the NAPAS BIN a
VietQR needs, and the statement layouts the importer reads for the bank (pure, no Streamlit).

Every other module asks here: the importer to name the bank a file or a title speaks of, the VietQR payload for
its BIN, the seed for the banks charity accounts are opened at. `tests/test_banks.py` holds the layouts below equal
to the layouts the importer declares for each bank.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.text import fold


@dataclass(frozen=True)
class Bank:
    code: str  # as the ledger, the seed and the statements' layouts name the bank
    name: str  # shown to people: the short name and the Vietnamese long name
    bin: str | None  # NAPAS bank identification number; None: no VietQR transfer to this bank
    aliases: tuple[str, ...] = ()  # other names, folded (lower case, no diacritics): short forms and long forms
    layouts: tuple[str, ...] = ()  # statement layouts (tables and PDF families) the importer reads for this bank
    why_not: str = ""  # why there is no VietQR, as an i18n code
    charity_accounts: bool = True  # the seed opens charity accounts here


# NAPAS BINs are the 6-digit bank ids of the public VietQR bank list.
BANKS: dict[str, Bank] = {
    b.code: b
    for b in (
        Bank(
            "VCB",
            "Vietcombank (Ngân hàng TMCP Ngoại thương Việt Nam)",
            "970436",
            ("vietcombank", "vcb", "ngan hang tmcp ngoai thuong"),
            ("vcb_daily", "vcb_thong_ke", "vcb_sao_ke"),
        ),
        Bank(
            "VietinBank",
            "VietinBank (Ngân hàng TMCP Công thương Việt Nam)",
            "970415",
            ("vietinbank", "ctg", "icb", "ngan hang tmcp cong thuong"),
            ("vietinbank", "vietinbank_thong_ke"),
        ),
        Bank(
            "BIDV",
            "BIDV (Ngân hàng TMCP Đầu tư và Phát triển Việt Nam)",
            "970418",
            ("bidv", "ngan hang tmcp dau tu va phat trien"),
            ("bidv_sao_ke", "bidv_thong_ke"),
        ),
        Bank(
            "Agribank",
            "Agribank (Ngân hàng Nông nghiệp và Phát triển Nông thôn)",
            "970405",
            ("agribank", "vba", "ngan hang nong nghiep"),
            ("agribank", "agribank_so_phu", "agribank_credit_only"),
        ),
        # The public VietQR bank list carries VBSP only with a placeholder id (999888) and marks it as not
        # supporting transfers: a QR for it would not work in a banking app, so none is made.
        Bank(
            "VBSP",
            "VBSP (Ngân hàng Chính sách Xã hội)",
            None,
            ("vbsp", "ngan hang chinh sach xa hoi"),
            ("vbsp", "vbsp_sao_ke"),
            why_not="no_napas_bin",
        ),
        Bank("Techcombank", "Techcombank (Ngân hàng TMCP Kỹ thương Việt Nam)", "970407", ("techcombank", "tcb")),
        Bank("ACB", "ACB (Ngân hàng TMCP Á Châu)", "970416", ("acb",)),
        Bank("MB", "MB Bank (Ngân hàng TMCP Quân đội)", "970422", ("mb", "mbbank", "mb bank"), charity_accounts=False),
        # The State Treasury holds relief accounts of provinces (Kho bạc Nhà nước); it is not a NAPAS member.
        Bank(
            "KBNN",
            "Kho bạc Nhà nước (State Treasury)",
            None,
            ("kbnn", "kho bac nha nuoc"),
            why_not="no_napas_bin",
            charity_accounts=False,
        ),
    )
}
_BY_ALIAS = {alias: b for b in BANKS.values() for alias in (fold(b.code), *b.aliases)}


def bank(name: str | None) -> Bank | None:
    """The bank for any of its names ('MB', 'vcb', 'Vietcombank', 'Ngân hàng TMCP Ngoại thương'), or None."""
    key = fold(name or "").strip()
    return _BY_ALIAS.get(key)


def canonical(name: str | None) -> str | None:
    """The registry's code for a bank name; an unknown name is kept as given (trimmed), a blank one is None."""
    if not name or not name.strip():
        return None
    found = bank(name)
    return found.code if found else name.strip()[:32]


def named_in(text: str) -> str | None:
    """The bank a statement's title or notice names ('Tại Ngân hàng Nông nghiệp chi nhánh Ninh Thuận' → Agribank),
    by the longer names only: a three-letter code inside a sentence is not evidence. The earliest mention wins."""
    folded = fold(text)
    found = [(folded.find(alias), b.code) for alias, b in _BY_ALIAS.items() if len(alias) >= 6 and alias in folded]
    return min(found)[1] if found else None


def with_vietqr() -> tuple[str, ...]:
    """Bank codes a VietQR can be made for."""
    return tuple(code for code, b in BANKS.items() if b.bin)


def for_charity_accounts() -> tuple[str, ...]:
    """Banks the seed opens charity accounts at (the 4-digit accounts of the big charities)."""
    return tuple(code for code, b in BANKS.items() if b.charity_accounts)
