"""Registry columns: the accepted header spellings (Indonesian or English) and header matching.

A header is matched after folding case and treating spaces, hyphens and dots as underscores, so
``Tanggal Daftar``, ``tanggal-daftar`` and ``TANGGAL_DAFTAR`` are one column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulation.population.registry.errors import RegistryError


@dataclass(frozen=True)
class Column:
    """One registry column.

    Attributes
    ----------
    name : str
        Canonical (English) name used inside the package and in the validated registry.
    spellings : tuple of str
        Accepted headers, already folded (see :func:`fold_header`).
    required : bool
        Whether a registry must have the column.
    personal : bool
        Whether its values are personal data (never written anywhere).
    """

    name: str
    spellings: tuple[str, ...]
    required: bool
    personal: bool = False


ID_SPELLINGS = ("nik", "business_id", "id_usaha", "pseudonym")
"""Headers of the identifier column. ``nik``, ``business_id`` and ``id_usaha`` are personal
identifiers and are pseudonymised; ``pseudonym`` is what a registry written by ``umkm-sim ingest``
holds (taken as such only when its values look like pseudonyms, see :func:`identifier_kind`)."""
NAME_SPELLINGS = ("nama_pemilik", "nama", "name", "nama_usaha")
"""Headers of name columns, the owner's first (the one compared when looking for duplicates)."""
PSEUDONYM_PATTERN = re.compile(r"^[0-9a-f]{24}$")
"""What a pseudonym written by ``umkm-sim ingest`` looks like (24 lower-case hex digits)."""

COLUMNS = (
    Column("id", tuple(ID_SPELLINGS), required=True, personal=True),
    Column("name", NAME_SPELLINGS, required=False, personal=True),
    Column("kecamatan", ("kecamatan", "district", "subdistrict"), required=True),
    Column("sector", ("sektor", "sector"), required=True),
    Column("revenue", ("omzet", "revenue", "omset"), required=True),
    Column("revenue_prev", ("omzet_lalu", "revenue_prev", "omset_lalu"), required=False),
    Column("priority", ("prioritas", "priority"), required=False),
    Column("status", ("status",), required=False),
    Column("enrolled_since", ("tanggal_daftar", "enrolled_since"), required=False),
)
"""Every column the registry may have, in the order of the validated registry."""

BY_NAME = {c.name: c for c in COLUMNS}


def fold_header(text: object) -> str:
    """A header folded for matching: lower case, words joined by single underscores."""
    return re.sub(r"[\s\-.]+", "_", str(text if text is not None else "").strip().casefold()).strip("_")


@dataclass(frozen=True)
class Layout:
    """Which cell of a row holds which column.

    Attributes
    ----------
    index : dict
        Canonical column name to its 0-based position in the row.
    id_header : str
        The folded header of the identifier column (one of :data:`ID_SPELLINGS`).
    personal : tuple of int
        Positions of every column holding personal data (identifiers and names), including a
        ``nik`` column dropped because ``business_id`` identifies the UMKM.
    ignored : int
        How many columns were not recognised (dropped unread).
    width : int
        Number of header cells.
    nik : int or None
        Position of the column headed ``nik`` (the identifier, or the owner's NIK beside a business
        id), whose cells get the NIK checks.
    name : int or None
        Position of the name column compared when looking for duplicates (the owner's if given).
    """

    index: dict[str, int]
    id_header: str
    personal: tuple[int, ...]
    ignored: int
    width: int
    nik: int | None = None
    name: int | None = None


def match_header(header: list[object], source: str) -> Layout:
    """Map a header row to the registry columns.

    When both ``nik`` and ``business_id`` (or ``id_usaha``) are present, the business id identifies
    the UMKM (one owner may run two businesses) and ``nik`` is dropped.

    Raises
    ------
    RegistryError
        One error naming every missing required column with its accepted spellings, or every
        column given twice under two spellings.
    """
    folded = [fold_header(h) for h in header]
    found: dict[str, list[tuple[int, str]]] = {}
    spelling_to_column = {s: c.name for c in COLUMNS for s in c.spellings}
    ignored = 0
    for pos, key in enumerate(folded):
        if key in spelling_to_column:
            found.setdefault(spelling_to_column[key], []).append((pos, key))
        elif key:
            ignored += 1
    personal = [pos for c in ("id", "name") for pos, _ in found.get(c, [])]
    ids = found.get("id", [])
    business = [(p, k) for p, k in ids if k in ("business_id", "id_usaha")]
    if len(ids) == 2 and len(business) == 1 and any(k == "nik" for _, k in ids):
        found["id"] = business  # the business id identifies the UMKM; the owner's NIK is dropped
    problems = []
    missing = [c for c in COLUMNS if c.required and c.name not in found]
    if missing:
        wanted = "; ".join(f"{c.name} (accepted headers: {', '.join(c.spellings)})" for c in missing)
        problems.append(f"missing required column(s): {wanted}")
    twice = {name: hits for name, hits in found.items() if len(hits) > 1 and name != "name"}
    for name, hits in twice.items():
        spelled = ", ".join(repr(header[p]) for p, _ in hits)
        problems.append(f"column {name} is given {len(hits)} times (headers {spelled}); keep one")
    if problems:
        recognised = ", ".join(sorted(found)) or "none"
        hint = "" if found else " Is the first row a header row?"
        raise RegistryError(
            f"{source}: the header cannot be used: {' | '.join(problems)}. "
            f"Recognised columns: {recognised}; {ignored} other column(s) ignored.{hint} "
            "Headers may be Indonesian or English, in any case and spacing."
        )
    index = {name: hits[0][0] for name, hits in found.items()}
    id_header = found["id"][0][1]
    nik = next((p for p, k in ids if k == "nik"), None)
    names = sorted(found.get("name", []), key=lambda hit: NAME_SPELLINGS.index(hit[1]))
    return Layout(
        index=index,
        id_header=id_header,
        personal=tuple(personal),
        ignored=ignored,
        width=len(header),
        nik=nik,
        name=names[0][0] if names else None,
    )


def identifier_kind(layout: Layout, cells: list[str]) -> str:
    """``nik``, ``business_id`` or ``pseudonym``: what the identifier column holds.

    A ``pseudonym`` column is taken as already pseudonymised only when every value looks like the
    project's pseudonyms; one holding NIK-like values (twelve or more digits, or Excel's scientific
    notation) is a NIK column, anything else a business id: both need the key and are pseudonymised.
    """
    if layout.id_header == "nik":
        return "nik"
    if layout.id_header != "pseudonym":
        return "business_id"
    values = [c.strip() for c in cells if c.strip()]
    if all(PSEUDONYM_PATTERN.match(v) for v in values):
        return "pseudonym"
    nik_like = sum(1 for v in values if re.search(r"\d{12,}|^\d[.,]\d+[eE]\+?\d+$", v.replace(" ", "")))
    return "nik" if nik_like * 2 > len(values) else "business_id"
