"""VietQR: the EMVCo merchant-presented QR payload NAPAS uses for bank transfers (pure, no Streamlit).

A payload is a chain of TLV fields — a 2-digit ID, a 2-digit length and the value — ending with a
CRC-16/CCITT-FALSE checksum:

    00 "01"                       payload format indicator
    01 "11" | "12"                point of initiation: static, or dynamic when an amount is given
    38 merchant account info:     00 GUID "A000000727" (NAPAS)
                                  01 beneficiary organisation: 00 bank BIN (6 digits), 01 account number
                                  02 service code "QRIBFTTA" (fast transfer to an account)
    53 "704"                      currency (ISO 4217 numeric: VND)
    54 amount                     optional, whole đồng
    58 "VN"                       country
    62 additional data:           08 purpose of transaction (the transfer memo), optional, ASCII
    63 CRC                        over everything before it including "6304", 4 upper-case hex digits

`payload(bank, account, amount=None, memo="")` builds it; `qr(...)` renders it with segno.
"""

from __future__ import annotations

import io

from explorer import banks
from explorer.banks import Bank
from explorer.text import fold

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"

MAX_ACCOUNT_DIGITS = 19  # NAPAS: beneficiary account / consumer id, up to 19 characters
MAX_AMOUNT_DIGITS = 13  # EMVCo ID 54: up to 13 characters
MAX_MEMO = 25  # EMVCo ID 62-08 purpose of transaction: up to 25 characters


class VietQRError(ValueError):
    """Bad input for a VietQR payload; `code` names the reason for translated messages."""

    CODES = ("bank_unknown", "bank_no_bin", "account_digits", "account_length", "amount", "memo_empty")

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def bank(code: str) -> Bank | None:
    """The bank for a statement's bank name ('MB', 'vcb', 'Vietcombank' …), or None if unknown."""
    return banks.bank(code)


def bank_bin(code: str) -> str:
    """The NAPAS BIN for a bank, or ValueError saying why there is none."""
    found = bank(code)
    if found is None:
        raise VietQRError("bank_unknown", f"unknown bank {code!r}: no NAPAS BIN on record")
    if found.bin is None:
        raise VietQRError("bank_no_bin", f"bank {found.code} has no NAPAS BIN for VietQR transfers")
    return found.bin


def supported_banks() -> tuple[str, ...]:
    """Bank codes a VietQR can be made for."""
    return banks.with_vietqr()


# CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR.
def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return table


_CRC_TABLE = _crc_table()


def crc16(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[((crc >> 8) ^ byte) & 0xFF]
    return crc


def tlv(tag: str, value: str) -> str:
    if len(tag) != 2 or not tag.isdigit():
        raise ValueError(f"bad field id {tag!r}")
    if not value:
        raise ValueError(f"field {tag} is empty")
    if len(value) > 99:
        raise ValueError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def clean_memo(memo: str) -> str:
    """The memo as a bank carries it: folded to ASCII (no diacritics, đ → d), printable, at most 25 characters."""
    folded = fold(memo)
    ascii_only = "".join(ch for ch in folded if ch.isascii() and ch.isprintable())
    return " ".join(ascii_only.split())[:MAX_MEMO].rstrip()


def payload(bank_code: str, account: str, amount: int | None = None, memo: str = "") -> str:
    """The VietQR payload for a transfer to `account` at `bank_code`; VietQRError (a ValueError) on bad input.

    `amount` is in whole đồng (VND has no minor unit); a memo that folds to nothing (e.g. only Chinese)
    is refused rather than silently dropped.
    """
    bin_ = bank_bin(bank_code)
    account = (account or "").strip()
    if not account.isascii() or not account.isdigit():
        raise VietQRError("account_digits", "the account number must contain digits only")
    if len(account) > MAX_ACCOUNT_DIGITS:
        raise VietQRError("account_length", f"the account number is longer than {MAX_ACCOUNT_DIGITS} digits")
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise VietQRError("amount", "the amount must be a whole number of đồng")
        if amount <= 0:
            raise VietQRError("amount", "the amount must be positive")
        if len(str(amount)) > MAX_AMOUNT_DIGITS:
            raise VietQRError("amount", f"the amount is longer than {MAX_AMOUNT_DIGITS} digits")
    text = clean_memo(memo) if memo and memo.strip() else ""
    if memo and memo.strip() and not text:
        raise VietQRError(
            "memo_empty", "the memo has no characters a bank transfer can carry (letters, digits, spaces)"
        )

    beneficiary = tlv("00", bin_) + tlv("01", account)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT)
    body = tlv("00", "01") + tlv("01", "12" if amount is not None else "11") + tlv("38", merchant)
    body += tlv("53", CURRENCY_VND)
    if amount is not None:
        body += tlv("54", str(amount))
    body += tlv("58", COUNTRY)
    if text:
        body += tlv("62", tlv("08", text))
    body += "6304"
    return body + f"{crc16(body.encode('ascii')):04X}"


def parse(data: str) -> dict[str, str]:
    """Split one level of TLV fields into {id: value}; ValueError on a malformed chain."""
    fields: dict[str, str] = {}
    i = 0
    while i < len(data):
        tag, size = data[i : i + 2], data[i + 2 : i + 4]
        if len(tag) < 2 or not size.isdigit() or i + 4 + int(size) > len(data):
            raise ValueError(f"malformed field at position {i}")
        fields[tag] = data[i + 4 : i + 4 + int(size)]
        i += 4 + int(size)
    return fields


def is_valid(data: str) -> bool:
    """True when the payload's CRC matches its content."""
    if len(data) < 8 or data[-8:-4] != "6304":
        return False
    return f"{crc16(data[:-4].encode('ascii')):04X}" == data[-4:].upper()


def qr(data: str):
    """A segno QR code for the payload (byte mode, error correction M, as banking apps scan well)."""
    import segno  # imported here so the payload code stays usable without the renderer

    return segno.make_qr(data, error="m", mode="byte", boost_error=False)


def qr_png(data: str, scale: int = 8) -> bytes:
    buf = io.BytesIO()
    qr(data).save(buf, kind="png", scale=scale, border=4, dark="#000000", light="#ffffff")
    return buf.getvalue()


def donation_memo(account: str, campaign_id: int | None = None) -> str:
    """The memo suggested under a donate QR: says what the gift is for and fits the 25 ASCII characters a
    transfer carries ('ung ho chien dich 42', 'ung ho tk 2905' as the payload holds it), so the donor can find
    the gift again on Verify."""
    text = f"UNG HO CHIEN DICH {campaign_id}" if campaign_id is not None else f"UNG HO TK {account}"
    return clean_memo(text)


def beneficiary(data: str) -> tuple[str, str]:
    """(bank BIN, account number) read back from a payload's merchant account field (ID 38)."""
    inner = parse(parse(parse(data)["38"])["01"])
    return inner["00"], inner["01"]
