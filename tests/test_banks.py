"""The one bank registry: names resolve to one code, the layouts it lists are the importer's, VietQR BINs."""

from __future__ import annotations

import pytest

from explorer import banks, vietqr
from explorer.ingest.layouts import LAYOUTS
from explorer.ingest.pdf.specs import FAMILIES


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("VCB", "VCB"),
        ("vietcombank", "VCB"),
        ("  Ngân hàng TMCP Ngoại thương ", "VCB"),
        ("ICB", "VietinBank"),
        ("mb bank", "MB"),
        ("Ngân hàng Chính sách Xã hội", "VBSP"),
        ("Kho bạc Nhà nước", "KBNN"),
    ],
)
def test_every_name_of_a_bank_gives_its_code(name, code):
    assert banks.canonical(name) == code


def test_an_unknown_bank_is_kept_as_given_and_a_blank_one_is_none():
    assert banks.canonical(" Ngân hàng Xyz ") == "Ngân hàng Xyz"
    assert banks.canonical("  ") is None
    assert banks.bank("Xyz") is None


def test_a_title_names_its_bank_by_a_long_name_only():
    assert banks.named_in("DANH SÁCH ỦNG HỘ Tại Ngân hàng Nông nghiệp chi nhánh Ninh Thuận") == "Agribank"
    assert banks.named_in("Tài khoản tại Kho bạc Nhà nước Tuyên Quang") == "KBNN"
    assert banks.named_in("ủng hộ qua MB và ACB") is None  # a short code inside a sentence is not evidence


def test_the_layouts_the_registry_lists_are_exactly_the_importers_per_bank():
    declared: dict[str, set[str]] = {}
    for name, bank in [(n, layout.bank) for n, layout in LAYOUTS.items()] + [
        (f.name, f.bank) for f in FAMILIES.values()
    ]:
        if bank:
            declared.setdefault(bank, set()).add(name)
    listed = {code: set(b.layouts) for code, b in banks.BANKS.items() if b.layouts}
    assert listed == declared


def test_vietqr_reads_bins_from_the_registry():
    assert vietqr.bank_bin("Vietcombank") == "970436"
    assert set(vietqr.supported_banks()) == {"MB", "VCB", "VietinBank", "BIDV", "Agribank", "Techcombank", "ACB"}
    with pytest.raises(vietqr.VietQRError) as no_bin:
        vietqr.bank_bin("KBNN")
    assert no_bin.value.code == "bank_no_bin"


def test_the_seed_opens_charity_accounts_at_the_same_banks_in_the_same_order():
    from seed.orgs import LONG_BANKS

    assert LONG_BANKS == ["VCB", "VietinBank", "BIDV", "Agribank", "VBSP", "Techcombank", "ACB"]
