"""``umkm-sim ingest``: validate and pseudonymise a UMKM registry (CSV or XLSX).

Exit codes: 0 the file was read (even with rejects); 1 it cannot be used at all (unreadable, wrong
columns, most NIKs damaged by Excel, no key or a weak one); 2 a bad option or scenario; 3 the output
cannot be written (``--out`` a file or a folder of other files, a full disk).
"""

from __future__ import annotations

from simulation.cli import add_overrides_argument

DEFAULT_SCENARIO = "scenarios/baseline.yaml"


def register(sub) -> None:
    p = sub.add_parser(
        "ingest",
        help="validate a UMKM registry; write it pseudonymised with rejects.csv and manifest.json",
        description=(
            "Validate a UMKM registry row by row and write registry.csv (pseudonyms, no NIK or names), "
            "rejects.csv (row number, checks failed, reason) and manifest.json (counts, input hash, each "
            "file's SHA-256 and rows), all three or none. The pseudonym key (at least 128 bits) comes from "
            "the environment variable UMKM_PSEUDONYM_KEY or --key-file. Exit 0: read (even with rejects); "
            "1: cannot be used; 2: bad option or scenario; 3: output cannot be written."
        ),
    )
    p.add_argument("registry", help="registry file, .csv or .xlsx (see docs/registry.md)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        help=f"scenario giving the sectors and first month (default {DEFAULT_SCENARIO})",
    )
    p.add_argument("--key-file", default=None, help="file holding the pseudonym key, outside the repository")
    add_overrides_argument(p, help="override a scenario parameter by its dotted key (repeatable)")
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli import CommandError

    # deferred: the command line imports what a command needs only when it runs
    from simulation.io.ingest import ingest
    from simulation.population.registry import RegistryError
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, overrides=args.overrides)
    try:
        report = ingest(args.registry, args.out, scenario, key_file=args.key_file)
    except RegistryError as exc:
        raise CommandError(str(exc)) from None
    c = report.counts
    print(
        f"{report.validated.source}: {c['rows_read']} rows read, {c['accepted']} accepted, "
        f"{c['rejected']} rejected" + (f" ({c['blank_rows']} blank rows skipped)" if c["blank_rows"] else "")
    )
    for problem, count in c["rejected_by_problem"].items():
        print(f"  {problem}: {count}")
    print(f"  wrote {', '.join(f.name for f in report.files)} in {args.out}")
    return 0
