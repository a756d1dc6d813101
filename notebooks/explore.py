# %% [markdown] tags=["remove_cell"]
# # Explore levers and assumptions
#
# Open in JupyterLab and move the sliders: each change reruns the cohort engine and redraws the
# charts (the time it took is shown). Not part of the batch.

# %% tags=["parameters"]
# Papermill replaces these values; the next cell validates them (simulation.reporting.parameters).
scenario: str = "scenarios/baseline.yaml"  # scenario the controls start from
overrides: dict = {}  # dotted overrides applied before the controls
language: str = "id"  # language of the labels

# %%
from simulation.reporting.explore import Explorer

app = Explorer(scenario, overrides, language=language)
app.show()
