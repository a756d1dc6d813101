"""Every check of :mod:`~simulation.population.registry.checks` run over a UMKM list.

:func:`check_registry` reads each row once: the identifier (NIK structure, Excel damage,
duplicates, other lists), the other cells (:func:`~simulation.population.registry.rows.read_row`),
then, over the whole list, possible duplicates. It returns one :class:`CheckedRegistry` that both
``verify`` (the office's report) and ``ingest`` (rejects and the pseudonymised registry) use, so the
two never disagree about a row.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field

from simulation.core.regions import regions
from simulation.population.registry.against import OtherLists
from simulation.population.registry.checks import CHECKS, ERROR, WARNING, Flag, Part, flag
from simulation.population.registry.columns import Layout, identifier_kind, match_header
from simulation.population.registry.labelled import LOMBOK_TIMUR
from simulation.population.registry.linkage import Record, normalise_name, possible_duplicates
from simulation.population.registry.nik import (
    MOST,
    clean_nik,
    excel_damage,
    structure_problems,
    trailing_zero_damage,
)
from simulation.population.registry.read import RawRegistry
from simulation.population.registry.rows import RegistryRow, RowContext, Scrubber, read_row
from simulation.population.registry.values import STATUS_BY_WORD, fold


@dataclass
class CheckedRegistry:
    """A list with every check run.

    Attributes
    ----------
    source, sha256, kind : str
        File name (no folder), SHA-256 of its bytes, ``csv`` or ``xlsx``.
    layout : Layout
    id_kind : str
        ``nik``, ``business_id`` or ``pseudonym`` (:func:`identifier_kind`).
    rows_read : list of int
        Row numbers of every row read (blank rows excluded), in file order.
    blank_rows : int
    flags : list of Flag
        Every problem, by row then in check order.
    rows : dict
        Row number to :class:`RegistryRow` for rows without errors.
    ids : dict
        Row number to the folded identifier for rows without errors (personal data: only for
        pseudonymising, never written, printed or shown in a repr).
    known : dict
        Row number to its kecamatan, sector and status cells where recognised (kecamatan and sector
        as the scenario spells them, the status word as written), else empty strings: cells that
        may be shown to help find a row, since a recognised value cannot be a name or a NIK.
    refused : str or None
        Detail key of a damage that makes the whole file unusable (``excel_mangled_nik`` on most
        rows), else None.
    duplicate_search : str
        ``done``, ``no_name_column`` or ``skipped``.
    """

    source: str
    sha256: str
    kind: str
    layout: Layout
    id_kind: str
    rows_read: list[int]
    blank_rows: int
    flags: list[Flag]
    rows: dict[int, RegistryRow]
    ids: dict[int, str] = field(repr=False)
    known: dict[int, dict[str, str]]
    refused: str | None = None
    duplicate_search: str = "skipped"

    @property
    def n_read(self) -> int:
        return len(self.rows_read)

    def errors_by_row(self) -> dict[int, list[Flag]]:
        """Row number to its error flags, for rows with at least one."""
        out: dict[int, list[Flag]] = {}
        for f in self.flags:
            if f.severity == ERROR:
                out.setdefault(f.row, []).append(f)
        return out

    def counts_by_check(self) -> dict[str, dict[str, int]]:
        """Check name to rows flagged as ``error`` and as ``warning`` (a row counted once per check)."""
        seen = {(f.row, f.check, f.severity) for f in self.flags}
        out: dict[str, dict[str, int]] = {}
        for _, check, severity in seen:
            out.setdefault(check, {ERROR: 0, WARNING: 0})[severity] += 1
        return out


def kecamatan_spellings(names: tuple[str, ...], region: str = LOMBOK_TIMUR) -> dict[str, str]:
    """Folded spelling to the scenario's kecamatan: its own names plus the official spellings of
    the region's kecamatan (``Suwela`` for ``Suela`` in Lombok Timur, 52.03)."""
    known = {fold(k): k for k in names}
    for area in regions().districts_of(region):
        key = fold(area.name)
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
            if close:
                known[key] = known[close[0]]
    return known


def check_registry(
    raw: RawRegistry, scenario, against: OtherLists | None = None, find_duplicates: bool = True
) -> CheckedRegistry:
    """Run every check over ``raw``.

    Parameters
    ----------
    raw : RawRegistry
    scenario : Scenario
        Gives the sectors and the first month (no enrolment date may be later).
    against : OtherLists, optional
        Other lists whose NIKs give ``already_listed``.
    find_duplicates : bool
        Whether to search for possible duplicates (``possible_duplicate``, a warning only).

    Raises
    ------
    RegistryError
        If the header lacks a required column.
    """
    layout = match_header(raw.header, raw.source)
    index = layout.index
    headers = {name: str(raw.header[pos]).strip() for name, pos in index.items()}
    id_pos = index["id"]
    id_kind = identifier_kind(layout, [c[id_pos] if id_pos < len(c) else "" for _, c in raw.rows])
    nik_pos = id_pos if id_kind == "nik" else layout.nik
    nik_header = str(raw.header[nik_pos]).strip() if nik_pos is not None else ""
    scrub = Scrubber(raw.rows, layout.personal)
    ctx = RowContext(
        kecamatan=kecamatan_spellings(tuple(scenario.kecamatan), scenario.model.region),
        region=scenario.region_name,
        sector={fold(s): s for s in scenario.sectors},
        latest_month=scenario.horizon.start,
        headers=headers,
        scrub=scrub,
    )
    areas = regions()
    place = scenario.region_name
    id_check = "duplicate_nik" if id_kind == "nik" else "duplicate_id"
    zeros_damaged = nik_pos is not None and trailing_zero_damage(
        [d for _, cells in raw.rows if nik_pos < len(cells) for d in [clean_nik(str(cells[nik_pos]))]
         if len(d) == 16 and d.isdigit()]
    )  # fmt: skip

    flags: list[Flag] = []
    rows: dict[int, RegistryRow] = {}
    ids: dict[int, str] = {}
    known: dict[int, dict[str, str]] = {}
    read_numbers: list[int] = []
    first_row_of_id: dict[str, int] = {}
    damaged = 0
    records: list[Record] = []
    blank = 0
    for number, cells in raw.rows:
        if not any(str(c).strip() for c in cells):
            blank += 1
            continue
        read_numbers.append(number)
        if len(cells) > layout.width:
            # A separator inside an unquoted cell shifts every later cell: read nothing of the row.
            flags.append(flag(number, "ragged_row", cells=len(cells), width=layout.width))
            known[number] = {"kecamatan": "", "sector": "", "status": ""}
            continue
        scrub.cells = cells
        values = {name: str(cells[pos]).strip() if pos < len(cells) else "" for name, pos in index.items()}
        row_flags: list[Flag] = []
        id_text = values.pop("id")
        key = fold(id_text)
        nik = ""
        if nik_pos is not None and nik_pos < len(cells) and str(cells[nik_pos]).strip():
            cleaned = clean_nik(str(cells[nik_pos]))
            damage = excel_damage(cleaned, (number, nik_pos) in raw.numeric)
            if not damage and zeros_damaged and len(cleaned) == 16 and cleaned.isdigit() and cleaned[-1] == "0":
                damage = "excel_trailing_zero"
            if damage:
                damaged += 1
                row_flags.append(flag(number, "excel_mangled_nik", damage, column=nik_header))
            else:
                for p in structure_problems(cleaned, areas, home=scenario.model.region):
                    severity = WARNING if p.warning else None
                    row_flags.append(
                        flag(number, p.check, p.key, severity, column=nik_header, code=p.code, n=p.code, region=place)
                    )
                if cleaned.isdigit() and len(cleaned) == 16:
                    nik = cleaned
            if nik_pos == id_pos:
                key = cleaned  # spaces and quotes removed: '5203 0741...' and "'5203..." are one NIK
        if not id_text:
            row_flags.append(flag(number, "missing", column=headers["id"]))
        elif not any(f.check == "excel_mangled_nik" for f in row_flags) or nik_pos != id_pos:
            if key in first_row_of_id:
                row_flags.append(flag(number, id_check, "duplicate", column=headers["id"], first=first_row_of_id[key]))
            else:
                first_row_of_id[key] = number
        if nik and against is not None and (hit := against.find(nik)):
            row_flags.append(flag(number, "already_listed", list=hit[0], other=hit[1]))
        row, cell_flags = read_row(number, values, ctx)
        row_flags += cell_flags
        status = values.get("status", "")
        known[number] = {
            "kecamatan": ctx.kecamatan.get(fold(values.get("kecamatan", "")), ""),
            "sector": ctx.sector.get(fold(values.get("sector", "")), ""),
            "status": status if fold(status) in STATUS_BY_WORD else "",
        }
        flags += row_flags
        if row is not None and not any(f.severity == ERROR for f in row_flags):
            rows[number] = row
            ids[number] = key
        if find_duplicates and layout.name is not None and known[number]["kecamatan"]:
            name = normalise_name(cells[layout.name]) if layout.name < len(cells) else ""
            if name:
                revenue = row.revenue if row is not None else math.nan
                records.append(Record(number, name, known[number]["kecamatan"], known[number]["sector"], revenue, nik))

    refused = None
    if nik_pos is not None:
        given = sum(1 for _, cells in raw.rows if nik_pos < len(cells) and str(cells[nik_pos]).strip())
        if zeros_damaged or (given and damaged > MOST * given):
            refused = "excel_mangled_nik"
    search = "skipped"
    if find_duplicates:
        search = "done" if layout.name is not None else "no_name_column"
        for m in possible_duplicates(records):
            extra = tuple(
                Part(k) for k, on in (("same_sector", m.same_sector), ("close_revenue", m.close_revenue)) if on
            )
            flags.append(flag(m.second, "possible_duplicate", other=m.first, score=m.score, extra=extra))
    order = {c.name: i for i, c in enumerate(CHECKS)}
    flags.sort(key=lambda f: (f.row, order[f.check]))
    return CheckedRegistry(
        source=raw.source,
        sha256=raw.sha256,
        kind=raw.kind,
        layout=layout,
        id_kind=id_kind,
        rows_read=read_numbers,
        blank_rows=blank,
        flags=flags,
        rows=rows,
        ids=ids,
        known=known,
        refused=refused,
        duplicate_search=search,
    )
