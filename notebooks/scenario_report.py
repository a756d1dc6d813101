# %% [markdown] tags=["remove_cell"]
# # Scenario report
#
# A budget brief for one scenario, run by `umkm-sim report` or `umkm-sim batch` through papermill.
# Headings and tables follow the `language` parameter; this note is not in the HTML.

# %% tags=["parameters"]
# Papermill replaces these values; the next cell validates them (simulation.reporting.parameters).
scenario: str = "scenarios/baseline.yaml"  # scenario file (YAML)
overrides: dict = {}  # dotted keys to values, e.g. {"policy.graduation.rate": 0.2}
output_dir: str = "reports/baseline"  # folder for CSVs, charts, tables.xlsx and manifest.json
language: str = "id"  # report language
engine: str = "cohort"  # simulation engine: cohort (deterministic) or micro (replicates, P5-P95 bands)
reps: int = 100  # replicates of the micro engine, 20 or more for a P5-P95 band
seed: int = 2026  # master seed of the micro engine
scheduler: str = "processes"  # where micro replicates run: processes, local (Dask) or tcp://HOST:PORT
jobs: int = 0  # worker processes of the micro engine (0: all cores, small runs in this kernel)

# %%
from IPython.display import Markdown, display

from simulation.reporting.notebook import prepare

ctx = prepare(
    scenario,
    overrides,
    output_dir,
    language=language,
    engine=engine,
    reps=reps,
    seed=seed,
    scheduler=scheduler,
    jobs=jobs,
)
ctx.title()

# %%
display(ctx.heading("section_headline"), ctx.headline())

# %%
display(ctx.heading("section_reading"), ctx.reading())

# %%
display(ctx.heading("section_years"), Markdown(ctx.text("years_note")), ctx.years())

# %%
display(ctx.heading("section_charts"), ctx.notes())
for name in ctx.charts:
    display(ctx.chart(name))

# %%
display(ctx.heading("section_payers"), ctx.payers())

# %%
display(ctx.heading("section_fiscal"), *ctx.fiscal())

# %%
display(*ctx.cash_plan())

# %%
display(ctx.heading("section_benefits"), *ctx.benefits())

# %%
display(ctx.heading("section_assumptions"), ctx.assumptions())
