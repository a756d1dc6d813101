"""``ingest``: validate a registry and write it pseudonymised, with its rejects and a manifest.

Written files hold no NIK, business id or name: the validated registry carries a keyed pseudonym
instead, the rejects carry the row number, the checks failed with their reasons and the kecamatan,
sector and status cells where recognised, the manifest carries counts, the input's hash and each
output's SHA-256 and row count. The three files appear together or not at all
(:func:`~simulation.io.atomic.atomic_folder`).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from simulation.io.atomic import atomic_folder
from simulation.io.checksums import file_record
from simulation.io.provenance import versions
from simulation.population.registry.columns import identifier_kind, match_header
from simulation.population.registry.pseudonym import KEY_ENV, SCHEME, load_key, missing_key_error, pseudonym
from simulation.population.registry.read import read_registry_file
from simulation.population.registry.validate import ValidatedRegistry, validate

REGISTRY_FILE = "registry.csv"
REJECTS_FILE = "rejects.csv"
MANIFEST_FILE = "manifest.json"
REGISTRY_COLUMNS = (
    "pseudonym",
    "kecamatan",
    "sector",
    "revenue",
    "revenue_prev",
    "priority",
    "status",
    "enrolled_since",
)
"""The validated registry's header: English spellings, itself a valid registry for a scenario."""
REJECT_COLUMNS = ("row", "problems", "reason", "kecamatan", "sector", "status")


@dataclass
class IngestReport:
    """What ingest did: counts (see :meth:`ValidatedRegistry.counts`) and the files written."""

    counts: dict
    files: list[Path]
    validated: ValidatedRegistry


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.15g}"


def ingest(registry: str | Path, out_dir: str | Path, scenario, key_file: str | Path | None = None) -> IngestReport:
    """Validate ``registry`` against ``scenario`` and write ``registry.csv``, ``rejects.csv`` and
    ``manifest.json`` into ``out_dir``.

    Parameters
    ----------
    registry : path
        CSV or XLSX registry (see docs/registry.md).
    out_dir : path
        Folder for the outputs: created, or replaced as a whole if it is an earlier output.
    scenario : Scenario
        Gives the sectors allowed and the first month (enrolment dates may not be later).
    key_file : path, optional
        File holding the pseudonym key; default: environment variable ``UMKM_PSEUDONYM_KEY``.

    Raises
    ------
    RegistryError
        If the file cannot be read, lacks required columns, had most NIKs damaged by Excel, or
        holds personal identifiers and no key (or a weak key) is given.
    OutputError
        If ``out_dir`` is a file or a folder of other files (no ``manifest.json``), or cannot be written.
    """
    raw = read_registry_file(registry)
    layout = match_header(raw.header, raw.source)
    id_pos = layout.index["id"]
    hashed = identifier_kind(layout, [c[id_pos] if id_pos < len(c) else "" for _, c in raw.rows]) != "pseudonym"
    key = load_key(key_file)
    if hashed and key is None:
        raise missing_key_error(raw.source, [raw.header[id_pos].strip()])
    validated = validate(raw, scenario)

    def pseudo(folded_id: str) -> str:
        return pseudonym(key, folded_id) if hashed else folded_id

    out = Path(out_dir)
    names = (REGISTRY_FILE, REJECTS_FILE, MANIFEST_FILE)
    with atomic_folder(out) as temp:
        with open(temp / REGISTRY_FILE, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(REGISTRY_COLUMNS)
            for folded_id, row in zip(validated.ids, validated.rows, strict=True):
                writer.writerow(
                    [
                        pseudo(folded_id),
                        row.kecamatan,
                        row.sector,
                        _number(row.revenue),
                        _number(row.revenue_prev),
                        _number(row.priority),
                        row.status.name.lower(),
                        row.enrolled_since.isoformat() if row.enrolled_since else "",
                    ]
                )
        with open(temp / REJECTS_FILE, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(REJECT_COLUMNS)
            for rej in validated.rejects:
                writer.writerow(
                    [rej.row, "; ".join(dict.fromkeys(rej.problems)), "; ".join(rej.reasons)]
                    + [rej.cells.get(f, "") for f in REJECT_COLUMNS[3:]]
                )
        counts = validated.counts()
        rows_in = {REGISTRY_FILE: counts["accepted"], REJECTS_FILE: counts["rejected"]}
        manifest = {
            "input": {"file": raw.source, "format": raw.kind, "sha256": raw.sha256},
            "counts": counts,
            "columns": {
                "recognised": sorted(layout.index),
                "identifier": layout.id_header,
                "identifier_holds": validated.id_kind,
                "name_column_dropped": layout.name is not None,
                "other_columns_ignored": layout.ignored,
            },
            "pseudonym": {
                "scheme": SCHEME if hashed else "none: the input already holds pseudonyms",
                "key_from": ("key file" if key_file is not None else KEY_ENV) if hashed else None,
                "same_key_check": "a UMKM present in two waves has the same pseudonym in both",
            },
            "scenario": {
                "name": scenario.name,
                "sectors": scenario.sectors,
                "first_month": scenario.horizon.labels[0],
            },
            "files": {name: file_record(temp / name, rows) for name, rows in rows_in.items()},
            "versions": versions(),
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (temp / MANIFEST_FILE).write_text(text, encoding="utf-8")
    return IngestReport(counts=counts, files=[out / n for n in names], validated=validated)
