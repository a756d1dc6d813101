"""Priority rules and the budget ceiling for individual UMKM (the micro engine's step b).

The cohort engine spreads expected counts over segments (:mod:`simulation.engines.enrolment`);
here every UMKM is an agent with a priority score (higher first), and the same rules choose
whole UMKM:

- ``first_come``: by priority score;
- ``sector_order``: by the sector's rank in ``policy.sector_order``, then by priority score;
- ``kecamatan_quota``: the UMKM to choose are shared among kecamatan by quota, in whole UMKM
  by largest remainder (what a kecamatan cannot use is shared among the others in proportion
  to what they have left, as in the cohort engine), by priority score within a kecamatan.

Within the rule's order, UMKM suspended by the ceiling come before the others (they head the
waiting list). With a ceiling, the chosen set is the largest one in that order whose cost fits
the money left: the cumulative sum of each agent's rest-of-year cost for an ordered rule, a
bisection over the number chosen for kecamatan quotas (the cost of the quota allocation is
checked at every step, so the answer never costs more than the money).
"""

from __future__ import annotations

import numpy as np

from simulation.rules.priority import priority_rule

_LOW32 = np.uint64(0xFFFFFFFF)


def descending_bits(priority: np.ndarray) -> np.ndarray:
    """uint64 keys that sort float32 ``priority`` from highest to lowest (in the low 32 bits)."""
    b = np.ascontiguousarray(priority, dtype=np.float32).view(np.uint32).astype(np.uint64)
    negative = (b >> np.uint64(31)) == 1
    ascending = np.where(negative, ~b & _LOW32, b | np.uint64(0x80000000))
    return _LOW32 - ascending


def stable_order(key: np.ndarray) -> np.ndarray:
    """``np.argsort(key, kind="stable")`` of uint64 ``key``, the same array, about five times faster.

    Each key is shifted left and given its position in the low bits, so no two are equal and the
    order of the sorted values is the stable order (ties by position); numpy sorts such values
    without keeping an index beside them (vector instructions where the machine has them: 30,000
    keys in 0.32 ms against 1.79 ms for the stable argsort, measured 2026-11-26). When key and
    position do not fit in 64 bits together, the stable argsort itself.
    """
    n = len(key)
    bits = max(int(n - 1).bit_length(), 1)
    if n == 0 or int(key.max()).bit_length() + bits > 64:
        return np.argsort(key, kind="stable")
    values = (key.astype(np.uint64) << np.uint64(bits)) | np.arange(n, dtype=np.uint64)
    values.sort()
    return (values & np.uint64((1 << bits) - 1)).astype(np.intp)


def apportion(k: int, quota: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Share ``k`` whole units among groups by ``quota`` (largest remainder), at most ``caps`` each.

    What a capped group cannot take is shared among the others in proportion to their room
    left (again by largest remainder). Returns int64 counts summing to ``min(k, caps.sum())``;
    ties go to the lower group index.
    """
    caps = np.asarray(caps, dtype=np.int64)
    out = np.zeros_like(caps)
    left = int(min(k, caps.sum()))
    weights = np.asarray(quota, dtype=float)
    while left > 0:
        room = caps - out
        w = np.where(room > 0, weights, 0.0)
        if w.sum() <= 0:
            w = room.astype(float)
        share = left * w / w.sum()
        base = np.minimum(np.floor(share).astype(np.int64), room)
        extra = left - int(base.sum())
        frac = np.where(base < room, share - np.floor(share), -1.0)
        order = np.argsort(-frac, kind="stable")[:extra]
        base[order[frac[order] >= 0]] += 1
        out += base
        left -= int(base.sum())
        weights = (caps - out).astype(float)  # later passes: in proportion to the room left
    return out


class MicroEnrolment:
    """The priority rule and ceiling of a scenario, applied to agents.

    Parameters
    ----------
    rule : simulation.engines.enrolment.Enrolment
        The compiled rule (P = 1): segment ranks, kecamatan quotas, ceiling,
        unit and rest-of-year costs per month and segment (rupiah).
    """

    def __init__(self, rule):
        self.rule = rule
        self.capped = rule.capped
        self.ceiling = rule.ceiling[0]  # (T,) rupiah, inf where none
        self.rank = rule.rank.astype(np.uint64)  # (G,)
        self.kecamatan = rule.kecamatan.astype(np.int64)  # (G,)
        self.priority = priority_rule(rule.priority)
        self.by_quota = self.priority.uses_quota
        self.plain = not self.capped and not self.by_quota and not rule.rank.any()
        if self.by_quota:
            n_kec = int(self.kecamatan.max()) + 1
            quota = np.zeros(n_kec)
            quota[self.kecamatan] = rule.quota
            self.quota = quota / quota.sum()

    def key(self, segment: np.ndarray, priority: np.ndarray, suspended: np.ndarray) -> np.ndarray:
        """Sort key (uint64, smallest first): sector rank, then suspended first, then priority score.
        Under kecamatan quotas the kecamatan leads (the order within each kecamatan follows)."""
        seg = segment.astype(np.int64)
        lead = self.priority.agents(seg, self.rank, self.kecamatan)
        prefix = lead * np.uint64(2) + (1 - suspended.astype(np.uint64))
        return (prefix << np.uint64(32)) | descending_bits(priority)

    def choose(self, idx, segment, priority, suspended, k: int, money: float, cost: np.ndarray):
        """The agents among ``idx`` to serve: the first ``k`` in the rule's order, cut to what ``money`` pays for.

        Parameters
        ----------
        idx : ndarray of int
            Candidate agents.
        segment, priority, suspended : ndarray
            Their segment, priority score and suspended flag.
        k : int
            How many the rollout wants.
        money : float
            Rupiah available (``inf``: no ceiling).
        cost : ndarray, shape (G,)
            Rupiah each agent of a segment costs the ceiling's payer.

        Returns
        -------
        chosen : ndarray of int
            Agents served (a subset of ``idx``).
        waiting : ndarray of int
            The next ``k - len(chosen)`` in the rule's order: wanted but kept out by the money.
        """
        k = min(int(k), len(idx))
        if k <= 0:
            return idx[:0], idx[:0]
        key = self.key(segment, priority, suspended)
        if self.by_quota:
            return self._by_quota(idx, segment, key, k, money, cost)
        if k < len(idx):
            top = np.argpartition(key, k - 1)[:k]
            top = top[stable_order(key[top])]
        else:
            top = stable_order(key)
        if not np.isfinite(money):
            return idx[top], idx[:0]
        n = int(np.searchsorted(np.cumsum(cost[segment[top]]), money, side="right"))
        return idx[top[:n]], idx[top[n:]]

    def _by_quota(self, idx, segment, key, k, money, cost):
        order = stable_order(key)
        kec = self.kecamatan[segment[order].astype(np.int64)]
        avail = np.bincount(kec, minlength=len(self.quota))
        start = np.r_[0, np.cumsum(avail)[:-1]]
        position = np.arange(len(order)) - start[kec]
        cum = np.r_[0.0, np.cumsum(cost[segment[order]])]

        def spend(alloc):
            return float((cum[start + alloc] - cum[start]).sum())

        alloc = apportion(k, self.quota, avail)
        if spend(alloc) > money:
            lo, hi = 0, k  # lo fits (or is zero), hi does not
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if spend(apportion(mid, self.quota, avail)) <= money:
                    lo = mid
                else:
                    hi = mid
            alloc = apportion(lo, self.quota, avail)
        more = apportion(k - int(alloc.sum()), self.quota, avail - alloc)
        chosen = position < alloc[kec]
        waiting = ~chosen & (position < (alloc + more)[kec])
        return idx[order[chosen]], idx[order[waiting]]
