"""Priority rules: who among the eligible UMKM is enrolled first when not all can be.

One registry, :data:`PRIORITY_RULES`; each rule is one small class with its forms side by side
(``docs/model.md``, step b; ``docs/fiscal.md`` for the budget ceiling that trims them):

- ``rank(sectors, sector_order)``: the rank of each segment, 0 served first;
- ``expected(eligible, take, kecamatan, quota)``: the expected-value form (cohort engine):
  ``take`` (P,) enrolments spread over the segments of one rank, shape (P, G);
- ``agents(segment, rank, kecamatan)``: the agent-level form (micro engine): the leading part of
  each agent's sort key (smallest first), ahead of "suspended first" and the priority score.
  A rule with ``uses_quota`` also shares whole UMKM among kecamatan by quota
  (:func:`simulation.engines.micro_enrolment.apportion`).

The scenario schema's allowed values (``policy.priority``) come from this registry.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from simulation.rules.lookup import lookup


class Rule:
    """A priority rule (subclasses set the attributes and the forms)."""

    name: ClassVar[str]
    description: ClassVar[str]
    uses_quota: ClassVar[bool] = False
    """Whether the rule shares enrolments among kecamatan by ``policy.kecamatan_quota``."""

    @staticmethod
    def rank(sectors: list[str], sector_order: list[str] | None) -> np.ndarray:
        """Rank of each segment (0 first), from the segments' sector names; all 0 unless overridden."""
        return np.zeros(len(sectors), dtype=int)

    @staticmethod
    def expected(eligible: np.ndarray, take: np.ndarray, kecamatan: np.ndarray, quota) -> np.ndarray:
        """Pro rata to the eligible UMKM of the rank's segments (P, G); ``take`` (P,) UMKM."""
        total = eligible.sum(axis=1)
        share = np.divide(take, total, out=np.zeros_like(take), where=total > 0)
        return eligible * share[:, None]

    @staticmethod
    def agents(segment: np.ndarray, rank: np.ndarray, kecamatan: np.ndarray) -> np.ndarray:
        """Sort-key lead of each agent (uint64): its segment's rank."""
        return rank[segment]


class FirstCome(Rule):
    name = "first_come"
    description = "by priority score, highest first (pro rata over segments in expectation)"


class SectorOrder(Rule):
    name = "sector_order"
    description = "sectors in the order of policy.sector_order, then by priority score"

    @staticmethod
    def rank(sectors, sector_order):
        position = {s: i for i, s in enumerate(sector_order)}
        return np.array([position.get(s, len(sector_order)) for s in sectors])


class KecamatanQuota(Rule):
    name = "kecamatan_quota"
    description = "enrolments shared among kecamatan by policy.kecamatan_quota, by priority score within each"
    uses_quota = True

    @staticmethod
    def expected(eligible, take, kecamatan, quota):
        """By kecamatan quota; what a kecamatan cannot use is spread pro rata over the room left."""
        n_kec = kecamatan.max() + 1
        kec_elig = np.zeros((eligible.shape[0], n_kec))
        np.add.at(kec_elig.T, kecamatan, eligible.T)
        shares = np.zeros(n_kec)
        shares[kecamatan] = quota
        shares = shares / shares.sum()
        allowance = np.minimum(take[:, None] * shares[None, :], kec_elig)
        leftover = take - allowance.sum(axis=1)
        room = kec_elig - allowance
        room_total = room.sum(axis=1)
        extra = room * np.divide(leftover, room_total, out=np.zeros_like(leftover), where=room_total > 0)[:, None]
        kec_take = allowance + extra
        within = np.divide(kec_take, kec_elig, out=np.zeros_like(kec_take), where=kec_elig > 0)
        return eligible * within[:, kecamatan]

    @staticmethod
    def agents(segment, rank, kecamatan):
        """Sort-key lead: the kecamatan (the order within each kecamatan follows)."""
        return kecamatan[segment].astype(np.uint64)


PRIORITY_RULES: dict[str, type[Rule]] = {r.name: r for r in (FirstCome, KecamatanQuota, SectorOrder)}
"""Every priority rule by the name scenario files use (``policy.priority``)."""

PRIORITY_RULE_NAMES: tuple[str, ...] = tuple(PRIORITY_RULES)
DEFAULT_PRIORITY = "first_come"
"""The rule when a scenario names none."""


def priority_rule(name: str) -> type[Rule]:
    """The priority rule called ``name``; :class:`~simulation.rules.lookup.UnknownRuleError` otherwise."""
    return lookup(PRIORITY_RULES, "priority", name)
