"""The brief's cash plan (anggaran kas): the first fiscal year's months by payer, with totals.

A quiet one-year baseline (nobody enters, closes, lapses or graduates) keeps its 73,000 UMKM
subsidised all year at Rp16,800 a member-month (JKK 10,000 + JKM 6,800, facts F1.1, F1.2), all paid
by the APBD Kabupaten: the year's accrual is 73,000 x 16,800 x 12 = Rp14,716,800,000.
"""

from __future__ import annotations

import re

import pytest
from conftest import BASELINE, quiet

import simulation
from simulation.reporting.notebook import prepare
from simulation.reporting.pdf import KEEP_CLASS, TOTAL_CLASS, print_html
from simulation.reporting.tables import cash_first_year

MEMBERS, MONTHLY = 73_000, 16_800
YEAR = MEMBERS * MONTHLY * 12  # 14,716,800,000 rupiah


def closed_form(**schedule) -> dict:
    return {**quiet(), "years": 1, **{f"policy.payment_schedule.{k}": v for k, v in schedule.items()}}


def by_source(table) -> dict:
    return {source: table.frame[header].to_numpy() for header, source in table.sources.items()}


def test_the_years_total_is_the_accrued_cost_of_the_closed_form_year():
    result = simulation.run(BASELINE, overrides=closed_form())
    table = cash_first_year(result, "id")
    cells = by_source(table)
    assert list(cells["month"]) == [
        *(f"{m} 2026" for m in ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")),
        "Jumlah 2026",
    ]
    assert cells["cash_total"][-1] == pytest.approx(14_716_800_000, rel=1e-12)
    assert cells["cash_apbd_kabupaten"][-1] == pytest.approx(YEAR, rel=1e-12)
    # paid monthly: every month is its own accrual, 73,000 x 16,800
    assert cells["cash_apbd_kabupaten"][:12] == pytest.approx([MEMBERS * MONTHLY] * 12, rel=1e-12)
    assert result.annual()["cost_apbd_kabupaten"].iloc[0] == pytest.approx(YEAR, rel=1e-12)


def test_a_yearly_in_advance_schedule_pays_everything_in_january():
    result = simulation.run(BASELINE, overrides=closed_form(every="yearly", timing="advance"))
    cells = by_source(cash_first_year(result, "en"))
    assert cells["month"][0] == "Jan 2026" and cells["month"][-1] == "Total 2026"
    assert cells["cash_apbd_kabupaten"][0] == pytest.approx(YEAR, rel=1e-12)
    assert list(cells["cash_apbd_kabupaten"][1:12]) == [0.0] * 11
    assert cells["cash_total"][-1] == pytest.approx(YEAR, rel=1e-12)


def test_quarterly_in_arrears_pays_three_months_at_each_quarters_end():
    result = simulation.run(BASELINE, overrides=closed_form(every="quarterly", timing="arrears"))
    paid = by_source(cash_first_year(result, "id"))["cash_apbd_kabupaten"][:12]
    expected = [0.0, 0.0, 3 * MEMBERS * MONTHLY] * 4
    assert paid == pytest.approx(expected, rel=1e-12, abs=1e-6)


@pytest.mark.parametrize("name", ["dbhcht_tobacco", "province_cofinancing"])
def test_each_payers_year_total_is_its_accrued_cost_and_a_payer_starting_later_is_left_out(name):
    result = simulation.run(BASELINE.parent / f"{name}.yaml")
    cells = by_source(cash_first_year(result, "id"))
    annual = result.annual().iloc[0]
    shown = [p for p in result.payers if f"cash_{p}" in cells]
    assert shown == [p for p in result.payers if annual[f"cost_{p}"] > 0]
    assert len(shown) == {"dbhcht_tobacco": 2, "province_cofinancing": 1}[name]  # the province pays from 2027
    for payer in shown:
        assert cells[f"cash_{payer}"][-1] == pytest.approx(annual[f"cost_{payer}"], rel=1e-12)
        assert cells[f"cash_{payer}"][:-1].sum() == pytest.approx(cells[f"cash_{payer}"][-1], rel=1e-12)
    row_sums = sum(cells[f"cash_{payer}"] for payer in shown)
    assert cells["cash_total"] == pytest.approx(row_sums, rel=1e-12)


def test_a_horizon_starting_in_july_shows_its_six_months():
    result = simulation.run(BASELINE.parent / "delayed_start.yaml")
    months = by_source(cash_first_year(result, "en"))["month"]
    assert list(months) == ["Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026", "Dec 2026", "Total 2026"]


@pytest.mark.parametrize(
    "language, schedule, words",
    [
        ("id", {}, ["Anggaran kas 2026", "dibayar bulanan", "Rp14,72 miliar"]),
        ("en", {}, ["Cash plan 2026", "paid monthly", "IDR 14.72 billion"]),
        ("id", {"every": "yearly", "timing": "advance"}, ["dibayar tahunan di awal periode", "Rp14,72 miliar"]),
        ("en", {"every": "yearly", "timing": "advance"}, ["paid yearly in advance", "IDR 14.72 billion"]),
    ],
)
def test_the_brief_section_says_how_cash_differs_from_accrual(tmp_path, language, schedule, words):
    ctx = prepare(str(BASELINE), closed_form(**schedule), str(tmp_path), language=language)
    (section,) = ctx.cash_plan()
    page = section.data
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", " ", page, flags=re.S))
    for word in words:
        assert word in text, (word, text)
    other = "periode:" if language == "id" else "whereas"
    assert (other in text) == bool(schedule)  # the difference is explained only when there is one
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert len(cells) == 13 * 3  # 12 months and the total; month, APBD Kabupaten, total
    assert cells[-1] == ("14,72" if language == "id" else "14.72")  # the year's total in billions
    total_cells = re.findall(rf'<td[^>]*class="[^"]*\b{TOTAL_CLASS}\b[^"]*"[^>]*>([^<]*)</td>', page)
    assert total_cells == cells[-3:]  # the last row, and only it, is styled as the total
    assert page.startswith(f'<div class="{KEEP_CLASS}">')
    assert ("(Rp miliar)" if language == "id" else "(IDR billion)") in page


def test_every_payer_is_shown_in_the_tables_one_unit_so_a_row_adds_up(tmp_path):
    ctx = prepare(str(BASELINE.parent / "dbhcht_tobacco.yaml"), {}, str(tmp_path), language="id")
    (section,) = ctx.cash_plan()
    heads = re.findall(r"<th[^>]*col_heading[^>]*>([^<]*)</th>", section.data)
    assert heads[1:] == ["APBD Kabupaten (Rp miliar)", "DBHCHT (cukai tembakau) (Rp miliar)", "Jumlah kas (Rp miliar)"]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", section.data)
    month, kabupaten, dbhcht, total = cells[-4:]
    annual = ctx.result.annual().iloc[0]
    assert month == "Jumlah 2026"
    assert [kabupaten, dbhcht] == [
        f"{annual['cost_apbd_kabupaten'] / 1e9:.2f}".replace(".", ","),
        f"{annual['cost_dbhcht'] / 1e9:.2f}".replace(".", ","),
    ]
    assert total == f"{(annual['cost_apbd_kabupaten'] + annual['cost_dbhcht']) / 1e9:.2f}".replace(".", ",")


def test_the_total_row_is_bold_in_the_pdf_styles():
    page = print_html("<html><head><title>t</title></head><body></body></html>", "id")
    assert f"td.{TOTAL_CLASS} {{ font-weight: bold" in page
