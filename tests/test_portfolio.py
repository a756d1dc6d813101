"""Portfolios: totals are the sum of their regions, a shared payer is billed once per member, a
shared ceiling is divided pro rata, ``--scale`` is a fraction of the UMKM, and the command writes
its tables and brief.

Expected values come from each member's scenario run on its own (``simulation.run``), from the
shares written in the files and from the official codes' counts, never from the portfolio code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

import simulation
from simulation.analysis.portfolio import read_portfolio, run_portfolio
from simulation.analysis.portfolio.spec import AllRegencies, proxy_sizes
from simulation.cli import main
from simulation.core.errors import ScenarioError
from simulation.core.regions import regions

SCENARIOS = ROOT / "scenarios"
PAIR = """
description: Lombok Timur and Lombok Tengah
base: {root}/baseline.yaml
{shared}
members:
  - {{region: "52.03", scenario: {root}/{timur}}}
  - {{region: "52.02", scenario: {root}/lombok_tengah.yaml}}
"""


def _portfolio(tmp_path, shared: str = "", timur: str = "baseline.yaml"):
    path = tmp_path / "pair.yaml"
    path.write_text(PAIR.format(root=SCENARIOS, shared=shared, timur=timur), encoding="utf-8")
    return read_portfolio(path)


@pytest.fixture(scope="module")
def alone():
    """Each member run on its own, by region code."""
    return {
        "52.03": simulation.run(SCENARIOS / "baseline.yaml").annual().set_index("year"),
        "52.02": simulation.run(SCENARIOS / "lombok_tengah.yaml").annual().set_index("year"),
    }


def test_totals_are_the_sum_of_the_regions_run_alone(tmp_path, alone):
    result = run_portfolio(_portfolio(tmp_path), jobs=1)
    total = result.annual().set_index("year")
    for column in ("covered_end", "subsidised_end", "enrolled", "graduated", "subsidy_cost", "cost_apbd_kabupaten"):
        np.testing.assert_allclose(total[column], alone["52.03"][column] + alone["52.02"][column], rtol=1e-12)
    # a ratio is computed again on the sums: coverage of the 73,000 + 12,050 target
    covered = alone["52.03"]["covered_end"] + alone["52.02"]["covered_end"]
    np.testing.assert_allclose(total["coverage_end"], covered / (73000 + 12050), rtol=1e-12)
    # each region's rows are its scenario's own table (nothing changes a member without shared payers)
    mine = result.regions_annual[result.regions_annual["region"] == "52.02"].set_index("year")
    np.testing.assert_allclose(mine["covered_end"], alone["52.02"]["covered_end"], rtol=0, atol=0)
    assert set(result.regions_kecamatan.query("region == '52.02'")["kecamatan"]) == set(
        a.name for a in regions().districts_of("52.02")
    )


SHARED = """shared_payers:
  - {payer: apbd_provinsi, share: 0.2, source: test}"""


def test_a_province_share_is_billed_once_per_member(tmp_path, alone):
    # province_cofinancing already has the province paying 30% from 2027: the shared 20% replaces it
    result = run_portfolio(_portfolio(tmp_path, SHARED, timur="province_cofinancing.yaml"), jobs=1)
    payers = result.regions_payers
    per_member = payers[payers["payer"] == "apbd_provinsi"].groupby(["region", "year"]).size()
    assert (per_member == 1).all() and len(per_member) == 2 * 10
    annual = result.regions_annual.set_index(["region", "year"])
    province = payers[payers["payer"] == "apbd_provinsi"].set_index(["region", "year"])["nominal"]
    np.testing.assert_allclose(province, 0.2 * annual.loc[province.index, "subsidy_cost"], rtol=1e-12)
    total = result.annual().set_index("year")
    np.testing.assert_allclose(total["cost_apbd_provinsi"], 0.2 * total["subsidy_cost"], rtol=1e-12)
    # the member's other payers keep their proportions in the other 80%: DBHCHT 0.2/0.7 of it from 2027
    timur = annual.loc["52.03"]
    np.testing.assert_allclose(timur.loc[2027:, "cost_dbhcht"], 0.8 * 0.2 / 0.7 * timur.loc[2027:, "subsidy_cost"])
    np.testing.assert_allclose(timur.loc[2026, "cost_apbd_kabupaten"], 0.8 * timur.loc[2026, "subsidy_cost"])
    # the subsidy bill itself does not depend on who pays it
    np.testing.assert_allclose(annual.loc["52.02", "subsidy_cost"], alone["52.02"]["subsidy_cost"], rtol=1e-12)


def test_a_shared_ceiling_is_divided_pro_rata_and_the_rest_falls_to_each_regency(tmp_path):
    uncapped = run_portfolio(_portfolio(tmp_path, SHARED), jobs=1)
    ceiling = 2_000_000_000.0
    capped = run_portfolio(
        _portfolio(tmp_path, SHARED.replace("share: 0.2,", f"share: 0.2, ceiling: {ceiling},")), jobs=1
    )
    before = uncapped.regions_annual.set_index(["region", "year"])
    after = capped.regions_annual.set_index(["region", "year"])
    bill = before.groupby("year")["cost_apbd_provinsi"].sum()
    assert (bill > ceiling).any() and (bill < ceiling).any()  # the ceiling binds in some years only
    factor = np.minimum(1.0, ceiling / bill)
    for region in ("52.02", "52.03"):
        b, a = before.loc[region], after.loc[region]
        np.testing.assert_allclose(a["cost_apbd_provinsi"], b["cost_apbd_provinsi"] * factor, rtol=1e-12)
        cut = b["cost_apbd_provinsi"] * (1 - factor)
        np.testing.assert_allclose(a["cost_apbd_kabupaten"], b["cost_apbd_kabupaten"] + cut, rtol=1e-12)
        np.testing.assert_allclose(a["subsidy_cost"], b["subsidy_cost"], rtol=1e-12)
    total = capped.payers_annual().query("payer == 'apbd_provinsi'").set_index("year")["nominal"]
    np.testing.assert_allclose(total, np.minimum(bill, ceiling), rtol=1e-12)
    # the payers table and the annual columns tell the same story
    long = capped.regions_payers.set_index(["region", "year", "payer"])["nominal"]
    np.testing.assert_allclose(
        long.xs("apbd_kabupaten", level="payer").sort_index(), after["cost_apbd_kabupaten"].sort_index(), rtol=1e-12
    )


def test_scale_is_a_fraction_of_the_umkm(tmp_path):
    full = run_portfolio(_portfolio(tmp_path), jobs=1).annual().set_index("year")
    half = run_portfolio(_portfolio(tmp_path), scale=0.5, jobs=1).annual().set_index("year")
    # the cohort engine is linear in the population when no ceiling binds: every count and cost halves
    for column in ("covered_end", "enrolled", "subsidy_cost", "coverage_target"):
        np.testing.assert_allclose(half[column], 0.5 * full[column], rtol=1e-9)
    np.testing.assert_allclose(half["coverage_end"], full["coverage_end"], rtol=1e-9)


def test_all_regencies_are_sized_by_their_share_of_the_kecamatan():
    sizes = proxy_sizes(AllRegencies(umkm_total=65_470_000, source="F4.2"))
    assert len(sizes) == 514
    assert sum(sizes.values()) == pytest.approx(65_470_000, rel=1e-12)
    assert sizes["52.03"] == pytest.approx(65_470_000 * 21 / 7277, rel=1e-12)  # 21 of 7,277 kecamatan
    national = read_portfolio(SCENARIOS / "portfolios" / "national.yaml")
    assert [m.region for m in national.members] == sorted(regions().regencies)
    ntb = read_portfolio(SCENARIOS / "portfolios" / "ntb.yaml")
    assert [m.region for m in ntb.members] == [a.code for a in regions().regencies_of("52")] and len(ntb.members) == 10
    # Lombok Timur keeps its own scenario; Sumbawa (24 kecamatan) gets 73,000 / 21 per kecamatan
    sumbawa = next(m for m in ntb.members if m.region == "52.04")
    assert sumbawa.overrides["population.initial_umkm"] == pytest.approx(406714.29 * 24 / 117, rel=1e-12)
    assert "population.initial_umkm" not in next(m for m in ntb.members if m.region == "52.03").overrides


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('description: x\nbase: b.yaml\nmembers: [{region: "52.3"}]', "Did you mean '52.03'"),
        ('description: x\nbase: b.yaml\nmembers: [{region: "52.03"}, {region: "52.03"}]', "listed twice: 52.03"),
        (
            "description: x\nbase: b.yaml\nshared_payers: [{payer: apbd_kabupaten, share: 0.5, source: s}]\n"
            'members: [{region: "52.03"}]',
            "each regency pays its own APBD Kabupaten",
        ),
        ('description: x\nbase: b.yaml\nmembers: [{region: "52.01", umkm: 10}]', "says where the number comes from"),
    ],
)
def test_a_bad_portfolio_is_refused_with_a_message(tmp_path, text, needle, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        read_portfolio(path)
    assert needle in str(err.value) and "bad.yaml" in str(err.value)
    assert main(["portfolio", str(path), "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


def test_a_member_scenario_problem_names_the_region(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        f"description: x\nbase: {SCENARIOS}/baseline.yaml\n"
        'members: [{region: "52.02", set: {population.kecamatan_shares: {Selong: 1.0}}}]',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as err:
        run_portfolio(read_portfolio(path), jobs=1)
    assert "member 52.02" in str(err.value) and "'Selong' is not a kecamatan of Lombok Tengah" in str(err.value)


def test_portfolio_command_writes_tables_brief_and_manifest(tmp_path):
    out = tmp_path / "ntb"
    ntb = SCENARIOS / "portfolios" / "ntb.yaml"
    assert main(["portfolio", str(ntb), "--out", str(out), "--jobs", "1", "--language", "en"]) == 0
    regions_annual = pd.read_csv(out / "regions_annual.csv", dtype={"region": str})
    annual = pd.read_csv(out / "annual.csv")
    payers = pd.read_csv(out / "payers_annual.csv")
    assert len(regions_annual) == 10 * 10 and set(regions_annual["region"]) == {
        a.code for a in regions().regencies_of("52")
    }
    np.testing.assert_allclose(
        annual.set_index("year")["subsidy_cost"], regions_annual.groupby("year")["subsidy_cost"].sum(), rtol=1e-12
    )
    public = payers[payers["payer"] != "mandiri_self"].groupby("year")["nominal"].sum()
    np.testing.assert_allclose(public, annual.set_index("year")["subsidy_cost"], rtol=1e-12)
    # the province's ceiling of Rp10bn a year (ntb.yaml) binds in 2026: its 20% share is above it
    province = payers.query("payer == 'apbd_provinsi'").set_index("year")["nominal"]
    assert province.loc[2026] == pytest.approx(10_000_000_000, rel=1e-12)
    assert (province <= 10_000_000_000 * (1 + 1e-12)).all()
    kecamatan = pd.read_parquet(out / "regions_by_kecamatan.parquet")
    assert len(kecamatan) == 117 * 10  # NTB's 117 kecamatan, ten years
    np.testing.assert_allclose(
        kecamatan.groupby("year")["subsidy_cost"].sum(), annual.set_index("year")["subsidy_cost"], rtol=1e-9
    )
    page = (out / "portfolio_brief.html").read_text(encoding="utf-8")
    for name in ("Lombok Timur (52.03)", "Kota Bima (52.72)", "Bima (52.06)", "Provincial budget (APBD Provinsi)"):
        assert name in page
    assert "Ringkasan" not in page  # English throughout
    from openpyxl import load_workbook

    book = load_workbook(out / "portfolio.xlsx", read_only=True)
    assert book.sheetnames == ["Regions", "Annual totals", "Payers", "Regions by year"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [m["region"] for m in manifest["members"]] == sorted(regions_annual["region"].unique())
    assert manifest["scheduler"] == "processes" and manifest["scale"] == 1.0


def test_portfolios_in_a_batch_are_written_and_a_bad_one_fails_alone(tmp_path):
    from simulation.analysis.portfolio.batch import run_portfolios

    bad = tmp_path / "bad.yaml"
    bad.write_text('description: x\nbase: b.yaml\nmembers: [{region: "99.99"}]', encoding="utf-8")
    outcomes = run_portfolios([str(SCENARIOS / "portfolios" / "ntb.yaml"), str(bad)], tmp_path, "id", {"years": 2})
    assert [o.ok for o in outcomes] == [True, False]
    assert "99.99" in outcomes[1].error
    annual = pd.read_csv(tmp_path / "portfolios" / "ntb" / "annual.csv")
    assert list(annual["year"]) == [2026, 2027]  # the batch's --set years=2 reached every member
    assert outcomes[0].indicators["subsidy_cost_total"] == pytest.approx(annual["subsidy_cost"].sum(), rel=1e-12)


@pytest.mark.parametrize(
    ("named", "expected"),
    [
        ([], [SCENARIOS / "portfolios" / "ntb.yaml"]),  # a whole batch: NTB by default
        (["--no-portfolios"], None),
        ([str(SCENARIOS / "baseline.yaml")], None),  # a batch of named scenarios runs no portfolio unasked
        ([str(SCENARIOS / "baseline.yaml"), "--portfolio", "x.yaml"], ["x.yaml"]),
    ],
    ids=["whole-batch", "no-portfolios", "named-scenario", "named-portfolio"],
)
def test_a_whole_batch_runs_the_ntb_portfolio_by_default(tmp_path, monkeypatch, named, expected):
    import simulation.analysis.portfolio.batch as portfolio_batch
    import simulation.reporting.batch as reporting_batch

    ran = []

    def reports_only_beside(*args, beside=None, **kwargs):  # the reports are not the point; what runs beside is
        return beside() if beside is not None else []

    monkeypatch.setattr(reporting_batch, "run_batch", reports_only_beside)
    monkeypatch.setattr(portfolio_batch, "run_portfolios", lambda files, *a, **k: ran.append(files) or [])
    assert main(["batch", "--out", str(tmp_path / "reports"), "--no-analyses", *named]) == 0
    resolved = [[Path(f).resolve() for f in files] for files in ran]
    assert resolved == ([] if expected is None else [[Path(f).resolve() for f in expected]])
