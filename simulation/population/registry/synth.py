"""Writing a synthetic Lombok Timur registry in the registry format (``umkm-sim synth``).

The rows come from :func:`simulation.population.synthetic.synthetic_agents`: counts by kecamatan x
sector from the scenario's shares, lognormal revenues around the sector means
(``population.revenue_mean``, facts F4.3) with log standard deviation ``population.revenue_sigma``,
uniform priorities, everyone eligible. Identifiers are synthetic (``SYN-000001``, ...): no NIK, no
names.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from simulation.core.states import State
from simulation.population.agents import Agents
from simulation.population.synthetic import synthetic_agents

HEADERS = {
    "id": ("id_usaha", "kecamatan", "sektor", "omzet", "omzet_lalu", "prioritas", "status", "tanggal_daftar"),
    "en": ("business_id", "kecamatan", "sector", "revenue", "revenue_prev", "priority", "status", "enrolled_since"),
}
"""Registry headers in Indonesian and English (see ``simulation.population.registry.columns``)."""

STATUS_TEXT = {
    "id": {
        State.ELIGIBLE: "belum terdaftar",
        State.SUBSIDISED: "bersubsidi",
        State.MANDIRI: "mandiri",
        State.LAPSED: "nonaktif",
        State.CLOSED: "tutup",
    },
    "en": {s: s.name.lower() for s in State},
}


def registry_rows(agents: Agents, scenario, language: str = "id"):
    """Yield the header and one row of text cells per agent, in the registry format."""
    kec, sec = scenario.segment_labels
    words = STATUS_TEXT[language]
    width = max(6, len(str(len(agents))))
    yield HEADERS[language]
    for i in range(len(agents)):
        g = int(agents.segment[i])
        since = int(agents.enrolled_since[i])
        prev = agents.revenue_prev[i]
        yield (
            f"SYN-{i + 1:0{width}d}",
            kec[g],
            sec[g],
            f"{round(float(agents.revenue[i]))}",
            "" if np.isnan(prev) else f"{round(float(prev))}",
            f"{float(agents.priority[i]):.6f}",
            words[State(int(agents.status[i]))],
            "" if since < 0 else f"{since // 12:04d}-{since % 12 + 1:02d}-01",
        )


def write_synthetic_registry(
    scenario, path: str | Path, seed=None, n: int | None = None, language: str = "id"
) -> tuple[Path, int]:
    """Write a synthetic registry (CSV, or XLSX by the file's suffix); return the path and row count.

    Parameters
    ----------
    scenario : Scenario
    path : path
        ``.csv`` or ``.xlsx`` file to write (folders are created).
    seed : None, int or SeedSequence
        Randomness of :func:`synthetic_agents`.
    n : int, optional
        Number of UMKM; default ``population.initial_umkm``.
    language : {"id", "en"}
        Indonesian or English headers and status words.
    """
    if language not in HEADERS:
        raise ValueError(f"language {language!r}: allowed: {', '.join(HEADERS)}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"{path.name}: a registry is written as .csv or .xlsx")
    agents = synthetic_agents(scenario, seed, n=n)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = registry_rows(agents, scenario, language)
    if suffix == ".csv":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    else:
        # deferred: openpyxl is only needed to write Excel files
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("registry")
        for row in rows:
            sheet.append(list(row))
        book.save(path)
    return path, len(agents)
