"""Reporting pieces without papermill: formats, labels, guard-rails, P5-P95 bands, the workbook."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from conftest import BASELINE
from matplotlib.collections import PolyCollection
from openpyxl import load_workbook

import simulation
from simulation.outputs.variables import variable
from simulation.reporting import charts, formats, guards
from simulation.reporting.excel import sheet_name, write_workbook
from simulation.reporting.labels import LABELS, text
from simulation.reporting.reading import reading
from simulation.reporting.tables import annual_table, headline

SMALL = {"years": 3}


@pytest.fixture(scope="module")
def result():
    return simulation.run(BASELINE, overrides=SMALL)


# ---------------------------------------------------------------- formats and labels
def test_rupiah_as_a_budget_office_writes_it():
    assert formats.rupiah(14_716_800_000, "id") == "Rp14,72 miliar"
    assert formats.rupiah(14_716_800_000, "en") == "IDR 14.72 billion"
    # one precision rule: every compact amount has two decimals (issue 11)
    assert formats.rupiah(1_300_000_000_000, "id") == "Rp1,30 triliun"
    assert (
        formats.rupiah(4_800_000_000, "id") == "Rp4,80 miliar"
        and formats.rupiah(4_110_000_000, "id") == "Rp4,11 miliar"
    )
    assert formats.rupiah(16_800, "id") == "Rp16.800" and formats.rupiah(16_800, "en") == "IDR 16,800"
    assert formats.rupiah(-2_500_000_000, "en") == "-IDR 2.50 billion"
    assert formats.rupiah_full(14_716_800_000, "id") == "Rp14.716.800.000"
    assert formats.count(73000, "id") == "73.000" and formats.count(73000, "en") == "73,000"
    assert formats.percent(0.3131, "id") == "31,3%" and formats.percent(0.3131, "en") == "31.3%"


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language 'fr' is not available; allowed: id, en"):
        formats.rupiah(1.0, "fr")
    with pytest.raises(ValueError, match="allowed: id, en"):
        text("report_title", "fr")


def test_every_label_has_both_languages_and_the_same_fields():
    import string

    for key, (indonesian, english) in LABELS.items():
        assert indonesian and english, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(s) if f} for s in (indonesian, english)]
        assert fields[0] == fields[1], key


def test_reading_states_the_numbers_in_each_language(result):
    ind = result.indicators()
    for language, word in (("id", "naik kelas"), ("en", "graduate")):
        prose = reading(result, language)
        assert word in prose
        assert formats.rupiah(ind["subsidy_cost_total"], language) in prose
        assert formats.count(ind["covered_end_last_year"], language) in prose


# ---------------------------------------------------------------- guard-rails
class Broken:
    """A result whose monthly table is corrupted by ``corrupt`` (the rest is the real run's)."""

    def __init__(self, real, corrupt):
        self.real, self.corrupt = real, corrupt
        self.scenario, self.payers = real.scenario, real.payers

    def monthly(self):
        m = self.real.monthly().copy()
        self.corrupt(m)
        return m

    def annual(self):
        return self.real.annual()


def test_a_sound_run_passes_every_guard(result):
    guards.check(result)
    for path in sorted(BASELINE.parent.glob("*.yaml")):
        guards.check(simulation.run(path))


def _double_cost(m):
    m["subsidy_cost"] *= 2
    m["cost_apbd_kabupaten"] *= 2


def _negative(m):
    m.loc[5, "lapsed"] = -10.0


def _overcovered(m):
    m["subsidised_end"] += 1e6


def _self_pay(m):
    m["self_paid"] += 1e6


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (_double_cost, r"public cost per subsidised member-month in 2026-01 is Rp33,600\.00, but .* Rp16,800\.00"),
        (_negative, r"lapsed is negative or missing in 2026-06: -10\.0"),
        (_overcovered, r"UMKM protected .* exceed the open UMKM"),
        (_self_pay, r"self-paying members pay .* mandiri x contribution x \(1 - discount\)"),
    ],
)
def test_a_broken_result_trips_a_guard_with_a_clear_message(result, corrupt, message):
    with pytest.raises(guards.PlausibilityError, match=message) as info:
        guards.check(Broken(result, corrupt))
    assert str(info.value).startswith("scenario baseline:")


def test_a_zero_coverage_target_trips_the_guard():
    broken = simulation.run(BASELINE, overrides={**SMALL, "policy.coverage_target": 0})
    with pytest.raises(guards.PlausibilityError, match="coverage against the target is undefined"):
        guards.check(broken)


# ---------------------------------------------------------------- P5-P95 bands
@pytest.fixture(scope="module")
def replicated():
    """The real micro engine, the fewest replicates a band is drawn from, of three years."""
    return simulation.run(BASELINE, overrides=SMALL, engine="micro", reps=charts.MIN_BAND_REPS, seed=7, jobs=1)


@pytest.fixture(scope="module")
def few():
    """The real micro engine with too few replicates for a band."""
    return simulation.run(BASELINE, overrides=SMALL, engine="micro", reps=5, seed=7, jobs=1)


def test_no_band_is_drawn_from_fewer_than_twenty_replicates(replicated, few):
    assert charts.MIN_BAND_REPS == 20 and few.reps == 5
    assert charts.quantiles(few) is None and charts.band(few, "covered_end") is None
    assert "P5-P95 range" not in headline(few, "en").frame.columns
    assert "90% of runs" not in reading(few, "en", reps=few.reps)
    assert charts.quantiles(replicated) is not None


def test_charts_draw_bands_only_when_the_result_has_quantiles(result, replicated):
    for draw in (charts.cumulative_cost, charts.coverage_against_target):
        plain, banded = draw(result, "en"), draw(replicated, "en")
        assert not any(isinstance(c, PolyCollection) for c in plain.axes[0].collections)
        bands = [c for c in banded.axes[0].collections if isinstance(c, PolyCollection)]
        assert len(bands) == 1
        low, high = charts.band(replicated, "covered_end")
        assert (high >= low).all() and (high > low).any()
        plt.close("all")
    fig = charts.annual_cost_by_payer(replicated, "id")
    assert "P5-P95" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()][-1]
    plt.close(fig)


def test_headline_and_reading_give_the_p5_p95_range(replicated):
    table = headline(replicated, "en").frame
    assert "P5-P95 range" in table.columns
    low, high = charts.band(replicated, "subsidy_cost")
    row = table[table["Figure"] == "Public cost 2026"].iloc[0]
    first_year_cost = row["P5-P95 range"]
    assert first_year_cost == f"{formats.rupiah(low.iloc[0], 'en')} – {formats.rupiah(high.iloc[0], 'en')}"
    assert "90% of runs" in reading(replicated, "en", reps=replicated.reps)


def test_prepare_writes_a_banded_report_for_a_replicated_result(tmp_path):
    from simulation.reporting.notebook import prepare

    reps = charts.MIN_BAND_REPS
    ctx = prepare(str(BASELINE), SMALL, str(tmp_path), language="en", engine="micro", reps=reps, seed=7)
    assert ctx.result.reps == reps and ctx.result.engine == "micro"
    assert f"P5-P95 range over {reps} microsimulation replicates" in ctx.notes().data
    assert {p.name for p in tmp_path.glob("*.png")} == {f"{n}.png" for n in charts.REPORT_CHARTS}


# ---------------------------------------------------------------- workbook
def test_workbook_has_rupiah_formats_frozen_headers_and_the_numbers(tmp_path, result):
    # rupiah columns show millions (issue 11: one unit per column) and hold the full rupiah
    for language, million in (("id", "Rp juta"), ("en", "IDR million")):
        table = annual_table(result, language)
        path = write_workbook(tmp_path / f"{language}.xlsx", {"annual": table}, language)
        ws = load_workbook(path)[sheet_name("annual", language)]
        headers = [c.value for c in ws[1]]
        assert len(headers) == len(table.frame.columns)
        assert ws.freeze_panes == "B2"
        cost = headers.index(f"{variable('subsidy_cost').label[language]} ({million})") + 1
        assert ws.cell(row=2, column=cost).number_format == "#,##0.0,,"
        assert ws.cell(row=2, column=cost).value == pytest.approx(result.annual()["subsidy_cost"].iloc[0])
        assert ws.cell(row=2, column=headers.index(text("coverage_end", language)) + 1).number_format == "0.0%"
        assert ws.column_dimensions["B"].width >= 10


def test_report_refuses_an_unavailable_engine_or_language_before_running(tmp_path):
    from simulation import ScenarioError
    from simulation.reporting.papermill_run import run_report

    with pytest.raises(ScenarioError, match="engine = 'quantum': .*allowed: cohort"):
        run_report(BASELINE, tmp_path / "x", parameters={"engine": "quantum"})
    with pytest.raises(ScenarioError, match="language = 'fr': report language; allowed: id, en"):
        run_report(BASELINE, tmp_path / "x", parameters={"language": "fr"})
    with pytest.raises(ScenarioError, match="reps = 0: .*at least 1"):
        run_report(BASELINE, tmp_path / "x", parameters={"reps": 0})
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "overrides",
    [
        {"population.registry": "tests/fixtures/registry_valid.csv", "years": 2},
        {"policy.budget_ceiling": {2026: 14e9, 2027: 5e9, 2028: 14e9}, "years": 3},
    ],
    ids=["registry", "suspend-then-re-enrol"],
)
def test_valid_runs_pass_the_guards(overrides):
    """A registry sets the starting population; members suspended by a falling ceiling and enrolled
    again later do not count twice against the rollout."""
    from simulation import run
    from simulation.reporting import guards

    result = run(BASELINE, overrides=overrides)
    guards.check(result)
    if "policy.budget_ceiling" in overrides:
        a = result.annual().set_index("year")
        assert a.loc[2027, "suspended"] > 0 and a.loc[2028, "enrolled"] > 0


def test_a_micro_report_from_too_few_replicates_says_why_it_has_no_band(few):
    from types import SimpleNamespace

    from simulation.reporting.notebook import ReportContext

    assert few.engine == "micro"
    ctx = ReportContext(scenario=SimpleNamespace(), result=few, output_dir=None, language="en", reps=5)
    note = ctx.notes().data
    assert "No P5-P95 range is shown: 5 replicates are too few (at least 20)" in note
    assert "Grey bands" not in note


def test_the_report_notebook_runs_100_replicates_by_default_as_run_does():
    from simulation.reporting.parameters import declared

    assert declared("scenario_report")["reps"].default == 100
