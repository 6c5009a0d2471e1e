"""Dates, numbers and amounts read the same on screen and on paper: Babel's strings per locale."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.i18n import format_date, format_datetime, format_money, format_number, format_percent

NNBSP, NBSP, RLM = "\u202f", "\u00a0", "\u200f"
DAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(("lang", "eur", "mad"), [
    ("fr", f"1{NNBSP}234,50{NBSP}€", f"1{NNBSP}234,50{NBSP}MAD"),
    ("ar", f"{RLM}1.234,50{NBSP}€", f"{RLM}1.234,50{NBSP}د.م.{RLM}"),
    ("zgh", f"1{NBSP}234,50€", f"1{NBSP}234,50MAD"),
    ("en", "€1,234.50", "MAD1,234.50"),
])
def test_money(lang, eur, mad):
    assert format_money(123450, "EUR", lang) == eur
    assert format_money(123450, "MAD", lang) == mad


@pytest.mark.parametrize(("lang", "long", "short"), [
    ("fr", "26 novembre 2026", "26/11/2026"),
    ("ar", "26 نونبر 2026", f"26{RLM}/11{RLM}/2026"),     # Moroccan month names (ar_MA)
    ("zgh", "26 ⵏⵓⵡⴰⵏⴱⵉⵔ 2026", "26/11/2026"),
    ("en", "26 November 2026", "26/11/2026"),
])
def test_dates(lang, long, short):
    assert format_date(DAY, "long", lang) == long
    assert format_date(DAY, "short", lang) == short


@pytest.mark.parametrize(("lang", "number", "percent"), [
    ("fr", f"1{NNBSP}234{NNBSP}567,5", f"42{NBSP}%"),
    ("ar", "1.234.567,5", "42%"),
    ("zgh", f"1{NBSP}234{NBSP}567,5", f"42{NBSP}%"),
    ("en", "1,234,567.5", "42%"),
])
def test_numbers_and_percentages(lang, number, percent):
    assert format_number(1234567.5, lang) == number
    assert format_percent(0.42, lang) == percent


def test_a_moment_is_shown_in_the_communes_time_zone():
    moment = dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC)   # summer: Paris +2, Morocco +1
    assert format_datetime(moment, "short", "fr", tz="Europe/Paris") == "01/07/2026 10:30"
    assert format_datetime(moment, "short", "fr", tz="Africa/Casablanca") == "01/07/2026 09:30"
    assert format_datetime(moment, "short", "ar", tz="Africa/Casablanca") == f"1{RLM}/7{RLM}/2026، 09:30"


def test_empty_values():
    assert format_date(None) == "" and format_datetime(None) == ""
