"""Writing a yearly evaluation's folder, all files or none (:func:`~simulation.io.atomic.atomic_folder`).

========================  ====================================================================
file                      what
========================  ====================================================================
``classes.csv``           every classified row: ``row`` (in the office's file), ``pseudonym``,
                          ``kecamatan``, ``sector``, ``status``, ``outcome``, ``office_class``,
                          ``graduation_probability``; no NIK, no name, no revenue
``rejects.csv``           rows the registry's checks rejected: ``row``, ``problems``
``counts.csv``            UMKM by outcome and class (``graduating_expected``: the expected share)
``counts_kecamatan.csv``  the same by kecamatan
``counts_sector.csv``     the same by sector
``near_thresholds.csv``   UMKM within 10% of each threshold (class) or the expected change in
                          graduates if a rule parameter moved by 10%
``request_monthly.csv``   next year: members funded and public cost by month, P5 and P95
``request_accounts.csv``  next year: rupiah by payer and account (JKK, JKM), expected, P5, P95
``brief.html``            the one-page brief (``--language``, Indonesian by default)
``brief.xlsx``            the brief's tables
``manifest.json``         input name and SHA-256, scenario and hash, year, rule, thresholds, seed,
                          replicates, reconciliation counts, the request's headline, versions and
                          each file's SHA-256 and rows
========================  ====================================================================
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from simulation.core.languages import check_language
from simulation.io.atomic import atomic_folder
from simulation.io.checksums import file_record
from simulation.io.provenance import versions
from simulation.population.registry.read import file_sha256
from simulation.reporting.evaluation_brief import write_html, write_xlsx

CSV_FILES = (
    "classes.csv",
    "rejects.csv",
    "counts.csv",
    "counts_kecamatan.csv",
    "counts_sector.csv",
    "near_thresholds.csv",
    "request_monthly.csv",
    "request_accounts.csv",
)
FILES = (*CSV_FILES, "brief.html", "brief.xlsx", "manifest.json")
"""Every file of an evaluation folder."""


def tables(evaluation, request) -> dict[str, pd.DataFrame]:
    """Each CSV of the folder by file name."""
    rejects = pd.DataFrame(
        {
            "row": [r.row for r in evaluation.rejects],
            "problems": ["; ".join(dict.fromkeys(r.problems)) for r in evaluation.rejects],
        }
    )
    return {
        "classes.csv": evaluation.classes(),
        "rejects.csv": rejects,
        "counts.csv": evaluation.counts(),
        "counts_kecamatan.csv": evaluation.counts(("kecamatan",)),
        "counts_sector.csv": evaluation.counts(("sector",)),
        "near_thresholds.csv": evaluation.near_thresholds(),
        "request_monthly.csv": request.monthly(),
        "request_accounts.csv": request.accounts(),
    }


def write_evaluation(
    evaluation, request, out_dir, registry, previous=None, language: str = "id", seed: int | None = None
) -> list[Path]:
    """Write the evaluation folder (:data:`FILES`) into ``out_dir``, atomically.

    Parameters
    ----------
    evaluation : Evaluation
    request : Request
    out_dir : path
        Created, or replaced as a whole if it is an earlier output (holds ``manifest.json``).
    registry, previous : path
        The lists read (their names and SHA-256 are recorded, never their folders).
    language : {"id", "en"}
        Language of the brief.
    seed : int
        Master seed, recorded.

    Raises
    ------
    OutputError
        If ``out_dir`` is a file or a folder of other files, or cannot be written.
    """
    check_language(language)
    out = Path(out_dir)
    frames = tables(evaluation, request)
    with atomic_folder(out) as temp:
        for name, frame in frames.items():
            frame.to_csv(temp / name, index=False)
        write_html(evaluation, request, temp / "brief.html", language)
        write_xlsx(evaluation, request, temp / "brief.xlsx", language)
        inputs = {"list": {"file": Path(registry).name, "sha256": file_sha256(Path(registry))}}
        if previous is not None:
            inputs["previous"] = {"file": Path(previous).name, "sha256": file_sha256(Path(previous))}
        manifest = {
            "inputs": inputs,
            "scenario": {
                "name": evaluation.scenario.name,
                "file": Path(evaluation.scenario.path).name,
                "overrides": evaluation.scenario.overrides,
                "sha256": evaluation.scenario.hash,
            },
            "year": evaluation.year,
            "evaluation_month": evaluation.month,
            "rule": evaluation.rule,
            "thresholds": evaluation.thresholds,
            "seed": seed,
            "language": language,
            "reconciliation": evaluation.reconciliation(),
            "previous_matched": evaluation.previous_matched,
            "request": request.summary(),
            "files": {
                **{name: file_record(temp / name, len(frame)) for name, frame in frames.items()},
                **{name: file_record(temp / name, None) for name in ("brief.html", "brief.xlsx")},
            },
            "versions": versions(),
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (temp / "manifest.json").write_text(text, encoding="utf-8")
    return [out / name for name in FILES]
