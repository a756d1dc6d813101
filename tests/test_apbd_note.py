"""Only Lombok Timur's total APBD spending is a fact (F5.3): a brief of any other region says its
share of APBD is illustrative, and a portfolio brief says how many of its members rest on an
assumed APBD total.
"""

from __future__ import annotations

from conftest import ROOT

import simulation
from simulation.analysis.portfolio import read_portfolio
from simulation.analysis.portfolio.run import load_members
from simulation.outputs.fiscal import apbd_is_illustrative
from simulation.reporting.apbd_note import apbd_illustrative_note, portfolio_apbd_note

BASELINE = ROOT / "scenarios" / "baseline.yaml"
TENGAH = ROOT / "scenarios" / "lombok_tengah.yaml"


def test_only_lombok_timurs_apbd_is_a_fact():
    assert not apbd_is_illustrative(simulation.load_scenario(BASELINE))
    assert apbd_is_illustrative(simulation.load_scenario(TENGAH))


def test_the_brief_of_another_regency_says_its_share_of_apbd_is_illustrative():
    tengah = simulation.load_scenario(TENGAH)  # APBD Rp3T in 2026: an assumption in its own file
    assert apbd_illustrative_note(tengah, "en") == (
        "**Share of APBD spending is illustrative only.** Lombok Tengah's total APBD spending is not in the "
        "facts (only Lombok Timur's is, F5.3); the figure uses the scenario's assumption, IDR 3.00 trillion in 2026."
    )
    assert apbd_illustrative_note(tengah, "id") == (
        "**Porsi belanja APBD hanya ilustrasi.** Total belanja APBD Lombok Tengah tidak ada dalam fakta (yang "
        "diketahui hanya APBD Lombok Timur, F5.3); angka ini memakai asumsi skenario, Rp3,00 triliun pada 2026."
    )


def test_the_portfolio_brief_counts_the_members_whose_apbd_is_assumed():
    members = load_members(read_portfolio(ROOT / "scenarios" / "portfolios" / "ntb.yaml"))
    note = portfolio_apbd_note(members, "en")
    # ten kabupaten and kota of NTB, of which only Lombok Timur (52.03) has its APBD in the facts
    assert note.startswith("Share of APBD spending: the total APBD spending of 9 of the 10 regions is not in")
    assert "a region's share of APBD is illustrative only and is not shown here" in note
    lombok_timur = [s for s in members if s.model.region == "52.03"]
    assert len(lombok_timur) == 1 and portfolio_apbd_note(lombok_timur, "en") is None
