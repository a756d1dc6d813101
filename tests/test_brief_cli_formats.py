"""The command line prints rupiah and rates the way the reports write them (Babel, no raw floats)."""

from __future__ import annotations

import re

from conftest import BASELINE

import simulation
from simulation.analysis.optimisation import Answer
from simulation.cli import main
from simulation.cli.cmd_optimise import describe, show

RAW = re.compile(r"\d\.\d+e[+-]\d+|Rp\d{1,3}(,\d{3}){3,}")
"""A float in scientific notation or rupiah to the last digit (what the CLI printed before)."""


def test_run_prints_rupiah_as_the_reports_do(tmp_path, capsys):
    assert main(["run", str(BASELINE), "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    ind = simulation.run(BASELINE).indicators()
    billions = round(ind["subsidy_cost_first_year"] / 1e9, 2)
    assert f"IDR {billions:.2f} billion" in out
    assert not RAW.search(out), out


def test_optimise_answers_in_percent_and_rupiah(tmp_path, capsys):
    answer = Answer(
        "graduation",
        "policy.graduation.rate",
        0.1221,
        "subsidy_cost",
        2028,
        1e10,
        9.99972e9,
        0.122,
        1.0002e10,
        True,
        "",
    )
    sentence = describe(answer)
    assert "policy.graduation.rate = 12.21%" in sentence and "IDR 10.00 billion" in sentence
    assert not RAW.search(sentence)
    assert show(61_240.4, "covered_end") == "61,240" and show(0.8389, "coverage_end") == "83.89%"
    assert main(["optimise", str(BASELINE), "curve", "--points", "3", "--year", "2028", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "IDR" in out and "%" in out and not RAW.search(out), out
