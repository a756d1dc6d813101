"""This year's list as the office would have it at the evaluation, drawn from the micro engine.

The synthetic registry (``umkm-sim synth``) is a list collected before enrolment: every UMKM is
eligible. The yearly evaluation needs a list from later in the cycle, with statuses, enrolment dates
and this year's and last year's revenue. :func:`engine_list` takes it from one replicate of the
micro engine (:func:`simulation.engines.micro.run_micro` with ``snapshots``), as it stands **just
before** the evaluation of a fiscal year, and also returns what the engine did at that evaluation,
so ``umkm-sim evaluate`` can be checked against the engine (tests/test_evaluation_consistency.py)
and the worked example of docs/evaluation.md has a realistic list.

The ids are synthetic (``SYN-0000001``: the agent's index), so the list holds no personal data.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.core.states import STATE_NAMES, State
from simulation.core.streams import replicate_seeds
from simulation.engines.micro import MicroInputs, run_micro
from simulation.engines.revenue import graduation_rules

HEADERS = {
    "en": ("business_id", "kecamatan", "sector", "revenue", "revenue_prev", "priority", "status", "enrolled_since"),
    "id": ("id_usaha", "kecamatan", "sektor", "omzet", "omzet_lalu", "prioritas", "status", "tanggal_daftar"),
}
"""Headers of the list in each language (docs/registry.md); the frame uses the English ones."""
STATUS_WORDS = {
    "en": dict(zip(STATE_NAMES, STATE_NAMES, strict=True)),
    "id": dict(zip(STATE_NAMES, ("belum terdaftar", "bersubsidi", "mandiri", "nonaktif", "tutup"), strict=True)),
}
"""Status words of each language, accepted by the registry reader (docs/registry.md)."""


def evaluation_month_index(scenario, year: int) -> int:
    """Month index (0 = ``start``) of the evaluation month of fiscal ``year`` in ``scenario``'s horizon.

    Raises
    ------
    ValueError
        If ``year`` is outside the horizon, has no evaluation month, or evaluates in the horizon's
        first month (there is no list before it).
    """
    h = scenario.horizon
    if year not in h.fiscal_years:
        raise ValueError(f"year {year} is outside the scenario's horizon ({h.fiscal_years[0]} to {h.fiscal_years[-1]})")
    months = np.flatnonzero((h.year == year) & graduation_rules(scenario).at_evaluation)
    if not len(months) or months[-1] < 1:
        raise ValueError(f"the scenario has no evaluation in {year} after its first month")
    return int(months[-1])


def engine_list(scenario, year: int | None = None, seed: int = 2026) -> tuple[pd.DataFrame, np.ndarray]:
    """The list just before the evaluation of ``year``, and which rows the engine graduated there.

    Replicate 0 of ``seed`` runs the scenario, keeping every agent at the end of the month before
    the evaluation of ``year`` and of the evaluation month. A row's status is its state
    before the evaluation (an agent that graduated is listed as subsidised; one that closed in the
    evaluation month, as closed); ``revenue`` is this year's revenue (after the evaluation's
    increment), ``revenue_prev`` the revenue observed at the previous evaluation (empty for a UMKM
    that entered in the evaluation month), ``enrolled_since`` the first day of the month of
    enrolment into the subsidy.

    Parameters
    ----------
    scenario : Scenario
    year : int, optional
        Fiscal year evaluated; default the scenario's first.
    seed : int
        Master seed (replicate 0 of ``SeedSequence(seed).spawn``).

    Returns
    -------
    list : DataFrame
        Columns ``HEADERS['en']``, one row per agent in order of arrival; revenues in rupiah per year.
    graduated : ndarray of bool
        True for the rows the engine graduated at the evaluation.
    """
    h = scenario.horizon
    year = h.fiscal_years[0] if year is None else int(year)
    t = evaluation_month_index(scenario, year)
    out = run_micro(MicroInputs.from_scenario(scenario), replicate_seeds(seed, 1)[0], snapshots=[t - 1, t])
    before, after = out["snapshots"][t - 1], out["snapshots"][t]
    n, n0 = len(after.agent), len(before.agent)
    paying = (State.MANDIRI, State.LAPSED)
    status_before = np.full(n, int(State.ELIGIBLE), dtype=np.int8)
    status_before[:n0] = before.status
    graduated = np.isin(after.status, paying) & ~np.isin(status_before, paying)
    status = after.status.copy()
    status[graduated] = State.SUBSIDISED
    revenue_prev = np.full(n, np.nan)
    revenue_prev[:n0] = np.exp(before.log_revenue.astype(np.float64))
    months = np.asarray(h.labels)
    enrolled = np.where(after.enrolled >= 0, np.char.add(months[np.maximum(after.enrolled, 0)], "-01"), "")
    kec, sec = (np.asarray(x) for x in scenario.segment_labels)
    frame = pd.DataFrame(
        {
            "business_id": np.char.add("SYN-", np.char.zfill(after.agent.astype(str), 7)),
            "kecamatan": kec[after.segment],
            "sector": sec[after.segment],
            "revenue": np.exp(after.log_revenue.astype(np.float64)),
            "revenue_prev": revenue_prev,
            "priority": "",
            "status": np.asarray(STATE_NAMES)[status],
            "enrolled_since": enrolled,
        }
    )
    return frame, graduated


def write_list(frame: pd.DataFrame, path: str | Path, language: str = "id") -> Path:
    """Write a list from :func:`engine_list` as a registry CSV (headers and statuses in ``language``).

    Revenues keep six decimals, so a revenue never reads as thousands-grouped and the rule sees
    the engine's revenue to 1e-14 (docs/registry.md, "Cells").
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    words = STATUS_WORDS[language]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS[language])
        for r in frame.itertuples(index=False):
            prev = "" if not np.isfinite(r.revenue_prev) else f"{r.revenue_prev:.6f}"
            writer.writerow(
                [r.business_id, r.kecamatan, r.sector, f"{r.revenue:.6f}", prev, r.priority, words[r.status],
                 r.enrolled_since]
            )  # fmt: skip
    return path
