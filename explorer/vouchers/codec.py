"""A scheme to and from JSON, and to and from a compact URL token — parsed and checked, never evaluated.

`from_dict` walks the dataclass type hints: every value is type-checked against its field, field
metadata ranges and choices are enforced, unknown keys are refused, and each problem raises a
SchemeError naming the dotted path (`tranches.count`, `targets[1].amount`). Uploads and URLs are
untrusted, so sizes are bounded before parsing and every failure becomes a SchemeError.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
import math
import types
import typing
import zlib
from typing import Any

from babel.numbers import get_currency_precision

from explorer.vouchers.scheme import Scheme, SchemeError, validate

MAX_JSON_BYTES = 1024 * 1024  # the uploader states the same limit (1 MB); a scheme is ~3 KB
MAX_TOKEN_CHARS = 4000
MAX_ITEMS = 100
TOKEN_VERSION = "1"


def to_dict(obj: Any) -> Any:
    """Plain JSON-ready data: dataclasses → dicts, tuples → lists, dates → ISO strings."""
    if dataclasses.is_dataclass(obj):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def to_json(scheme: Scheme) -> str:
    return json.dumps(to_dict(scheme), ensure_ascii=False, indent=2)


def from_dict(data: Any, cls: type = Scheme) -> Scheme:
    """The scheme `data` describes, fully checked (field types, ranges, then cross-field rules)."""
    return validate(_parse(data, cls, ""))


def from_json(text: str | bytes) -> Scheme:
    """Parse an uploaded or pasted scheme; any problem raises SchemeError (field 'json' for bad syntax)."""
    if len(text) > MAX_JSON_BYTES:
        raise SchemeError("json", "too_large", size=len(text), limit=MAX_JSON_BYTES)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemeError("json", "json", detail=f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except (UnicodeDecodeError, RecursionError, ValueError) as exc:
        raise SchemeError("json", "json", detail=type(exc).__name__) from None
    return from_dict(data)


def try_parse(data: bytes | str | None) -> tuple[Scheme | None, SchemeError | None]:
    """An uploaded file's scheme, or the reason it is not one — never an exception (hostile input)."""
    if data is None:
        return None, SchemeError("json", "required")
    try:
        if isinstance(data, bytes):
            data = data.decode("utf-8-sig")
        return from_json(data), None
    except SchemeError as exc:
        return None, exc
    except (UnicodeDecodeError, ValueError, TypeError, RecursionError, MemoryError) as exc:
        return None, SchemeError("json", "json", detail=type(exc).__name__)


def decode_or_base(token: str, base: Scheme) -> tuple[Scheme, SchemeError | None]:
    """The URL's scheme, or the base (preset) and the reason the token was refused."""
    try:
        return decode_token(token or "", base), None
    except SchemeError as exc:
        return base, exc


def major(amount: int, currency: str) -> float | int:
    """Minor units → what people type (200.0 CNY, 2000000 VND)."""
    digits = get_currency_precision(currency)
    return amount / 10**digits if digits else int(amount)


def minor(value: float, currency: str) -> int:
    return int(round(float(value) * 10 ** get_currency_precision(currency)))


# --- URL token: only the fields that differ from a base (the preset), zlib + base64url -------------


def _flatten(data: dict) -> dict[str, Any]:
    """One level deep: 'tranches.count'. Lists and free-form dicts (by_group) stay whole values."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key != "by_group":
            for sub, inner in value.items():
                flat[f"{key}.{sub}"] = inner
        else:
            flat[key] = value
    return flat


def overrides(scheme: Scheme, base: Scheme) -> dict[str, Any]:
    mine, theirs = _flatten(to_dict(scheme)), _flatten(to_dict(base))
    return {k: v for k, v in mine.items() if theirs.get(k, object()) != v}


def apply_overrides(base: Scheme, changes: dict[str, Any]) -> Scheme:
    data = to_dict(base)
    for key, value in changes.items():
        head, _, tail = str(key).partition(".")
        if head not in data:
            raise SchemeError(str(key)[:60], "unknown_field")
        if tail:
            if not isinstance(data[head], dict) or head == "behaviour" and tail.startswith("by_group."):
                raise SchemeError(str(key)[:60], "unknown_field")
            data[head][tail] = value
        else:
            data[head] = value
    return from_dict(data)


def encode_token(scheme: Scheme, base: Scheme) -> str:
    """'' when the scheme is the base; else a short URL-safe token of its differences."""
    changes = overrides(scheme, base)
    if not changes:
        return ""
    raw = json.dumps(changes, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    return TOKEN_VERSION + base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode_token(token: str, base: Scheme) -> Scheme:
    """The scheme a URL token describes on top of `base`; a bad token raises SchemeError('scheme', …)."""
    if not token:
        return base
    if len(token) > MAX_TOKEN_CHARS:
        raise SchemeError("scheme", "too_large", size=len(token), limit=MAX_TOKEN_CHARS)
    if not token.startswith(TOKEN_VERSION):
        raise SchemeError("scheme", "json", detail="unknown token version")
    try:
        packed = base64.urlsafe_b64decode(token[1:] + "=" * (-len(token[1:]) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_JSON_BYTES)  # bounded: a zip bomb cannot blow up memory
        if inflater.unconsumed_tail:
            raise SchemeError("scheme", "too_large", size="> " + str(MAX_JSON_BYTES), limit=MAX_JSON_BYTES)
        changes = json.loads(raw)
    except (binascii.Error, zlib.error, ValueError, RecursionError) as exc:
        raise SchemeError("scheme", "json", detail=type(exc).__name__) from None
    if not isinstance(changes, dict):
        raise SchemeError("scheme", "type", expected="an object")
    return apply_overrides(base, changes)


# --- typed parsing -----------------------------------------------------------------------------


def _parse(value: Any, hint: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _parse(value, inner, path)
    if origin is tuple:
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise SchemeError(path, "type", expected=f"a list (at most {MAX_ITEMS} items)")
        item = typing.get_args(hint)[0]
        return tuple(_parse(v, item, f"{path}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict) or len(value) > MAX_ITEMS:
            raise SchemeError(path, "type", expected="an object")
        item = typing.get_args(hint)[1]
        return {str(k)[:40]: _parse(v, item, f"{path}.{str(k)[:40]}") for k, v in value.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _parse_dataclass(value, hint, path)
    return _parse_scalar(value, hint, path)


def _parse_dataclass(value: Any, cls: type, path: str) -> Any:
    if not isinstance(value, dict):
        raise SchemeError(path or "json", "type", expected="an object")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    prefix = f"{path}." if path else ""
    for key in value:
        if key not in fields:
            raise SchemeError(f"{prefix}{str(key)[:60]}", "unknown_field")
    kwargs = {}
    for name, spec in fields.items():
        if name not in value:
            continue
        where = f"{prefix}{name}"
        parsed = _parse(value[name], hints[name], where)
        _check_metadata(parsed, spec.metadata, where)
        kwargs[name] = parsed
    return cls(**kwargs)


def _check_metadata(value: Any, meta: Any, where: str) -> None:
    if value is None:
        return
    if meta.get("choices") and value not in meta["choices"]:
        raise SchemeError(where, "choice", choices=", ".join(map(str, meta["choices"])))
    if meta.get("min") is not None and value < meta["min"]:
        raise SchemeError(where, "min", min=meta["min"])
    if meta.get("max") is not None and value > meta["max"]:
        raise SchemeError(where, "max", max=meta["max"])


def _parse_scalar(value: Any, hint: Any, path: str) -> Any:
    if hint is bool:
        if not isinstance(value, bool):
            raise SchemeError(path, "type", expected="true or false")
        return value
    if hint is int:
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemeError(path, "type", expected="a whole number")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise SchemeError(path, "type", expected="a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise SchemeError(path, "type", expected="text")
        return value[:200]
    if hint is dt.date:
        try:
            return dt.date.fromisoformat(value[:10])
        except (TypeError, ValueError):
            raise SchemeError(path, "type", expected="a date (YYYY-MM-DD)") from None
    raise SchemeError(path, "type", expected=str(hint))  # pragma: no cover - every field type is handled above


# --- a comparison in one URL: the scenarios' names, presets, scheme tokens, populations, runs and seeds --------

MAX_SCENARIOS = 5
SCENARIO_FIELDS = ("name", "preset", "scheme", "population", "runs", "seed")


def encode_scenarios(scenarios: list[dict[str, Any]]) -> str:
    """'' for none; else a URL-safe token of [[name, preset, scheme token, population, runs, seed], …]."""
    if not scenarios:
        return ""
    rows = [[s[f] for f in SCENARIO_FIELDS] for s in scenarios[:MAX_SCENARIOS]]
    raw = json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode()
    return TOKEN_VERSION + base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode_scenarios(token: str, presets: dict[str, Scheme]) -> tuple[list[dict[str, Any]], int]:
    """The scenarios a comparison token lists (each scheme parsed against its preset, never evaluated) and how
    many entries were refused (unknown preset, bad scheme, values out of range). A bad token gives ([], 1)."""
    if not token:
        return [], 0
    try:
        if len(token) > MAX_TOKEN_CHARS or not token.startswith(TOKEN_VERSION):
            raise ValueError("token")
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.urlsafe_b64decode(token[1:] + "=" * (-len(token[1:]) % 4)), MAX_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise ValueError("too large")
        rows = json.loads(raw)
        if not isinstance(rows, list):
            raise ValueError("not a list")
    except (binascii.Error, zlib.error, ValueError, RecursionError):
        return [], 1
    out, refused = [], 0
    for row in rows[:MAX_SCENARIOS]:
        try:
            name, preset, scheme_token, population, runs, seed = row
            ok = (
                isinstance(name, str)
                and preset in presets
                and isinstance(scheme_token, str)
                and population in ("synthetic", "db")
                and type(runs) is int
                and 1 <= runs <= 50
                and type(seed) is int
                and 0 <= seed < 2**31
            )
            if not ok:
                raise ValueError("field")
            scheme = decode_token(scheme_token, presets[preset])
        except (ValueError, TypeError, SchemeError):
            refused += 1
            continue
        out.append(
            {
                "name": name.strip()[:60] or preset,
                "preset": preset,
                "scheme": scheme_token,
                "population": population,
                "runs": runs,
                "seed": seed,
                "parsed": scheme,
            }
        )
    return out, refused + max(0, len(rows) - MAX_SCENARIOS)
