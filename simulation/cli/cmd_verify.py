"""``umkm-sim verify``: check a UMKM list before anyone is paid; a report the data office can act on.

Exit codes: 0 every row usable (warnings may remain); 5 some rows have errors; 6 the whole file is
refused (most NIKs damaged by Excel); 1 the list or a list given with ``--against`` cannot be read;
2 a bad option or scenario; 3 the output cannot be written (``--out`` a file or a folder of other
files, a full disk). The report is written for 0, 5 and 6. (3 and 4 keep the meaning they have for
every command, see ``umkm-sim --help``.)
"""

from __future__ import annotations

from simulation.cli import add_overrides_argument
from simulation.cli.cmd_ingest import DEFAULT_SCENARIO

EXIT_OK, EXIT_ROW_ERRORS, EXIT_REFUSED = 0, 5, 6


def register(sub) -> None:
    p = sub.add_parser(
        "verify",
        help="check a UMKM list (NIK, Excel damage, duplicates, other lists); write the office's quality report",
        description=(
            "Run every check on a UMKM list (CSV or XLSX) and write flags.csv (row, check, severity, detail), "
            "quality.xlsx, quality.html and manifest.json, in Indonesian (default) or English. Needs no "
            "pseudonym key; writes no NIK and no name. Exit 0: every row usable; 5: some rows have errors; "
            "6: the file is refused (NIK column damaged by Excel); 1: a file cannot be read; 2: bad option or "
            "scenario; 3: the output cannot be written."
        ),
    )
    p.add_argument("registry", help="the list, .csv or .xlsx (see docs/registry.md)")
    p.add_argument("--out", required=True, help="output folder (new, or one written by verify before)")
    p.add_argument(
        "--against",
        action="append",
        default=[],
        metavar="LIST",
        help="another list with a NIK column (active BPJS-TK members, DBHCHT beneficiaries, a grant list); "
        "repeatable; NIKs compared by keyed hash, never written",
    )
    p.add_argument("--language", choices=["id", "en"], default="id", help="report language (default id)")
    p.add_argument(
        "--scenario",
        default=DEFAULT_SCENARIO,
        help=f"scenario giving the sectors and first month (default {DEFAULT_SCENARIO})",
    )
    add_overrides_argument(p, help="override a scenario parameter by its dotted key (repeatable)")
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.cli import CommandError
    from simulation.io.verification import summarise, write_verification
    from simulation.population.registry import RegistryError
    from simulation.population.registry.against import OtherLists
    from simulation.population.registry.read import read_registry_file
    from simulation.population.registry.verify import check_registry
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, overrides=args.overrides)
    try:
        against = OtherLists()
        for path in args.against:
            against.add(path)
        checked = check_registry(read_registry_file(args.registry), scenario, against=against)
        write_verification(checked, args.out, language=args.language, against=against)
    except RegistryError as exc:
        raise CommandError(str(exc)) from None
    s = summarise(checked)
    print(
        f"{checked.source}: {s.rows_read} rows read, {s.usable} usable ({s.usable_with_warnings} with warnings), "
        f"{s.with_errors} with errors"
    )
    for check, errors, warnings in s.checks:
        print(f"  {check.name}: {errors} error(s), {warnings} warning(s)")
    print(f"  wrote flags.csv, quality.xlsx, quality.html, manifest.json in {args.out}")
    if checked.refused:
        print("  the file is refused: most NIKs were damaged by Excel; see quality.html for the fix")
        return EXIT_REFUSED
    return EXIT_ROW_ERRORS if s.with_errors else EXIT_OK
