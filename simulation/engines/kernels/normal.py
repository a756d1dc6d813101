"""The standard normal quantile (inverse CDF) inside the kernels, identical to ``scipy.special.ndtri``.

scipy's ``ndtri`` is Cephes' (S. L. Moshier, Cephes Math Library 2.1, 1989; BSD-licensed in
scipy): a rational approximation in ``y - 0.5`` for the centre and, in the tails, one in
``1 / sqrt(-2 log y)`` for each of two ranges. :func:`ndtri` evaluates the same rational functions
with the same coefficients, in the same order of operations (Horner's rule, highest power first,
the denominator monic), so each draw is the same double, bit for bit: ``tests/test_kernels.py``
compares them over a million draws of the streams and over the extreme uniforms. The draws, and
hence every table, stay those the numpy streams gave, and scipy leaves the micro engine's hot path.

The only operations whose rounding is not fixed by IEEE 754 are ``log``; both sides call the C
library's. numba contracts nothing into fused multiply-adds unless asked (``fastmath``), so the
products and sums round as in the C code.
"""

from __future__ import annotations

import numpy as np

from simulation.engines.kernels import streams

KERNELS = ("_polevl", "_p1evl", "ndtri", "normal", "ndtri_block")
INLINE = ("_polevl", "_p1evl")
"""Kernels compiled into their callers (``inline="always"``): the coefficients, global tuples, are
then constants of the caller's loop (85,000 draws: 1.13 ms against 1.35 ms with array coefficients)."""

S2PI = 2.50662827463100050242e0
"""sqrt(2 pi)."""
EXP_M2 = 0.13533528323661269189
"""exp(-2): below it (or above 1 - exp(-2)) the tail approximations apply."""

# Centre, |y - 0.5| <= 3/8: x / sqrt(2 pi) = w + w^3 P0(w^2) / Q0(w^2), w = y - 0.5 (Q0 monic).
P0 = (
    -5.99633501014107895267e1,
    9.80010754185999661536e1,
    -5.66762857469070293439e1,
    1.39312609387279679503e1,
    -1.23916583867381258016e0,
)
Q0 = (
    1.95448858338141759834e0,
    4.67627912898881538453e0,
    8.63602421390890590575e1,
    -2.25462687854119370527e2,
    2.00260212380060660359e2,
    -8.20372256168333339912e1,
    1.59056225126211695515e1,
    -1.18331621121330003142e0,
)
# Tail, z = sqrt(-2 log y) in [2, 8): y between exp(-32) and exp(-2).
P1 = (
    4.05544892305962419923e0,
    3.15251094599893866154e1,
    5.71628192246421288162e1,
    4.40805073893200834700e1,
    1.46849561928858024014e1,
    2.18663306850790267539e0,
    -1.40256079171354495875e-1,
    -3.50424626827848203418e-2,
    -8.57456785154685413611e-4,
)
Q1 = (
    1.57799883256466749731e1,
    4.53907635128879210584e1,
    4.13172038254672030440e1,
    1.50425385692907503408e1,
    2.50464946208309415979e0,
    -1.42182922854787788574e-1,
    -3.80806407691578277194e-2,
    -9.33259480895457427372e-4,
)
# Far tail, z in [8, 64): y between exp(-2048) and exp(-32).
P2 = (
    3.23774891776946035970e0,
    6.91522889068984211695e0,
    3.93881025292474443415e0,
    1.33303460815807542389e0,
    2.01485389549179081538e-1,
    1.23716634817820021358e-2,
    3.01581553508235416007e-4,
    2.65806974686737550832e-6,
    6.23974539184983293730e-9,
)
Q2 = (
    6.02427039364742014255e0,
    3.67983563856160859403e0,
    1.37702099489081330271e0,
    2.16236993594496635890e-1,
    1.34204006088543189037e-2,
    3.28014464682127739104e-4,
    2.89247864745380683936e-6,
    6.79019408009981274425e-9,
)


def _polevl(x, coef):
    """``coef[0] x^N + ... + coef[N]`` by Horner's rule (Cephes' ``polevl``)."""
    ans = coef[0]
    for i in range(1, len(coef)):
        ans = ans * x + coef[i]
    return ans


def _p1evl(x, coef):
    """``x^N + coef[0] x^(N-1) + ... + coef[N-1]`` by Horner's rule (Cephes' ``p1evl``, monic)."""
    ans = x + coef[0]
    for i in range(1, len(coef)):
        ans = ans * x + coef[i]
    return ans


def ndtri(y0):
    """The standard normal quantile of ``y0`` in (0, 1), float64: ``x`` with ``Phi(x) = y0``.

    Returns -inf at 0, +inf at 1 and NaN outside [0, 1], as ``scipy.special.ndtri`` does (the
    streams' uniforms lie strictly inside (0, 1)).
    """
    if y0 == 0.0:
        return -np.inf
    if y0 == 1.0:
        return np.inf
    if not (0.0 < y0 < 1.0):
        return np.nan
    negate = True
    y = y0
    if y > 1.0 - EXP_M2:
        y = 1.0 - y
        negate = False
    if y > EXP_M2:
        y = y - 0.5
        y2 = y * y
        x = y + y * (y2 * _polevl(y2, P0) / _p1evl(y2, Q0))
        return x * S2PI
    x = np.sqrt(-2.0 * np.log(y))
    x0 = x - np.log(x) / x
    z = 1.0 / x
    if x < 8.0:
        x1 = z * _polevl(z, P1) / _p1evl(z, Q1)
    else:
        x1 = z * _polevl(z, P2) / _p1evl(z, Q2)
    x = x0 - x1
    return -x if negate else x


def ndtri_block(y, out, tails, work):
    """``out[j] = ndtri(y[j])`` for every ``j``, each the same double as :func:`ndtri`, in four passes.

    :func:`ndtri` one draw at a time costs about 12 ns a draw: the branch between the centre and
    the tails (a quarter of the draws) is mispredicted often, and the two logarithms of a tail
    draw keep the loop from running on the vector units. Here

    1. the centre's rational function is evaluated for *every* draw without a branch (the compiler
       runs it eight lanes at a time);
    2. the draws in the tails (``y <= exp(-2)`` or ``y > 1 - exp(-2)``) are listed without a branch;
    3. for each of them, one at a time, ``x = sqrt(-2 log y)`` and ``log x`` with the C library's
       ``log``, as :func:`ndtri` computes them (the ends of (0, 1), NaN and the far tail
       ``x >= 8``, which a draw of the streams reaches about once in 10**14, take :func:`ndtri` itself);
    4. the tail's rational function for all of them without a branch, and the results put in place.

    Every value is computed by the same operations in the same order as in :func:`ndtri` (numba
    contracts nothing into fused multiply-adds, and IEEE 754 rounds a vector lane's arithmetic as
    a scalar's), so ``out`` is bit for bit what :func:`ndtri` gives (``tests/test_kernels.py``).

    Parameters
    ----------
    y : ndarray of float64
        Probabilities, normally strictly inside (0, 1).
    out : ndarray of float64, len(y)
        Filled with the standard normal quantiles; must not be ``y`` itself.
    tails : ndarray of int64, length at least ``len(y)``
        Scratch space (overwritten).
    work : ndarray of float64, length at least ``3 * len(y)``
        Scratch space (overwritten).
    """
    n = len(y)
    for j in range(n):  # 1. the centre, for every draw
        w = y[j] - 0.5
        w2 = w * w
        out[j] = (w + w * (w2 * _polevl(w2, P0) / _p1evl(w2, Q0))) * S2PI
    k = 0
    for j in range(n):  # 2. the tails, listed without a branch
        v = y[j]
        tails[k] = j
        k += (v <= EXP_M2) | (v > 1.0 - EXP_M2) | (v != v)  # v != v: NaN, to the scalar form
    x = work[:k]
    log_x = work[n : n + k]
    sign = work[2 * n : 2 * n + k]
    m = 0
    for i in range(k):  # 3. the logarithms, one draw at a time
        j = tails[i]
        v = y[j]
        upper = v > 1.0 - EXP_M2
        t = 1.0 - v if upper else v
        r = np.sqrt(-2.0 * np.log(t)) if 0.0 < t <= EXP_M2 else 8.0
        if r < 8.0:
            tails[m] = j
            x[m] = r
            log_x[m] = np.log(r)
            sign[m] = 1.0 if upper else -1.0
            m += 1
        else:  # the ends, NaN, the far tail: the scalar form
            out[j] = ndtri(v)
    for i in range(m):  # 4. the tail's rational function, for every tail draw
        r = x[i]
        z = 1.0 / r
        x[i] = (r - log_x[i] / r - z * _polevl(z, P1) / _p1evl(z, Q1)) * sign[i]
    for i in range(m):
        out[tails[i]] = x[i]


def normal(base, i):
    """The standard normal of agent ``i`` in the stream whose month base is ``base``: :func:`ndtri`
    of :func:`simulation.engines.kernels.streams.uniform`, exactly :meth:`Streams.normal`."""
    return ndtri(streams.uniform(base, i))
