"""Hypothesis strategies shared by the engines' property tests."""

from __future__ import annotations

from hypothesis import strategies as st

ORDER = ["tembakau", "pertanian", "kuliner", "kerajinan", "jasa", "perdagangan"]
CEILING_YEARS = (2026, 2027, 2028)


@st.composite
def ceiling_overrides(draw) -> dict:
    """A random three-year scenario under a budget ceiling: ceilings, a two-step rollout, a priority
    rule, closure, entry, graduation and its month, a province share from 2027, an optional DBHCHT
    tobacco group and a JKK change in July 2027 (dotted overrides on the baseline)."""
    ceilings = draw(st.lists(st.floats(0, 2e10), min_size=3, max_size=3))
    rollout = draw(st.lists(st.floats(0, 90_000), min_size=2, max_size=2))
    province = draw(st.floats(0, 0.6))
    overrides = {
        "years": 3,
        "policy.budget_ceiling": dict(zip(CEILING_YEARS, ceilings, strict=True)),
        "policy.rollout": {"2026-01": min(rollout), "2027-04": max(rollout)},
        "policy.priority": draw(st.sampled_from(["first_come", "kecamatan_quota", "sector_order"])),
        "policy.sector_order": ORDER[:3],
        "assumptions.closure_rate": draw(st.floats(0, 0.3)),
        "population.entry_rate": draw(st.floats(0, 0.1)),
        "policy.graduation.rate": draw(st.floats(0, 0.5)),
        "policy.graduation.evaluation_month": draw(st.integers(1, 12)),
        "policy.payers": {
            "2026-01": {"apbd_kabupaten": 1.0},
            "2027-01": {"apbd_kabupaten": 1 - province, "apbd_provinsi": province},
        },
        "contribution.jkk": {"2026-01": 10_000, "2027-07": draw(st.floats(5_000, 20_000))},
    }
    if draw(st.booleans()):
        overrides["policy.group_payers"] = [{"payer": "dbhcht", "sectors": ["tembakau"], "share": 1.0}]
    return overrides
