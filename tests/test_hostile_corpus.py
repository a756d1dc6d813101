"""Every case of the hostile corpus (``hostile_corpus.py``) ends as expected, with no traceback."""

from __future__ import annotations

import pytest
from hostile_corpus import CASES, outcome, run_case


def test_the_corpus_is_large_and_its_ids_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) >= 100 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_case_ends_as_expected(case, tmp_path):
    code, text = run_case(case, tmp_path)
    assert outcome(case, code, text) == "as expected", f"exit {code}, expected {case.exit}:\n{text}"
