"""The reading's numbers, recomputed from the annual table, and the year table adding up."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

import simulation
from simulation.reporting import formats
from simulation.reporting.compare import prepare_comparison
from simulation.reporting.notebook import prepare
from simulation.reporting.reading import Base, reading, surprises
from simulation.reporting.tables import BRIEF_COLUMNS, annual_table, whole_states
from simulation.scenario import load_scenario

CASES = ["baseline", "budget_ceiling", "faster_graduation", "phased_rollout"]


@pytest.fixture(scope="module", params=CASES)
def result(request):
    return simulation.run(ROOT / "scenarios" / f"{request.param}.yaml")


def numbers(prose: str, language: str) -> list[str]:
    """The figures of a reading as written (grouped counts, percentages, rupiah with their word)."""
    return re.findall(r"(?:Rp|IDR )?\d[\d.,]*(?:%| juta| miliar| triliun| million| billion| trillion)?", prose)


def test_whole_parts_add_up_and_stay_within_one_of_each_part():
    parts = [15239.966, 7617.540, 1154.897]
    whole = formats.whole_parts(parts)
    assert sum(whole) == round(sum(parts)) == 24012
    assert all(abs(w - p) < 1 for w, p in zip(whole, parts, strict=True))
    assert formats.whole_parts([0.5, 0.5, 0.5, 0.5]) == [1, 1, 0, 0]
    assert formats.whole_parts([3.0, 4.0]) == [3, 4]


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_number_of_the_reading_comes_from_the_annual_table(result, language):
    a = result.annual()
    first, last = a.iloc[0], a.iloc[-1]
    rp = lambda v: formats.rupiah(v, language)  # noqa: E731
    n = lambda v: formats.count(v, language)  # noqa: E731
    pc = lambda v: formats.percent(v, language)  # noqa: E731
    # protected at the end = subsidised + self-paying + in arrears, each rounded to within one
    parts = [last["subsidised_end"], last["mandiri_end"], last["arrears_end"]]
    assert abs(sum(parts) - last["covered_end"]) < 1e-6 * max(1.0, last["covered_end"])
    shown_parts = formats.whole_parts(parts)
    expected = {
        str(int(first["year"])),
        str(int(last["year"])),
        rp(first["subsidy_cost"]),
        rp(last["subsidy_cost"]),
        rp(a["subsidy_cost"].sum()),
        rp(a["subsidy_cost_real"].sum()),
        rp(a["subsidy_cost"].sum() / (a["covered_member_months"].sum() / 12)),
        n(first["covered_end"]),
        n(round(last["covered_end"])),
        n(first["coverage_target"]),
        pc(first["coverage_end"]),
        pc(last["coverage_end"]),
        *(n(p) for p in shown_parts),
        n(a["closures"].sum()),
        n(a["dropped_out"].sum()),
        n(a["graduated"].sum()),
        n(a["graduated_mandiri"].sum()),
        n(a["enrolled"].iloc[1:].sum()),
        n(a["waiting_end"].max()) if "waiting_end" in a else "0",
    }
    prose = reading(result, language)
    for figure in numbers(prose, language):
        figure = figure.rstrip(".,")
        assert figure in expected, (figure, prose)
    assert sum(shown_parts) == round(last["covered_end"])
    for part in shown_parts:
        assert n(part) in prose


def test_the_reading_names_arrears_and_the_causes_of_falling_coverage():
    base = simulation.run(ROOT / "scenarios" / "baseline.yaml")
    prose = reading(base, "en")
    assert "in arrears" in prose and "three unpaid months" in prose
    assert "close down" in prose and "stop paying" in prose and "not refilled" in prose
    assert "faster graduation lowers coverage" in prose
    ceiling = reading(simulation.run(ROOT / "scenarios" / "budget_ceiling.yaml"), "id")
    assert "Pagu anggaran menunda pendaftaran" in ceiling


def test_the_year_table_shows_subsidised_and_adds_up_in_every_row(result):
    table = whole_states(annual_table(result, "id", columns=BRIEF_COLUMNS))
    frame = table.frame.set_axis([table.sources[c] for c in table.frame.columns], axis=1)
    assert {"subsidised_end", "mandiri_end", "arrears_end", "closures"} <= set(frame.columns)
    assert (frame["covered_end"] == frame["subsidised_end"] + frame["mandiri_end"] + frame["arrears_end"]).all()
    raw = result.annual()
    assert ((frame["covered_end"] - raw["covered_end"].round()).abs() <= 1).all()
    for column in ("subsidised_end", "mandiri_end", "arrears_end"):
        assert ((frame[column] - raw[column]).abs() < 1).all()


def test_differences_of_rates_are_in_percentage_points(tmp_path):
    from simulation.reporting.compare import prepare_comparison

    assert formats.points(-0.273, "id") == "-27,3 poin persen" and formats.points(0.05, "en") == "+5.0 pp"
    scenarios = ",".join(str(ROOT / "scenarios" / f"{n}.yaml") for n in ("baseline", "faster_graduation"))
    cmp = prepare_comparison(scenarios, str(ROOT / "scenarios" / "baseline.yaml"), {"years": 3}, str(tmp_path))
    shown = cmp.styled_by_year(difference=True).data
    rows = shown[shown[cmp.text("measure")] == cmp.text("coverage_end")]
    a, b = cmp.annuals["baseline"], cmp.annuals["faster_graduation"]
    expected = [formats.points(d, "id") for d in (b["coverage_end"] - a["coverage_end"]).to_numpy()]
    assert list(rows["faster_graduation"]) == expected
    assert all(v.endswith("poin persen") for v in rows["faster_graduation"])


def _annual(name: str, **overrides):
    return simulation.run(ROOT / "scenarios" / f"{name}.yaml", overrides=overrides or None).annual()


def _pace(a) -> float:
    """Graduates per 100 subsidised UMKM-years, straight from the table's columns."""
    return 100 * a["graduated"].sum() / (a["subsidised_member_months"].sum() / 12)


SURPRISES = {
    # scenario: (words that open its sentence in id / en, what must hold in the tables for it)
    "budget_ceiling": (
        "pagu anggaran justru menaikkan cakupan",
        "the budget ceiling raises coverage",
        lambda a, b: (
            a["waiting_end"].max() > 0
            and b["waiting_end"].max() == 0
            and a["coverage_end"].iloc[-1] > b["coverage_end"].iloc[-1]
        ),
    ),
    "faster_graduation": (
        "naik kelas yang lebih cepat",
        "faster graduation",
        lambda a, b: _pace(a) > 1.1 * _pace(b) and a["coverage_end"].iloc[-1] < b["coverage_end"].iloc[-1],
    ),
    "slower_graduation": (
        "naik kelas yang lebih lambat",
        "slower graduation",
        lambda a, b: _pace(a) < 0.9 * _pace(b) and a["coverage_end"].iloc[-1] > b["coverage_end"].iloc[-1],
    ),
}


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("name", list(SURPRISES))
def test_a_counter_intuitive_result_is_said_against_the_base_scenario_with_both_tables_numbers(name, language):
    a, b = _annual(name), _annual("baseline")
    opening_id, opening_en, holds = SURPRISES[name]
    assert holds(a, b), "the shipped scenario no longer shows the surprise"
    prose = reading(simulation.run(ROOT / "scenarios" / f"{name}.yaml"), language, base=Base("baseline", b))
    (sentence,) = [s for s in re.split(r"(?<=\.) ", prose) if "`baseline`" in s]
    assert (opening_id if language == "id" else opening_en) in sentence
    n = lambda v: formats.count(v, language)  # noqa: E731
    pc = lambda v: formats.percent(v, language)  # noqa: E731
    last = str(int(a["year"].iloc[-1]))
    shown = {
        "ceiling": [n(a["waiting_end"].max()), n(a["enrolled"].iloc[1:].sum()), n(b["enrolled"].iloc[1:].sum())],
        "graduation": [
            formats.number(_pace(a), language),
            formats.number(_pace(b), language),
            *([n(a["graduated_mandiri"].sum()), n(a["graduated"].sum())] if name == "faster_graduation" else []),
        ],
    }["ceiling" if name == "budget_ceiling" else "graduation"]
    expected = [last, pc(b["coverage_end"].iloc[-1]), pc(a["coverage_end"].iloc[-1]), *shown]
    for figure in expected:
        assert figure in sentence, (figure, sentence)
    allowed = {*expected, str(int(a["year"].iloc[0])), "100"}
    for figure in numbers(sentence, language):
        assert figure.rstrip(".,") in allowed, (figure, sentence)
    # the run's own explanations (said when there is no base to compare with) are not said as well
    own = {
        "id": ("karena itu naik kelas yang lebih cepat menurunkan cakupan", "Pagu anggaran menunda pendaftaran:"),
        "en": ("this is why faster graduation lowers coverage", "The budget ceiling delays enrolment:"),
    }[language]
    assert not any(phrase in prose for phrase in own)


@pytest.mark.parametrize("name", ["pessimistic", "low_retention", "phased_rollout"])
def test_no_sentence_against_the_base_when_the_result_is_what_one_expects(name):
    a, b = _annual(name), _annual("baseline")
    assert not any(holds(a, b) for _, _, holds in SURPRISES.values())
    prose = reading(simulation.run(ROOT / "scenarios" / f"{name}.yaml"), "en", base=Base("baseline", b))
    assert "`baseline`" not in prose and "Against the base scenario" not in prose


def test_a_ceiling_that_lowers_coverage_is_not_called_counter_intuitive():
    # Rp2 billion a year: the ceiling binds so hard that coverage ends below the base's
    tight = {"policy.budget_ceiling.values": {2026: 2_000_000_000}}
    a, b = _annual("budget_ceiling", **tight), _annual("baseline")
    assert a["waiting_end"].max() > 0 and a["coverage_end"].iloc[-1] < b["coverage_end"].iloc[-1]
    run = simulation.run(ROOT / "scenarios" / "budget_ceiling.yaml", overrides=tight)
    assert "Against the base scenario" not in reading(run, "en", base=Base("baseline", b))


def test_the_rule_of_a_surprise_from_literal_numbers():
    base = {"coverage_last": 0.40, "pace": 0.05, "waiting_peak": 0}
    assert surprises({"coverage_last": 0.45, "pace": 0.05, "waiting_peak": 10}, base) == ["base_ceiling"]
    assert surprises({"coverage_last": 0.35, "pace": 0.05, "waiting_peak": 10}, base) == []
    assert surprises({"coverage_last": 0.30, "pace": 0.0551, "waiting_peak": 0}, base) == ["base_faster"]
    assert surprises({"coverage_last": 0.30, "pace": 0.0549, "waiting_peak": 0}, base) == []  # within 10%
    assert surprises({"coverage_last": 0.50, "pace": 0.0449, "waiting_peak": 0}, base) == ["base_slower"]
    assert surprises({"coverage_last": 0.38, "pace": 0.02, "waiting_peak": 0}, base) == []  # slower and lower


def test_the_brief_finds_its_base_in_extends_and_the_baseline_keeps_its_own_explanation(tmp_path):
    ctx = prepare(str(ROOT / "scenarios" / "faster_graduation.yaml"), {"years": 3}, str(tmp_path / "f"), language="en")
    assert ctx.base is not None and ctx.base.name == "baseline"
    assert list(ctx.base.annual["year"]) == [2026, 2027, 2028]  # run with the brief's overrides
    assert "Against the base scenario `baseline`" in ctx.reading().data
    recorded = json.loads((tmp_path / "f" / "manifest.json").read_text(encoding="utf-8"))["base_scenario"]
    assert recorded["name"] == "baseline"
    assert recorded["sha256"] == load_scenario(ROOT / "scenarios" / "baseline.yaml", overrides={"years": 3}).hash
    own = prepare(str(ROOT / "scenarios" / "baseline.yaml"), {"years": 3}, str(tmp_path / "b"), language="en")
    assert own.base is None
    assert "base_scenario" not in json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert "this is why faster graduation lowers coverage" in own.reading().data
    other_region = prepare(str(ROOT / "scenarios" / "lombok_tengah.yaml"), {"years": 3}, str(tmp_path / "l"))
    assert other_region.base is None  # another regency's population is no yardstick


def test_the_comparison_says_each_counter_intuitive_result_against_the_baseline(tmp_path):
    names = ("baseline", "budget_ceiling", "faster_graduation", "slower_graduation", "pessimistic")
    scenarios = ",".join(str(ROOT / "scenarios" / f"{n}.yaml") for n in names)
    cmp = prepare_comparison(scenarios, str(ROOT / "scenarios" / "baseline.yaml"), {}, str(tmp_path), language="id")
    heading, body = cmp.surprises()
    assert "Hasil yang berlawanan dengan dugaan" in heading.data
    lines = body.data.splitlines()
    assert [line.split("`")[1] for line in lines] == ["budget_ceiling", "faster_graduation", "slower_graduation"]
    annual = cmp.annuals["faster_graduation"]
    assert formats.percent(annual["coverage_end"].iloc[-1], "id") in lines[1]
    assert formats.number(_pace(annual), "id") in lines[1]
