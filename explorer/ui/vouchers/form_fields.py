"""The designer's form state: the scheme as a dict being edited, and one widget per plain field.

Widgets are keyed by the scheme's version, so a new scheme (a preset, an upload, an applied edit) draws
fresh widgets with its own values instead of keeping what was typed for the previous one."""

from __future__ import annotations

import streamlit as st
from babel.numbers import get_currency_precision

from explorer.ui.i18n import labels, t
from explorer.ui.vouchers.scheme_file import version_of
from explorer.vouchers import codec
from explorer.vouchers.scheme import FORM_FIELDS, Scheme


class FormState:
    """The scheme being edited (`data`, codec.to_dict's shape, money in major units while on screen)."""

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.cur = scheme.currency
        self.version = version_of(scheme)
        self.step = 1.0 if get_currency_precision(self.cur) else 1000  # a step of 1,000 đ, or 1 yuan
        self.data = codec.to_dict(scheme)
        self.kinds = {(section, name): kind for section, name, kind in FORM_FIELDS}

    def key(self, name: str) -> str:
        return f"vd_{name}_{self.version}"

    def major(self, minor_units: int) -> float:
        return codec.major(minor_units, self.cur)

    def field(self, col, section: str, name: str) -> None:
        """One plain field of the scheme in `col`, by its kind (share slider, money in major units, number)."""
        part = self.data[section] if section else self.data
        kind, text = self.kinds[(section, name)], t(f"vouchers.f_{name}")
        if kind == "share":
            part[name] = col.slider(text, 0.0, 1.0, float(part[name]), 0.01, key=self.key(name))
        elif kind == "money":
            part[name] = col.number_input(text, value=self.major(part[name]), step=self.step, key=self.key(name))
        else:
            number = int(part[name]) if kind == "int" else float(part[name])
            part[name] = col.number_input(text, value=number, step=1 if kind == "int" else 0.5, key=self.key(name))

    def choice(self, col, section: str, name: str, options: tuple[str, ...]) -> None:
        part = self.data[section]
        part[name] = col.selectbox(
            t(f"vouchers.f_{name}"),
            options,
            options.index(part[name]),
            format_func=labels(f"vouchers.{name}_"),
            key=self.key(name),
        )

    def fields(self, section_names: tuple[tuple[str, str], ...]) -> None:
        """Plain fields three to a row."""
        cols = st.columns(3)
        for i, (section, name) in enumerate(section_names):
            self.field(cols[i % 3], section, name)
