"""Validating a whole registry for use: accepted rows, rejects with the checks they failed, counts.

A row is rejected when any check of :mod:`~simulation.population.registry.checks` flags it as an
error (warnings do not reject; ``umkm-sim verify`` reports them). Every row read is either accepted
or rejected (blank rows, with every cell empty, are not rows), so ``accepted + rejected == rows
read`` always.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from simulation.population.registry.columns import Layout
from simulation.population.registry.errors import RegistryError
from simulation.population.registry.read import RawRegistry
from simulation.population.registry.rows import RegistryRow
from simulation.population.registry.verify import CheckedRegistry, check_registry

REJECT_FIELDS = ("kecamatan", "sector", "status")
"""Cells copied into the rejects to help find the row, and only as recognised values (a cell that is
not a known kecamatan, sector or status word is left empty: it could be a name)."""


@dataclass
class Reject:
    """A row that cannot be used: its number (header = row 1), the checks it failed and why."""

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
    id_kind : str
        ``nik``, ``business_id`` or ``pseudonym``.
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
    id_kind: str
    rows: list[RegistryRow]
    accepted_rows: list[int]
    rejects: list[Reject]
    blank_rows: int
    ids: list[str] = field(repr=False)

    @property
    def n_read(self) -> int:
        return len(self.rows) + len(self.rejects)

    def counts(self) -> dict:
        """Rows read, accepted, rejected, blank, and rejects by check (a row may fail several)."""
        by_problem = Counter(p for r in self.rejects for p in dict.fromkeys(r.problems))
        return {
            "rows_read": self.n_read,
            "accepted": len(self.rows),
            "rejected": len(self.rejects),
            "blank_rows": self.blank_rows,
            "rejected_by_problem": dict(sorted(by_problem.items())),
        }


def refusal_message(checked: CheckedRegistry) -> str:
    """Why a whole file is refused, and the fix (English; the quality report says it in Indonesian)."""
    return (
        f"{checked.source}: most NIKs in column {checked.layout.id_header!r} were damaged by Excel "
        "(stored as numbers: scientific notation, or the 16th digit turned to 0); the file is refused "
        "because the lost digits cannot be recovered. Fix: in Excel format the NIK column as Text, enter "
        "the NIKs again from their source, and export again. 'umkm-sim verify' lists the rows."
    )


def validate(raw: RawRegistry, scenario) -> ValidatedRegistry:
    """Validate every row of ``raw`` against ``scenario`` (its sectors and first month).

    Raises
    ------
    RegistryError
        If the header lacks a required column (one error naming all of them), or most NIKs were
        damaged by Excel (the file is refused as a whole: no row would get the right pseudonym).
    """
    checked = check_registry(raw, scenario, find_duplicates=False)
    if checked.refused:
        raise RegistryError(refusal_message(checked))
    errors = checked.errors_by_row()
    rejects = []
    for number in checked.rows_read:
        if number not in errors:
            continue
        flags = errors[number]
        rejects.append(Reject(number, [f.check for f in flags], [f.detail("en") for f in flags], checked.known[number]))
    accepted = [n for n in checked.rows_read if n in checked.rows]
    return ValidatedRegistry(
        source=raw.source,
        sha256=raw.sha256,
        kind=raw.kind,
        layout=checked.layout,
        id_kind=checked.id_kind,
        rows=[checked.rows[n] for n in accepted],
        accepted_rows=accepted,
        rejects=rejects,
        blank_rows=checked.blank_rows,
        ids=[checked.ids[n] for n in accepted],
    )


__all__ = ["Reject", "ValidatedRegistry", "refusal_message", "validate"]
