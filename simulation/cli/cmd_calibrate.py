"""``umkm-sim calibrate``: estimate rates and revenue growth from two registry waves; write a scenario."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "calibrate",
        help="maximum-likelihood estimates from two registry waves (CSV), written as a scenario extending the base",
    )
    p.add_argument("wave1", help="CSV of the first wave: business_id, kecamatan, sector, revenue, status")
    p.add_argument("wave2", help="CSV of the second wave, one year later, same columns")
    p.add_argument("--out", required=True, help="scenario YAML file to write")
    p.add_argument("--base", default="scenarios/baseline.yaml", help="scenario the new one extends")
    p.add_argument("--table", help="also write the estimates table (CSV) here")
    p.set_defaults(func=main)


def main(args) -> int:

    # deferred: the command line imports what a command needs only when it runs (pandas is slow to import)
    import pandas as pd

    from simulation.analysis.calibration import WaveError, calibrate, file_hash, write_scenario
    from simulation.cli import CommandError
    from simulation.io.atomic import atomic_file
    from simulation.scenario import load_scenario

    base = load_scenario(args.base)
    frames = []
    for path in (args.wave1, args.wave2):
        if not Path(path).is_file():
            raise CommandError(f"{path}: file not found; a wave is a CSV with business_id, kecamatan, sector, ...")
        frames.append(pd.read_csv(path, dtype={"business_id": str}))
    try:
        cal = calibrate(*frames, base, names=(Path(args.wave1).name, Path(args.wave2).name))
    except WaveError as exc:
        raise CommandError(str(exc)) from None
    data = [(Path(p).name, file_hash(p)) for p in (args.wave1, args.wave2)]
    with atomic_file(args.out) as temp:  # written, then checked by loading it, then renamed into place
        write_scenario(cal, args.base, temp, data)
    out = args.out
    if args.table:
        with atomic_file(args.table) as temp:
            cal.estimates.to_csv(temp, index=False)
    shown = cal.estimates[["parameter", "sector", "estimate", "ci_low", "ci_high", "n"]]
    print(f"calibrated scenario written to {out} (extends {args.base})")
    print(shown.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    dropped = {k: v for k, v in cal.left_out.items() if v}
    if dropped:
        print(f"rows left out: {dropped}")
    return 0
