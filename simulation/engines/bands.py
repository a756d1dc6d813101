"""The cohort engine's twin of the micro engine's revenue and tenure: revenue bands.

For every rule but a plain graduation rate the cohort engine needs to know,
per segment, how the eligible and subsidised UMKM are spread over revenue and
over months of subsidy. :class:`SubsidisedTwin` carries expected counts

* ``e[p, g, b]``: eligible UMKM of segment ``g`` in revenue band ``b``;
* ``s[p, g, k, b]``: subsidised UMKM with ``k + 1`` months of subsidy billed
  (the last class holds ``K`` months or more, ``K = max(12 * min_subsidised_years, 1)``),

alongside the cohort engine's stocks, and applies the same events: entry
(new UMKM get the starting revenue distribution), enrolment (pro rata, so the
same share of every band), closure (the same share of every band), and at an
evaluation the revenue increment (a transition between bands) and graduation.

Bands are log-spaced: equal width ``BAND_WIDTH`` in log revenue, with the first
revenue threshold on an edge so that "revenue >= threshold" is exact for whole
bands, and two open-ended outer bands. An increment moves the mass of a band
as if it sat at the band's centre (in log revenue); that is the only
discretisation, and its effect on the outputs is measured in
``tests/test_agreement.py`` by halving the width.

Per-sample revenue parameters (the sensitivity evaluator, :mod:`simulation.analysis.evaluate`).
A revenue threshold varied per sample, ``v_p``, is carried exactly by a shift of the revenue
axis: ``log R >= log v_p`` holds exactly when ``log R - shift_p >= log v_0`` with
``shift_p = log v_p - log v_0``. The increments are the same normal laws whatever the level, so
the band-to-band moves do not depend on the shift, and each sample differs only in its starting
revenue law, centred at ``log_mean0 - shift_p``: one grid (anchored on ``v_0``, widened to cover
every shift) serves every sample, and every sample's threshold sits on an edge, as in a
single-sample run. A growth share varied per sample (rule ``revenue_growth``) enters only the
rule's probability ``P(increment >= log(1 + g_p))``, computed per sample.
"""

from __future__ import annotations

from copy import copy
from dataclasses import replace

import numpy as np

from simulation.engines.revenue import GraduationRules, graduation_rules

BAND_WIDTH = 0.05
"""Width of a revenue band in log revenue (about 5% of revenue)."""
SPAN_SD = 7.0
"""The grid covers this many standard deviations of log revenue either side of the sector means."""


class SubsidisedTwin:
    """Revenue bands and months of subsidy for the cohort engine (see the module docstring).

    Parameters
    ----------
    rules : GraduationRules
    n_segments : int
    band_width : float
        Width of a band in log revenue.
    shift : ndarray, shape (P,), optional
        Per sample, the log of its revenue threshold over the threshold the grid is anchored on
        (see the module docstring); None: no per-sample threshold.
    log_growth : ndarray, shape (P,), optional
        Per sample, ``log(1 + revenue_growth)``; None: the scenario's value each month.
    """

    def __init__(
        self,
        rules: GraduationRules,
        n_segments: int,
        band_width: float = BAND_WIDTH,
        shift: np.ndarray | None = None,
        log_growth: np.ndarray | None = None,
    ):
        self.rules = rules
        self._moves = {}  # transition matrices by month and grid
        self.n_segments, self.band_width = n_segments, band_width
        self.shift = None if shift is None else np.asarray(shift, dtype=float)
        self.log_growth = None if log_growth is None else np.asarray(log_growth, dtype=float)
        wide = (0.0, 0.0) if self.shift is None else (float(self.shift.min()), float(self.shift.max()))
        n_sectors = len(rules.log_mean0)
        self.sector = np.arange(n_segments) % n_sectors
        self.K = max(1, int(rules.min_months.max()))
        reads_level = np.array([rules.rule_at(t).reads_revenue_level for t in range(len(rules.rule))], dtype=bool)
        self.uses_bands = bool(reads_level.any())
        if self.uses_bands:
            spread = np.sqrt(rules.sigma0**2 + (rules.sd**2).sum(axis=0).max())
            drift = rules.drift.sum(axis=0)
            low = (rules.log_mean0 + np.minimum(drift, 0)).min() - max(wide[1], 0.0) - SPAN_SD * spread
            high = (rules.log_mean0 + np.maximum(drift, 0)).max() - min(wide[0], 0.0) + SPAN_SD * spread
            anchor = rules.log_threshold[reads_level][0]
            first = anchor - np.ceil((anchor - low) / band_width) * band_width
            self.edges = np.arange(first, max(high, anchor) + band_width, band_width)
        else:
            self.edges = np.array([])  # one band: no revenue needed
        self.centres = np.concatenate(
            [self.edges[:1] - band_width / 2, (self.edges[1:] + self.edges[:-1]) / 2, self.edges[-1:] + band_width / 2]
        )
        self.B = len(self.edges) + 1
        self.start_share = self._start_share()  # (G, B), or (P, G, B) with a per-sample shift

    @classmethod
    def for_scenario(cls, scenario, band_width: float = BAND_WIDTH) -> SubsidisedTwin | None:
        """The twin a scenario needs, or None when the plain rate path is exact."""
        rules = graduation_rules(scenario)
        if not rules.needs_twin:
            return None
        return cls(rules, len(scenario.segment_shares), band_width)

    def _cdf(self, loc, scale) -> np.ndarray:
        """Normal CDF at the edges, padded with 0 and 1, shape (..., B + 1)."""
        # deferred: scipy.special takes about 0.2 s to import; only revenue rules build the twin
        from scipy.special import ndtr

        z = (self.edges - loc[..., None]) / np.maximum(scale, 1e-12)[..., None]
        shape = z.shape[:-1] + (1,)
        return np.concatenate([np.zeros(shape), ndtr(z), np.ones(shape)], axis=-1)

    def _start_share(self) -> np.ndarray:
        r = self.rules
        if self.shift is None or not self.uses_bands:
            by_sector = np.diff(self._cdf(r.log_mean0, np.full_like(r.log_mean0, r.sigma0)), axis=-1)
            return by_sector[self.sector]
        loc = r.log_mean0[None, :] - self.shift[:, None]  # (P, sectors)
        by_sector = np.diff(self._cdf(loc, np.full_like(loc, r.sigma0)), axis=-1)
        return by_sector[:, self.sector]

    def _share(self) -> np.ndarray:
        """The starting revenue law, shaped to broadcast over (P, G, B)."""
        return self.start_share if self.start_share.ndim == 3 else self.start_share[None]

    def take(self, rows: slice) -> SubsidisedTwin:
        """The same twin for the samples ``rows`` only (chunked evaluation); a new object."""
        if self.shift is None and self.log_growth is None:
            return copy(self)  # its own stocks: chunks may run at once
        return SubsidisedTwin(
            self.rules,
            self.n_segments,
            self.band_width,
            None if self.shift is None else self.shift[rows],
            None if self.log_growth is None else self.log_growth[rows],
        ).with_grid(self)

    def for_segments(self, n_segments: int) -> SubsidisedTwin:
        """The same twin over ``n_segments`` segments (segments summed within each sector)."""
        twin = SubsidisedTwin(self.rules, n_segments, self.band_width, self.shift, self.log_growth)
        return twin.with_grid(self)

    def with_grid(self, other: SubsidisedTwin) -> SubsidisedTwin:
        """Adopt ``other``'s band edges (chunks of one evaluation share one grid); returns self."""
        if self.uses_bands and not np.array_equal(self.edges, other.edges):
            self.edges, self.centres, self.B = other.edges, other.centres, other.B
            self.start_share = self._start_share()
        self._moves = other._moves
        return self

    def _through(self, x: np.ndarray, move: np.ndarray) -> np.ndarray:
        """Mass ``x`` (P, G, ..., B) moved band to band by ``move`` (sectors, B, B), sector by sector, in place."""
        P, n_sectors = x.shape[0], len(move)
        by_sector = x.reshape(P, -1, n_sectors, *x.shape[2:])
        for k in range(n_sectors):  # segments are kecamatan-major, sector-minor
            rows = by_sector[:, :, k]
            # one matrix product over every sample, segment and class (not one per sample)
            by_sector[:, :, k] = (rows.reshape(-1, self.B) @ move[k]).reshape(rows.shape)
        return x

    def moved(self, x: np.ndarray, t: int, at_least: float) -> np.ndarray:
        """Mass ``x`` (P, G, ..., B) as it lands after the increment at the end of month ``t``,
        counting only increments of at least ``at_least`` (log revenue); a copy.

        From a band at centre ``c`` the mass landing in band ``[lo, hi)`` with an increment of at
        least ``a`` is ``F(max(hi - c, a)) - F(max(lo - c, a))``, F the normal CDF of the increment.
        """
        bounds = np.concatenate([[-np.inf], self.edges, [np.inf]])  # (B + 1,)
        gap = np.maximum(bounds[None, :] - self.centres[:, None], at_least)  # (B, B + 1)
        drift, sd = self.rules.drift[t], np.maximum(self.rules.sd[t], 1e-12)
        # deferred: scipy.special takes about 0.2 s to import; only revenue rules build the twin
        from scipy.special import ndtr

        move = np.diff(ndtr((gap[None] - drift[:, None, None]) / sd[:, None, None]), axis=-1)  # (sectors, B, B)
        return self._through(x.copy(), move)

    def transition(self, t: int) -> np.ndarray:
        """Band-to-band probabilities for the increment at the end of month ``t``, (sectors, B, B).

        Computed once per month and grid, and shared by the twins of one evaluation's chunks."""
        key = (t, self.B, float(self.edges[0]) if len(self.edges) else 0.0)
        if key not in self._moves:
            loc = self.centres[None, :] + self.rules.drift[t][:, None]
            scale = np.broadcast_to(self.rules.sd[t][:, None], loc.shape)
            self._moves[key] = np.diff(self._cdf(loc, scale), axis=-1)
        return self._moves[key]

    # ------------------------------------------------------------ events
    def start(self, initial: np.ndarray, subsidised: np.ndarray | None = None) -> SubsidisedTwin:
        """Begin a run with ``initial`` eligible (and ``subsidised``, new to the subsidy) UMKM per
        segment, shape (P, G), with the starting revenue distribution; returns self."""
        P, G = initial.shape
        share = self._share()
        self.e = initial[:, :, None] * share
        self.s = np.zeros((P, G, self.K, self.B))
        if subsidised is not None:
            self.s[:, :, 0] = subsidised[:, :, None] * share
        return self

    def enter(self, entered: np.ndarray) -> None:
        """Step a: new eligible UMKM (P, G) with the starting revenue distribution."""
        self.e += entered[:, :, None] * self._share()

    def enrol(self, share: np.ndarray) -> None:
        """Step b: the share of each segment's eligible UMKM enrolled, in every band.

        ``share`` is (P,) (every segment alike) or (P, G) (a priority rule or a budget ceiling).
        """
        share = share[:, None] if share.ndim == 1 else share
        moved = self.e * share[:, :, None]
        self.e -= moved
        self.s[:, :, 0] += moved

    def suspend(self, share: np.ndarray) -> None:
        """Step b under a falling budget ceiling: the share (P, G) of each segment's subsidised UMKM
        goes back to eligible, in its revenue band (its months of subsidy are forgotten)."""
        moved = self.s * share[:, :, None, None]  # (P, G, K, B)
        self.s -= moved
        self.e += moved.sum(axis=2)

    def close(self, closure: np.ndarray) -> None:
        """Step d: the monthly closure probability (P,) hits every band alike."""
        keep = (1.0 - closure)[:, None, None]
        self.e *= keep
        self.s *= keep[..., None]

    def graduate(self, t: int, rate: np.ndarray) -> np.ndarray:
        """Step e: revenue increment and graduation at an evaluation, then a month of subsidy more.

        Parameters
        ----------
        t : int
            Month.
        rate : ndarray, shape (P,)
            Graduation probability this month (rule ``rate``). The rule in force applies its
            expected-value form (:mod:`simulation.rules.graduation`) to the members with at
            least ``min_months`` of subsidy, band by band.

        Returns
        -------
        ndarray, shape (P, G)
            Expected graduates.
        """
        r = self.rules
        P, G = self.e.shape[:2]
        graduated = np.zeros((P, G))
        if r.at_evaluation[t]:
            first = max(r.min_months[t], 1) - 1  # classes with at least min_months billed
            before = self.s[:, :, first:].copy() if self.uses_bands else None
            if self.uses_bands:
                move = self.transition(t)  # (sectors, B, B)
                self.e = self._through(self.e, move)
                self.s = self._through(self.s, move)
            pool = self.s[:, :, first:]
            month = r.month(t, rate, self.centres, self.sector)
            if self.log_growth is not None:
                month = replace(month, log_growth=self.log_growth)
            if before is not None:
                month = replace(month, before=before, moved=lambda x, at_least: self.moved(x, t, at_least))
            out = r.rule_at(t).expected(pool, month)
            self.s[:, :, first:] -= out
            graduated = out.sum(axis=(2, 3))
        if self.K > 1:  # a month of subsidy more for everyone still subsidised
            self.s[:, :, -1] += self.s[:, :, -2]
            self.s[:, :, 1:-1] = self.s[:, :, :-2]
            self.s[:, :, 0] = 0.0
        return graduated

    @property
    def subsidised(self) -> np.ndarray:
        """Subsidised UMKM per segment (P, G), for checks against the engine's stock."""
        return self.s.sum(axis=(2, 3))
