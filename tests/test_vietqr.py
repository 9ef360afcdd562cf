"""The VietQR payload against the EMVCo / NAPAS specification, and the QR image against the payload.

Everything the test checks with is written here independently of explorer.vietqr: a TLV parser, a
bit-by-bit CRC-16/CCITT-FALSE, and a small QR decoder (format info, unmasking, zig-zag reading,
de-interleaving, byte-mode segment) for the matrix segno builds and for the PNG the page shows.
"""

from __future__ import annotations

import binascii
import io

import pytest

from explorer import vietqr
from explorer.vietqr import VietQRError

# ---------------------------------------------------------------- independent helpers


def crc_bitwise(data: bytes) -> int:
    """CRC-16/CCITT-FALSE one bit at a time (poly 0x1021, init 0xFFFF, no reflection, no final xor)."""
    crc = 0xFFFF
    for byte in data:
        for bit in range(7, -1, -1):
            top = (crc >> 15) & 1
            crc = (crc << 1) & 0xFFFF
            if top ^ ((byte >> bit) & 1):
                crc ^= 0x1021
    return crc


def tlv_fields(data: str) -> list[tuple[str, int, str]]:
    """[(id, declared length, value)] of one TLV level; fails the test on a malformed chain."""
    out, i = [], 0
    while i < len(data):
        tag, length = data[i : i + 2], int(data[i + 2 : i + 4])
        value = data[i + 4 : i + 4 + length]
        assert len(value) == length, f"field {tag} declares {length} chars, has {len(value)}"
        out.append((tag, length, value))
        i += 4 + length
    return out


def as_dict(data: str) -> dict[str, str]:
    fields = tlv_fields(data)
    assert len({t for t, _, _ in fields}) == len(fields), "an id appears twice"
    return {t: v for t, _, v in fields}


def check_crc(payload: str) -> None:
    assert payload[-8:-4] == "6304", "the CRC field must come last, as 63 04"
    assert payload[-4:] == f"{crc_bitwise(payload[:-4].encode('ascii')):04X}"


# Payloads produced by other VietQR generators, found in public code (banks 970418 BIDV, 970422 MB,
# 970407 Techcombank): their CRCs were computed by someone else's implementation.
PUBLIC_PAYLOADS = [
    "00020101021238590010A000000727012900069704180115V3CAS62627239240208QRIBFTTA53037045406375000"
    "5802VN62250821CSPZKHEL6A2 NTK O000463044729",
    "00020101021238570010A000000727012700069704220113VQRQACLNP26800208QRIBFTTA53037045406100000"
    "5802VN62270823Thanh toan don hang ABC6304CE4C",
    "00020101021138510010A00000072701210006970407010797968680208QRIBFTTA53037045802VN62240820"
    "gen by sunary/vietqr6304BE74",
    "00020101021138540010A00000072701240006970422011008129452690208QRIBFTTA53037045802VN6304D5F3",
]


# ---------------------------------------------------------------- CRC


def test_crc_known_vector():
    assert crc_bitwise(b"123456789") == 0x29B1
    assert vietqr.crc16(b"123456789") == 0x29B1
    assert binascii.crc_hqx(b"123456789", 0xFFFF) == 0x29B1
    assert vietqr.crc16(b"") == 0xFFFF


@pytest.mark.parametrize("data", [b"A", b"6304", b"\x00\xff" * 50, bytes(range(256))])
def test_crc_table_matches_bitwise(data):
    assert vietqr.crc16(data) == crc_bitwise(data)


@pytest.mark.parametrize("payload", PUBLIC_PAYLOADS)
def test_public_payloads_validate(payload):
    check_crc(payload)
    assert vietqr.is_valid(payload)
    assert not vietqr.is_valid(payload[:-1] + ("0" if payload[-1] != "0" else "1"))


# ---------------------------------------------------------------- payload fields


def test_dynamic_payload_fields_follow_the_spec():
    payload = vietqr.payload("MB", "2905", 500_000, "Ủng hộ đồng bào bão Yagi")
    check_crc(payload)
    fields = tlv_fields(payload)
    assert [t for t, _, _ in fields] == ["00", "01", "38", "53", "54", "58", "62", "63"]
    top = as_dict(payload)
    assert top["00"] == "01"
    assert top["01"] == "12"  # dynamic: carries an amount
    assert top["53"] == "704"
    assert top["54"] == "500000"
    assert top["58"] == "VN"
    merchant = as_dict(top["38"])
    assert merchant == {"00": "A000000727", "01": merchant["01"], "02": "QRIBFTTA"}
    assert as_dict(merchant["01"]) == {"00": "970422", "01": "2905"}
    assert as_dict(top["62"]) == {"08": "ung ho dong bao bao yagi"}
    assert payload == (
        "000201010212"
        "3848"
        "0010A000000727"
        "0118"
        "0006970422"
        "01042905"
        "0208QRIBFTTA"
        "5303704"
        "5406500000"
        "5802VN"
        "6228"
        "0824ung ho dong bao bao yagi"
        "6304" + payload[-4:]
    )


def test_static_payload_has_no_amount_and_no_memo():
    payload = vietqr.payload("VCB", "0011001234567")
    check_crc(payload)
    top = as_dict(payload)
    assert top["01"] == "11"
    assert "54" not in top and "62" not in top
    assert as_dict(as_dict(top["38"])["01"]) == {"00": "970436", "01": "0011001234567"}


@pytest.mark.parametrize(
    "bank,bin_",
    [
        ("MB", "970422"),
        ("VCB", "970436"),
        ("VietinBank", "970415"),
        ("BIDV", "970418"),
        ("Agribank", "970405"),
        ("Techcombank", "970407"),
        ("ACB", "970416"),
        ("vietcombank", "970436"),
        ("mb", "970422"),
    ],
)
def test_bank_bins(bank, bin_):
    assert vietqr.bank_bin(bank) == bin_
    assert as_dict(as_dict(as_dict(vietqr.payload(bank, "123456"))["38"])["01"])["00"] == bin_


def test_every_seed_bank_is_known():
    from seed.orgs import LONG_BANKS

    for code in [*LONG_BANKS, "MB"]:
        assert vietqr.bank(code) is not None, code
    assert set(vietqr.supported_banks()) == {"MB", "VCB", "VietinBank", "BIDV", "Agribank", "Techcombank", "ACB"}


def test_vbsp_and_unknown_banks_are_refused_with_a_reason():
    with pytest.raises(VietQRError) as exc:
        vietqr.payload("VBSP", "1234")
    assert exc.value.code == "bank_no_bin" and "VBSP" in str(exc.value)
    with pytest.raises(VietQRError) as exc:
        vietqr.payload("Bank of Nowhere", "1234")
    assert exc.value.code == "bank_unknown"


@pytest.mark.parametrize(
    "account,amount,memo,code",
    [
        ("29O5", None, "", "account_digits"),
        ("2905 ", None, "", None),  # surrounding blanks are trimmed, not refused
        ("", None, "", "account_digits"),
        ("２９０５", None, "", "account_digits"),  # full-width digits are not ASCII digits
        ("1" * 19, None, "", None),
        ("1" * 20, None, "", "account_length"),
        ("2905", 0, "", "amount"),
        ("2905", -5, "", "amount"),
        ("2905", 10.5, "", "amount"),
        ("2905", True, "", "amount"),
        ("2905", 10**13 - 1, "", None),
        ("2905", 10**13, "", "amount"),
        ("2905", None, "捐款", "memo_empty"),
        ("2905", None, "   ", None),  # blank memo: no field 62
    ],
)
def test_input_validation(account, amount, memo, code):
    if code is None:
        check_crc(vietqr.payload("MB", account, amount, memo))
        return
    with pytest.raises(ValueError) as exc:
        vietqr.payload("MB", account, amount, memo)
    assert exc.value.code == code


def test_memo_is_folded_ascii_and_capped():
    assert vietqr.clean_memo("Đà Nẵng ủng hộ") == "da nang ung ho"
    assert vietqr.clean_memo("Quỹ 捐款 Yagi\n\t2024") == "quy yagi 2024"
    long = vietqr.clean_memo("Nguyễn Văn An ủng hộ đồng bào miền Trung bị lũ lụt")
    assert len(long) <= 25 and long == "nguyen van an ung ho dong"
    memo = as_dict(as_dict(vietqr.payload("MB", "2905", None, "x" * 200))["62"])["08"]
    assert memo == "x" * 25


def test_parse_round_trip_and_tamper_detection():
    payload = vietqr.payload("BIDV", "12345678901", 200_000, "ung ho")
    assert vietqr.parse(payload) == as_dict(payload)
    assert vietqr.is_valid(payload)
    tampered = payload.replace("200000", "900000")
    assert not vietqr.is_valid(tampered)
    with pytest.raises(ValueError):
        vietqr.parse("0005abc")


# ---------------------------------------------------------------- the QR symbol itself

# ISO/IEC 18004 error-correction level M: version → [(blocks, data codewords per block), …]
EC_M_BLOCKS = {
    1: [(1, 16)],
    2: [(1, 28)],
    3: [(1, 44)],
    4: [(2, 32)],
    5: [(2, 43)],
    6: [(4, 27)],
    7: [(4, 31)],
    8: [(2, 38), (2, 39)],
    9: [(3, 36), (2, 37)],
    10: [(4, 43), (1, 44)],
}
ALIGNMENT = {
    1: [],
    2: [6, 18],
    3: [6, 22],
    4: [6, 26],
    5: [6, 30],
    6: [6, 34],
    7: [6, 22, 38],
    8: [6, 24, 42],
    9: [6, 26, 46],
    10: [6, 28, 50],
}
MASKS = [
    lambda r, c: (r + c) % 2 == 0,
    lambda r, c: r % 2 == 0,
    lambda r, c: c % 3 == 0,
    lambda r, c: (r + c) % 3 == 0,
    lambda r, c: (r // 2 + c // 3) % 2 == 0,
    lambda r, c: (r * c) % 2 + (r * c) % 3 == 0,
    lambda r, c: ((r * c) % 2 + (r * c) % 3) % 2 == 0,
    lambda r, c: ((r + c) % 2 + (r * c) % 3) % 2 == 0,
]


def decode_matrix(m: list[list[int]]) -> bytes:
    """The byte-mode content of a level-M QR symbol (versions 1–10), read from its module matrix."""
    n = len(m)
    version = (n - 17) // 4
    assert n == 17 + 4 * version and version in EC_M_BLOCKS
    # Format information, first copy: bits 0–5 down column 8, then (7,8), (8,8), (8,7), then row 8 leftwards.
    cells = [(r, 8) for r in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, c) for c in range(5, -1, -1)]
    fmt = sum(m[r][c] << i for i, (r, c) in enumerate(cells)) ^ 0x5412
    assert (fmt >> 13) == 0b00, "error-correction level is not M"
    mask = MASKS[(fmt >> 10) & 0b111]

    reserved = [[False] * n for _ in range(n)]

    def block(r0, c0, h, w):
        for r in range(max(r0, 0), min(r0 + h, n)):
            for c in range(max(c0, 0), min(c0 + w, n)):
                reserved[r][c] = True

    block(0, 0, 9, 9), block(0, n - 8, 9, 8), block(n - 8, 0, 8, 9)  # finders, separators, format info
    block(6, 0, 1, n), block(0, 6, n, 1)  # timing patterns
    pos = ALIGNMENT[version]
    for r in pos:
        for c in pos:
            if not ((r == 6 and c == 6) or (r == 6 and c == pos[-1]) or (r == pos[-1] and c == 6)):
                block(r - 2, c - 2, 5, 5)
    if version >= 7:
        block(0, n - 11, 6, 3), block(n - 11, 0, 3, 6)  # version information

    bits = []
    right = n - 1
    while right >= 1:
        if right == 6:
            right = 5
        upward = ((right + 1) & 2) == 0
        for step in range(n):
            r = n - 1 - step if upward else step
            for c in (right, right - 1):
                if not reserved[r][c]:
                    bits.append(m[r][c] ^ (1 if mask(r, c) else 0))
        right -= 2
    codewords = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits) - 7, 8)]

    sizes = [size for count, size in EC_M_BLOCKS[version] for _ in range(count)]
    blocks: list[list[int]] = [[] for _ in sizes]
    it = iter(codewords)
    for i in range(max(sizes)):
        for b, size in enumerate(sizes):
            if i < size:
                blocks[b].append(next(it))
    stream = "".join(f"{cw:08b}" for blk in blocks for cw in blk)
    assert stream[:4] == "0100", "not a byte-mode segment"
    count_bits = 8 if version <= 9 else 16
    count = int(stream[4 : 4 + count_bits], 2)
    start = 4 + count_bits
    return bytes(int(stream[start + 8 * i : start + 8 * i + 8], 2) for i in range(count))


def test_segno_symbol_encodes_the_payload():
    payload = vietqr.payload("MB", "2905", 500_000, "ung ho dong bao")
    code = vietqr.qr(payload)
    assert code.error == "M" and code.mode == "byte" and 1 <= code.version <= 10
    matrix = [list(row) for row in code.matrix]
    assert decode_matrix(matrix).decode("ascii") == payload


def test_png_image_encodes_the_payload():
    from PIL import Image

    payload = vietqr.payload("VCB", "0011001234567", 1_000_000, "quy tre em")
    scale, border = 8, 4
    image = Image.open(io.BytesIO(vietqr.qr_png(payload, scale=scale))).convert("L")
    n = image.width // scale - 2 * border
    assert image.width == image.height == (n + 2 * border) * scale
    matrix = [
        [
            1 if image.getpixel(((c + border) * scale + scale // 2, (r + border) * scale + scale // 2)) < 128 else 0
            for c in range(n)
        ]
        for r in range(n)
    ]
    assert decode_matrix(matrix).decode("ascii") == payload
    # the quiet zone is white
    assert all(image.getpixel((x, 2)) > 128 for x in range(image.width))


def test_decoder_is_not_fooled_by_a_different_payload():
    one = vietqr.payload("MB", "2905", 100_000)
    other = vietqr.payload("MB", "2906", 100_000)
    matrix = [list(row) for row in vietqr.qr(other).matrix]
    assert decode_matrix(matrix).decode("ascii") != one
