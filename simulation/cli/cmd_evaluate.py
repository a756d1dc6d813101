"""``umkm-sim evaluate``: the yearly evaluation of this year's UMKM list and next year's APBD request.

Exit codes: 0 done; 1 the list cannot be used (unreadable, wrong columns, most NIKs damaged by
Excel, identifiers without a pseudonym key); 2 a bad option or scenario (no class thresholds, a
year outside the horizon); 3 the output cannot be written.
"""

from __future__ import annotations

import argparse

from simulation.cli import add_overrides_argument
from simulation.cli.cmd_ingest import DEFAULT_SCENARIO
from simulation.core.languages import LANGUAGES


def _replicates(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: at least 1")
    return value


def register(sub) -> None:
    p = sub.add_parser(
        "evaluate",
        help="classify every UMKM on this year's list and write next year's APBD request (docs/evaluation.md)",
        description=(
            "Apply the scenario's graduation rule to every row of this year's verified list (the office's file "
            "or registry.csv from ingest), classify each as staying subsidised, graduating to mandiri, not yet "
            "enrolled or not eligible, and in the office's classes pemula / berkembang / mandiri; then run the "
            "scenario for the next fiscal year from those states. Writes classes.csv (row, pseudonym, outcome, "
            "class; no NIK or name), counts, near_thresholds.csv, request_monthly.csv, request_accounts.csv, "
            "brief.html, brief.xlsx and manifest.json, all or none. Exit 0: done; 1: the list cannot be used; "
            "2: bad option or scenario; 3: output cannot be written."
        ),
    )
    p.add_argument("registry", help="this year's list, .csv or .xlsx (docs/registry.md)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--scenario", default=DEFAULT_SCENARIO, help=f"scenario (default {DEFAULT_SCENARIO})")
    p.add_argument("--previous", default=None, help="last year's list: last year's revenue by pseudonym")
    p.add_argument("--year", type=int, default=None, help="fiscal year evaluated (default the scenario's first)")
    p.add_argument("--reps", type=_replicates, default=100, help="micro engine replicates of the request (default 100)")
    p.add_argument("--seed", type=int, default=2026, help="master seed (default 2026)")
    p.add_argument(
        "--language", default="id", choices=list(LANGUAGES), help="language of the brief: id (default) or en"
    )
    p.add_argument("--key-file", default=None, help="file holding the pseudonym key, outside the repository")
    add_overrides_argument(p)
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.analysis.evaluation import evaluate
    from simulation.analysis.evaluation_request import next_year_request
    from simulation.analysis.evaluation_write import write_evaluation
    from simulation.cli import CommandError
    from simulation.population.registry import RegistryError
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, overrides=args.overrides)
    try:
        evaluation = evaluate(args.registry, scenario, year=args.year, previous=args.previous,
                              key_file=args.key_file, seed=args.seed)  # fmt: skip
    except RegistryError as exc:
        raise CommandError(str(exc)) from None
    request = next_year_request(evaluation, reps=args.reps, seed=args.seed)
    write_evaluation(evaluation, request, args.out, args.registry, args.previous, args.language, args.seed)
    r, s = evaluation.reconciliation(), request.summary()
    print(
        f"{evaluation.source}: {r['rows_read']} rows read, {r['classified']} classified, {r['rejected']} rejected; "
        f"staying {r['outcome_staying']}, graduating {r['outcome_graduating']}, not yet enrolled "
        f"{r['outcome_not_enrolled']}, not eligible {r['outcome_not_eligible']} (rule {evaluation.rule})"
    )
    print(
        f"  request {s['year']}: public cost Rp{s['public_cost']:,.0f} "
        f"(P5-P95 Rp{s['public_cost_p5']:,.0f} to Rp{s['public_cost_p95']:,.0f}, {s['replicates']} replicates)"
    )
    print(f"  wrote brief.html, brief.xlsx, classes.csv and the tables in {args.out}")
    return 0
