"""Privacy scan: no beneficiary's name, phone, address or national-id hash reaches a page or an export.

Every page of the app is rendered (AppTest) under many parameter sets — account and campaign detail views,
searches for beneficiaries' names (as people type them: with diacritics, folded, upper-case ASCII, in part),
every breakdown, the voucher designer's presets, its comparison and funding preview — and every export a
download button carries (CSV and Parquet bytes read from the test runtime's media store) plus the deferred
whole-dataset Parquet is decoded. Everything shown is collected from the element tree: text, markdown,
metrics, dataframes and chart data (Arrow payloads decoded), option labels; only the boxes the visitor types
into are left out (they hold what the test typed).

The database is a copy of the tiny seed plus CANARY beneficiaries whose names, phones, addresses and hashes
exist nowhere else, so any leak of them is unmistakable, also when folded or upper-cased. The seed's own
beneficiaries are checked too, except the few values that are public by another route (a beneficiary
named like a public individual organization): those are listed, not silently dropped.

Also: the voucher page suppresses groups under 10 people (metrics.MIN_GROUP), both in its tables and its
exports, and shows nothing for a scheme reaching fewer than 10 people.
Figures are written to artifacts/issue8/privacy_scan.json.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from page_specs import exports, open_page
from sqlalchemy import text

from explorer.db.engine import make_engine
from explorer.queries import statements
from explorer.queries import vouchers as vq
from explorer.text import fold
from explorer.vouchers import codec
from explorer.vouchers.disclosure import MIN_GROUP, OTHER_PROVINCE
from explorer.vouchers.presets import NEW_YEAR, STORM_RELIEF
from explorer.vouchers.scheme import Eligibility, Target

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "explorer" / "pages"
APP = str(ROOT / "streamlit_app.py")
ARTIFACTS = ROOT / "artifacts" / "issue8"
CANARIES = 12
CANARY_TOKEN = "xcanary"  # in every canary name: any form of it on a page is a leak
# What a visitor types into (their own input, not data): left out of the scan.
TYPED_PROTOS = {"TextInput", "TextArea", "NumberInput", "DateInput", "TimeInput", "ChatInput"}
FIGURES: dict = defaultdict(int)
EXPORTED: set[str] = set()  # sha256 of every distinct export payload checked
HITS: list[dict] = []


# --- the database and its secrets -----------------------------------------------------------------------


def canary(i: int) -> dict:
    return {
        "full_name": f"Tôn Nữ Quýnh Xcanary{i:02d}",
        "phone": f"0999{i:06d}",
        "address": f"Số {700 + i} ngõ Hẻm Xcanary, xã Bí Mật {i}",
        "national_id_hash": hashlib.sha256(f"canary-{i}".encode()).hexdigest(),
    }


@pytest.fixture(scope="module")
def private_url(tiny_db_url, copy_sqlite, tmp_path_factory) -> str:
    """A copy of the tiny seed with CANARIES extra beneficiaries (children in one province, so they are simulated)."""
    path = tmp_path_factory.mktemp("privacy") / "privacy.sqlite"
    copy_sqlite(tiny_db_url, path)
    writer = make_engine(f"sqlite:///{path}")
    with writer.begin() as conn:
        org, province = conn.execute(text("SELECT org_id, province_code FROM beneficiaries ORDER BY id LIMIT 1")).one()
        for i in range(CANARIES):
            conn.execute(
                text(
                    'INSERT INTO beneficiaries (org_id, "group", province_code, district, household_size, lat, lon,'
                    " national_id_hash, full_name, phone, address) VALUES (:org, 'child', :province, 'Huyện 1', 3,"
                    " 21.0, 105.8, :national_id_hash, :full_name, :phone, :address)"
                ),
                {"org": org, "province": province, **canary(i)},
            )
    writer.dispose()
    return f"sqlite:///{path}"


WORDS = re.compile(r"\w+")
PHONE = re.compile(r"(?<!\d)\d{10}(?!\d)")
HEX = re.compile(r"[0-9a-fA-F]{16,}")
ADDRESS = re.compile(r"Số \d+ đường \d+, xã \d+(?!\d)")  # the seed's address form (checked in Secrets)


class Secrets:
    """Beneficiary values to look for, with matchers that stay linear in the size of a page."""

    def __init__(self, frame: pd.DataFrame):
        nfc = lambda s: unicodedata.normalize("NFC", str(s))  # noqa: E731
        self.names = {" ".join(WORDS.findall(nfc(n))) for n in frame.full_name}
        self.phones = set(frame.phone)
        self.addresses = {nfc(a) for a in frame.address if CANARY_TOKEN not in a.casefold()}
        odd = [a for a in self.addresses if not ADDRESS.fullmatch(a)]
        assert not odd, f"addresses the scanner would not see (update ADDRESS): {odd[:3]}"
        self.hashes = {h[:16].lower() for h in frame.national_id_hash}
        self.canaries = [c for i in range(CANARIES) for c in canary(i).values()]

    def __len__(self) -> int:
        return len(self.names) + len(self.phones) + len(self.addresses) + len(self.hashes)

    def found(self, chunk: str) -> set[tuple[str, str]]:
        """(kind, value) of every secret in one string."""
        chunk = unicodedata.normalize("NFC", chunk)
        hits = set()
        words = WORDS.findall(chunk)
        for size in (2, 3, 4, 5):
            for i in range(len(words) - size + 1):
                candidate = " ".join(words[i : i + size])
                if candidate in self.names:
                    hits.add(("full_name", candidate))
        hits |= {("phone", p) for p in PHONE.findall(chunk) if p in self.phones}
        hits |= {("address", a) for a in ADDRESS.findall(chunk) if a in self.addresses}
        for run in HEX.findall(chunk):
            run = run.lower()
            hits |= {
                ("national_id_hash", run[i : i + 16]) for i in range(len(run) - 15) if run[i : i + 16] in self.hashes
            }
        lowered = chunk.casefold()
        if CANARY_TOKEN in lowered or CANARY_TOKEN in fold(chunk):
            hits.add(("canary", CANARY_TOKEN))
        hits |= {("canary", c) for c in self.canaries if c in chunk}
        return hits


def public_texts(engine) -> list[str]:
    """Every public text column: a beneficiary value found here is public by another route."""
    with engine.connect() as conn:
        return [
            str(v)
            for sql in (
                "SELECT counterparty FROM statement_lines WHERE counterparty IS NOT NULL",
                "SELECT description FROM statement_lines",
                "SELECT reference FROM statement_lines WHERE reference IS NOT NULL",
                "SELECT holder_name FROM accounts",
                "SELECT name FROM organizations",
                "SELECT title FROM campaigns",
                "SELECT name FROM merchants",
                "SELECT report_text FROM disbursements",
                "SELECT name_vi FROM provinces",
            )
            for (v,) in conn.execute(text(sql))
        ]


@pytest.fixture(scope="module")
def secrets(private_url) -> Secrets:
    engine = make_engine(private_url)
    with engine.connect() as conn:
        frame = pd.read_sql(text("SELECT full_name, phone, address, national_id_hash FROM beneficiaries"), conn)
    found = Secrets(frame)
    public = set()
    for value in public_texts(engine):
        public |= found.found(value)
    engine.dispose()
    assert not {hit for hit in public if hit[0] == "canary"}, "the canaries must exist nowhere in public data"
    for kind, value in public:
        getattr(
            found, {"full_name": "names", "phone": "phones", "address": "addresses", "national_id_hash": "hashes"}[kind]
        ).discard(value)
    found.public_elsewhere = sorted(public)
    FIGURES["needles"] = len(found) + len(found.canaries)
    FIGURES["needles_public_elsewhere"] = len(public)
    return found


def test_the_scanner_finds_what_it_looks_for(secrets, private_url):
    """The matchers catch each kind of value inside ordinary page text (else the scan proves nothing)."""
    engine = make_engine(private_url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT full_name, phone, address, national_id_hash FROM beneficiaries "
                "ORDER BY id DESC LIMIT 1 OFFSET 100"
            )
        ).one()
    engine.dispose()
    sample = f"Người nhận: {row.full_name} (ĐT {row.phone}), {row.address}. id={row.national_id_hash}"
    kinds = {kind for kind, _ in secrets.found(sample)}
    assert kinds == {"full_name", "phone", "address", "national_id_hash"}
    assert ("canary", CANARY_TOKEN) in secrets.found("| TON NU QUYNH XCANARY03 | 500.000 |")
    assert not secrets.found("Nguyễn Văn | 0912345678901 | ung ho dong bao | ft24297892523")
    assert len(secrets.names) > 1_000 and len(secrets.phones) > 1_900
    print(f"\nbeneficiary values public by another route (left out): {secrets.public_elsewhere}")


# --- collecting what a page shows ----------------------------------------------------------------------


def payload_strings(data: bytes) -> list[str]:
    """Arrow IPC (dataframes, chart data) or Parquet decoded to strings; anything else as UTF-8."""
    for read in (lambda b: pa.ipc.open_stream(b).read_all(), lambda b: pq.read_table(io.BytesIO(b))):
        try:
            table = read(data)
        except Exception:  # not that format
            continue
        out = [str(name) for name in table.schema.names]
        out += [v.decode("utf-8", "replace") for v in (table.schema.metadata or {}).values()]
        for column in table.columns:
            out += [str(v) for v in column.to_pylist() if v is not None]
        return out
    return [data.decode("utf-8-sig", "replace")]


def proto_strings(message, out: list[str]) -> None:
    if message.DESCRIPTOR.name in TYPED_PROTOS:
        return
    for field, value in message.ListFields():
        repeated = field.is_repeated if hasattr(field, "is_repeated") else field.label == field.LABEL_REPEATED
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            for key, item in value.items():
                out.append(str(key))
                proto_strings(item, out) if hasattr(item, "ListFields") else out.append(str(item))
        elif field.type == field.TYPE_MESSAGE:
            for item in value if repeated else [value]:
                proto_strings(item, out)
        elif field.type == field.TYPE_STRING:
            out.extend(value if repeated else [value])
        elif field.type == field.TYPE_BYTES:
            for item in value if repeated else [value]:
                out.extend(payload_strings(item))


def shown_strings(node) -> list[str]:
    out: list[str] = []
    proto = getattr(node, "proto", None)
    if proto is not None:
        proto_strings(proto, out)
    for child in getattr(node, "children", {}).values():
        out.extend(shown_strings(child))
    return out


# --- rendering ------------------------------------------------------------------------------------------


@pytest.fixture()
def app(private_url, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("EXPLORER_DATABASE_URL", private_url)
    monkeypatch.setenv("EXPLORER_PUBLIC_MODE", "1")
    monkeypatch.setenv("EXPLORER_ALLOW_WRITES", "1")
    return AppTest.from_file(APP, default_timeout=180)


def scan(label: str, at, stores, secrets: Secrets, typed: list[str]) -> None:
    """Look for every secret in what the run shows and in its exports; record hits (the test asserts none)."""
    assert not at.exception, (label, at.exception[0].value if at.exception else "")
    typed_lower = [t.casefold() for t in typed]

    def mine(kind: str, value: str) -> bool:  # the visitor's own input echoed back is not a leak
        return any(value.casefold() in t or (kind == "canary" and value in fold(t)) for t in typed_lower)

    strings = shown_strings(at._tree)
    files = exports(at, stores)
    FIGURES["renders"] += 1
    FIGURES["exports"] += len(files)
    EXPORTED.update(hashlib.sha256(data).hexdigest() for data in files.values())
    FIGURES["strings_scanned"] += len(strings)
    for where, chunks in [("page", strings)] + [
        (f"export {name}", payload_strings(data)) for name, data in files.items()
    ]:
        FIGURES["export_bytes" if where != "page" else "page_strings"] += sum(len(c) for c in chunks)
        for chunk in chunks:
            for kind, value in secrets.found(chunk):
                if not mine(kind, value):
                    HITS.append({"visit": label, "where": where, "kind": kind, "value": value, "text": chunk[:200]})


def beneficiary_names(private_url, n: int) -> list[str]:
    engine = make_engine(private_url)
    with engine.connect() as conn:
        names = [
            r[0]
            for r in conn.execute(
                text("SELECT full_name FROM beneficiaries WHERE full_name NOT LIKE '%Xcanary%' ORDER BY id LIMIT :n"),
                {"n": n},
            )
        ]
    engine.dispose()
    return names


def visits(private_url) -> list[tuple[str, dict, list]]:
    """(page, URL params, widget actions after the first run)."""
    names = beneficiary_names(private_url, 6)
    engine = make_engine(private_url)
    with engine.connect() as conn:
        chapter, individual, usd = (
            conn.execute(text(sql)).scalar()
            for sql in (
                "SELECT a.number FROM accounts a JOIN organizations o ON o.id = a.org_id "
                "WHERE o.kind = 'red_cross_chapter' ORDER BY a.id LIMIT 1",
                "SELECT a.number FROM accounts a JOIN organizations o ON o.id = a.org_id "
                "WHERE o.kind = 'individual' ORDER BY a.id LIMIT 1",
                "SELECT number FROM accounts WHERE currency = 'USD' ORDER BY id LIMIT 1",
            )
        )
        campaign_ids = [r[0] for r in conn.execute(text("SELECT id FROM campaigns ORDER BY id"))]
        phone = conn.execute(text("SELECT phone FROM beneficiaries ORDER BY id LIMIT 1")).scalar()
    vnd_campaign = int(vq.funding_campaigns(engine, currency="VND")["id"].iloc[0])
    engine.dispose()
    export_on = [lambda at: at.toggle(key="stm_export").set_value(True).run()]

    def exported(name: str) -> list:  # the list pages prepare their downloads on request
        return [lambda at: at.toggle(key=f"{name}_export").set_value(True).run()]

    child_only = codec.encode_token(dataclasses.replace(NEW_YEAR, targets=(Target("child", 200_00),)), NEW_YEAR)
    storm_everywhere = codec.encode_token(dataclasses.replace(STORM_RELIEF, eligibility=Eligibility()), STORM_RELIEF)
    compare = lambda at: at.button(key="vc_add").click().run()  # noqa: E731
    fund = lambda at: at.selectbox(key="vf_campaign").set_value(vnd_campaign).run()  # noqa: E731
    return [
        ("overview", {}, []),
        ("overview", {"lang": "en"}, []),
        ("accounts", {}, exported("accounts")),
        ("accounts", {"q": "Xcanary"}, []),
        ("accounts", {"q": names[0]}, []),
        ("accounts", {"q": fold(names[1]).upper()}, []),
        ("accounts", {"q": names[2].split()[-1]}, []),
        ("accounts", {"account": chapter}, []),
        ("accounts", {"account": individual}, []),
        ("accounts", {"account": usd, "lang": "zh"}, []),
        ("campaigns", {}, exported("campaigns")),
        ("campaigns", {"q": "Xcanary"}, exported("campaigns")),
        ("campaigns", {"q": names[3]}, []),
        ("campaigns", {"status": "active", "lang": "en"}, []),
        *[("campaigns", {"campaign": str(c)}, []) for c in campaign_ids[:: max(len(campaign_ids) // 4, 1)]],
        ("statements", {}, export_on),
        ("statements", {"q": "XCANARY"}, export_on),
        ("statements", {"q": fold(names[0]).upper()}, export_on),
        ("statements", {"q": names[4]}, []),
        ("statements", {"q": phone[:6]}, []),
        ("statements", {"account": chapter}, export_on),
        ("statements", {"account": usd, "sort": "largest"}, []),
        ("verify", {"name": names[0], "amount": "500k"}, []),
        ("verify", {"name": "xcanary"}, []),
        ("verify", {"name": fold(names[5]), "date": "2024-09-12", "days": "31"}, []),
        ("verify", {"amount": "100k"}, []),
        ("disbursements", {}, exported("disbursements")),
        ("disbursements", {"campaign": str(campaign_ids[0])}, []),
        ("disbursements", {"by": "recipient_group"}, []),
        ("disbursements", {"by": "province", "group": "child"}, exported("disbursements")),
        ("disbursements", {"by": "campaign", "lang": "en"}, []),
        ("stats", {}, []),
        ("stats", {"basis": "campaign"}, []),
        ("stats", {"from": "2024-09-01", "to": "2024-09-30"}, []),
        ("vouchers", {"runs": "3"}, [compare]),
        ("vouchers", {"preset": "baby_vouchers", "runs": "3"}, []),
        ("vouchers", {"preset": "storm_relief_vn", "scheme": storm_everywhere, "runs": "3"}, [compare, fund]),
        ("vouchers", {"preset": "storm_relief_vn", "runs": "3"}, []),
        ("vouchers", {"scheme": child_only, "runs": "3"}, [compare]),
        ("vouchers", {"population": "synthetic", "runs": "2"}, []),
        ("presenter", {}, []),
        ("presenter", {"campaign": str(campaign_ids[2]), "memo": names[1]}, []),
        ("import_statements", {}, []),
    ]


def test_no_beneficiary_data_on_any_page_or_export(app, media, secrets, private_url):
    from streamlit.testing.v1 import AppTest

    planned = visits(private_url)
    for page, params, actions in planned:
        at = AppTest.from_file(APP, default_timeout=180)
        at.run()
        at.switch_page(str(PAGES / f"{page}.py"))
        for name, value in params.items():
            at.query_params[name] = value
        at.run()
        label = f"{page}?{'&'.join(f'{k}={v[:30]}' for k, v in params.items())}"
        typed = list(params.values())
        scan(label, at, media, secrets, typed)
        for step, action in enumerate(actions):
            at = action(at)
            scan(f"{label} (action {step + 1})", at, media, secrets, typed)
        FIGURES["visits"] += 1
        FIGURES["pages"] = len({p for p, _, _ in planned})
    # The whole-dataset Parquet is produced on click (deferred): produce it as the page would, per scope.
    engine = make_engine(private_url, readonly=True, timeout_ms=30_000)
    account = next(params["account"] for page, params, _ in planned if page == "statements" and "account" in params)
    for scope in (None, account):
        data, _ = statements.dataset_parquet(engine, scope)
        FIGURES["exports"] += 1
        EXPORTED.add(hashlib.sha256(data).hexdigest())
        for chunk in payload_strings(data):
            HITS.extend(
                {"visit": f"dataset {scope}", "where": "parquet", "kind": k, "value": v}
                for k, v in secrets.found(chunk)
            )
    engine.dispose()
    FIGURES["distinct_exports"] = len(EXPORTED)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "privacy_scan.json").write_text(
        json.dumps(
            {
                **FIGURES,
                "privacy_hits": len(HITS),
                "hits": HITS[:50],
                "public_elsewhere": [list(v) for v in secrets.public_elsewhere],
            },
            indent=1,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    print(f"\nprivacy scan: {dict(FIGURES)}, hits: {len(HITS)}")
    assert FIGURES["visits"] == len(planned) and FIGURES["distinct_exports"] >= 20
    assert HITS == []


def test_the_collector_sees_tables_charts_and_exports(app, media, private_url):
    """Positive control: values known to be on a page are found where the scan looks (else 0 hits is empty)."""
    engine = make_engine(private_url)
    newest = statements.search_lines(engine, page_size=1)[0].iloc[0]
    with engine.connect() as conn:
        # A province's disbursed total: shown only as a bar of the breakdown chart (its rows list single amounts).
        total = conn.execute(
            text(
                "SELECT SUM(amount) FROM disbursements WHERE province_code IS NOT NULL "
                "GROUP BY province_code HAVING COUNT(*) > 1 ORDER BY SUM(amount) DESC LIMIT 1"
            )
        ).scalar()
    engine.dispose()
    app.run()
    app.switch_page(str(PAGES / "statements.py"))
    at = app.run().toggle(key="stm_export").set_value(True).run()
    shown = shown_strings(at._tree)
    assert newest.reference in shown and newest.description in shown  # from the dataframe's Arrow payload
    files = exports(at, media)
    assert {name.rsplit(".", 1)[-1] for name in files} == {"csv", "parquet"}
    for data in files.values():
        assert any(newest.description in chunk for chunk in payload_strings(data))
    at.switch_page(str(PAGES / "disbursements.py"))
    at.query_params["by"] = "province"
    at = at.run()
    assert str(total) in shown_strings(at._tree)  # from the bar chart's data


# --- small groups -----------------------------------------------------------------------------------------


def _csv(at, stores, name: str) -> pd.DataFrame:
    (data,) = [v for k, v in exports(at, stores).items() if k.endswith(f"{name}.csv")]
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")


def _persons(private_url, group: str, province: int | None = None) -> pd.Series:
    engine = make_engine(private_url)
    with engine.connect() as conn:
        frame = pd.read_sql(
            text('SELECT province_code, national_id_hash FROM beneficiaries WHERE "group" = :g'),
            conn,
            params={"g": group},
        )
    engine.dispose()
    if province is not None:
        frame = frame[frame.province_code == province]
    return frame.drop_duplicates("national_id_hash").groupby("province_code").size()


def test_vouchers_drop_provinces_and_groups_under_ten_people(app, media, private_url):
    scheme = dataclasses.replace(NEW_YEAR, targets=(Target("child", 200_00),))
    at = open_page(app, "vouchers", scheme=codec.encode_token(scheme, NEW_YEAR), runs="2", population="db")
    by_province = _csv(at, media, "vouchers_by_province")
    by_group = _csv(at, media, "vouchers_by_group")
    persons = _persons(private_url, "child")
    small = set(persons[persons < MIN_GROUP].index)
    assert small, "the tiny seed must have provinces with fewer than 10 children, or this proves nothing"
    assert (by_province["beneficiaries"] >= MIN_GROUP).all() and (by_group["beneficiaries"] >= MIN_GROUP).all()
    # Small provinces are folded into one "other" row (code 0) with at least one more, so the total minus
    # the provinces shown never gives one of them (explorer/vouchers/disclosure.py).
    named = set(by_province["province_code"]) - {OTHER_PROVINCE}
    assert OTHER_PROVINCE in set(by_province["province_code"])
    assert named <= set(persons[persons >= MIN_GROUP].index)
    assert not small & named
    # The table on the page is the same suppressed one (one row per province shown, none of the small ones).
    shown_rows = [len(df.value) for df in at.dataframe]
    assert len(by_province) in shown_rows


def test_vouchers_show_nothing_for_a_scheme_reaching_under_ten_people(app, media, private_url):
    persons = _persons(private_url, "disaster_affected", STORM_RELIEF.eligibility.provinces[0])
    assert 0 < persons.sum() < MIN_GROUP, "the storm preset reaches under 10 people in the tiny seed"
    at = open_page(app, "vouchers", preset="storm_relief_vn", runs="2", population="db")
    from explorer.i18n import translate

    assert any(i.value == translate("vi", "vouchers.too_few") for i in at.info)
    assert not at.metric and not at.dataframe
    # Only the scheme itself (the designer's JSON) can be downloaded: no result table.
    assert [name for name in exports(at, media) if not name.endswith(".json")] == []
