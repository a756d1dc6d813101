"""One language per brief: the Indonesian brief has no English words and the English one no Indonesian.

Every piece the report notebook displays (title, headline, reading, tables, notes), the chart
titles and the workbook's cells are scanned for words of the other language from a list; the
scenario descriptions of every shipped scenario exist in both languages.
"""

from __future__ import annotations

import re

import pytest
from conftest import BASELINE, ROOT
from openpyxl import load_workbook

from simulation.reporting.notebook import prepare
from simulation.reporting.parameter_labels import PARAMETERS
from simulation.scenario import load_scenario
from simulation.scenario.schema import Description

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

FOREIGN = {
    # words that mark English in an Indonesian brief
    "id": {
        "the",
        "and",
        "of",
        "with",
        "from",
        "paid",
        "paying",
        "cost",
        "costs",
        "year",
        "years",
        "members",
        "member",
        "assumption",
        "share",
        "protected",
        "coverage",
        "enrolled",
        "graduates",
        "engine",
        "cohort",
        "scenario",
        "rule",
        "probability",
        "per member",
        "month",
        "value",
        "source",
        "population",
        "policy",
        "assumptions",
        "version",
        "created",
        "replicates",
        "overrides",
    },
    # words that mark Indonesian in an English brief
    "en": {
        "dan",
        "yang",
        "dari",
        "untuk",
        "tahun",
        "biaya",
        "sejak",
        "asumsi",
        "peserta",
        "tidak",
        "dengan",
        "pada",
        "terlindungi",
        "iuran",
        "skenario",
        "sumber",
        "nilai",
        "bulan",
        "sebaran",
        "omzet",
        "perdagangan",
        "kuliner",
        "pertanian",
        "kerajinan",
        "jasa",
        "tembakau",
        "rincian",
        "aturan",
        "peluang",
    },
}


def foreign_words(text: str, language: str) -> set[str]:
    """Words of the other language in ``text``; code spans are left out, and a scenario's file name
    (``baseline``) is a name, not a word, so the lists do not hold it."""
    text = re.sub(r"`[^`]*`", " ", text)
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    phrases = {p for p in FOREIGN[language] if " " in p and p in text.lower()}
    return (words & FOREIGN[language]) | phrases


def brief_texts(ctx, folder) -> dict[str, str]:
    """Everything a reader of the brief sees, by piece, as text (tables through their HTML cells)."""

    def cells(styler) -> str:
        frame = styler.data
        shown = styler.to_html()
        return " ".join(map(str, frame.columns)) + " " + re.sub(r"<[^>]+>", " ", shown)

    def shown(page: str) -> str:
        return re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", " ", page, flags=re.S))

    pieces = {
        "title": ctx.title().data,
        "headline": cells(ctx.headline()),
        "reading": ctx.reading().data,
        "years": cells(ctx.years()),
        "payers": cells(ctx.payers()),
        "assumptions": cells(ctx.assumptions()),
        "notes": ctx.notes().data,
        "fiscal": " ".join(cells(p) if hasattr(p, "to_html") else p.data for p in ctx.fiscal()),
        "cash_plan": " ".join(shown(p.data) for p in ctx.cash_plan()),
        "charts": " ".join(ctx.chart(name).alt for name in ctx.charts),
    }
    for key in ("section_headline", "section_reading", "section_years", "section_charts", "section_payers"):
        pieces[key] = ctx.heading(key).data
    book = load_workbook(folder / "tables.xlsx")
    pieces["xlsx"] = " ".join(
        [ws.title for ws in book.worksheets]
        + [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    )
    return pieces


@pytest.mark.parametrize("name", ["baseline", "budget_ceiling", "dbhcht_tobacco", "province_cofinancing"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_brief_has_no_word_of_the_other_language(tmp_path, name, language):
    path = ROOT / "scenarios" / f"{name}.yaml"
    ctx = prepare(str(path), {}, str(tmp_path), language=language)
    found = {piece: foreign_words(text, language) for piece, text in brief_texts(ctx, tmp_path).items()}
    found = {piece: words for piece, words in found.items() if words}
    assert not found, f"{language} brief of {name} has words of the other language: {found}"


def test_the_scan_finds_a_foreign_word():
    assert foreign_words("Biaya publik seluruhnya, paid by the regency", "id") == {"paid", "the"}
    assert foreign_words("Total public cost dari APBD", "en") == {"dari"}
    assert foreign_words("skenario `baseline` dari", "id") == set()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_is_described_in_both_languages(path):
    scenario = load_scenario(path)
    assert isinstance(scenario.model.description, Description)
    indonesian, english = scenario.model.describe("id"), scenario.model.describe("en")
    assert not foreign_words(indonesian, "id"), indonesian
    assert not foreign_words(english, "en"), english
    assert indonesian != english


def test_a_single_description_serves_both_languages_and_a_bad_one_is_refused(tmp_path):
    one = tmp_path / "one.yaml"
    one.write_text(f"extends: {BASELINE}\ndescription: a plain description\n", encoding="utf-8")
    model = load_scenario(one).model
    assert model.describe("id") == model.describe("en") == "a plain description"
    half = tmp_path / "half.yaml"
    half.write_text(f"extends: {BASELINE}\ndescription: {{id: hanya satu}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="en"):
        load_scenario(half)
    with pytest.raises(ValueError, match="language 'fr'"):
        model.describe("fr")


def test_every_parameter_of_the_schema_has_a_label_in_both_languages():
    from pydantic import BaseModel

    from simulation.scenario.schema import Param, ScenarioModel

    def walk(cls, path=""):
        for name, field in cls.model_fields.items():
            key = f"{path}.{name}" if path else name
            for kind in getattr(field.annotation, "__args__", None) or (field.annotation,):
                if isinstance(kind, type) and issubclass(kind, Param):
                    yield key
                elif isinstance(kind, type) and issubclass(kind, BaseModel) and kind is not Description:
                    yield from walk(kind, key)

    keys = set(walk(ScenarioModel))
    assert len(keys) > 30
    assert keys == set(PARAMETERS), (keys - set(PARAMETERS), set(PARAMETERS) - keys)
    for entry in PARAMETERS.values():
        assert all(entry.label[lang] and entry.unit[lang] for lang in ("id", "en"))
