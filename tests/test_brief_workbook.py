"""The workbook a planner prints and computes with, and the APBD accounts sheet."""

from __future__ import annotations

import pytest
from conftest import ROOT
from openpyxl import load_workbook

import simulation
from simulation.reporting.excel import sheet_name, write_workbook
from simulation.reporting.notebook import prepare
from simulation.reporting.tables import APBD_ACCOUNTS, apbd_table

BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    folder = tmp_path_factory.mktemp("brief")
    prepare(str(BASELINE), {}, str(folder), language="id")
    return folder, load_workbook(folder / "tables.xlsx")


def test_every_sheet_prints_a4_landscape_fit_to_width_with_the_header_repeated(brief):
    _, book = brief
    for ws in book.worksheets:
        assert int(ws.page_setup.paperSize) == 9, ws.title  # 9: A4 in the OOXML paper codes
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows.replace("$", "") == "1:1", ws.title
        assert "&P" in ws.oddFooter.center.text, ws.title


def test_header_rows_are_tall_enough_for_their_wrapped_words(brief):
    _, book = brief
    for ws in book.worksheets:
        for cell in ws[1]:
            width = ws.column_dimensions[cell.column_letter].width
            words, lines, used = str(cell.value).split(), 1, 0
            for word in words:  # greedy wrap, as a spreadsheet does
                if used and used + 1 + len(word) > width - 1:
                    lines, used = lines + 1, len(word)
                else:
                    used += len(word) + (1 if used else 0)
            assert ws.row_dimensions[1].height >= 15 * lines, (ws.title, cell.value, width)


def test_assumption_values_are_numbers_with_their_rows_format(brief):
    _, book = brief
    ws = book[sheet_name("assumptions", "id")]
    headers = [c.value for c in ws[1]]
    value, key = headers.index("Nilai") + 1, headers.index("Parameter") + 1
    rows = {ws.cell(row=r, column=key).value: ws.cell(row=r, column=value) for r in range(2, ws.max_row + 1)}
    jkm = rows["Iuran JKM"]
    assert jkm.value == 6800 and isinstance(jkm.value, (int, float)) and jkm.number_format == '"Rp"#,##0'
    closure = rows["Usaha yang tutup"]
    assert closure.value == pytest.approx(0.05) and closure.number_format == "0.0%"
    numeric = [c for c in rows.values() if isinstance(c.value, (int, float))]
    assert len(numeric) >= 25


def test_counts_show_as_whole_numbers(brief):
    _, book = brief
    ws = book[sheet_name("annual", "id")]
    headers = [c.value for c in ws[1]]
    covered = ws.cell(row=2, column=headers.index("UMKM terlindungi (akhir tahun)") + 1)
    assert covered.number_format == "#,##0"


@pytest.mark.parametrize("name", ["baseline", "province_cofinancing", "budget_ceiling"])
def test_the_apbd_sheet_splits_the_regency_cost_into_jkk_and_jkm(tmp_path, name):
    result = simulation.run(ROOT / "scenarios" / f"{name}.yaml")
    table = apbd_table(result, "id")
    by = {source: table.frame[header].to_numpy() for header, source in table.sources.items()}
    annual = result.annual()
    # the accounts add up to the regency's column of the annual table
    assert by["cost_apbd_kabupaten"] == pytest.approx(annual["cost_apbd_kabupaten"].to_numpy(), rel=1e-12)
    assert by["cost_apbd_kabupaten_jkk"] + by["cost_apbd_kabupaten_jkm"] == pytest.approx(by["cost_apbd_kabupaten"])
    # closed form: JKK Rp10,000 and JKM Rp6,800 a member-month (F1.1, F1.2), so JKK / JKM = 10,000 / 6,800
    paying = by["cost_apbd_kabupaten_jkm"] > 0
    assert by["cost_apbd_kabupaten_jkk"][paying] / by["cost_apbd_kabupaten_jkm"][paying] == pytest.approx(
        10_000 / 6_800
    )
    headers = list(table.frame.columns)
    assert any(APBD_ACCOUNTS["jkk"] in h for h in headers) and any(APBD_ACCOUNTS["jkm"] in h for h in headers)
    path = write_workbook(tmp_path / "t.xlsx", {"apbd": table}, "id")
    ws = load_workbook(path)[sheet_name("apbd", "id")]
    assert ws.cell(row=2, column=2).value == pytest.approx(by["cost_apbd_kabupaten_jkk"][0])
    assert ws.cell(row=2, column=2).number_format == "#,##0.0,,"  # shown in millions
    assert ws.cell(row=1, column=2).value.endswith("(Rp juta)")


@pytest.mark.parametrize("every", ["monthly", "quarterly", "yearly"])
def test_the_cash_plan_sheet_pays_each_payers_annual_cost_on_its_schedule(tmp_path, every):
    from simulation.reporting.tables import cash_table

    result = simulation.run(
        ROOT / "scenarios" / "province_cofinancing.yaml", overrides={"policy.payment_schedule.every": every}
    )
    table = cash_table(result, "id")
    frame = table.frame.set_axis([table.sources[c] for c in table.frame.columns], axis=1)
    frame["year"] = frame["month"].str[:4].astype(int)
    annual = result.annual().set_index("year")
    for payer_name in ("apbd_kabupaten", "apbd_provinsi", "dbhcht"):
        paid = frame.groupby("year")[f"cash_{payer_name}"].sum()
        assert paid.to_numpy() == pytest.approx(annual[f"cost_{payer_name}"].to_numpy(), rel=1e-9, abs=1e-3)
    months_paying = (frame["cash_total"] > 0).sum()
    assert months_paying == {"monthly": 120, "quarterly": 40, "yearly": 10}[every]
    path = write_workbook(tmp_path / "c.xlsx", {"cash": table}, "id")
    ws = load_workbook(path)[sheet_name("cash", "id")]
    assert ws.cell(row=1, column=1).value == "Bulan" and ws.cell(row=2, column=2).value == pytest.approx(
        frame["cash_apbd_kabupaten"].iloc[0]
    )
