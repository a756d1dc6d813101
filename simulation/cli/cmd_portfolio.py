"""``umkm-sim portfolio``: run several regions with shared payers; tables, brief and manifest."""

from __future__ import annotations

from simulation.cli import CommandError
from simulation.cli.scheduler import add_scheduler_argument


def register(sub) -> None:
    p = sub.add_parser(
        "portfolio",
        help="run a portfolio of regions (scenarios/portfolios/*.yaml): regions_annual.csv, annual.csv, "
        "payers_annual.csv, portfolio_brief.html, portfolio_brief.pdf, portfolio.xlsx",
    )
    p.add_argument("portfolio", help="portfolio YAML file, e.g. scenarios/portfolios/ntb.yaml")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--engine", default="cohort", choices=["cohort", "micro"], help="simulation engine")
    p.add_argument("--seed", type=int, default=2026, help="master seed (micro; each region gets its own)")
    p.add_argument("--reps", type=int, default=10, help="micro engine: replicates per region (default 10)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--scale", type=float, default=1.0, help="fraction of every region's UMKM to run, e.g. 0.01")
    p.add_argument("--language", default="id", choices=["id", "en"], help="language of the brief")
    add_scheduler_argument(p)
    p.set_defaults(func=main)


def main(args) -> int:
    # deferred: the command line imports what a command needs only when it runs
    from simulation.analysis.portfolio import read_portfolio, run_portfolio
    from simulation.analysis.portfolio.write import write_portfolio
    from simulation.reporting import formats

    if args.reps < 1 or (args.jobs is not None and args.jobs < 1):
        raise CommandError(f"--reps and --jobs must be at least 1 (got --reps {args.reps}, --jobs {args.jobs})")
    portfolio = read_portfolio(args.portfolio)
    result = run_portfolio(
        portfolio,
        engine=args.engine,
        seed=args.seed,
        reps=args.reps,
        scale=args.scale,
        scheduler=args.scheduler,
        jobs=args.jobs,
    )
    written = write_portfolio(
        result, portfolio, args.out, language=args.language, scheduler=args.scheduler, jobs=args.jobs
    )
    total = result.annual()
    print(f"{portfolio.name}: {len(result.scenarios)} regions, {len(written)} files in {args.out}")
    print(
        f"  public cost {int(total['year'].min())}: {formats.rupiah(total['subsidy_cost'].iloc[0], 'en')}; "
        f"{int(total['year'].min())}-{int(total['year'].max())}: {formats.rupiah(total['subsidy_cost'].sum(), 'en')}"
    )
    return 0
