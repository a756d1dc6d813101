"""docs/evidence.md tabulates the baseline's parameters and is current."""

from __future__ import annotations

from conftest import ROOT

from simulation.analysis.evidence import evidence_markdown


def test_the_evidence_document_is_current():
    committed = (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8")
    assert committed == evidence_markdown(), "docs/evidence.md is stale: run python -m simulation.analysis.evidence"


def test_the_evidence_table_shows_the_revised_defaults_with_their_facts():
    text = evidence_markdown()
    assert "| `policy.graduation.rate` | 0.05 | probability per evaluation" in text
    assert "| 0.01 - 0.25 | triangular (mode 0.05) | G5.1-G5.3, G1.4" in text
    assert "| `population.initial_umkm` | 73,000 | UMKM | 31,000 - 122,000 | uniform | F0.1" in text
