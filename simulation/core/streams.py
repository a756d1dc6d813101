"""Counter-based random numbers for common random numbers (CRN).

Every random number the microsimulation uses is a pure function of
``(replicate key, purpose, month, agent index)``: a SplitMix64 hash of a
counter, as in counter-based generators (Random123, numpy's Philox). So a
baseline and a reform run with the same seed give UMKM ``i`` the same uniform
for "does it close", "does it stop paying", "does it graduate" in every
month, whatever else differs between them (a changed lever cannot shift the
draws of another purpose or of another agent), and the draws do not depend on
how agents are split into chunks or replicates over worker processes.

Replicate keys come from ``numpy.random.SeedSequence(seed).spawn(reps)``.
"""

from __future__ import annotations

import numpy as np

PURPOSES = ("population", "closure", "entry", "entrant", "self_pay", "graduation", "retention", "revenue")
"""One independent stream per purpose."""

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))


def _mix_scalar(z: int) -> int:
    """SplitMix64 finaliser on a Python int (64-bit wrap-around)."""
    z &= _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser on a uint64 array, in place (wraps modulo 2**64)."""
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    return z


class Streams:
    """The random streams of one replicate.

    Parameters
    ----------
    seed_seq : numpy.random.SeedSequence
        The replicate's seed sequence (a child of ``SeedSequence(seed).spawn``).
    """

    def __init__(self, seed_seq: np.random.SeedSequence):
        self.seed_seq = seed_seq
        keys = seed_seq.generate_state(len(PURPOSES), np.uint64)
        self._keys = {p: int(k) for p, k in zip(PURPOSES, keys, strict=True)}

    def generator(self, purpose: str) -> np.random.Generator:
        """A numpy Generator for bulk draws of one purpose (e.g. the synthetic population)."""
        i = PURPOSES.index(purpose)
        child = np.random.SeedSequence(self.seed_seq.entropy, spawn_key=(*self.seed_seq.spawn_key, i))
        return np.random.default_rng(child)

    def base(self, purpose: str, t: int) -> np.uint64:
        """The stream's base for month ``t``: agent ``i`` draws ``mix(i * golden + base)``.

        What the compiled kernels (:mod:`simulation.engines.kernels.streams`) receive to draw
        exactly the bits of :meth:`bits`.
        """
        return np.uint64(_mix_scalar(self._keys[purpose] + (t + 1) * _GOLDEN))

    def bits(self, purpose: str, t: int, index: np.ndarray) -> np.ndarray:
        """64 random bits for each agent ``index`` in month ``t`` (uint64 array)."""
        z = np.asarray(index).astype(np.uint64)
        z *= np.uint64(_GOLDEN)
        z += self.base(purpose, t)
        return _mix(z)

    @staticmethod
    def limit(p) -> np.ndarray:
        """``p * 2**64`` as uint64 (capped below 2**64): :meth:`bernoulli` is ``bits < limit(p)``."""
        return np.minimum(np.asarray(p, dtype=np.float64) * 2.0**64, 2.0**64 - 4096.0).astype(np.uint64)

    def uniform(self, purpose: str, t: int, index: np.ndarray) -> np.ndarray:
        """Uniforms on (0, 1), float64, one per agent in ``index``, for month ``t``."""
        z = self.bits(purpose, t, index)
        z >>= _S11
        u = z.astype(np.float64)
        u += 0.5
        u *= 2.0**-53
        return u

    def bernoulli(self, purpose: str, t: int, index: np.ndarray, p) -> np.ndarray:
        """True with probability ``p`` (a scalar or one per agent), for each agent in ``index``.

        Compares the raw bits with ``p * 2**64``: the same event as ``uniform(...) < p``
        up to rounding at 2**-53, without the float conversion.
        """
        return self.bits(purpose, t, index) < self.limit(p)

    def normal(self, purpose: str, t: int, index: np.ndarray) -> np.ndarray:
        """Standard normals (inverse CDF of :meth:`uniform`), float64."""
        # deferred: scipy.special takes about 0.2 s to import; a cohort run draws nothing
        from scipy.special import ndtri

        return ndtri(self.uniform(purpose, t, index))


def replicate_seeds(seed, reps: int) -> list[np.random.SeedSequence]:
    """``SeedSequence(seed).spawn(reps)``: one child per replicate, in order."""
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return root.spawn(reps)
