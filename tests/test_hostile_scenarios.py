"""Hostile scenario input: files that are not text, hostile overrides, and generated hostile values.

The deliberately broken files are in ``fixtures/broken`` (``test_scenarios.py`` checks each
message); here are the inputs a text fixture cannot hold (binary, UTF-16, a folder, a huge file),
the ``--set`` cases, and a property: whatever value is put under whatever key, loading ends either
in a ScenarioError or in a scenario whose numbers are all finite and within bounds.
"""

from __future__ import annotations

import datetime
import math
import pickle
import time

import pytest
from conftest import BASELINE, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulation import ScenarioError, load_scenario
from simulation.cli import main
from simulation.core.errors import MISSING, NO_VALUE
from simulation.scenario.limits import MAX_MAGNITUDE
from simulation.scenario.safe_yaml import MAX_BYTES, YamlLimitError, load
from simulation.scenario.schema import iter_params

BROKEN = ROOT / "tests" / "fixtures" / "broken"


def refused(path, overrides=None) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides=overrides)
    return str(info.value)


def test_a_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert refused(path) == f"{path}: is a binary file (it holds NUL bytes), not a YAML text file"


def test_a_utf16_file_is_refused(tmp_path):
    path = tmp_path / "utf16.yaml"
    path.write_text(BASELINE.read_text(encoding="utf-8"), encoding="utf-16")
    assert refused(path) == f"{path}: is UTF-16 text; save it as UTF-8"


def test_a_latin1_file_is_refused_naming_the_byte_and_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("description: x\nnote: caf\u00e9\n".encode("latin-1"))
    assert refused(path) == f"{path}: is not UTF-8 text (byte 0xe9 on line 2); save it as UTF-8"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASELINE.read_bytes())
    assert load_scenario(path).hash == load_scenario(BASELINE).hash


def test_a_folder_is_refused(tmp_path):
    assert refused(tmp_path) == f"{tmp_path}: is a folder, not a scenario file"


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("description: x\n" + "# padding\n" * (MAX_BYTES // 10), encoding="utf-8")
    size = path.stat().st_size
    assert size > MAX_BYTES
    assert refused(path) == f"{path}: is {size:,} bytes; a scenario file is at most {MAX_BYTES:,} bytes"


def test_extends_of_a_binary_names_the_binary(tmp_path):
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)))
    child = tmp_path / "child.yaml"
    child.write_text("extends: blob.bin\ndescription: x\n", encoding="utf-8")
    assert refused(child) == f"{tmp_path / 'blob.bin'}: is a binary file (it holds NUL bytes), not a YAML text file"


def test_the_alias_bomb_is_refused_in_under_a_second():
    began = time.perf_counter()
    message = refused(BROKEN / "alias_bomb.yaml")
    assert time.perf_counter() - began < 1.0
    assert "aliases expand the document beyond 100,000 nodes" in message


def test_a_few_aliases_are_still_allowed(tmp_path):
    path = tmp_path / "anchors.yaml"
    path.write_text(
        f"extends: {BASELINE}\ndescription: anchors\n"
        "assumptions:\n  closure_rate: &rate 0.07\n  mandiri_lapse_rate: *rate\n",
        encoding="utf-8",
    )
    s = load_scenario(path)
    assert s.first("assumptions.closure_rate") == s.first("assumptions.mandiri_lapse_rate") == 0.07


def test_a_text_read_again_is_a_new_copy_and_its_errors_come_again():
    text = "a: &x [1, 2]\nb: *x\nc: {d: 2026-01-01}\n"
    first = load(text)
    first["a"].append(3)
    first["c"]["d"] = None
    again = load(text)
    assert again == {"a": [1, 2], "b": [1, 2], "c": {"d": datetime.date(2026, 1, 1)}}
    assert again["a"] is again["b"]  # an alias is still one object, as PyYAML builds it
    for _ in range(2):
        with pytest.raises(YamlLimitError, match="appears twice"):
            load("a: 1\na: 2\n")


def test_a_secrets_file_named_directly_is_not_echoed():
    message = refused(BROKEN / "not_a_scenario.yaml")
    assert "hunter2" not in message and "api_key" not in message


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            "population.initial_umkm=1e400",
            "override population.initial_umkm: population.initial_umkm.value = inf: not a finite number",
        ),
        ("contribution.jkk=1e400", "override contribution.jkk: contribution.jkk.value = inf: not a finite number"),
        ("contribution.jkk=.inf", "override contribution.jkk: contribution.jkk.value = inf: not a finite number"),
        ("assumptions.inflation=.nan", "override assumptions.inflation: assumptions.inflation.value = nan"),
        (
            "population.initial_umkm=1e308",
            "override population.initial_umkm: population.initial_umkm.value = 1e+308: beyond sense; "
            "allowed: at most 100,000,000 UMKM",
        ),
        (
            "policy.rollout={2026-01: 100000001}",
            "override policy.rollout: policy.rollout.values.2026-01 = 100000001.0: beyond sense",
        ),
        (
            "contribution.jkm=10000001",
            "override contribution.jkm: contribution.jkm.value = 10000001.0: beyond sense; "
            "allowed: at most 10,000,000 rupiah per member per month",
        ),
        ("years=true", "override years: years = True: a boolean is not allowed here"),
        ("policy.graduation.rate=yes", "override policy.graduation.rate: policy.graduation.rate.value = True"),
        ("years=41", "override years: years = 41: must be less than or equal to 40"),
        (
            "years=1",
            "override years (against scenarios/baseline.yaml): contribution.self_pay_discount.values.2027-01 = 0.0: "
            "date outside the horizon",
        ),
        ("start=2020-01", "override start (against scenarios/baseline.yaml): policy.rollout.values"),
        (
            "population.sector_shares={a: 1.0}",
            "override population.sector_shares (against scenarios/baseline.yaml): population.revenue_mean.value",
        ),
    ],
)
def test_a_bad_override_is_blamed_on_the_override(override, expected, monkeypatch):
    monkeypatch.chdir(ROOT)
    message = refused("scenarios/baseline.yaml", overrides=[override])
    assert message.splitlines()[0].startswith(expected), message


def test_a_contribution_at_the_limit_is_accepted():
    assert load_scenario(BASELINE, overrides={"contribution.jkm": 10_000_000}).first("contribution.jkm") == 1e7


def test_a_missing_registry_is_a_validate_error(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["validate", str(BASELINE), "--set", f"population.registry={missing}"]) == 2
    err = capsys.readouterr().err
    assert f"override population.registry: population.registry = '{missing}': file not found" in err
    assert main(["validate", str(BASELINE), "--set", f"population.registry={tmp_path}"]) == 2
    assert "is a folder, not a registry file" in capsys.readouterr().err


def test_a_missing_registry_stops_run_before_the_engine(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    args = ["run", str(BASELINE), "--set", f"population.registry={missing}", "--out", str(tmp_path / "o")]
    assert main([*args, "--engine", "micro", "--reps", "2"]) == 2
    assert "file not found" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_scenario_error_survives_pickling():
    """A ScenarioError raised in a worker process reaches the parent whole (it did not, with its message)."""
    error = ScenarioError([("f.yaml", "", NO_VALUE, "file not found"), ("f.yaml", "years", MISSING, "required")])
    back = pickle.loads(pickle.dumps(error))
    assert str(back) == "f.yaml: file not found\nf.yaml: years = (missing): required"
    assert back.problems[0][2] is NO_VALUE and back.problems[1][2] is MISSING


PARAMETERS = [key for key, _ in iter_params(load_scenario(BASELINE).model)]
KEYS = ["years", "start", "description", *PARAMETERS, *(f"{k}.value" for k in PARAMETERS[:8])]
HOSTILE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e400, -1e400, 1e308, 1e16, -1, 0, 2**70, "1e400", "nan", "inf", "-inf", "", "null"]),
    st.booleans(),
    st.none(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=8),
    st.lists(st.floats(allow_nan=True), max_size=3),
    st.dictionaries(st.sampled_from(["2026-01", "2027", "x", "value", "perdagangan"]), st.floats(), max_size=3),
)


def _numbers(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _numbers(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _numbers(value)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield node


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), HOSTILE, min_size=1, max_size=3))
def test_hostile_values_give_a_scenario_error_or_a_sane_scenario(overrides):
    try:
        scenario = load_scenario(BASELINE, overrides=overrides)
    except ScenarioError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        return
    for number in _numbers(scenario.model.model_dump()):
        assert math.isfinite(number) and abs(number) <= MAX_MAGNITUDE
