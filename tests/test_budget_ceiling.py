"""Budget ceilings, the waiting list, priority rules and group payers (issue 5)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BASELINE
from hypothesis import HealthCheck, given, settings
from strategies import ORDER, ceiling_overrides

from simulation import run

RATE = 16_800
YEARLY = RATE * 12  # one member for a whole year, rupiah
STILL_BY_SECTOR = {  # nobody enters, closes or graduates; sectors served in ORDER
    "assumptions.closure_rate": 0.0,
    "population.entry_rate": 0.0,
    "policy.graduation.rate": 0.0,
    "policy.priority": "sector_order",
    "policy.sector_order": ORDER,
}


def by_sector(result, column="members", state="subsidised", month=None):
    seg = result.monthly_segments()
    seg = seg[seg["state"] == state]
    if month is not None:
        seg = seg[seg["month"] == month]
    return seg.groupby("sector")[column].sum()


def kabupaten_spend_by_month(result):
    m = result.monthly()
    return m["year"], m.get("cost_apbd_kabupaten", 0 * m["subsidy_cost"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=ceiling_overrides())
def test_the_ceiling_is_never_exceeded_in_any_month_of_any_year(overrides):
    ceilings = list(overrides["policy.budget_ceiling"].values())
    result = run(BASELINE, overrides=overrides)
    year, spend = kabupaten_spend_by_month(result)
    for k, y in enumerate((2026, 2027, 2028)):
        cumulative = np.cumsum(spend[year == y])
        assert (cumulative <= ceilings[k] * (1 + 1e-9) + 1e-3).all(), (y, cumulative.max(), ceilings[k])
    m = result.monthly()
    assert (m[["eligible", "subsidised", "mandiri", "lapsed", "waiting"]] >= -1e-6).all().all()


def test_enrolment_serves_sectors_in_priority_order_and_the_waiting_list_empties_in_that_order():
    counts = {"tembakau": 3_650, "pertanian": 10_950}  # 5% and 15% of 73,000
    overrides = {
        **STILL_BY_SECTOR,
        # 2026: 10,000 members for a year; 2027: 30,000; 2028: everyone
        "policy.budget_ceiling": {2026: 10_000 * YEARLY, 2027: 30_000 * YEARLY, 2028: 73_000 * YEARLY},
    }
    result = run(BASELINE, overrides=overrides)
    jan26 = by_sector(result, month="2026-01")
    assert jan26["tembakau"] == pytest.approx(counts["tembakau"])
    assert jan26["pertanian"] == pytest.approx(10_000 - counts["tembakau"])
    assert jan26[["kuliner", "kerajinan", "jasa", "perdagangan"]].sum() == pytest.approx(0, abs=1e-6)
    waiting26 = by_sector(result, "members", "eligible", "2026-12")
    assert waiting26["tembakau"] == pytest.approx(0, abs=1e-6) and waiting26["pertanian"] > 0
    jan27 = by_sector(result, month="2027-01")
    # 30,000: tembakau and pertanian (14,600) in full, kuliner (14,600) in full, kerajinan gets the last 800
    assert jan27["pertanian"] == pytest.approx(counts["pertanian"])
    assert jan27["kuliner"] == pytest.approx(14_600)
    assert jan27["kerajinan"] == pytest.approx(30_000 - 3_650 - 10_950 - 14_600)
    assert jan27[["jasa", "perdagangan"]].sum() == pytest.approx(0, abs=1e-6)
    a = result.annual().set_index("year")
    assert a.loc[2026, "waiting_end"] == pytest.approx(63_000)
    assert a.loc[2027, "waiting_end"] == pytest.approx(43_000)
    assert a.loc[2028, "waiting_end"] == pytest.approx(0, abs=1e-6)
    assert a.loc[2026, "cost_apbd_kabupaten"] == pytest.approx(10_000 * YEARLY)


def test_a_falling_ceiling_suspends_the_lowest_priority_first():
    overrides = {
        **STILL_BY_SECTOR,
        "policy.budget_ceiling": {2026: 73_000 * YEARLY, 2027: 14_600 * YEARLY},
    }
    result = run(BASELINE, overrides=overrides)
    jan27 = by_sector(result, month="2027-01")
    assert jan27["tembakau"] + jan27["pertanian"] == pytest.approx(14_600)
    assert jan27.drop(["tembakau", "pertanian"]).sum() == pytest.approx(0, abs=1e-6)
    a = result.annual().set_index("year")
    assert a.loc[2027, "suspended"] == pytest.approx(73_000 - 14_600)
    assert a.loc[2027, "waiting_end"] == pytest.approx(73_000 - 14_600)


def test_kecamatan_quotas_share_out_a_tight_ceiling():
    overrides = {
        "assumptions.closure_rate": 0.0,
        "population.entry_rate": 0.0,
        "policy.priority": "kecamatan_quota",
        "policy.kecamatan_quota": {"Selong": 0.5, "Aikmel": 0.5},
        "policy.budget_ceiling": 4_000 * YEARLY,
    }
    seg = run(BASELINE, overrides=overrides).monthly_segments()
    jan = seg[(seg["month"] == "2026-01") & (seg["state"] == "subsidised")].groupby("kecamatan")["members"].sum()
    assert jan["Selong"] == pytest.approx(2_000) and jan["Aikmel"] == pytest.approx(2_000)
    assert jan.drop(["Selong", "Aikmel"]).sum() == pytest.approx(0, abs=1e-6)


def test_no_ceiling_means_no_waiting():
    a = run(BASELINE).annual()
    assert (a["waiting_end"] == 0).all() and (a["suspended"] == 0).all()
    assert "budget_ceiling" not in a.columns


def test_a_group_payer_covers_its_group_and_payer_shares_add_up_to_the_cost_every_month():
    overrides = {
        "policy.group_payers": [{"payer": "dbhcht", "sectors": ["tembakau"], "share": 1.0}],
        "policy.payers": {"apbd_kabupaten": 0.7, "apbd_provinsi": 0.3},
    }
    result = run(BASELINE, overrides=overrides)
    m = result.monthly()
    tobacco = result.monthly_segments().query("state == 'subsidised' and sector == 'tembakau'")
    tobacco_members = tobacco.groupby("month", sort=False)["members"].sum().to_numpy()
    np.testing.assert_allclose(m["cost_dbhcht"], tobacco_members * RATE, rtol=1e-12)
    others = m["subsidised"] - tobacco_members
    np.testing.assert_allclose(m["cost_apbd_kabupaten"], 0.7 * others * RATE, rtol=1e-12)
    np.testing.assert_allclose(m["cost_apbd_provinsi"], 0.3 * others * RATE, rtol=1e-12)
    total = m["cost_dbhcht"] + m["cost_apbd_kabupaten"] + m["cost_apbd_provinsi"]
    np.testing.assert_allclose(total, m["subsidised"] * RATE, rtol=1e-12)
    np.testing.assert_allclose(m["subsidy_cost"], total, rtol=1e-12)


def test_the_ceiling_ignores_members_another_payer_covers():
    """DBHCHT pays for tobacco UMKM, so a ceiling for 10,000 members covers them on top."""
    overrides = {
        "assumptions.closure_rate": 0.0,
        "population.entry_rate": 0.0,
        "policy.priority": "sector_order",
        "policy.sector_order": ORDER,
        "policy.group_payers": [{"payer": "dbhcht", "sectors": ["tembakau"], "share": 1.0}],
        "policy.budget_ceiling": 10_000 * YEARLY,
    }
    jan = by_sector(run(BASELINE, overrides=overrides), month="2026-01")
    assert jan["tembakau"] == pytest.approx(3_650)
    assert jan["pertanian"] == pytest.approx(10_000)
