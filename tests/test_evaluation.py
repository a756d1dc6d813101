"""``umkm-sim evaluate``: classes and thresholds by literal cases, ``--previous``, next year's request
in closed form, the folder and the brief, exit codes, and a privacy scan of every output."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import BASELINE
from registry_corpus import write_csv
from registry_helpers import TEST_KEY, VALID, personal_values
from test_registry_canary import _canary_list, _leaks, _texts

from simulation.analysis.evaluation import CLASSES, evaluate, office_classes
from simulation.analysis.evaluation_request import expected_states, next_year_request
from simulation.analysis.evaluation_write import FILES, write_evaluation
from simulation.core.states import State
from simulation.reporting.evaluation_brief import RULE_DESCRIPTIONS, TEXT
from simulation.rules.graduation import GRADUATION_RULE_NAMES
from simulation.scenario import load_scenario

HEADER = ["pseudonym", "kecamatan", "sector", "revenue", "revenue_prev", "status", "enrolled_since"]


def pseudo(i: int) -> str:
    return f"{i:024x}"


# (revenue, previous revenue, status): the office's thresholds are Rp50M and Rp150M, the rule's
# revenue threshold Rp150M and growth 10% (baseline)
ROWS = [
    (46_000_000, 40_000_000, "subsidised"),  # pemula, within 10% below 50M; grew 15%
    (52_000_000, 50_000_000, "subsidised"),  # berkembang, within 10% above 50M; grew 4%
    (140_000_000, 100_000_000, "subsidised"),  # berkembang, within 10% below 150M; grew 40%
    (150_000_000, 150_000_000, "subsidised"),  # mandiri class, at the rule's threshold; no growth
    (160_000_000, None, "subsidised"),  # mandiri, within 10% above 150M; last year unknown
    (30_000_000, None, "eligible"),  # pemula, not yet enrolled
    (200_000_000, None, "mandiri"),  # already self-paying: not eligible
    (80_000_000, None, "closed"),  # closed: no class, not eligible
]


def _list(folder, rows=ROWS, name="list.csv"):
    return write_csv(
        folder / name,
        HEADER,
        [
            [pseudo(i), "Selong", "jasa", str(rev), "" if prev is None else str(prev), status,
             "2026-01-01" if status in ("subsidised", "mandiri") else ""]
            for i, (rev, prev, status) in enumerate(rows)
        ],
    )  # fmt: skip


def _scenario(**overrides):
    return load_scenario(BASELINE, overrides=overrides)


def test_office_classes_by_literal_revenues():
    revenue = np.array([49_999_999, 50_000_000, 149_999_999, 150_000_000, 1e9, 1e9])
    status = np.array([0, 1, 1, 2, 3, 4])
    assert list(office_classes(revenue, status, 50e6, 150e6)) == [
        "pemula", "berkembang", "berkembang", "mandiri", "mandiri", "",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "rule, graduating",
    [
        ("revenue_threshold", [3, 4]),
        ("revenue_growth", [0, 2]),  # row 4 has no revenue of last year: not counted as grown
        ("revenue_and_growth", []),  # row 2 grew but is below Rp150M, row 3 did not grow
        ("none", []),
    ],
)
def test_outcomes_and_classes_of_a_literal_list(tmp_path, rule, graduating):
    ev = evaluate(_list(tmp_path), _scenario(**{"policy.graduation.rule": rule}))
    expected = ["staying"] * 5 + ["not_enrolled", "not_eligible", "not_eligible"]
    for i in graduating:
        expected[i] = "graduating"
    assert list(ev.outcome) == expected
    assert list(ev.office_class) == [
        "pemula",
        "berkembang",
        "berkembang",
        "mandiri",
        "mandiri",
        "pemula",
        "mandiri",
        "",
    ]
    assert list(ev.row) == list(range(2, 10))


def test_the_rate_rule_gives_each_member_its_probability(tmp_path):
    ev = evaluate(_list(tmp_path), _scenario(**{"policy.graduation.rate": 0.25}))
    assert list(ev.probability) == [0.25] * 5 + [0.0] * 3
    assert ev.reconciliation()["graduating_expected"] == pytest.approx(1.25)


def test_a_minimum_of_years_keeps_recent_members_subsidised(tmp_path):
    rows = [(200_000_000, None, "subsidised")]
    path = write_csv(
        tmp_path / "l.csv", HEADER,
        [[pseudo(1), "Selong", "jasa", "2e8", "", "subsidised", "2026-01-01"],
         [pseudo(2), "Selong", "jasa", "2e8", "", "subsidised", "2026-02-01"]],
    )  # fmt: skip
    del rows
    s = _scenario(**{"policy.graduation.rule": "revenue_threshold", "policy.graduation.min_subsidised_years": 1})
    ev = evaluate(path, s)
    # December 2026: enrolled January has 12 months of subsidy, February 11
    assert list(ev.months_subsidised) == [12, 11]
    assert list(ev.outcome) == ["graduating", "staying"]


def test_near_thresholds_count_the_businesses_within_ten_percent(tmp_path):
    ev = evaluate(_list(tmp_path), _scenario(**{"policy.graduation.rule": "revenue_threshold"}))
    near = ev.near_thresholds().set_index("threshold")
    # open rows' revenues: 46, 52, 140, 150, 160, 30, 200 (million)
    assert near.loc["policy.graduation.class_berkembang", ["moves_up", "moves_down"]].tolist() == [1, 1]
    assert near.loc["policy.graduation.class_mandiri", ["moves_up", "moves_down"]].tolist() == [1, 2]
    # the rule: a threshold of Rp135M also passes the 140M member; Rp165M fails the 150M and 160M ones
    assert near.loc["policy.graduation.revenue_threshold", ["moves_up", "moves_down"]].tolist() == [1, 2]
    assert near.loc["policy.graduation.rate", ["moves_up", "moves_down"]].tolist() == [0, 0]  # not read


def test_previous_list_supplies_last_years_revenue_by_pseudonym(tmp_path):
    now = _list(tmp_path)
    # last year: row 4 (no revenue_prev on this year's list) had Rp100M, so it grew 60%
    prev = write_csv(tmp_path / "prev.csv", HEADER, [[pseudo(4), "Selong", "jasa", "100000000", "", "subsidised", ""]])
    ev = evaluate(now, _scenario(**{"policy.graduation.rule": "revenue_growth"}), previous=prev)
    assert ev.previous_matched == 1
    assert list(np.flatnonzero(ev.graduating)) == [0, 2, 4]


def test_expected_states_follow_the_probabilities(tmp_path):
    s = _scenario(**{"policy.graduation.rate": 0.25, "policy.graduation.retention": 0.6})
    ev = evaluate(_list(tmp_path), s)
    states = expected_states(ev, len(s.segment_shares)).sum(axis=0)
    # 5 subsidised x 0.25 graduate: 1.25 x 0.6 mandiri, 1.25 x 0.4 lapsed; plus the listed mandiri
    assert states[State.SUBSIDISED] == pytest.approx(3.75)
    assert states[State.MANDIRI] == pytest.approx(1 + 0.75)
    assert states[State.LAPSED] == pytest.approx(0.5)
    assert states[State.ELIGIBLE] == 1 and states[State.CLOSED] == 1


def test_next_years_request_in_closed_form(tmp_path):
    # no closures, no entry: the members funded stay put, so each month costs members x Rp16,800
    s = _scenario(**{"policy.graduation.rule": "revenue_threshold", "assumptions.closure_rate": 0.0,
                     "population.entry_rate": 0.0})  # fmt: skip
    ev = evaluate(_list(tmp_path), s)
    req = next_year_request(ev, reps=3, seed=1)
    assert req.year == 2027
    monthly = req.monthly()
    # 3 staying + 1 eligible enrolled in January (the rollout of 73,000 has room)
    assert monthly["members_funded"].tolist() == pytest.approx([4.0] * 12)
    assert monthly["members_funded_p5"].tolist() == pytest.approx([4.0] * 12)
    assert monthly["public_cost"].tolist() == pytest.approx([4 * 16_800] * 12)
    acc = req.accounts().set_index("component")
    assert acc.loc["jkk", "expected"] == pytest.approx(4 * 12 * 10_000)
    assert acc.loc["jkm", "expected"] == pytest.approx(4 * 12 * 6_800)
    assert acc.loc["jkm", "p95"] == pytest.approx(4 * 12 * 6_800)
    assert req.summary()["public_cost"] == pytest.approx(4 * 12 * 16_800)
    # monthly payment: the cash plan is the accrued cost month by month
    assert monthly["cash_apbd_kabupaten"].tolist() == pytest.approx([4 * 16_800] * 12)


def test_next_years_request_carries_the_cash_plan_of_the_payment_schedule(tmp_path):
    # paid yearly in advance: the whole year's bill for the 4 members leaves the APBD in January
    s = _scenario(**{"policy.graduation.rule": "revenue_threshold", "assumptions.closure_rate": 0.0,
                     "population.entry_rate": 0.0,
                     "policy.payment_schedule": {"every": "yearly", "timing": "advance"}})  # fmt: skip
    monthly = next_year_request(evaluate(_list(tmp_path), s), reps=3, seed=1).monthly()
    assert monthly["cash_apbd_kabupaten"].tolist() == pytest.approx([4 * 12 * 16_800] + [0.0] * 11)
    assert monthly["public_cost"].tolist() == pytest.approx([4 * 16_800] * 12)


def test_every_rule_and_string_is_in_both_languages():
    assert set(RULE_DESCRIPTIONS) == set(GRADUATION_RULE_NAMES)
    for table in (RULE_DESCRIPTIONS, TEXT):
        for key, by_language in table.items():
            assert set(by_language) == {"id", "en"}, key
            assert by_language["id"] != by_language["en"] or key in ("umkm", "p5", "p95", "kecamatan", "parameter"), key


def test_the_folder_and_brief(tmp_path):
    s = _scenario(**{"policy.graduation.rule": "revenue_threshold"})
    path = _list(tmp_path)
    ev = evaluate(path, s)
    req = next_year_request(ev, reps=2, seed=3)
    out = tmp_path / "out"
    write_evaluation(ev, req, out, path, language="id", seed=3)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reconciliation"]["rows_read"] == 8
    assert manifest["files"]["classes.csv"]["rows"] == 8
    html = (out / "brief.html").read_text(encoding="utf-8")
    assert "Evaluasi tahunan UMKM 2026 dan usulan APBD 2027" in html
    assert "Rp" in html and "miliar" not in html  # eight UMKM cost juta, not miliar
    assert RULE_DESCRIPTIONS["revenue_threshold"]["id"] in html  # the rule in Indonesian too
    header = (out / "classes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "row,pseudonym,kecamatan,sector,status,outcome,office_class,graduation_probability"
    assert set(CLASSES) >= {c for c in ev.office_class if c}


def _cli(args, cwd, env_key=True):
    env = {"PATH": "", "PYTHONPATH": ""} | ({"UMKM_PSEUDONYM_KEY": TEST_KEY} if env_key else {})
    return subprocess.run(
        [sys.executable, "-m", "simulation", "evaluate", *args, "--scenario", str(BASELINE), "--reps", "2"],
        capture_output=True, text=True, cwd=cwd, env=env,
    )  # fmt: skip


def test_exit_codes(tmp_path):
    fixture = str(VALID)
    assert _cli([fixture, "--out", str(tmp_path / "a")], tmp_path, env_key=False).returncode == 1  # no key
    assert _cli([fixture, "--out", str(tmp_path / "b"), "--year", "2040"], tmp_path).returncode == 2
    (tmp_path / "file").write_text("x")
    assert _cli([fixture, "--out", str(tmp_path / "file")], tmp_path).returncode == 3
    assert _cli([fixture, "--out", str(tmp_path / "c"), "--language", "fr"], tmp_path).returncode == 2
    done = _cli([fixture, "--out", str(tmp_path / "d"), "--language", "en"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Yearly UMKM evaluation" in (tmp_path / "d" / "brief.html").read_text(encoding="utf-8")


def test_no_nik_or_name_reaches_any_output(tmp_path):
    canary, _ = _canary_list(tmp_path)
    secrets = personal_values(VALID)
    for name, source in (("canary", canary), ("valid", VALID)):
        for language in ("id", "en"):
            out = tmp_path / f"{name}_{language}"
            proc = _cli([str(source), "--out", str(out), "--language", language], tmp_path)
            assert proc.returncode == 0, proc.stderr
            printed = proc.stdout + proc.stderr
            assert _leaks(printed) == []
            assert not [s for s in secrets if s in printed]
            scanned = 0
            for part, text in _texts(out):
                assert _leaks(text) == [], part
                leaked = [s for s in secrets if s in text]
                words = {w for s in secrets for w in s.split() if len(w) >= 5 and not w.isdigit()}
                leaked += [w for w in words if w.casefold() in text.casefold()]
                assert leaked == [], part
                scanned += 1
            assert scanned >= len(FILES) - 1 + 5  # every file, the xlsx part by part
    rejects = (tmp_path / "canary_id" / "rejects.csv").read_text(encoding="utf-8")
    assert "duplicate_nik" in rejects  # the canary's duplicate was caught, so the scan had something to hide


def test_synth_writes_a_list_at_an_evaluation_that_evaluate_reads_whole(tmp_path):
    env = {"PATH": "", "PYTHONPATH": "", "UMKM_PSEUDONYM_KEY": TEST_KEY}
    synth = subprocess.run(
        [sys.executable, "-m", "simulation", "synth", "--evaluated", "2026", "--n", "1500", "--seed", "4",
         "--out", str(tmp_path / "out" / "list.csv"), "--scenario", str(BASELINE)],
        capture_output=True, text=True, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert synth.returncode == 0, synth.stderr
    done = _cli([str(tmp_path / "out" / "list.csv"), "--out", str(tmp_path / "ev")], tmp_path)
    assert done.returncode == 0, done.stderr
    recon = json.loads((tmp_path / "ev" / "manifest.json").read_text(encoding="utf-8"))["reconciliation"]
    assert recon["rejected"] == 0 and recon["classified"] == recon["rows_read"] >= 1500
    assert recon["outcome_staying"] > 0 and recon["outcome_graduating"] > 0  # a list from later in the cycle


def test_rows_read_reconcile_with_the_registry_checks_on_a_damaged_list(tmp_path, monkeypatch):
    # the defects fixture has a row of each defect: what evaluate classifies and rejects is exactly
    # what the registry's own validation accepts and rejects, row number for row number
    from registry_helpers import DEFECTS

    from simulation.population.registry import read_registry_file, validate

    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    s = _scenario()
    ev = evaluate(DEFECTS, s)
    after = s.with_overrides({"start": "2027-01", "years": 9})  # the scenario as evaluate validates against it
    validated = validate(read_registry_file(DEFECTS), after)
    assert ev.rejects and [r.row for r in ev.rejects] == [r.row for r in validated.rejects]
    assert list(ev.row) == validated.accepted_rows
    r = ev.reconciliation()
    assert r["rows_read"] == validated.n_read == r["classified"] + r["rejected"]
