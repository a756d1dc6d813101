"""The output-variable registry: engines and registry agree, formulas hold at every grain, the docs
table is current, labels are complete, and the per-graduate cost column added through the registry."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE, ROOT
from openpyxl import load_workbook

import simulation
from simulation.core.states import State
from simulation.engines import micro
from simulation.engines.cohort import FLOWS, compile_inputs, run_cohort
from simulation.io.write import write_result
from simulation.outputs.docs import outputs_markdown
from simulation.outputs.variables import (
    MONTH,
    PAYER_TEMPLATE,
    VARIABLES,
    YEAR,
    Variable,
    payer_variable,
    variable,
)
from simulation.reporting.excel import sheet_name, write_workbook
from simulation.reporting.labels import header, text
from simulation.reporting.tables import annual_table
from simulation.rules.payers import PAYERS
from simulation.scenario import load_scenario

SMALL = {"years": 3}


@pytest.fixture(scope="module")
def result():
    return simulation.run(BASELINE, overrides=SMALL)


def test_every_engine_flow_and_stock_has_a_variable_and_vice_versa():
    scenario = load_scenario(BASELINE, overrides=SMALL)
    cohort = run_cohort(compile_inputs(scenario))
    flows = {v.name for v in VARIABLES if v.source == "flow"}
    assert flows == set(FLOWS) == set(cohort.flows)
    for engine, stocks in (("cohort", set(cohort.stocks)), ("micro", set(micro.STOCKS))):
        declared = {v.name for v in VARIABLES if v.source == "stock" and engine in v.engines}
        assert declared == stocks, engine


def test_a_cohort_result_has_no_micro_only_column_and_a_micro_result_has_it():
    cohort = simulation.run(BASELINE, overrides=SMALL)
    mc = simulation.run(BASELINE, overrides=SMALL, engine="micro", reps=2, seed=3, jobs=1)
    assert "covered_36m_end" not in cohort.annual() and "covered_36m_end" in mc.annual()
    assert "budget_ceiling" not in cohort.annual()  # the baseline has no ceiling


def test_covered_is_one_formula_at_every_grain(result):
    """Protected members from the engine's own arrays: subsidised + mandiri + arrears at year ends."""
    scenario = result.scenario
    output = run_cohort(compile_inputs(scenario))
    last = np.flatnonzero(np.r_[scenario.horizon.year[1:] != scenario.horizon.year[:-1], True])
    end = output.end[last, 0]  # (years, G, 5)
    expected = end[..., State.SUBSIDISED] + end[..., State.MANDIRI] + output.stocks["arrears_end"][last, 0]
    assert result.annual()["covered_end"].to_numpy() == pytest.approx(expected.sum(axis=1), rel=1e-12)
    kec = result.by_kecamatan().groupby("year")["covered_end"].sum().to_numpy()
    assert kec == pytest.approx(expected.sum(axis=1), rel=1e-12)
    m = result.monthly()
    assert m["covered"].to_numpy() == pytest.approx((m["subsidised"] + m["mandiri"] + m["arrears"]).to_numpy())


def test_each_variable_reaches_a_year_as_declared(result):
    m, a = result.monthly(), result.annual().set_index("year")
    g = m.groupby("year")
    assert a["graduated"].to_numpy() == pytest.approx(g["graduated"].sum().to_numpy())
    assert a["lapsed_end"].to_numpy() == pytest.approx(g["lapsed_end"].last().to_numpy())
    assert a["waiting_end"].to_numpy() == pytest.approx(g["waiting"].last().to_numpy())
    assert a["covered_member_months"].to_numpy() == pytest.approx(g["covered"].sum().to_numpy())
    assert (a["months"] == 12).all()
    assert a["coverage_target"].to_numpy() == pytest.approx([73_000.0] * 3)


def test_a_new_per_graduate_cost_column_in_annual_csv_the_workbook_and_the_docs(result, tmp_path):
    """Recipe "add an output column", followed for subsidy_cost_per_graduate."""
    a = result.annual()
    expected = a["subsidy_cost"] / a["graduated"]
    assert a["subsidy_cost_per_graduate"].to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)
    # closed form for the first year of the baseline: 73,000 members at Rp16,800 for 12 months,
    # less closures; the graduates are 5% (the baseline's rate, G5.1-G5.3) of the December survivors
    first = a.iloc[0]
    assert first["subsidy_cost_per_graduate"] == pytest.approx(first["subsidy_cost"] / first["graduated"])
    assert first["graduated"] == pytest.approx(0.05 * (first["subsidised_end"] + first["graduated"]))
    # a year without graduates has no per-graduate cost
    none = simulation.run(BASELINE, overrides={**SMALL, "policy.graduation.rate": 0.0}).annual()
    assert none["subsidy_cost_per_graduate"].isna().all()
    # the CSV, the workbook and the docs
    write_result(result, tmp_path / "run")
    assert "subsidy_cost_per_graduate" in (tmp_path / "run" / "annual.csv").read_text().splitlines()[0].split(",")
    for language, words in (("id", "Biaya publik per UMKM naik kelas (Rp)"), ("en", "Public cost per graduate (IDR)")):
        path = write_workbook(tmp_path / f"{language}.xlsx", {"annual": annual_table(result, language)}, language)
        ws = load_workbook(path)[sheet_name("annual", language)]
        headers = [c.value for c in ws[1]]
        column = headers.index(words) + 1
        assert ws.cell(row=2, column=column).value == pytest.approx(expected.iloc[0])
        assert ws.cell(row=2, column=column).number_format.endswith("#,##0")
    assert "| `subsidy_cost_per_graduate` | year | IDR per UMKM |" in outputs_markdown()


def test_the_outputs_document_is_current():
    committed = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    assert committed == outputs_markdown(), "docs/outputs.md is stale: run python -m simulation.outputs.docs"


def test_every_variable_has_both_labels_and_headers_are_unique_within_a_file():
    for var in VARIABLES:
        assert var.label["id"] and var.label["en"], var.name
        assert var.description, var.name
    columns = [v for v in VARIABLES if v is not PAYER_TEMPLATE] + [payer_variable(p) for p in PAYERS]
    files = {f for v in columns for f in v.written_to}
    for file in files:
        for language in ("id", "en"):
            labels = [v.label[language] for v in columns if file in v.written_to]
            assert len(labels) == len(set(labels)), (file, language)


def test_headers_come_from_the_registry_and_payers_from_the_payers_registry():
    assert header("subsidy_cost", "id") == "Biaya publik (Rp)"
    assert header("subsidy_cost", "en") == "Public cost (IDR)"
    assert text("covered_end", "en") == "UMKM protected (year end)"
    assert text("state_mandiri", "id") == "Mandiri (bayar sendiri)"
    assert header("cost_dbhcht", "en") == "Tobacco excise (DBHCHT) (IDR)"
    assert variable("cost_dana_desa").label == PAYERS["dana_desa"].label
    with pytest.raises(KeyError, match="unknown output variable 'no_such'"):
        text("no_such", "en")


def test_no_column_label_is_declared_twice():
    from simulation.reporting.labels import LABELS

    names = {v.name for v in VARIABLES} | {f"state_{s}" for s in ("eligible", "subsidised", "mandiri", "lapsed")}
    assert not names & set(LABELS), sorted(names & set(LABELS))


def test_a_variable_declared_wrongly_is_refused():
    with pytest.raises(ValueError, match="kind 'level'; allowed: stock, flow, money, ratio"):
        Variable("x", (MONTH,), "UMKM", "level", None, {"id": "x", "en": "x"}, "x", source="billed")
    with pytest.raises(ValueError, match="per_year 'median'"):
        Variable("x", (YEAR,), "UMKM", "stock", "median", {"id": "x", "en": "x"}, "x", source="billed")
    with pytest.raises(ValueError, match="needs a formula"):
        Variable("x", (YEAR,), "UMKM", "stock", "derived", {"id": "x", "en": "x"}, "x")
