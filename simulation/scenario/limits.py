"""Numbers a scenario may hold: finite, not booleans, and within magnitudes that make sense.

Pydantic accepts ``.inf``, ``.nan`` and ``true`` where a number is wanted (``true`` becomes 1), and
the schema bounds most values from below only. Booleans are looked for in the merged document before
the schema, numbers in the validated scenario; either is refused with its file (or override), key
path and the allowed range.
"""

from __future__ import annotations

import math
import typing
from functools import cache
from typing import Any

from pydantic import BaseModel

from simulation.core.errors import ScenarioError
from simulation.scenario.schema import ScenarioModel

MAX_MAGNITUDE = 1e15
"""Largest absolute number anywhere in a scenario: Rp1,000 trillion, about 300 times Lombok Timur's
whole APBD (Rp3.07 trillion in 2026, facts F5.3)."""

NOT_BOOLEAN = "a boolean is not allowed here (YAML reads true/false/yes/no/on/off as one); give a number or a name"

NOT_FINITE = (
    "not a finite number (a number too large for a float reads as inf); "
    f"allowed: finite numbers of magnitude at most {MAX_MAGNITUDE:.0e}"
)

MAXIMA: dict[str, tuple[float, str]] = {
    "population.initial_umkm": (1e8, "UMKM"),
    "policy.rollout": (1e8, "UMKM"),
    "policy.coverage_target": (1e8, "UMKM"),
    "contribution.jkk": (1e7, "rupiah per member per month"),
    "contribution.jkm": (1e7, "rupiah per member per month"),
    "contribution.jht": (1e7, "rupiah per member per month"),
    "population.revenue_mean": (1e13, "rupiah per year"),
    "policy.graduation.revenue_threshold": (1e13, "rupiah per year"),
    "benefits.declared_income": (1e10, "rupiah per month"),
}
"""Largest sensible value of a parameter, by dotted key, with its unit: more than 100 million UMKM
(Indonesia had 65.47 million in 2019, facts F4.2), a contribution above Rp10 million a month (JKK+JKM
is Rp16,800, facts F0.2), a yearly revenue above Rp10 trillion (the small-business ceiling is
Rp15 billion, facts F4.1), a declared income above Rp10 billion a month."""


def check_document(raw: dict, origin_of) -> None:
    """Refuse a boolean where the schema has no boolean (pydantic would read ``true`` as 1), and a
    non-finite float (``.nan`` passes every bound, and would otherwise meet a bound's message).

    Parameters
    ----------
    raw : dict
        The merged scenario document (after ``extends`` and overrides), before validation.
    origin_of : callable
        Dotted key to the file or override that set it (for the message).

    Raises
    ------
    ScenarioError
        One line per boolean: origin, key path, value, what is allowed.
    """
    booleans = boolean_fields()
    problems = []
    for dotted, value in _leaves(raw, ""):
        if isinstance(value, bool) and _parameter_of(dotted, booleans) is None:
            problems.append((origin_of(dotted), dotted, value, NOT_BOOLEAN))
        elif isinstance(value, float) and not math.isfinite(value):
            problems.append((origin_of(dotted), dotted, value, NOT_FINITE))
    if problems:
        raise ScenarioError(problems)


def check_magnitudes(model: BaseModel, origin_of) -> None:
    """Refuse non-finite numbers and magnitudes beyond sense in a validated scenario.

    Checked after validation, because pydantic turns text such as ``1e400`` or ``nan`` (YAML reads
    both as strings) into floats.

    Parameters
    ----------
    model : ScenarioModel
        The validated scenario.
    origin_of : callable
        Dotted key to the file or override that set it (for the message).

    Raises
    ------
    ScenarioError
        One line per offending value: origin, key path, value, the allowed range.
    """
    problems = []
    for dotted, value in _leaves(model.model_dump(), ""):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if not math.isfinite(value):
            problems.append((origin_of(dotted), dotted, value, NOT_FINITE))
            continue
        limit, unit = _maximum(dotted)
        if abs(value) > limit:
            allowed = f"beyond sense; allowed: at most {limit:,.0f} {unit}".rstrip()
            problems.append((origin_of(dotted), dotted, value, allowed))
    if problems:
        raise ScenarioError(problems)


def _leaves(node: Any, path: str):
    """Yield ``(dotted path, value)`` for every scalar of a nested document (dicts and lists)."""
    if isinstance(node, dict):
        for key, val in node.items():
            yield from _leaves(val, f"{path}.{key}" if path else str(key))
    elif isinstance(node, (list, tuple)):
        for i, val in enumerate(node):
            yield from _leaves(val, f"{path}.{i}")
    else:
        yield path, node


def _maximum(dotted: str) -> tuple[float, str]:
    """The limit for a leaf: its parameter's entry in :data:`MAXIMA`, else :data:`MAX_MAGNITUDE`."""
    for key, (limit, unit) in MAXIMA.items():
        if dotted == key or dotted.startswith(key + "."):
            return limit, unit
    return MAX_MAGNITUDE, ""


def _parameter_of(dotted: str, keys: frozenset[str]) -> str | None:
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in keys:
            return ".".join(parts[:n])
    return None


@cache
def boolean_fields(model: type[BaseModel] | None = None, path: str = "") -> frozenset[str]:
    """Dotted keys of the schema whose values may be booleans (none today)."""
    model = model or ScenarioModel
    found: set[str] = set()
    for name, info in model.model_fields.items():
        sub = f"{path}.{name}" if path else name
        for arg in _flatten(info.annotation):
            if arg is bool:
                found.add(sub)
            elif isinstance(arg, type) and issubclass(arg, BaseModel):
                found |= boolean_fields(arg, sub)
    return frozenset(found)


def _flatten(annotation: Any):
    """Every type named inside an annotation (``Param[X] | None`` yields Param[X], X, None, ...)."""
    yield annotation
    meta = getattr(annotation, "__pydantic_generic_metadata__", None)
    args = meta["args"] if meta else typing.get_args(annotation)
    for arg in args:
        yield from _flatten(arg)
