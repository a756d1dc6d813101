"""The portfolio brief: a PDF from the same HTML with the scenario brief's PDF code, and descriptions
in both languages, each brief using its own."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, page_texts
from test_brief_language import foreign_words
from weasyprint import HTML

from simulation.analysis.portfolio import read_portfolio, run_portfolio
from simulation.analysis.portfolio import write as portfolio_write
from simulation.reporting.pdf import print_html

SCENARIOS = ROOT / "scenarios"
PORTFOLIOS = sorted((SCENARIOS / "portfolios").glob("*.yaml"))
A4_CSS_PX = (210 / 25.4 * 96, 297 / 25.4 * 96)

PAIR = f"""
description:
  id: Lombok Timur dan Lombok Tengah bersama
  en: Lombok Timur and Lombok Tengah together
base: {SCENARIOS}/baseline.yaml
members:
  - {{region: "52.03", scenario: {SCENARIOS}/baseline.yaml}}
  - {{region: "52.02", scenario: {SCENARIOS}/lombok_tengah.yaml}}
"""


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    path = tmp_path_factory.mktemp("pair") / "pair.yaml"
    path.write_text(PAIR, encoding="utf-8")
    portfolio = read_portfolio(path)
    return portfolio, run_portfolio(portfolio, jobs=1)


@pytest.mark.parametrize("language, word, other", [("id", "Halaman", "en"), ("en", "Page", "id")])
def test_the_portfolio_brief_is_also_a_pdf_from_the_same_html(tmp_path, monkeypatch, pair, language, word, other):
    portfolio, result = pair
    calls = []
    real = portfolio_write.to_pdf
    monkeypatch.setattr(portfolio_write, "to_pdf", lambda *a: calls.append(a) or real(*a))
    out = tmp_path / language
    portfolio_write.write_portfolio(result, portfolio, out, language=language)
    html_path, pdf_path = out / "portfolio_brief.html", out / "portfolio_brief.pdf"
    assert [(c[0].name, c[1].name, c[2]) for c in calls] == [(html_path.name, pdf_path.name, language)]
    assert pdf_path.read_bytes()[:5] == b"%PDF-"
    # the same HTML through the same print styles: A4 portrait, numbered pages, headline on page 1
    page = html_path.read_text(encoding="utf-8")
    document = HTML(string=print_html(page, language)).render()
    assert len(document.pages) >= 2
    for number, one in enumerate(document.pages, start=1):
        assert (one.width, one.height) == pytest.approx(A4_CSS_PX, abs=0.5)
        assert f"{word} {number} / {len(document.pages)}" in page_texts(one._page_box, [])
    first = " ".join(page_texts(document.pages[0]._page_box, []))
    assert portfolio.describe(language) in " ".join(first.split())
    assert portfolio.describe(other) not in page
    assert b"/FontFile2" in document.write_pdf(uncompressed_pdf=True)  # fonts embedded


@pytest.mark.parametrize("path", PORTFOLIOS, ids=[p.stem for p in PORTFOLIOS])
def test_every_shipped_portfolio_is_described_in_both_languages(path):
    portfolio = read_portfolio(path)
    indonesian, english = portfolio.describe("id"), portfolio.describe("en")
    assert indonesian != english
    assert not foreign_words(indonesian, "id"), indonesian
    assert not foreign_words(english, "en"), english


def test_a_single_description_serves_both_languages_and_a_half_one_is_refused(tmp_path):
    one = tmp_path / "one.yaml"
    one.write_text(PAIR.replace(PAIR.split("base:")[0], "\ndescription: one text\n"), encoding="utf-8")
    assert read_portfolio(one).describe("id") == read_portfolio(one).describe("en") == "one text"
    half = tmp_path / "half.yaml"
    half.write_text(PAIR.replace("  en: Lombok Timur and Lombok Tengah together\n", ""), encoding="utf-8")
    with pytest.raises(ValueError, match="en"):
        read_portfolio(half)
    with pytest.raises(ValueError, match="fr"):
        read_portfolio(one).describe("fr")


def test_the_year_table_writes_every_rupiah_column_in_one_unit():
    from simulation.reporting.portfolio_brief import year_table

    annual = pd.DataFrame(
        {
            "year": [2026, 2027],
            "covered_end": [1000.0, 900.0],
            "coverage_end": [0.5, 0.45],
            "subsidy_cost": [2.5e9, 9.0e8],  # billions in one row, millions in the next
            "cost_apbd_kabupaten": [2.0e9, 7.2e8],
            "cost_apbd_provinsi": [5.0e8, 1.8e8],
        }
    )
    table = year_table(annual, "id")
    money = [c for c in table.columns if "miliar" in c]
    assert money == ["Biaya publik (Rp miliar)", "APBD Kabupaten (Rp miliar)", "APBD Provinsi (Rp miliar)"]
    assert table[money[0]].tolist() == ["2,50", "0,90"]
    assert table[money[2]].tolist() == ["0,50", "0,18"]
    assert not any("juta" in str(v) for v in table.to_numpy().ravel())


def test_a_portfolio_table_marks_its_number_columns_and_their_headings():
    """The cells after the label columns, and their headings, have the class the PDF sets flush right."""
    from simulation.reporting.pdf import NUMBER_CLASS
    from simulation.reporting.portfolio_brief import _html_table

    frame = pd.DataFrame({"Tahun": [2026], "UMKM": ["358.198"], "Biaya": ["74,26"]})
    number = f' class="{NUMBER_CLASS}"'
    assert _html_table(frame, labels=1) == (
        f"<table><thead><tr><th>Tahun</th><th{number}>UMKM</th><th{number}>Biaya</th></tr></thead>"
        f"<tbody><tr><td>2026</td><td{number}>358.198</td><td{number}>74,26</td></tr></tbody></table>"
    )
