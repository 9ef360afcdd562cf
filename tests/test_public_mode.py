"""Theme and public mode: readable colours, no usage statistics, error details hidden from the public."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import streamlit as st

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_on_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_theme_is_high_contrast():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    theme = config["theme"]
    assert contrast(theme["textColor"], theme["backgroundColor"]) >= 7  # WCAG AAA for body text
    assert contrast(theme["textColor"], theme["secondaryBackgroundColor"]) >= 7
    assert contrast(theme["primaryColor"], theme["backgroundColor"]) >= 4.5  # AA for buttons / accents
    assert contrast(theme["linkColor"], theme["backgroundColor"]) >= 4.5
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] in ("full", "stacktrace", "type", "none")


@pytest.fixture()
def restore_error_details():
    before = st.get_option("client.showErrorDetails")
    yield
    st.set_option("client.showErrorDetails", before)


def test_public_mode_hides_error_details(app, monkeypatch, restore_error_details):
    st.set_option("client.showErrorDetails", "full")
    monkeypatch.setenv("EXPLORER_PUBLIC_MODE", "1")
    at = app.run()
    assert not at.exception
    assert st.get_option("client.showErrorDetails") == "none"


def test_developer_mode_keeps_error_details(app, restore_error_details):
    st.set_option("client.showErrorDetails", "full")
    at = app.run()  # conftest's app_env sets EXPLORER_PUBLIC_MODE=0
    assert not at.exception
    assert st.get_option("client.showErrorDetails") == "full"
