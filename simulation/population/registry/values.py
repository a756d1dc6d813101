"""Reading one cell: rupiah amounts, dates, statuses and names forgiven for case and spacing."""

from __future__ import annotations

import datetime as dt
import re

from simulation.core.states import State

STATUS_WORDS = {
    State.ELIGIBLE: ("eligible", "belum terdaftar", "belum daftar", "layak"),
    State.SUBSIDISED: ("subsidised", "subsidized", "bersubsidi", "disubsidi", "subsidi", "pbi"),
    State.MANDIRI: ("mandiri", "self paying", "self-paying"),
    State.LAPSED: ("lapsed", "nonaktif", "non aktif", "tidak aktif"),
    State.CLOSED: ("closed", "tutup", "usaha tutup"),
}
"""Accepted status words (English and Indonesian), matched after :func:`fold`."""

MAX_REVENUE = 50_000_000_000
"""Rp50 billion a year: the ceiling of a medium enterprise (facts F4.1); above it is not an UMKM."""


_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: object) -> str:
    """Case and spacing folded away: ``'Labuhan  haji'`` and ``'LABUHAN-HAJI'`` give ``'labuhanhaji'``."""
    return _NOT_WORD.sub("", str(text).casefold())


STATUS_BY_WORD = {fold(word): state for state, words in STATUS_WORDS.items() for word in words}

_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


MULTIPLIERS = {"ribu": 1e3, "rb": 1e3, "juta": 1e6, "jt": 1e6, "miliar": 1e9, "milyar": 1e9, "m": 1e9}
"""Words for thousands, millions and billions of rupiah as written after a number (``60 juta``,
``60jt``, ``1,5 M``); ``M`` is *miliar* as Indonesian offices write it."""

_WORD = re.compile(r"^(.*?)(" + "|".join(sorted(MULTIPLIERS, key=len, reverse=True)) + r")\.?$")


def parse_rupiah(text: str) -> float:
    """An amount in rupiah as written in Indonesia or in English.

    ``Rp 76.000.000``, ``Rp. 76.000.000,-``, ``Rp 76.000.000,00``, ``76.000.000``, ``76,000,000``,
    ``76000000``, ``7.6e7``, ``76.000.000,50`` (decimal comma), ``76,000,000.50``, ``76 juta``,
    ``76jt`` and ``76.000 ribu`` are all Rp76 million; ``1,5 M`` is Rp1.5 billion. A single
    separator followed by exactly three digits groups thousands (rupiah amounts have no
    thousandths).

    Raises
    ------
    ValueError
        If the text is not a number (the message does not repeat the text).
    """
    s = re.sub(r"\s+", "", text).casefold()
    s = re.sub(r"[,.]-+$", "", s)  # "Rp. 60.000.000,-": the dash closes the amount
    negative = s.startswith("-")
    s = re.sub(r"^[+-]?rp\.?", "-" if negative else "", s)
    factor = 1.0
    if (m := _WORD.match(s)) and m.group(1):
        s, factor = m.group(1), MULTIPLIERS[m.group(2)]
    body = s.lstrip("+-")
    if factor != 1.0 and re.fullmatch(r"\d+[.,]\d{1,2}", body):
        number = float(body.replace(",", "."))  # "1,5 juta", "2.75jt": a decimal before the word
    elif _GROUPED.match(body):
        number = float(re.sub(r"[.,]", "", body))
    elif "." in body and "," in body:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        whole, _, frac = body.rpartition(decimal)
        if not re.fullmatch(r"\d{1,3}(?:" + re.escape(thousands) + r"\d{3})*", whole) or not frac.isdigit():
            raise ValueError("not a number")
        number = float(whole.replace(thousands, "") + "." + frac)
    elif _PLAIN.match(body.replace(",", ".", 1) if body.count(",") == 1 else body):
        number = float(body.replace(",", "."))
    else:
        raise ValueError("not a number")
    number *= factor
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("not a number")
    return -number if negative else number


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YM = re.compile(r"^(\d{4})-(\d{1,2})$")
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of Excel's date serials (Windows 1900 system, its 1900 leap-year bug included)."""
SERIAL_RANGE = (21916, 73051)
"""Serials read as dates: 1960-01-01 to 2099-12-31 (a five-digit number in a date column)."""


def parse_date(text: str) -> dt.date:
    """A date as ``2025-07-14``, ``14/07/2025`` or ``14-07-2025`` (day first, as in Indonesia), a
    month ``2025-07`` (its first day), or an Excel date serial (``45852`` is 2025-07-14: a date
    cell exported as a number).

    Raises
    ------
    ValueError
        If the text is not one of these or not a calendar date.
    """
    s = text.strip()
    if m := _ISO.match(s):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DMY.match(s):
        day, month, year = (int(g) for g in m.groups())
    elif m := _YM.match(s):
        year, month, day = int(m.group(1)), int(m.group(2)), 1
    elif (m := _SERIAL.match(s)) and SERIAL_RANGE[0] <= int(m.group(1)) < SERIAL_RANGE[1]:
        return EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))
    else:
        raise ValueError("allowed: YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, YYYY-MM or an Excel date serial")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError("not a calendar date") from None


def month_index(date: dt.date) -> int:
    """Month index ``year * 12 + month - 1`` of a date."""
    return date.year * 12 + date.month - 1
