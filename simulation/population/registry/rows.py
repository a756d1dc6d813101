"""One registry row: its cells read into a :class:`RegistryRow`, or the flags that stop it.

Each field has a reader that returns the value or raises :class:`FieldProblem` naming the check
and the detail. A cell's content is repeated in a detail only when it is a near miss of an allowed
word (so the "did you mean" makes sense) and does not look like personal data (:class:`Scrubber`):
a name typed into the kecamatan column is never echoed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass

from simulation.core.horizon import format_period
from simulation.core.states import State
from simulation.population.registry.checks import ERROR, WARNING, Flag, Part, flag
from simulation.population.registry.values import (
    MAX_REVENUE,
    STATUS_BY_WORD,
    STATUS_WORDS,
    fold,
    month_index,
    parse_date,
    parse_rupiah,
)

MICRO_CEILING = 2_000_000_000
"""Rp2 billion a year: the ceiling of a micro enterprise (PP 7/2021, facts F4.1)."""
LOW_REVENUE = 1_000_000
"""Below Rp1 million a year a revenue was probably written in millions or thousands (a warning)."""
TINY_REVENUE = 100_000
"""Below Rp100 thousand a year (but above 0) it certainly was (an error: Rp60 for a year's sales is not
a firm). Exactly 0 is only a warning: a new firm, or sales not recorded."""
WITHHELD = "(withheld)"
REQUIRED = ("kecamatan", "sector", "revenue")
"""Fields that must be filled (the identifier is checked separately; status is optional)."""


@dataclass(frozen=True, slots=True)
class RegistryRow:
    """A usable registry row.

    Attributes
    ----------
    kecamatan, sector : str
        As spelled in the scenario (case and spacing of the cell forgiven).
    revenue : float
        Annual revenue (omzet), rupiah per year, Rp100 thousand to Rp50 billion (facts F4.1).
    revenue_prev : float or None
        Last year's annual revenue, rupiah per year.
    priority : float or None
        Priority or vulnerability score (higher is served first).
    status : State
        ``ELIGIBLE`` when the list has no status (a list collected before enrolment).
    enrolled_since : date or None
        Enrolment date, on or before the scenario's first month.
    """

    kecamatan: str
    sector: str
    revenue: float
    revenue_prev: float | None = None
    priority: float | None = None
    status: State = State.ELIGIBLE
    enrolled_since: dt.date | None = None


class FieldProblem(ValueError):
    """A cell that cannot be used: the check, the detail template and its parameters."""

    def __init__(self, check: str, key: str, severity: str | None = None, **params):
        super().__init__(key)
        self.check, self.key, self.severity, self.params = check, key, severity, params


class Scrubber:
    """Decides whether a cell may be repeated in an output.

    A value is withheld when, folded, it equals any identifier or name in the file, contains this
    row's identifier or name, or holds a run of twelve or more digits (a NIK is sixteen). The
    file's personal values are folded only when a value is first shown (most rows show none).

    Parameters
    ----------
    rows : list of (int, list of str)
        The file's rows.
    positions : tuple of int
        Columns holding personal data (identifiers and names).
    """

    def __init__(self, rows: list[tuple[int, list[str]]], positions: tuple[int, ...]):
        self._rows, self._positions = rows, positions
        self._personal: set[str] | None = None
        self.cells: list[str] = []

    @property
    def personal(self) -> set[str]:
        if self._personal is None:
            cols = self._positions
            self._personal = {fold(c[p]) for _, c in self._rows for p in cols if p < len(c)} - {""}
        return self._personal

    def plain(self, value: object) -> str:
        """The value (cut at 40 characters), or ``(withheld)``."""
        text = str(value).strip()
        folded = fold(text)
        own = [fold(self.cells[p]) for p in self._positions if p < len(self.cells)]
        if (
            folded in self.personal
            or any(len(p) >= 3 and p in folded for p in own)
            or re.search(r"\d{12,}", re.sub(r"[\s.\-/]", "", text))
        ):
            return WITHHELD
        return text[:40] + ("..." if len(text) > 40 else "")


@dataclass
class RowContext:
    """What a row is checked against.

    Attributes
    ----------
    kecamatan : dict
        Folded spelling to the scenario's kecamatan name (official spellings included).
    sector : dict
        Folded spelling to the scenario's sector.
    latest_month : int
        Month index of the scenario's first month (no enrolment date may be later).
    headers : dict
        Field to its header as written in the file.
    scrub : Scrubber
    region : str
        The scenario's regency as running text names it (``Lombok Timur``), for messages.
    """

    kecamatan: dict[str, str]
    sector: dict[str, str]
    latest_month: int
    headers: dict[str, str]
    scrub: Scrubber
    region: str = "Lombok Timur"
    warnings: list = dataclasses.field(default_factory=list)

    def __post_init__(self):
        self.readers = {
            "kecamatan": lambda v: self.kecamatan.get(fold(v)) or _name(v, "kecamatan", self),
            "sector": lambda v: self.sector.get(fold(v)) or _name(v, "sector", self),
            "revenue": lambda v: _revenue(v, self.warnings),
            "revenue_prev": lambda v: _revenue(v, None),
            "priority": _priority,
            "status": lambda v: _status(v, self),
            "enrolled_since": lambda v: _date(v, self),
        }

    def near_miss(self, value: str, known: dict[str, str]) -> tuple[str, str]:
        """``(shown, suggestion)``: the cell quoted and the closest allowed word, or two empty strings.

        The cell is shown only with a suggestion (a near miss), and never if it looks personal.
        """
        close = difflib.get_close_matches(fold(value), list(known), n=1, cutoff=0.75)
        if not close:
            return "", ""
        shown = self.scrub.plain(value)
        return ("" if shown == WITHHELD else f" '{shown}'"), known[close[0]]


def _name(value: str, field: str, ctx: RowContext) -> str:
    known = ctx.kecamatan if field == "kecamatan" else ctx.sector
    hit = known.get(fold(value))
    if hit is not None:
        return hit
    shown, word = ctx.near_miss(value, known)
    hint = Part("hint", (("word", word),)) if word else ""
    check = "kecamatan_unknown" if field == "kecamatan" else "sector_unknown"
    extra = {"region": ctx.region} if field == "kecamatan" else {"allowed": ", ".join(dict.fromkeys(known.values()))}
    raise FieldProblem(check, check, shown=shown, hint=hint, **extra)


def _revenue(value: str, warnings: list | None) -> float:
    try:
        amount = parse_rupiah(value)
    except ValueError:
        raise FieldProblem("bad_revenue", "revenue_nan") from None
    if amount < 0:
        raise FieldProblem("bad_revenue", "revenue_negative")
    if amount > MAX_REVENUE:
        raise FieldProblem("bad_revenue", "revenue_above")
    if 0 < amount < TINY_REVENUE:
        raise FieldProblem("revenue_implausible", "revenue_tiny", severity=ERROR)
    if warnings is not None and amount < LOW_REVENUE:
        warnings.append(("revenue_implausible", "revenue_low"))
    elif warnings is not None and amount > MICRO_CEILING:
        warnings.append(("revenue_implausible", "revenue_high"))
    return amount


def _priority(value: str) -> float:
    try:
        score = float(value.replace(",", ".")) if value.count(",") == 1 else float(value)
    except ValueError:
        raise FieldProblem("bad_priority", "bad_priority") from None
    if not math.isfinite(score):
        raise FieldProblem("bad_priority", "bad_priority")
    return score


def _status(value: str, ctx: RowContext) -> State:
    state = STATUS_BY_WORD.get(fold(value))
    if state is None:
        shown, word = ctx.near_miss(value, {fold(w): w for words in STATUS_WORDS.values() for w in words})
        allowed = "; ".join(f"{s.name.lower()}: {', '.join(words)}" for s, words in STATUS_WORDS.items())
        hint = Part("hint", (("word", word),)) if word else ""
        raise FieldProblem("bad_status", "bad_status", shown=shown, hint=hint, allowed=allowed)
    return state


def _date(value: str, ctx: RowContext) -> dt.date:
    plain = ctx.scrub.plain(value)
    shown = "" if plain == WITHHELD or not re.fullmatch(r"[\d\s/.\-:T]{1,25}", plain) else f" '{plain}'"
    try:
        date = parse_date(value)
    except ValueError:
        raise FieldProblem("bad_date", "bad_date", shown=shown) from None
    if month_index(date) > ctx.latest_month:
        raise FieldProblem("bad_date", "late_date", shown=shown, month=format_period(ctx.latest_month))
    return date


def read_row(number: int, values: dict[str, str], ctx: RowContext) -> tuple[RegistryRow | None, list[Flag]]:
    """Read one row's non-identifier cells (already stripped; empty string for an empty cell).

    Returns the row (None if any error) and every flag, errors and warnings, in column order.
    """
    flags: list[Flag] = []
    got: dict[str, object] = {}
    warns: list[tuple[str, str]] = []
    ctx.warnings = warns

    def problem(field: str, exc: FieldProblem) -> None:
        flags.append(flag(number, exc.check, exc.key, exc.severity, column=ctx.headers[field], **exc.params))

    for field in REQUIRED:
        if not values.get(field):
            flags.append(flag(number, "missing", column=ctx.headers.get(field, field)))
    for field, reader in ctx.readers.items():
        value = values.get(field, "")
        if not value:
            continue
        try:
            got[field] = reader(value)
        except FieldProblem as exc:
            problem(field, exc)
    for check, key in warns:
        flags.append(flag(number, check, key, WARNING, column=ctx.headers["revenue"]))
    if any(f.severity == ERROR for f in flags):
        return None, flags
    return RegistryRow(**got), flags
