"""The reading's numbers, recomputed from the annual table, and the year table adding up."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

import simulation
from simulation.reporting import formats
from simulation.reporting.reading import reading
from simulation.reporting.tables import BRIEF_COLUMNS, annual_table, whole_states

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
