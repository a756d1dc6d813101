"""Analysis of scenarios: uncertainty, global sensitivity, optimisation of levers, calibration.

Mirrors SALib's split: :mod:`~simulation.analysis.uncertainty` says what is
uncertain and how it is spread, :mod:`~simulation.analysis.sampling` draws
samples, :mod:`~simulation.analysis.evaluate` runs the cohort engine over many
samples at once, and :mod:`~simulation.analysis.sensitivity`,
:mod:`~simulation.analysis.optimisation` and :mod:`~simulation.analysis.calibration`
analyse. Sensitivity runs vary **assumptions**; optimisers move **levers**
(``policy.*``); the two are kept apart as in the EMA Workbench.
"""
