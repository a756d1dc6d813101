# %% [markdown] tags=["remove_cell"]
# # Scenario comparison
#
# Every scenario on the cohort engine, against the baseline; run by `umkm-sim batch` after the
# scenario reports.

# %% tags=["parameters"]
# Papermill replaces these values; the next cell validates them (simulation.reporting.parameters).
scenarios: str = "scenarios"  # comma-separated scenario files, or a folder of them
baseline: str = "scenarios/baseline.yaml"  # the scenario the others are compared against
overrides: dict = {}  # dotted overrides applied to every scenario
output_dir: str = "reports/compare_scenarios"  # folder for the comparison tables and charts
language: str = "id"  # report language

# %%
from IPython.display import display

from simulation.reporting.compare import prepare_comparison

cmp = prepare_comparison(scenarios, baseline, overrides, output_dir, language=language)
cmp.title()

# %%
display(cmp.heading("compare_summary"), cmp.summary())

# %%
display(*cmp.surprises())

# %%
display(cmp.heading("compare_charts"))
for name in cmp.charts:
    display(cmp.chart(name))

# %%
display(cmp.heading("compare_by_year"), cmp.styled_by_year())

# %%
display(cmp.heading("compare_differences"), cmp.styled_by_year(difference=True))
