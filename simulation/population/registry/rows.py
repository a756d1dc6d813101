"""One registry row, validated by a pydantic model.

The model is told (through the validation context) the kecamatan and sectors it may hold, the last
month an enrolment date may fall in, and how to show a cell's value in a message without letting
personal data through (``shown``).
"""

from __future__ import annotations

import datetime as dt
import math

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from simulation.core.horizon import format_period
from simulation.core.states import State
from simulation.population.registry.values import (
    MAX_REVENUE,
    STATUS_BY_WORD,
    STATUS_WORDS,
    fold,
    month_index,
    parse_date,
    parse_rupiah,
)
from simulation.scenario.schema import did_you_mean

PROBLEM_OF_FIELD = {
    "kecamatan": "unknown_kecamatan",
    "sector": "unknown_sector",
    "revenue": "bad_revenue",
    "revenue_prev": "bad_revenue",
    "priority": "bad_priority",
    "status": "bad_status",
    "enrolled_since": "bad_date",
}
"""The rejects' problem code for a field that fails; a missing required field is ``missing_field``."""


class RegistryRow(BaseModel):
    """A usable registry row: canonical kecamatan and sector, rupiah amounts, a state and a date.

    Attributes
    ----------
    kecamatan, sector : str
        As spelled in the scenario (case and spacing of the cell forgiven).
    revenue : float
        Annual revenue (omzet), rupiah per year, 0 to Rp50 billion (facts F4.1).
    revenue_prev : float or None
        Last year's annual revenue, rupiah per year.
    priority : float or None
        Priority or vulnerability score (higher is served first).
    status : State
    enrolled_since : date or None
        Enrolment date, on or before the scenario's first month.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kecamatan: str
    sector: str
    revenue: float
    revenue_prev: float | None = None
    priority: float | None = None
    status: State
    enrolled_since: dt.date | None = None

    @field_validator("kecamatan", "sector", mode="before")
    @classmethod
    def _known_name(cls, value: str, info: ValidationInfo) -> str:
        ctx = info.context
        known: dict[str, str] = ctx[info.field_name]
        hit = known.get(fold(value))
        if hit is None:
            choices = list(known.values())
            hint = did_you_mean(str(value).strip().title(), choices) or did_you_mean(str(value).strip(), choices)
            if info.field_name == "kecamatan":
                raise ValueError(f"{ctx['shown'](value)} is not a kecamatan of Lombok Timur (facts F5.2).{hint}")
            raise ValueError(
                f"{ctx['shown'](value)} is not a sector of the scenario.{hint} Allowed: {', '.join(choices)}"
            )
        return hit

    @field_validator("revenue", "revenue_prev", mode="before")
    @classmethod
    def _rupiah(cls, value: str) -> float:
        try:
            amount = parse_rupiah(value)
        except ValueError:
            raise ValueError("not a number of rupiah") from None
        if amount < 0:
            raise ValueError("negative revenue")
        if amount > MAX_REVENUE:
            raise ValueError("above Rp50 billion a year, the ceiling of a medium enterprise (F4.1): not an UMKM")
        return amount

    @field_validator("priority", mode="before")
    @classmethod
    def _score(cls, value: str) -> float:
        try:
            score = float(value.strip().replace(",", ".")) if value.count(",") == 1 else float(value.strip())
        except ValueError:
            raise ValueError("not a number") from None
        if not math.isfinite(score):
            raise ValueError("not a finite number")
        return score

    @field_validator("status", mode="before")
    @classmethod
    def _state(cls, value: str, info: ValidationInfo) -> State:
        state = STATUS_BY_WORD.get(fold(value))
        if state is None:
            allowed = "; ".join(f"{s.name.lower()}: {', '.join(words)}" for s, words in STATUS_WORDS.items())
            raise ValueError(f"unknown status {info.context['shown'](value)}. Allowed: {allowed}")
        return state

    @field_validator("enrolled_since", mode="before")
    @classmethod
    def _date(cls, value: str, info: ValidationInfo) -> dt.date:
        shown = info.context["shown"](value)
        try:
            date = parse_date(value)
        except ValueError as exc:
            raise ValueError(f"bad date {shown}: {exc}") from None
        latest = info.context["latest_month"]
        if month_index(date) > latest:
            raise ValueError(
                f"date {shown} is after the scenario's first month {format_period(latest)}; "
                "the registry describes the UMKM at the start"
            )
        return date


def row_problems(exc: ValidationError, headers: dict[str, str]) -> list[tuple[str, str]]:
    """``(problem code, reason)`` for every error of a row, naming the column as in the file."""
    out = []
    for err in exc.errors(include_input=False, include_url=False):
        name = str(err["loc"][0]) if err["loc"] else ""
        header = headers.get(name, name)
        if err["type"] == "missing":
            out.append(("missing_field", f"{header}: missing (a required field is empty)"))
        else:
            msg = err["msg"].removeprefix("Value error, ")
            out.append((PROBLEM_OF_FIELD.get(name, "bad_value"), f"{header}: {msg}"))
    return out
