"""Scenario files: inheritance, overrides, dated values and the broken-scenario corpus."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import BASELINE, ROOT

from simulation import ScenarioError, load_scenario
from simulation.core.horizon import Horizon, parse_period

BROKEN = sorted((ROOT / "tests" / "fixtures" / "broken").glob("*.yaml"))


def expectations(path: Path, kind: str = "expect") -> list[str]:
    return re.findall(rf"^# {kind}: (.+)$", path.read_text(encoding="utf-8"), flags=re.M)


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_scenario_gives_its_expected_message(path):
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' line"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "Traceback" not in message
    assert path.name in message or "no_such_baseline" in message, message
    for text in expected:
        assert text in message, f"expected {text!r} in:\n{message}"
    for text in expectations(path, "never"):
        assert text not in message, f"{text!r} must not be shown:\n{message}"


def test_every_shipped_scenario_is_valid():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        load_scenario(path)


def test_dated_values_hold_until_the_next_key():
    h = Horizon(parse_period("2026-01"), 3)
    values = {parse_period("2026-01"): 1.0, parse_period("2026-04"): 2.0, parse_period(2027): 3.0}
    got = h.expand(values)
    assert got[:3] == [1.0] * 3 and got[3:12] == [2.0] * 9 and got[12:] == [3.0] * 24


def test_a_year_key_means_its_january():
    assert parse_period(2027) == parse_period("2027-01") == parse_period("2027")


def test_scalar_override_makes_a_dated_parameter_constant():
    s = load_scenario(BASELINE, overrides={"contribution.self_pay_discount": 0.25})
    assert s.param("contribution.self_pay_discount").values is None
    np.testing.assert_array_equal(s.monthly_array("contribution.self_pay_discount"), 0.25)
    assert s.param("contribution.self_pay_discount").source.startswith("F1.6")  # unit and source kept


def test_cli_style_overrides_are_read_as_yaml():
    s = load_scenario(
        BASELINE, overrides=["assumptions.closure_rate=0.08", "policy.rollout={2026-01: 1000, 2027: 5000}"]
    )
    assert s.first("assumptions.closure_rate") == 0.08
    assert s.monthly("policy.rollout")[12] == 5000
    assert s.overrides == {"assumptions.closure_rate": 0.08, "policy.rollout": {"2026-01": 1000, 2027: 5000}}


def test_override_errors_name_the_override():
    with pytest.raises(ScenarioError, match=r"override assumptions\.closure_rat: .*Did you mean 'closure_rate'"):
        load_scenario(BASELINE, overrides={"assumptions.closure_rat": 0.1})
    with pytest.raises(ScenarioError, match=r"override policy\.graduation\.rate: .*less than or equal to 1"):
        load_scenario(BASELINE, overrides={"policy.graduation.rate": 2})


def test_extends_lists_only_changes_and_needs_its_own_description(tmp_path):
    reform = tmp_path / "reform.yaml"
    reform.write_text(
        f"extends: {BASELINE}\ndescription: faster graduation\n"
        "policy:\n  graduation:\n    rate: {value: 0.3, source: 'test reform'}\n",
        encoding="utf-8",
    )
    s = load_scenario(reform)
    base = load_scenario(BASELINE)
    assert s.name == "reform" and s.model.description == "faster graduation"
    assert s.first("policy.graduation.rate") == 0.3
    assert s.param("policy.graduation.rate").source == "test reform"
    assert s.param("policy.graduation.rate").unit == base.param("policy.graduation.rate").unit
    assert s.first("assumptions.closure_rate") == base.first("assumptions.closure_rate")
    assert s.hash != base.hash


def test_null_removes_an_optional_parameter_the_base_sets(tmp_path):
    capped = ROOT / "scenarios" / "budget_ceiling.yaml"
    assert load_scenario(capped).model.policy.budget_ceiling is not None
    reform = tmp_path / "no_ceiling.yaml"
    reform.write_text(
        f"extends: {capped}\ndescription: no ceiling\npolicy:\n  budget_ceiling: null\n", encoding="utf-8"
    )
    removed = load_scenario(reform)
    assert removed.model.policy.budget_ceiling is None
    assert removed.first("policy.priority") == "kecamatan_quota"  # the rest of the base stays
    overridden = load_scenario(capped, overrides={"policy.budget_ceiling": None})
    assert overridden.model.policy.budget_ceiling is None
    assert load_scenario(capped, overrides=["policy.budget_ceiling=null"]).model.policy.budget_ceiling is None
    with pytest.raises(ScenarioError, match=r"policy.rollout = None: a required parameter"):
        load_scenario(capped, overrides={"policy.rollout": None})
    with pytest.raises(ScenarioError, match=r"override policy.budget_ceiling: the value is empty"):
        load_scenario(capped, overrides=["policy.budget_ceiling="])  # nothing written is not a removal


def test_extends_chain_and_cycle(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(f"extends: {BASELINE}\ndescription: a\nyears: 5\n", encoding="utf-8")
    b.write_text("extends: a.yaml\ndescription: b\nassumptions:\n  closure_rate: 0.1\n", encoding="utf-8")
    s = load_scenario(b)
    assert s.model.years == 5 and s.first("assumptions.closure_rate") == 0.1
    a.write_text("extends: b.yaml\ndescription: a\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="circular 'extends'"):
        load_scenario(b)


def test_with_overrides_revalidates_and_keeps_earlier_ones():
    s = load_scenario(BASELINE, overrides={"years": 3}).with_overrides({"assumptions.closure_rate": 0.2})
    assert s.model.years == 3 and s.first("assumptions.closure_rate") == 0.2
    with pytest.raises(ScenarioError):
        s.with_overrides({"policy.payers": {"apbd_kabupaten": 0.5}})


def test_a_later_start_keeps_values_keyed_before_it():
    s = load_scenario(BASELINE, overrides={"start": "2027-01", "years": 2})
    assert s.horizon.n_months == 24
    assert s.first("contribution.jkm") == 6800
    assert s.first("contribution.self_pay_discount") == 0.0


def test_the_hash_depends_on_content_not_on_the_path(tmp_path):
    copy = tmp_path / "copy.yaml"
    copy.write_text(BASELINE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_scenario(copy).hash == load_scenario(BASELINE).hash
