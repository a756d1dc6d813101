"""Helpers for the registry tests: the fixtures, a test key, and reading back what ingest wrote."""

from __future__ import annotations

import csv

from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
VALID = FIXTURES / "registry_valid.csv"
DEFECTS = FIXTURES / "registry_defects.csv"
TEST_KEY = "test-only-pseudonym-key-0123456789"


def personal_values(path) -> set[str]:
    """Every NIK / business id and name in a CSV registry fixture (what must never be written)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = [h.strip().lower() for h in rows[0]]
    cols = [i for i, h in enumerate(header) if h in ("nik", "nama", "name", "business_id", "id_usaha")]
    return {row[i].strip() for row in rows[1:] for i in cols if i < len(row) and row[i].strip()}


def read_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
