"""Shared payers: a share of every member's bill, billed once per member, within a shared ceiling."""

from __future__ import annotations

from typing import Any

import pandas as pd

OWN_BUDGET = "apbd_kabupaten"
"""Who pays what a shared payer's ceiling leaves over: the member's own regency budget."""

SCALED_KEYS = ("population.initial_umkm", "policy.rollout", "policy.coverage_target", "policy.budget_ceiling")
"""Parameters in UMKM or rupiah of one regency, multiplied by ``--scale``."""


def _dated(scenario, dotted: str) -> dict[str, Any] | None:
    node: Any = scenario.model
    for part in dotted.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    if node.values is None:
        return {scenario.model.start: node.value}
    return dict(node.values)


def payer_overrides(scenario, shared) -> dict[str, Any]:
    """``policy.payers`` with every shared payer's share in it, the member's own payers scaled to the rest.

    For every dated split of the member: each shared payer gets its ``share`` (replacing any share it
    had: billed once); the member's other payers keep their proportions of ``1 - sum(shares)``; a
    member with no other payer puts the rest on its own regency budget.

    Parameters
    ----------
    scenario : Scenario
        The member as loaded (its ``policy.payers``).
    shared : sequence of SharedPayer

    Returns
    -------
    dict
        ``{"policy.payers": {period: {payer: share}}}``, or empty with no shared payer.
    """
    if not shared:
        return {}
    names = {p.payer for p in shared}
    rest = 1.0 - sum(p.share for p in shared)
    out = {}
    for period, split in _dated(scenario, "policy.payers").items():
        own = {k: v for k, v in split.items() if k not in names and v > 0}
        total = sum(own.values())
        new = {k: rest * v / total for k, v in own.items()} if total > 0 else {OWN_BUDGET: rest}
        new |= {p.payer: p.share for p in shared}
        out[period] = {k: v for k, v in new.items() if v > 0}
    return {"policy.payers": out}


def scale_overrides(scenario, scale: float) -> dict[str, Any]:
    """The member's UMKM counts and budget ceiling multiplied by ``scale`` (empty for 1)."""
    if scale == 1:
        return {}
    out = {}
    for key in SCALED_KEYS:
        dated = _dated(scenario, key)
        if dated is not None:
            out[key] = {period: value * scale for period, value in dated.items()}
    return out


def apply_ceiling(payers: pd.DataFrame, annual: pd.DataFrame, shared) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cut every shared payer's bills to its ceiling by its rule; the rest falls to each member's budget.

    ``pro_rata``: in a fiscal year where the members' bills to the payer add up to more than its
    ceiling, each member's bill is multiplied by ``ceiling / total`` and what is cut is added to
    that member's APBD Kabupaten, nominal and real alike, so each member's public cost is unchanged.

    Parameters
    ----------
    payers : DataFrame
        Region x year x payer: ``region, year, payer, nominal, real``, every member with an
        ``apbd_kabupaten`` row every year (zero when it pays nothing).
    annual : DataFrame
        Region x year with ``cost_<payer>`` columns.
    shared : sequence of SharedPayer

    Returns
    -------
    (DataFrame, DataFrame)
        Both tables with the cut applied (copies, rows in the same order).
    """
    payers, annual = payers.copy(), annual.copy()
    for p in shared:
        if p.ceiling is None:
            continue
        mine = payers["payer"] == p.payer
        bill = payers[mine].groupby("year")["nominal"].sum()
        factor = (p.ceiling / bill).clip(upper=1.0).where(bill > 0, 1.0)
        kept = payers["year"].map(factor).fillna(1.0)
        for col in ("nominal", "real"):
            cut = (payers[col] * (1.0 - kept)).where(mine, 0.0)
            moved = cut.groupby([payers["region"], payers["year"]]).sum()
            own = payers["payer"] == OWN_BUDGET
            keys = pd.MultiIndex.from_frame(payers.loc[own, ["region", "year"]])
            payers.loc[own, col] += moved.reindex(keys).to_numpy()
            payers[col] -= cut
        kept_year = annual["year"].map(factor).fillna(1.0)
        cut = annual[f"cost_{p.payer}"] * (1.0 - kept_year)
        annual[f"cost_{p.payer}"] -= cut
        annual[f"cost_{OWN_BUDGET}"] = annual.get(f"cost_{OWN_BUDGET}", 0.0) + cut
    return payers, annual
