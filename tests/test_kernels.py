"""The micro engine's compiled kernels draw exactly what the numpy streams draw and do exactly what the
step's numpy form did.

References here are written independently of the kernels: the numpy streams of
:mod:`simulation.core.streams` (whole-array SplitMix64), and the month-end and evaluation updates
as whole-array numpy operations (the form the steps had before the kernels).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pytest
from conftest import BASELINE
from scipy.special import ndtri

from simulation.core.states import State
from simulation.core.streams import PURPOSES, Streams
from simulation.engines import kernels
from simulation.engines.kernels import entry, evaluation, month_end, normal
from simulation.engines.kernels import streams as kstreams
from simulation.engines.micro import MicroInputs, start
from simulation.engines.state import ARREARS_MONTHS, NOT_COVERED, AgentState, counts
from simulation.engines.steps import AGENTS
from simulation.scenario import load_scenario

E, S, M, L, C = (int(s) for s in State)
ROOT = Path(__file__).resolve().parents[1]

kernels.compile_kernels()


@pytest.fixture(scope="module")
def streams():
    return Streams(np.random.SeedSequence(2026).spawn(3)[2])


def test_mix_of_known_values():
    """SplitMix64's finaliser of 0 is 0; of 1 a published constant (Vigna's splitmix64.c, state 0 -> first output)."""
    mix = kstreams.mix
    assert mix(np.uint64(0)) == np.uint64(0)
    # splitmix64 with state 0 returns mix(0x9E3779B97F4A7C15) = 0xE220A8397B1DCDAF (its first output)
    assert mix(np.uint64(0x9E3779B97F4A7C15)) == np.uint64(0xE220A8397B1DCDAF)


@pytest.mark.parametrize("purpose", PURPOSES)
def test_compiled_bits_and_uniforms_equal_the_numpy_streams(streams, purpose):
    index = np.r_[np.arange(2000), np.array([10**6, 2**31 - 1, 2**40 + 3])]
    for t in (0, 1, 59, 119):
        base = streams.base(purpose, t)
        got_bits = np.array([kstreams.bits(base, i) for i in index], dtype=np.uint64)
        assert np.array_equal(got_bits, streams.bits(purpose, t, index))
        got = np.empty(len(index))
        for j, i in enumerate(index):
            got[j] = kstreams.uniform(base, i)
        assert np.array_equal(got, streams.uniform(purpose, t, index))


def test_block_of_uniforms_equals_the_numpy_stream_and_gives_its_normals(streams):
    lo, n = 12_345, 50_000
    out = np.empty(n)
    kstreams.uniforms(streams.base("revenue", 7), lo, out)
    index = np.arange(lo, lo + n)
    assert np.array_equal(out, streams.uniform("revenue", 7, index))
    assert np.array_equal(ndtri(out), streams.normal("revenue", 7, index))
    z = np.empty(n)
    scratch = np.full(n + 3, np.nan), np.full(n + 3, -1, np.int64), np.full(3 * n + 3, np.nan)  # longer: fine
    evaluation.normals(streams.base("revenue", 7), lo, z, *scratch)
    assert np.array_equal(z.view(np.uint64), streams.normal("revenue", 7, index).view(np.uint64))


@numba.njit
def _ndtri_all(u, out):
    for i in range(len(u)):
        out[i] = normal.ndtri(u[i])


def _ndtri_block(u, out):
    """The block form with scratch space full of garbage (it must not read what was there)."""
    normal.ndtri_block(u, out, np.full(len(u), -1, np.int64), np.full(3 * len(u), np.nan))


def test_in_kernel_normal_quantile_is_scipys_ndtri_bit_for_bit_on_a_million_draws(streams):
    """Every draw of the stream, and the uniforms at the ends of (0, 1) and at the seams of the
    approximations (exp(-2), 1 - exp(-2), exp(-32)), give the same double as scipy's ``ndtri``."""
    u = streams.uniform("entrant", 0, np.arange(10**6))
    seams = np.array([normal.EXP_M2, 1.0 - normal.EXP_M2, np.exp(-32.0), 0.5])
    ends = np.r_[0.5 * 2.0**-53, 1.5 * 2.0**-53, 1.0 - 0.5 * 2.0**-53, 1.0 - 1.5 * 2.0**-53]
    u = np.r_[
        u, seams, np.nextafter(seams, 0.0), np.nextafter(seams, 1.0), ends, np.logspace(-300, -0.01, 20_000),
        1.0 - np.logspace(-16, -0.01, 20_000),
    ]  # fmt: skip
    got = np.empty_like(u)
    _ndtri_all(u, got)
    assert np.array_equal(got.view(np.uint64), ndtri(u).view(np.uint64))
    assert got[-40_000] < -37.0  # the far tail (y = 1e-300) was reached
    block = np.empty_like(u)
    _ndtri_block(u, block)  # the same draws in the four passes (centre vectorised, tails staged)
    assert np.array_equal(block.view(np.uint64), ndtri(u).view(np.uint64))
    edges = np.empty(4)
    _ndtri_all(np.array([0.0, 1.0, -0.1, 1.5]), edges)
    assert edges[0] == -np.inf and edges[1] == np.inf and np.isnan(edges[2:]).all()
    edges = np.empty(5)
    _ndtri_block(np.array([0.0, 1.0, -0.1, 1.5, np.nan]), edges)
    assert edges[0] == -np.inf and edges[1] == np.inf and np.isnan(edges[2:]).all()


def test_the_block_form_reaches_the_tails_and_the_scalar_form_in_one_call():
    """A block mixing the centre, both tails, the far tail (x >= 8) and the ends gives scipy's
    values in their places (the staged tails are put back where they came from)."""
    u = np.array([0.5, 1e-20, 0.01, 1.0 - 1e-3, 0.3, 0.0, 1e-300, 0.9, 0.2, 1.0, 0.135, 0.865])
    out = np.empty_like(u)
    _ndtri_block(u, out)
    assert np.array_equal(out.view(np.uint64), ndtri(u).view(np.uint64))
    assert out[6] < -37.0 and out[1] < -9.0 and out[3] > 3.0  # far tail, tails


def test_uncompiled_normal_quantile_agrees(streams):
    u = streams.uniform("revenue", 2, np.arange(3000))
    python_ndtri = kernels.python(normal, "ndtri")
    assert python_ndtri is not normal.ndtri
    assert [python_ndtri(x) for x in u] == list(ndtri(u))


def test_uncompiled_kernels_give_the_same_bits(streams):
    """The plain Python functions behind the kernels (what numba compiles) agree with the compiled ones."""
    bits = kernels.python(kstreams, "bits")
    assert bits is not kstreams.bits
    base = streams.base("closure", 3)
    with np.errstate(over="ignore"):
        assert [bits(base, i) for i in range(50)] == list(streams.bits("closure", 3, np.arange(50)))


def _agents(n, G, rng):
    status = rng.choice([E, S, M, L, C], size=n, p=[0.1, 0.3, 0.3, 0.25, 0.05]).astype(np.int8)
    unpaid = np.where(status == L, rng.integers(1, ARREARS_MONTHS + 2, n), 0).astype(np.int8)
    covered = np.where(status == M, rng.integers(0, 50, n), NOT_COVERED).astype(np.int16)
    covered[(status == L) & (unpaid <= ARREARS_MONTHS)] = 5
    segment = rng.integers(0, G, n).astype(np.int16)
    return status, unpaid, covered, segment


def _self_pay_numpy(status, unpaid, covered, segment, G, streams, t, lapse, react):
    """The month-end self-pay update written with whole-array numpy (the step's form before the kernel)."""
    status, unpaid, covered = status.copy(), unpaid.copy(), covered.copy()
    sp = np.flatnonzero((status == M) | (status == L))
    is_m = status[sp] == M
    event = streams.bernoulli("self_pay", t, sp, np.where(is_m, lapse, react))
    stop, resume, stay = sp[is_m & event], sp[~is_m & event], sp[~is_m & ~event]
    per = lambda idx: np.bincount(segment[idx], minlength=G)  # noqa: E731
    arrears_delta = per(stop) - per(resume[unpaid[resume] <= ARREARS_MONTHS])
    back = resume[unpaid[resume] > ARREARS_MONTHS]
    lost = stay[unpaid[stay] == ARREARS_MONTHS]
    arrears_delta -= per(lost)
    status[stop], unpaid[stop] = L, 1
    covered[back] = t + 1
    status[resume], unpaid[resume] = M, 0
    covered[lost] = NOT_COVERED
    unpaid[stay] = np.minimum(unpaid[stay] + 1, ARREARS_MONTHS + 1)
    return status, unpaid, covered, arrears_delta, np.stack([per(stop), per(resume), per(lost)])


def _month_end(status, unpaid, covered, segment, n, streams, t, lapse, react, close_month=None):
    """The fused kernel on copies; returns the fields, counts, arrears (from 1000 a segment) and flows."""
    G = int(segment.max()) + 1
    close_month = np.full(len(status), 10_000, np.int16) if close_month is None else close_month
    st, up, cov = status.copy(), unpaid.copy(), covered.copy()
    c, arrears, flows = counts(segment, status, G), np.full(G, 1000, dtype=np.int64), np.zeros((4, G), np.int32)
    # the self-payers listed in a shuffled order: the kernel's results may not depend on it
    shuffle = np.random.default_rng(t).permutation
    on = [shuffle(np.flatnonzero(status[:n] == state)).astype(np.int32) for state in (M, L)]
    listed = np.array([len(on[0]), len(on[1])])
    mandiri, lapsed = (np.r_[x, np.full(len(on[1 - j]), -1, np.int32)] for j, x in enumerate(on))
    month_end.month_end(
        close_month, st, up, cov, segment, n, t, streams.base("self_pay", t), Streams.limit(lapse)[()],
        Streams.limit(react)[()], c, arrears, flows, mandiri, lapsed, listed,
    )  # fmt: skip
    # the lists kept: exactly the mandiri and the lapsed agents after the month, each once
    assert sorted(mandiri[: listed[0]]) == list(np.flatnonzero(st[:n] == M))
    assert sorted(lapsed[: listed[1]]) == list(np.flatnonzero(st[:n] == L))
    return st, up, cov, c, arrears, flows


@pytest.mark.parametrize("lapse, react", [(0.02, 0.01), (0.5, 0.3), (0.0, 1.0), (1.0, 0.0)])
def test_self_pay_pass_equals_the_numpy_form(streams, lapse, react):
    n, G, t = 40_000, 7, 17
    status, unpaid, covered, segment = _agents(n, G, np.random.default_rng(5))
    want = _self_pay_numpy(status, unpaid, covered, segment, G, streams, t, lapse, react)
    st, up, cov, c, arrears, flows = _month_end(status, unpaid, covered, segment, n, streams, t, lapse, react)
    assert np.array_equal(st, want[0])
    assert np.array_equal(up, want[1])
    assert np.array_equal(cov, want[2])
    assert np.array_equal(arrears, 1000 + want[3])
    assert not flows[month_end.CLOSURES].any()
    assert np.array_equal(flows[1:], want[4])
    assert np.array_equal(c, counts(segment, st, G))  # counts kept in step with the statuses
    if lapse == 1.0:  # every mandiri member stops paying
        assert not (st == M).sum() - want[4][1].sum()


def test_self_pay_touches_only_the_agents_in_use(streams):
    n, G = 1000, 3
    status, unpaid, covered, segment = _agents(n, G, np.random.default_rng(9))
    st, up, *_ = _month_end(status, unpaid, covered, segment, 600, streams, 0, 0.9, 0.9)
    assert np.array_equal(st[600:], status[600:]) and np.array_equal(up[600:], unpaid[600:])
    assert not np.array_equal(st[:600], status[:600])


@pytest.mark.parametrize("t", [0, 7, 119])
def test_month_end_closes_then_draws_the_self_payers_left_as_the_numpy_form(streams, t):
    """The open agents whose closure month it is close (leaving arrears and cover), then the
    self-payers still open draw: as closing everyone with numpy first, then the self-pay pass."""
    rng = np.random.default_rng(8)
    n, G = 20_000, 5
    status, unpaid, covered, segment = _agents(n + 50, G, rng)
    close_month = rng.integers(0, 121, n + 50).astype(np.int16)

    closing = np.flatnonzero((close_month[:n] == t) & (status[:n] != C))
    assert len(closing) > 0 and (status[closing] == L).any()
    in_arrears = closing[(status[closing] == L) & (unpaid[closing] <= ARREARS_MONTHS)]
    closed, cov_closed = status.copy(), covered.copy()
    closed[closing], cov_closed[closing] = C, NOT_COVERED
    want = _self_pay_numpy(closed[:n], unpaid[:n], cov_closed[:n], segment[:n], G, streams, t, 0.3, 0.2)

    st, up, cov, c, arrears, flows = _month_end(status, unpaid, covered, segment, n, streams, t, 0.3, 0.2, close_month)
    assert np.array_equal(st[:n], want[0]) and np.array_equal(st[n:], status[n:])
    assert np.array_equal(up[:n], want[1])
    assert np.array_equal(cov[:n], want[2])
    assert np.array_equal(flows[month_end.CLOSURES], np.bincount(segment[closing], minlength=G))
    assert np.array_equal(flows[1:], want[4])
    assert np.array_equal(arrears, 1000 - np.bincount(segment[in_arrears], minlength=G) + want[3])
    assert np.array_equal(c, counts(segment, st, G))


def test_grow_equals_the_numpy_form(streams):
    """Increments in float32 as the numpy form computed them; members: subsidised with enough months."""
    rng = np.random.default_rng(3)
    n, lo, t, min_months = 30_000, 5_000, 23, 12
    sector = rng.integers(0, 4, lo + n).astype(np.int8)
    status = rng.choice([E, S, M], size=lo + n).astype(np.int8)
    enrolled = rng.integers(-1, 24, lo + n).astype(np.int16)
    logrev = rng.normal(17, 1, lo + n).astype(np.float32)
    drift = np.array([0.01, 0.05, -0.02, 0.0], np.float32)
    sd = np.array([0.2, 0.3, 0.1, 0.25], np.float32)
    z = streams.normal("revenue", t, np.arange(lo, lo + n))

    want_inc = z.astype(np.float32)
    want_inc *= sd[sector[lo:]]
    want_inc += drift[sector[lo:]]
    want_rev = logrev.copy()
    want_rev[lo:] += want_inc
    want_members = np.flatnonzero((status[lo:] == S) & (t - enrolled[lo:].astype(int) + 1 >= min_months))

    got_rev, inc, members = logrev.copy(), np.empty(n, np.float32), np.empty(n, np.int64)
    k = evaluation.grow(z, lo, sector, status, enrolled, got_rev, drift, sd, t, min_months, inc, members)
    assert np.array_equal(inc, want_inc)
    assert np.array_equal(got_rev, want_rev)
    assert np.array_equal(members[:k], want_members)


@pytest.mark.parametrize(
    "new_year, funded, cover", [(False, True, 0), (True, True, 0), (False, False, 1), (False, True, 2)]
)
def test_billing_pass_equals_the_numpy_form(new_year, funded, cover):
    """Months paid, the members counted (summed as np.bincount sums) and cover, as the numpy form."""
    from simulation.engines.kernels import billing
    from simulation.engines.state import COUNTED_MONTHS

    rng = np.random.default_rng(4)
    n, G, t = 30_000, 9, 14
    status = rng.choice([E, S, M, L, C], size=n + 10).astype(np.int8)
    segment = rng.integers(0, G, n + 10).astype(np.int16)
    paid = rng.integers(0, COUNTED_MONTHS + 1, n + 10).astype(np.int8)
    covered = rng.integers(0, 30, n + 10).astype(np.int16)
    weights = np.minimum(np.arange(COUNTED_MONTHS + 1), COUNTED_MONTHS) / COUNTED_MONTHS

    want_paid, want_cov = paid.copy(), covered.copy()
    if new_year:
        want_paid[:n] = 0
    sub = np.flatnonzero(status[:n] == S)
    if funded:
        want_paid[sub] = np.minimum(want_paid[sub] + 1, COUNTED_MONTHS)
    want_counted = np.bincount(segment[sub], weights=weights[want_paid[sub]], minlength=G)
    if cover == billing.END_COVER:
        want_cov[sub] = NOT_COVERED
    elif cover == billing.NEW_SPELL:
        want_cov[sub] = t

    counted = np.zeros(G)
    members = np.full(n + 5, -7, np.int32)  # scratch, longer than needed
    billing.subsidised(status, segment, paid, covered, n, new_year, funded, cover, t, weights, counted, members)
    assert np.array_equal(paid, want_paid) and np.array_equal(covered, want_cov)
    assert np.array_equal(counted, want_counted)  # the same sums in the same order: equal, not close


@pytest.mark.parametrize("rate", [0.0, 0.0007, 0.013, 0.5])
def test_entrants_per_segment_equal_the_numpy_form(streams, rate):
    """floor(lam) + (u_g < frac(lam)), lam = open agents x rate, u_g the ``entry`` stream's uniform of segment g."""
    rng = np.random.default_rng(11)
    G, t = 126, 40
    c = rng.integers(0, 3000, (G, 5)).astype(np.int64)
    lam = c[:, :C].sum(axis=1) * rate
    want = (np.floor(lam) + (streams.uniform("entry", t, np.arange(G)) < lam - np.floor(lam))).astype(np.int64)
    got = np.empty(G, np.int64)
    assert entry.entrants(c, rate, streams.base("entry", t), got) == want.sum()
    assert np.array_equal(got, want)
    if rate == 0.0007:  # some segments rounded up, some down: the draw decides
        assert set(got - np.floor(lam).astype(np.int64)) == {0, 1}


def test_entrants_fields_equal_the_numpy_form(streams):
    """Entrants after the agents in use, in segment order, with the revenue normals (``entrant`` at 0)
    and priorities (``entrant`` at 1) of their indices, as the step's numpy form drew them."""
    G, n_sectors, n, cap = 12, 4, 1_000, 3_000
    k = np.array([0, 3, 1, 0, 7, 2, 0, 0, 5, 1, 0, 4], np.int64)
    total = int(k.sum())
    log_mean0, sigma0 = np.array([16.1, 17.3, 15.9, 16.7]), 0.93
    close = np.arange(total, dtype=np.int16) + 3
    fields = tuple(np.zeros(cap, dtype) for dtype in AgentState.FIELDS.values())[:9]
    names = tuple(AgentState.FIELDS)[:9]
    assert names[-1] == "priority"
    for f in fields:
        f[:n] = 1
    bases = streams.base("entrant", 0), streams.base("entrant", 1)
    entry.fill(k, n, *bases, close, log_mean0, sigma0, n_sectors, fields)

    got = dict(zip(names, fields, strict=True))
    seg = np.repeat(np.arange(G), k)
    ids = np.arange(n, n + total)
    sector = seg % n_sectors
    want = {
        "segment": seg, "sector": sector, "status": np.full(total, E), "unpaid": np.zeros(total),
        "close_month": close, "enrolled": np.full(total, -1), "covered_since": np.full(total, NOT_COVERED),
        "log_revenue": (log_mean0[sector] + sigma0 * streams.normal("entrant", 0, ids)).astype(np.float32),
        "priority": streams.uniform("entrant", 1, ids).astype(np.float32),
    }  # fmt: skip
    for name in names:
        assert np.array_equal(got[name][n : n + total], want[name]), name
        assert (got[name][:n] == 1).all() and (got[name][n + total :] == 0).all(), name


def test_billing_sums_runs_of_one_segment_as_bincount_does():
    """Members in runs of one segment (as agents arrive) and scattered: the totals are np.bincount's, to the bit."""
    from simulation.engines.kernels import billing
    from simulation.engines.state import COUNTED_MONTHS

    rng = np.random.default_rng(12)
    n, G = 50_000, 126
    segment = np.r_[np.sort(rng.integers(0, G, n - 5_000)), rng.integers(0, G, 5_000)].astype(np.int16)
    status = rng.choice([E, S, M], size=n).astype(np.int8)
    paid = rng.integers(0, COUNTED_MONTHS + 1, n).astype(np.int8)
    weights = np.minimum(np.arange(COUNTED_MONTHS + 1), COUNTED_MONTHS) / COUNTED_MONTHS
    start = rng.random(G) * 1e3  # a running total from earlier agents
    sub = np.flatnonzero(status == S)
    want = start + np.bincount(segment[sub], weights=weights[np.minimum(paid[sub] + 1, COUNTED_MONTHS)], minlength=G)
    want_seq = start.copy()
    for i in sub:  # the sequential sum, addition by addition
        want_seq[segment[i]] += weights[min(paid[i] + 1, COUNTED_MONTHS)]
    counted = start.copy()
    covered = np.zeros(n, np.int16)
    members = np.empty(n, np.int32)
    billing.subsidised(status, segment, paid, covered, n, False, True, billing.KEEP, 3, weights, counted, members)
    assert np.array_equal(counted, want_seq)
    assert np.allclose(counted, want, rtol=1e-12)


def test_numbas_first_use_does_not_import_scipy_linalg_and_a_later_import_is_the_real_one():
    """numba's CPU target checks for a BLAS by importing ``scipy.linalg.cython_blas`` (0.3 CPU-s);
    the kernels load it without that import, and ``scipy.linalg`` imported afterwards is scipy's."""
    code = (
        "import sys\n"
        "from simulation.engines.kernels import compile_kernels, streams\n"
        "import numpy as np\n"
        "compile_kernels()\n"
        "out = np.empty(4)\n"
        "streams.uniforms(np.uint64(1), 0, out)\n"
        "assert 'numba.np.arraymath' in sys.modules\n"
        "assert 'scipy.linalg' not in sys.modules and 'scipy.linalg.cython_blas' not in sys.modules\n"
        "import scipy.linalg\n"
        "import scipy.linalg.cython_blas as blas\n"
        "assert blas.__file__ and blas.__file__.endswith(('.so', '.pyd'))\n"
        "assert np.allclose(scipy.linalg.solve(np.eye(2) * 2.0, np.ones(2)), 0.5)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize("overrides", [{"years": 3}, {"years": 3, "assumptions.mandiri_lapse_rate": 0.6}])
def test_the_engines_self_payer_lists_hold_every_mandiri_and_lapsed_agent_once_every_month(overrides):
    """The lists the month end reads (kept by ``MicroState.move`` and the kernel) are, after every
    month, exactly the agents whose status is mandiri or lapsed: none missing, none twice."""
    inputs = MicroInputs.from_scenario(load_scenario(BASELINE, overrides=overrides))
    s, _ = start(inputs, np.random.SeedSequence(11))
    seen = np.zeros(2, dtype=np.int64)
    for t in range(inputs.scenario.horizon.n_months):
        for step in AGENTS:
            step(s, t)
        status = s.ag.status[: s.ag.n]
        for j, (state, listed) in enumerate(((M, s.mandiri), (L, s.lapsed))):
            on = listed[: s.listed[j]]
            on = on[status[on] == state]  # closed agents may wait in the list until the next month end
            assert len(np.unique(on)) == len(on)
            assert np.array_equal(np.sort(on), np.flatnonzero(status == state))
            seen[j] = max(seen[j], len(on))
    assert (seen > 500).all()  # both lists were in use


@pytest.mark.parametrize("p", [0.0, 1e-6, 0.2, 0.5, 1.0])
def test_compiled_bernoulli_draws_equal_the_numpy_streams(streams, p):
    index = np.r_[np.arange(5000), np.array([10**6, 2**31 - 1, 2**40 + 3])].astype(np.int64)
    out = np.empty(len(index), np.bool_)
    kstreams.bernoulli(streams.base("graduation", 9), index, Streams.limit(p)[()], out)
    want = streams.bernoulli("graduation", 9, index, p)
    assert np.array_equal(out, want)
    if 0.1 < p < 1.0:  # both outcomes drawn
        assert 0 < out.sum() < len(out)
