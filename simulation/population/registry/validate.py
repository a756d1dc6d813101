"""Validating a whole registry row by row: accepted rows, rejects with reasons, and counts.

Every row read is either accepted or rejected (blank rows, with every cell empty, are not rows), so
``accepted + rejected == rows read`` always.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pydantic import ValidationError

from simulation.population.registry.columns import Layout, match_header
from simulation.population.registry.read import RawRegistry
from simulation.population.registry.rows import RegistryRow, row_problems
from simulation.population.registry.values import fold
from simulation.scenario.schema import kecamatan_names

REJECT_FIELDS = ("kecamatan", "sector", "status")
"""Non-personal cells copied (through :class:`Scrubber`) into the rejects to help find the row."""

WITHHELD = "(withheld)"


@dataclass
class Reject:
    """A row that cannot be used: its number (header = row 1), problem codes and reasons."""

    row: int
    problems: list[str]
    reasons: list[str]
    cells: dict[str, str]


@dataclass
class ValidatedRegistry:
    """The outcome of validating a registry.

    Attributes
    ----------
    source, sha256, kind : str
        File name, SHA-256 of its bytes, ``csv`` or ``xlsx``.
    layout : Layout
        Which column is where.
    rows : list of RegistryRow
        Accepted rows, in file order.
    accepted_rows : list of int
        Their row numbers.
    rejects : list of Reject
    blank_rows : int
        Rows with every cell empty (skipped, not counted as read).
    ids : list of str
        Folded identifiers of the accepted rows, for pseudonymisation only: personal data, never
        written, printed or shown in a repr.
    """

    source: str
    sha256: str
    kind: str
    layout: Layout
    rows: list[RegistryRow]
    accepted_rows: list[int]
    rejects: list[Reject]
    blank_rows: int
    ids: list[str] = field(repr=False)

    @property
    def n_read(self) -> int:
        return len(self.rows) + len(self.rejects)

    def counts(self) -> dict:
        """Rows read, accepted, rejected, blank, and rejects by problem (a row may have several)."""
        by_problem = Counter(p for r in self.rejects for p in dict.fromkeys(r.problems))
        return {
            "rows_read": self.n_read,
            "accepted": len(self.rows),
            "rejected": len(self.rejects),
            "blank_rows": self.blank_rows,
            "rejected_by_problem": dict(sorted(by_problem.items())),
        }


class Scrubber:
    """Shows a cell's value in a message unless it could be personal data.

    A value is withheld when, folded, it equals any identifier or name in the file, contains this
    row's identifier or name, or holds a run of eight or more digits (a NIK is sixteen).
    """

    def __init__(self, personal: set[str]):
        self.personal = personal
        self.row: list[str] = []

    def plain(self, value: object) -> str:
        """The value (cut at 40 characters), or ``(withheld)``."""
        text = str(value).strip()
        folded = fold(text)
        if (
            folded in self.personal
            or any(len(p) >= 3 and p in folded for p in self.row)
            or re.search(r"\d{12,}", re.sub(r"[\s.\-/]", "", text))
        ):
            return WITHHELD
        return text[:40] + ("..." if len(text) > 40 else "")

    def __call__(self, value: object) -> str:
        """The value quoted for a message, or ``(withheld)``."""
        text = self.plain(value)
        return text if text == WITHHELD else repr(text)


def validate(raw: RawRegistry, scenario) -> ValidatedRegistry:
    """Validate every row of ``raw`` against ``scenario`` (its sectors and first month).

    Raises
    ------
    RegistryError
        If the header lacks a required column (one error naming all of them).
    """
    layout = match_header(raw.header, raw.source)
    index = layout.index
    headers = {name: str(raw.header[pos]).strip() for name, pos in index.items()}
    context = {
        "kecamatan": {fold(k): k for k in kecamatan_names()},
        "sector": {fold(s): s for s in scenario.sectors},
        "latest_month": scenario.horizon.start,
    }
    personal = {fold(cells[p]) for _, cells in raw.rows for p in layout.personal if p < len(cells)} - {""}
    scrub = Scrubber(personal)
    context["shown"] = scrub

    rows, accepted_rows, rejects, ids = [], [], [], []
    first_row_of_id: dict[str, int] = {}
    blank = 0
    for number, cells in raw.rows:
        if not any(str(c).strip() for c in cells):
            blank += 1
            continue
        scrub.row = [fold(cells[p]) for p in layout.personal if p < len(cells)]
        if len(cells) > layout.width:
            # A separator inside an unquoted cell shifts every later cell: show nothing of the row.
            reason = f"the row has {len(cells)} cells, the header {layout.width}: a separator in an unquoted cell?"
            rejects.append(Reject(number, ["ragged_row"], [reason], {}))
            continue
        problems: list[tuple[str, str]] = []
        values = {name: str(cells[pos]).strip() if pos < len(cells) else "" for name, pos in index.items()}
        key = fold(values.pop("id"))
        values.pop("name", None)
        if not key:
            problems.append(("missing_field", f"{headers['id']}: missing (a required field is empty)"))
        elif key in first_row_of_id:
            first = first_row_of_id[key]
            problems.append(("duplicate_id", f"{headers['id']}: duplicate id, same as row {first} (the first is kept)"))
        else:
            first_row_of_id[key] = number
        given = {name: v for name, v in values.items() if v != ""}
        try:
            row = RegistryRow.model_validate(given, context=context)
        except ValidationError as exc:
            problems += row_problems(exc, headers)
            row = None
        if problems:
            cells_shown = {f: (scrub.plain(values[f]) if values.get(f) else "") for f in REJECT_FIELDS if f in values}
            rejects.append(Reject(number, [p for p, _ in problems], [r for _, r in problems], cells_shown))
        else:
            rows.append(row)
            accepted_rows.append(number)
            ids.append(key)
    return ValidatedRegistry(
        source=raw.source,
        sha256=raw.sha256,
        kind=raw.kind,
        layout=layout,
        rows=rows,
        accepted_rows=accepted_rows,
        rejects=rejects,
        blank_rows=blank,
        ids=ids,
    )


__all__ = ["Reject", "Scrubber", "ValidatedRegistry", "validate"]
