"""Months, fiscal years and values keyed by date.

A time-varying parameter lists values keyed by month (``2026-04``) or by year
(``2027``, meaning its January); each value holds from its key until the next
key. Months are counted as ``year * 12 + (month - 1)`` (a *month index*).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(key: object) -> int:
    """Turn ``2026-04``, ``"2026"`` or ``2026`` into a month index.

    Raises
    ------
    ValueError
        If the key is neither a ``YYYY-MM`` month nor a ``YYYY`` year.
    """
    text = str(key).strip()
    m = _MONTH.match(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"month {month:02d} is not 01..12")
        return year * 12 + month - 1
    if _YEAR.match(text):
        return int(text) * 12
    raise ValueError("a month 'YYYY-MM' (e.g. 2026-04) or a year 'YYYY' is allowed")


def format_period(index: int) -> str:
    """Month index to ``YYYY-MM``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Horizon:
    """The simulated months: from ``start`` to December of the last fiscal year.

    Parameters
    ----------
    start : int
        Month index of the first simulated month.
    years : int
        Fiscal (calendar) years simulated, the first one possibly partial.
    """

    start: int
    years: int

    @property
    def end(self) -> int:
        """Month index of the last simulated month (a December)."""
        return (self.start // 12 + self.years) * 12 - 1

    @property
    def n_months(self) -> int:
        return self.end - self.start + 1

    @cached_property
    def index(self) -> np.ndarray:
        """Month index of every simulated month, shape (T,)."""
        return np.arange(self.start, self.end + 1)

    @cached_property
    def year(self) -> np.ndarray:
        """Fiscal year of every simulated month, shape (T,)."""
        return self.index // 12

    @cached_property
    def month_of_year(self) -> np.ndarray:
        """Calendar month 1..12 of every simulated month, shape (T,)."""
        return self.index % 12 + 1

    @cached_property
    def labels(self) -> list[str]:
        return [format_period(i) for i in self.index]

    @property
    def fiscal_years(self) -> list[int]:
        return list(range(self.start // 12, self.start // 12 + self.years))

    def expand(self, values: dict[int, object]) -> list:
        """Value in force in every month, from values keyed by month index.

        Raises
        ------
        ValueError
            If no key is at or before the first month.
        """
        keys = sorted(values)
        if keys[0] > self.start:
            raise ValueError(
                f"no value in force at the start {format_period(self.start)}; the first key is {format_period(keys[0])}"
            )
        pos = np.searchsorted(np.array(keys), self.index, side="right") - 1
        return [values[keys[p]] for p in pos]
