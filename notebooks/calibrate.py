# %% [markdown]
# # Calibration from two registry waves
#
# Maximum-likelihood estimates of closure, graduation, retention, lapse and reactivation rates and of
# revenue growth by sector, with 95% confidence intervals, written as a scenario that extends the
# base. With no wave files it draws synthetic demonstration waves from the scenario's microsimulation
# (every UMKM at the end of its first two fiscal years) and shows the true values beside the
# estimates (docs/analysis.md).

# %% tags=["parameters"]
# Papermill replaces these values; the next cell validates them (simulation.reporting.parameters).
wave1: str = ""  # CSV of the first wave (empty: synthetic demonstration waves)
wave2: str = ""  # CSV of the second wave, one year later
scenario: str = "scenarios/baseline.yaml"  # the scenario the calibrated one extends
seed: int = 2026  # seed of the microsimulation run that draws the synthetic waves
output_dir: str = "reports/calibration"  # folder for calibrated.yaml, estimates.csv and the waves used

# %%
from IPython.display import Markdown, display

from simulation.analysis.notebook import calibration

ctx = calibration(wave1, wave2, scenario, seed, output_dir)
display(Markdown(f"Calibrated scenario: `{ctx.scenario_file}`" + (" (synthetic waves)" if ctx.synthetic else "")))

# %% [markdown]
# ## Estimates and 95% confidence intervals

# %%
ctx.table().round(4).style.hide(axis="index")

# %% [markdown]
# ## Transitions between the waves (UMKM)

# %%
display(ctx.calibration.counts)
