"""The map of today (63 provinces → 34 on 1 July 2025): the pure mapping, the filters that take in the merged old
provinces on the tiny seed (exact counts against SQL), the URL forms, and the seed's map of the day."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from page_specs import open_page
from province_oracle import CSV, today_of
from sqlalchemy import text

from explorer import provinces
from explorer.i18n import translate
from explorer.params import Param, parse_params
from explorer.queries import accounts, campaigns, disbursements, stats

OLD_CODES = [int(r["plate_codes"].split()[0]) for r in csv.DictReader(CSV.open(encoding="utf-8"))]
# Resolution 202/2025/QH15: 11 provinces kept as they were, 23 new ones formed by merging the other 52.
LAM_DONG = (49, 48, 86)  # Lâm Đồng took in Đắk Nông and Bình Thuận


def test_all_63_old_provinces_map_to_exactly_one_of_the_34():
    today = provinces.today_provinces()
    assert len(OLD_CODES) == 63 and len(today) == 34
    members = [c for p in today for c in p.members]
    assert sorted(members) == sorted(OLD_CODES)  # each old province in exactly one of today's
    assert all(provinces.province_of_today(c) in {p.code for p in today} for c in OLD_CODES)
    merged = [p for p in today if len(p.members) > 1]
    assert (len(merged), len(today) - len(merged)) == (23, 11)
    assert sorted(len(p.members) for p in merged).count(3) == 6  # six new provinces joined three old ones


@pytest.mark.parametrize(
    ("old", "today", "members"),
    [
        (23, "Tuyên Quang", (22, 23)),
        (61, "TP Hồ Chí Minh", (50, 61, 72)),
        (48, "Lâm Đồng", LAM_DONG),
        (75, "Huế", (75,)),
        (29, "Hà Nội", (29,)),
        (98, "Bắc Ninh", (99, 98)),
    ],
)
def test_old_province_of_today(old, today, members):
    code = provinces.province_of_today(old)
    assert provinces.today_name(old) == today and provinces.members(old) == members and members[0] == code
    assert code == today_of(old)  # the independent reading of the CSV agrees


def test_merged_and_kept_names():
    assert provinces.was_merged(23) and provinces.old_name(23) == "Hà Giang"
    assert not provinces.was_merged(22) and not provinces.was_merged(29)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("23", 22),
        ("Hà Giang", 22),
        ("ha giang", 22),
        ("ha-giang", 22),
        ("HÀ GIANG", 22),
        ("tuyen-quang", 22),
        ("30", 29),  # any of Hà Nội's plate codes
        ("ho-chi-minh", 50),
        ("TP Hồ Chí Minh", 50),
        ("binh-duong", 50),
        ("ba-ria-vung-tau", 50),
        ("Thừa Thiên Huế", 75),
        ("hue", 75),
        ("dak-nong", 49),
        ("Atlantis", None),
        ("", None),
        ("100", None),
    ],
)
def test_lookup_accepts_codes_and_old_or_new_names(raw, code):
    assert provinces.lookup(raw) == code


def test_a_url_with_an_old_name_filters_by_todays_province():
    spec = {"province": Param("province")}
    assert parse_params({"province": "ha-giang"}, spec)[0]["province"] == 22
    values, notices = parse_params({"province": "Atlantis"}, spec)
    assert values["province"] is None and notices == ["province: not a province"]


def test_province_of_day_keeps_the_old_province_before_the_merger():
    assert provinces.province_of_day(23, dt.date(2025, 6, 30)) == 23
    assert provinces.province_of_day(23, dt.date(2025, 7, 1)) == 22


# --- filters on the tiny seed ---------------------------------------------------------------------------------


def _count(engine, sql: str, codes: tuple[int, ...]) -> int:
    marks = ", ".join(str(int(c)) for c in codes)
    with engine.connect() as conn:
        return int(conn.execute(text(sql.format(codes=marks))).scalar_one())


def test_campaign_filter_by_todays_province_finds_the_merged_ones(tiny_engine):
    rows = campaigns.listing(tiny_engine, province=49, page_size=200)["rows"]
    expected = _count(tiny_engine, "SELECT COUNT(*) FROM campaigns WHERE province_code IN ({codes})", LAM_DONG)
    assert len(rows) == expected == 3  # Lâm Đồng 1 + Bình Thuận 2 (2024, the map of their day)
    assert set(rows.province_code) == {49, 86}
    old = rows[rows.province_code == 86].iloc[0]
    assert (old.province, old.province_now) == ("Bình Thuận", "Lâm Đồng")
    assert rows[rows.province_code == 49].province_now.isna().all()  # Lâm Đồng is still Lâm Đồng


def test_picking_tuyen_quang_finds_ha_giangs_2024_campaign(tiny_engine):
    for code in (22, 23):  # today's code, or the old one (a link made before the merger)
        rows = campaigns.listing(tiny_engine, province=code)["rows"]
        assert rows.province_code.tolist() == [23] and rows.province_now.tolist() == ["Tuyên Quang"]
        assert rows.start_on.iloc[0].year == 2024


def test_disbursement_and_account_filters_take_in_the_merged_provinces(tiny_engine):
    rows = disbursements.listing(tiny_engine, province=49, page_size=200)["rows"]
    expected = _count(tiny_engine, "SELECT COUNT(*) FROM disbursements WHERE province_code IN ({codes})", LAM_DONG)
    assert len(rows) == expected and set(rows.province_code) == {49, 86}
    found = accounts.search_accounts(tiny_engine, province=22, page_size=200)["rows"]
    expected = _count(tiny_engine, "SELECT COUNT(*) FROM accounts WHERE province_code IN ({codes})", (22, 23))
    assert len(found) == expected and "2305" in set(found.number) and "2205" in set(found.number)


def test_facets_offer_only_todays_provinces(tiny_engine):
    today = {p.code: p.name for p in provinces.today_provinces()}
    for frame in (
        campaigns.facet_choices(tiny_engine)["provinces"],
        disbursements.choices(tiny_engine)["provinces"],
        accounts.province_choices(tiny_engine),
    ):
        assert set(frame.code) <= set(today) and all(today[c] == n for c, n in zip(frame.code, frame.name, strict=True))
    assert len(accounts.province_choices(tiny_engine)) == 34
    picked = campaigns.facet_choices(tiny_engine)["provinces"]
    with tiny_engine.connect() as conn:
        used = {r[0] for r in conn.execute(text("SELECT DISTINCT province_code FROM campaigns"))}
    assert set(picked.code) == {today_of(c) for c in used} and 23 not in set(picked.code) and 22 in set(picked.code)


def test_stats_by_province_sums_into_todays_provinces(tiny_engine):
    frame = stats.by_province(tiny_engine, basis="campaign")
    with tiny_engine.connect() as conn:
        raw = pd.read_sql(
            text(
                "SELECT c.province_code AS code, SUM(s.amount) AS amount FROM statement_lines s "
                "JOIN campaigns c ON c.id = s.campaign_id WHERE s.direction = 'in' AND s.currency = 'VND' GROUP BY 1"
            ),
            conn,
        )
    expected = raw.assign(code=raw.code.map(today_of)).groupby("code").amount.sum()
    assert frame.set_index("code").amount.to_dict() == expected.to_dict()
    assert frame.loc[frame.code == 49, "province"].tolist() == ["Lâm Đồng"]


def test_flows_end_in_todays_provinces(tiny_engine):
    links = disbursements.flows(tiny_engine)
    ends = {t.split(":", 1)[1] for t in links.target if t.startswith("province:")}
    assert "Bình Thuận" not in ends and ("Lâm Đồng" in ends or "other" in ends)


def test_red_cross_chapters_keep_the_plate_code_of_the_province_they_were_opened_in(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.number, a.province_code, a.opened_on FROM accounts a JOIN organizations o ON o.id = a.org_id"
                " WHERE o.kind = 'red_cross_chapter'"
            )
        ).all()
    assert len(rows) == 63 and {r.number for r in rows} == {f"{c}05" for c in OLD_CODES}
    assert all(dt.date.fromisoformat(str(r.opened_on)[:10]) < provinces.MERGED_ON for r in rows)


def test_campaigns_after_the_merger_carry_todays_province():
    from seed import orgs
    from seed.campaigns import plan
    from seed.people import NameBook
    from seed.scales import SCALES

    scale = dataclasses.replace(SCALES["tiny"], start=dt.date(2025, 3, 1), end=dt.date(2025, 12, 31), campaigns=120)
    rng = np.random.default_rng(3)
    prov = orgs.provinces()
    org = orgs.organizations(rng, NameBook(3), prov, scale.extra_orgs)
    camp = plan(rng, scale, org, orgs.accounts(rng, org, scale.start), prov)
    after = camp[camp.start_on >= provinces.MERGED_ON]
    before = camp[camp.start_on < provinces.MERGED_ON]
    today = {p.code for p in provinces.today_provinces()}
    assert len(after) > 20 and set(after.province_code) <= today
    assert not set(before.province_code) <= today  # before the merger: the old map (merged provinces appear)
    hue_or_merged = after[after.province_code.map(lambda c: provinces.today_name(c) != provinces.old_name(c))]
    assert all(
        provinces.today_name(c) in t for c, t in zip(hue_or_merged.province_code, hue_or_merged.title, strict=True)
    )


# --- the page, from a URL with an old name ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_campaigns_page_with_an_old_province_name_in_the_url(app, lang):
    at = open_page(app, "campaigns", province="ha-giang", lang=lang)
    assert not at.exception
    table = at.dataframe[0].value
    assert table.province.tolist() == [translate(lang, "provinces.now", old="Hà Giang", today="Tuyên Quang")]
    assert dict(at.query_params)["province"] == "22"


def test_accounts_page_names_a_merged_province_with_todays(app, tiny_engine):
    at = open_page(app, "accounts", province="22", lang="en")
    table = at.dataframe[0].value
    # the holder's name, not the organization's (in the header and the export): the columns fit 820 px
    assert list(table.columns) == ["number", "bank", "holder_name", "org_kind", "province", "campaigns"]
    merged = table[table["number"] == "2305"]
    assert merged["province"].tolist() == [translate("en", "provinces.now", old="Hà Giang", today="Tuyên Quang")]
    kept = table[table["number"] == "2205"]
    assert kept["province"].tolist() == ["Tuyên Quang"]  # a province that was not merged keeps its plain name
    at = open_page(app, "accounts", account="2305")
    assert any("Hà Giang (nay thuộc Tuyên Quang)" in c.value for c in at.caption)


def test_disbursements_by_province_label_merged_provinces_with_todays(tiny_engine):
    grouped = disbursements.breakdown(tiny_engine, "province")
    merged = grouped[grouped.key.map(lambda c: provinces.was_merged(int(c)))]
    assert len(merged) > 0
    assert merged.province_now.tolist() == [provinces.today_name(int(c)) for c in merged.key]
    assert grouped[~grouped.key.isin(merged.key)].province_now.isna().all()
