# %% [markdown]
# # Which assumptions move the budget?
#
# Fan chart, tornado and Sobol' indices of the annual subsidy cost and coverage over the ranges of
# the scenario's assumptions (methods in docs/analysis.md).

# %% tags=["parameters"]
# Papermill replaces these values; the next cell validates them (simulation.reporting.parameters).
scenario: str = "scenarios/baseline.yaml"  # scenario file (YAML)
samples: int = 1024  # Latin-hypercube samples; Sobol' base size (power of two)
seed: int = 2026  # master seed
year: int = 2030  # target fiscal year of the tornado and the indices
vary: str = "population.entry_rate, policy.graduation.rate, policy.graduation.retention"  # also varied, or ""
output_dir: str = "reports/sensitivity"  # tables (CSV), charts (PNG), manifest.json

# %%
from IPython.display import Image, Markdown, display

from simulation.analysis.notebook import sensitivity

report = sensitivity(scenario, samples, seed, year, vary, output_dir)
display(Markdown(report.summary().replace("\n", "\n\n")))

# %% [markdown]
# ## Uncertainty over the years (P5-P95, P25-P75, median)

# %%
Image(filename=f"{output_dir}/fan.png")

# %% [markdown]
# ## One at a time: each assumption at the ends of its range

# %%
Image(filename=f"{output_dir}/tornado_cost.png")

# %%
Image(filename=f"{output_dir}/tornado_coverage.png")

# %% [markdown]
# ## Sobol' indices (first order and total) for the target year

# %%
Image(filename=f"{output_dir}/sobol.png")

# %%
report.sobol.round(3).style.hide(axis="index")
