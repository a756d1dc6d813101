"""The counter-based random streams of :mod:`simulation.core.streams`, one draw at a time.

The same SplitMix64 hash of ``index * golden + base`` as :meth:`Streams.bits`, where ``base``
(:meth:`Streams.base`) folds in the replicate, the purpose and the month: a kernel that draws for
agent ``i`` gets exactly the bits the numpy streams give (tested equal, bit for bit).
"""

from __future__ import annotations

import numpy as np

KERNELS = ("mix", "bits", "uniform", "uniforms", "bernoulli")

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
S30, S27, S31, S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)


def mix(z):
    """SplitMix64 finaliser of one uint64 (wraps modulo 2**64)."""
    z = z ^ (z >> S30)
    z = z * M1
    z = z ^ (z >> S27)
    z = z * M2
    return z ^ (z >> S31)


def bits(base, i):
    """64 random bits (uint64) for agent ``i`` of the stream whose month base is ``base``."""
    return mix(np.uint64(i) * GOLDEN + base)


def uniform(base, i):
    """A uniform on (0, 1), float64: the top 53 bits of :func:`bits`, centred in their cell."""
    return (np.float64(bits(base, i) >> S11) + 0.5) * 2.0**-53


def uniforms(base, lo, out):
    """``out[j]``: the uniform of agent ``lo + j`` in the stream whose month base is ``base``."""
    for j in range(len(out)):
        out[j] = uniform(base, lo + j)


def bernoulli(base, index, limit, out):
    """``out[j]``: whether agent ``index[j]``'s bits in the stream whose month base is ``base`` fall
    below ``limit`` (``p * 2**64``): exactly :meth:`simulation.core.streams.Streams.bernoulli`."""
    for j in range(len(index)):
        out[j] = bits(base, index[j]) < limit
