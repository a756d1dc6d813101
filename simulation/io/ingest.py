"""``ingest``: validate a registry and write it pseudonymised, with its rejects and a manifest.

Written files hold no NIK, business id or name: the validated registry carries a keyed pseudonym
instead, the rejects carry the row number, the reasons and the kecamatan, sector and status cells
(withheld when they look like personal data), the manifest carries counts and the input's hash.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from simulation.io.provenance import versions
from simulation.population.registry.columns import match_header
from simulation.population.registry.pseudonym import (
    KEY_ENV,
    SCHEME,
    key_fingerprint,
    load_key,
    missing_key_error,
    pseudonym,
)
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
        Folder for the outputs (created).
    scenario : Scenario
        Gives the sectors allowed and the first month (enrolment dates may not be later).
    key_file : path, optional
        File holding the pseudonym key; default: environment variable ``UMKM_PSEUDONYM_KEY``.

    Raises
    ------
    RegistryError
        If the file cannot be read, lacks required columns, or holds personal identifiers and no
        key is given.
    """
    raw = read_registry_file(registry)
    layout = match_header(raw.header, raw.source)
    key = load_key(key_file)
    if layout.has_personal_identifiers and key is None:
        raise missing_key_error(raw.source, [raw.header[layout.index["id"]].strip()])
    validated = validate(raw, scenario)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    def pseudo(folded_id: str) -> str:
        return folded_id if layout.id_header == "pseudonym" else pseudonym(key, folded_id)

    with open(out / REGISTRY_FILE, "w", newline="", encoding="utf-8") as fh:
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
    with open(out / REJECTS_FILE, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(REJECT_COLUMNS)
        for rej in validated.rejects:
            writer.writerow(
                [rej.row, "; ".join(dict.fromkeys(rej.problems)), "; ".join(rej.reasons)]
                + [rej.cells.get(f, "") for f in REJECT_COLUMNS[3:]]
            )
    counts = validated.counts()
    hashed = layout.id_header != "pseudonym"
    files = [out / REGISTRY_FILE, out / REJECTS_FILE, out / MANIFEST_FILE]
    manifest = {
        "input": {"file": raw.source, "format": raw.kind, "sha256": raw.sha256},
        "counts": counts,
        "columns": {
            "recognised": sorted(c for c in layout.index if c != "name"),
            "identifier": layout.id_header,
            "name_column_dropped": "name" in layout.index,
            "other_columns_ignored": layout.ignored,
        },
        "pseudonym": {
            "scheme": SCHEME if hashed else "none: the input already holds pseudonyms",
            "key_fingerprint": key_fingerprint(key) if hashed else None,
            "key_from": ("key file" if key_file is not None else KEY_ENV) if hashed else None,
        },
        "scenario": {"name": scenario.name, "sectors": scenario.sectors, "first_month": scenario.horizon.labels[0]},
        "files": [f.name for f in files],
    }

    manifest["versions"] = versions()
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return IngestReport(counts=counts, files=files, validated=validated)
