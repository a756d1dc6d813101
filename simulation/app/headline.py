"""The headline figures of a run and their differences from the base scenario.

Rupiah differ in rupiah, coverage in percentage points, counts in UMKM.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulation.app.words import word
from simulation.reporting import formats
from simulation.reporting.labels import text


@dataclass(frozen=True)
class Figure:
    """One headline figure.

    Attributes
    ----------
    key : str
        Name, also the CSS hook ``umkm-headline-<key>``.
    kind : {"rupiah", "share", "count"}
        Unit: rupiah (nominal), share of the target (0-1), UMKM.
    """

    key: str
    kind: str


FIGURES = (
    Figure("cost-first", "rupiah"),
    Figure("cost", "rupiah"),
    Figure("kabupaten", "rupiah"),
    Figure("coverage", "share"),
    Figure("graduates", "count"),
    Figure("dropouts", "count"),
    Figure("waiting", "count"),
)
"""Headline figures in the order the app shows them; ``cost`` is the total public cost."""


def values(result) -> dict[str, float]:
    """Headline figures of a result (a cohort :class:`Result` or the micro engine's mean).

    Returns
    -------
    dict
        ``cost-first``: public cost of the first fiscal year (rupiah); ``cost``: public cost over the
        horizon (rupiah); ``kabupaten``: APBD Kabupaten over the horizon (rupiah); ``coverage``: UMKM
        protected at the end of the last year over the target (share); ``graduates``, ``dropouts``:
        over the horizon (UMKM); ``waiting``: waiting list at the end of the last year (UMKM).
    """
    a = result.annual()
    last = a.iloc[-1]
    return {
        "cost-first": float(a["subsidy_cost"].iloc[0]),
        "cost": float(a["subsidy_cost"].sum()),
        "kabupaten": float(a["cost_apbd_kabupaten"].sum()) if "cost_apbd_kabupaten" in a else 0.0,
        "coverage": float(last["coverage_end"]),
        "graduates": float(a["graduated"].sum()),
        "dropouts": float(a["dropped_out"].sum()),
        "waiting": float(last["waiting_end"]) if "waiting_end" in a else 0.0,
    }


def label(key: str, result, language: str) -> str:
    """The label of figure ``key`` for ``result``'s years and target, in ``language``."""
    a = result.annual()
    first, last = int(a["year"].iloc[0]), int(a["year"].iloc[-1])
    target = formats.count(float(result.scenario.first("policy.coverage_target")), language)
    return {
        "cost-first": lambda: text("cost_first", language, year=first),
        "cost": lambda: text("cost_total", language, first=first, last=last),
        "kabupaten": lambda: text("cost_kabupaten_total", language, first=first, last=last),
        "coverage": lambda: text("coverage_last", language, target=target, year=last),
        "graduates": lambda: text("graduates_total", language, first=first, last=last),
        "dropouts": lambda: text("dropped_total", language, first=first, last=last),
        "waiting": lambda: word("waiting_last", language, year=last),
    }[key]()


def show(kind: str, value: float, language: str) -> str:
    """A figure as a reader sees it: rupiah in words, a share as a percentage, a count grouped."""
    if kind == "rupiah":
        return formats.rupiah(value, language)
    if kind == "share":
        return formats.percent(value, language)
    return formats.count(value, language)


def difference(kind: str, current: float, base: float, language: str) -> str:
    """``current - base`` with its sign: rupiah, percentage points (shares) or UMKM."""
    delta = current - base
    sign = "+" if delta > 0 else ""
    if kind == "share":
        points = formats.number(100 * delta, language, digits=1)
        return f"{sign}{points} {word('points', language)}"
    if kind == "rupiah":
        return f"{sign}{formats.rupiah(delta, language)}"
    return f"{sign}{formats.count(delta, language)}"
