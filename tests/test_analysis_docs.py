"""docs/analysis.md quotes figures its own commands give: rerun them and find the figures there."""

from __future__ import annotations

import re

import pytest
from conftest import BASELINE, ROOT

from simulation import load_scenario
from simulation.analysis.optimisation import smallest_budget, smallest_graduation_rate, smallest_rollout
from simulation.analysis.sensitivity import analyse

DOC = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
VARY = ("population.entry_rate", "policy.graduation.rate", "policy.graduation.retention")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_the_sensitivity_figures_are_those_the_command_gives():
    """``umkm-sim sensitivity scenarios/baseline.yaml --samples 1024 --seed 2026 --vary ...``."""
    summary = analyse(load_scenario(BASELINE), samples=1024, seed=2026, year=2030, extra=VARY).summary()
    doc = _flat(DOC)
    fan = re.search(r"Rp[\d.]+ to Rp[\d.]+ billion \(median Rp[\d.]+ billion\)", summary).group(0)
    assert fan in doc
    for line, words in (
        ("2030 subsidy cost (nominal)", "Nominal 2030 subsidy cost"),
        ("2030 subsidy cost (real)", "In real terms"),
        ("2030 coverage", "2030 coverage:"),
    ):
        text = next(s for s in summary.splitlines() if line in s)
        top = re.findall(r"total index (\d\.\d\d)", text)[:2]
        quoted = doc[doc.index(words) :][:400]
        for index in top:
            assert index in quoted, (line, index, quoted)


@pytest.mark.slow
def test_the_optimisation_answers_are_those_the_commands_give():
    """``umkm-sim optimise scenarios/baseline.yaml budget|rollout|graduation ... --year 2030``."""
    scenario = load_scenario(BASELINE)
    doc = _flat(DOC)
    budget = smallest_budget(scenario, 0.5, 2030)
    assert f"**Rp{budget.value:,.0f}**" in doc
    rollout = smallest_rollout(scenario, 0.5, 2030)
    assert f"**{rollout.value:,.0f}** UMKM" in doc
    rate = smallest_graduation_rate(scenario, 6e9, 2030)
    assert f"**{rate.value:.3f}**" in doc
