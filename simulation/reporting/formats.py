"""Numbers as a budget office writes them, through Babel (CLDR locale data), never by hand.

``rupiah(14_716_800_000, "id")`` gives ``Rp14,72 miliar``; in English ``IDR 14.72 billion``.
Digit grouping, decimal separators and the words for thousand/million/billion/trillion all
come from Babel's compact and decimal formats for the locale.
"""

from __future__ import annotations

import math
import re

import numpy as np
from babel.numbers import format_compact_decimal, format_decimal, format_percent, parse_decimal

from simulation.core.languages import LANGUAGES
from simulation.reporting.labels import currency_symbol, text

_COMPACT = re.compile(r"^([\d.,\u00a0]+)(.*)$")
"""A compact number: its figure and the word after it (``4,8`` and `` miliar``)."""


def locale(language: str) -> str:
    """The Babel locale of a report language ("id" or "en").

    Raises
    ------
    ValueError
        For a language other than those in :data:`LANGUAGES`.
    """
    try:
        return LANGUAGES[language]
    except KeyError:
        raise ValueError(f"language {language!r} is not available; allowed: {', '.join(LANGUAGES)}") from None


def _prefix(language: str) -> str:
    symbol = currency_symbol(language)
    # an ISO code (IDR) is set off by a space, a symbol (Rp) is written against the number
    return f"{symbol} " if symbol.isupper() and len(symbol) == 3 else symbol


def rupiah(amount: float | None, language: str = "id", digits: int = 2) -> str:
    """Rupiah for a reader: compact words from a million up (``Rp14,72 miliar``), grouped digits below.

    Every compact amount has exactly ``digits`` decimals (``Rp4,80 miliar`` beside ``Rp4,11 miliar``).

    Parameters
    ----------
    amount : float
        Rupiah (nominal unless the caller says otherwise).
    language : {"id", "en"}
    digits : int
        Fraction digits of the compact form.
    """
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "–"
    loc = locale(language)
    sign = "-" if amount < 0 else ""
    value = abs(amount)
    if value >= 1e6:
        # Babel picks the word (juta, miliar, triliun) and drops trailing zeros; the digits are
        # written again with exactly ``digits`` decimals so that every amount has one precision
        compact = format_compact_decimal(value, format_type="long", locale=loc, fraction_digits=digits)
        figure, word = _COMPACT.match(compact).groups()
        scaled = parse_decimal(figure, locale=loc)
        number = format_decimal(scaled, format="#,##0." + "0" * digits if digits else "#,##0", locale=loc) + word
    else:
        number = format_decimal(round(value), locale=loc)
    return f"{sign}{_prefix(language)}{number}"


def whole_parts(parts: list[float]) -> list[int]:
    """Round ``parts`` to whole numbers that add up to their rounded sum (largest remainders first).

    Parameters
    ----------
    parts : list of float
        Counts (UMKM) that make up a whole.

    Returns
    -------
    list of int
        Whole counts, ``sum(result) == round(sum(parts))``.
    """
    values = np.asarray(parts, dtype=float)
    floors = np.floor(values)
    short = int(round(values.sum())) - int(floors.sum())
    order = np.argsort(-(values - floors), kind="stable")
    out = floors.astype(int)
    out[order[:short]] += 1
    return [int(v) for v in out]


def rupiah_full(amount: float, language: str = "id") -> str:
    """Rupiah to the last rupiah with the locale's grouping (``Rp14.716.800.000``)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{_prefix(language)}{format_decimal(round(abs(amount)), locale=locale(language))}"


def count(value: float | None, language: str = "id") -> str:
    """A count of UMKM, rounded to a whole number, grouped by the locale (``73.000`` / ``73,000``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_decimal(round(value), locale=locale(language))


def number(value: float, language: str = "id", digits: int = 1) -> str:
    """A plain decimal number with ``digits`` fraction digits in the locale."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=locale(language))


def percent(share: float | None, language: str = "id", digits: int = 1) -> str:
    """A share as a percentage (``87,3%`` / ``87.3%``)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(share, format=pattern, locale=locale(language))


def points(difference: float | None, language: str = "id", digits: int = 1) -> str:
    """A difference of two shares in percentage points, signed (``-27,3 poin persen`` / ``-27.3 pp``)."""
    if difference is None or (isinstance(difference, float) and math.isnan(difference)):
        return "–"
    pattern = "+#,##0." + "0" * digits + ";-#,##0." + "0" * digits if digits else "+#,##0;-#,##0"
    shown = format_decimal(difference * 100, format=pattern, locale=locale(language))
    return f"{shown} {text('percentage_points', language)}"


def billions_axis(language: str):
    """A matplotlib tick formatter showing rupiah in billions with the locale's separators."""
    # deferred: matplotlib is slow to import and only charts need it
    import matplotlib.ticker

    return matplotlib.ticker.FuncFormatter(lambda v, _: number(v / 1e9, language, digits=1))


def rupiah_axis(language: str, largest: float):
    """A tick formatter and unit label for rupiah, in billions or (below Rp1 billion) millions."""
    # deferred: matplotlib is slow to import and only charts need it
    import matplotlib.ticker

    if largest >= 1e9:
        return billions_axis(language), text("axis_billion", language)
    formatter = matplotlib.ticker.FuncFormatter(lambda v, _: number(v / 1e6, language, digits=0))
    return formatter, text("axis_million", language)


def count_axis(language: str):
    """A matplotlib tick formatter for counts with the locale's grouping."""
    # deferred: matplotlib is slow to import and only charts need it
    import matplotlib.ticker

    return matplotlib.ticker.FuncFormatter(lambda v, _: count(v, language))


def percent_axis(language: str):
    """A matplotlib tick formatter for shares (0.5 -> 50%)."""
    # deferred: matplotlib is slow to import and only charts need it
    import matplotlib.ticker

    return matplotlib.ticker.FuncFormatter(lambda v, _: percent(v, language, digits=0))
