"""Step e, evaluation: at the end of an evaluation month revenues grow, then subsidised members
with enough months of subsidy graduate by the rule in force (:mod:`simulation.rules.graduation`),
to mandiri with the retention probability, otherwise to lapsed (in arrears); effective next month."""

from __future__ import annotations

import numpy as np

from simulation.engines.kernels import evaluation
from simulation.engines.kernels import streams as kstreams
from simulation.engines.state import L, M, S
from simulation.rules.graduation import EvaluationMonth, Members, Rate

EMPTY = np.zeros(0)


def expected(s, t: int) -> None:
    """Expected graduates: the rule's expected-value form on the subsidised stock (plain path) or,
    for rules that read revenue or a minimum tenure, on the twin's bands and months of subsidy."""
    inputs, x = s.inputs, s.x
    if s.twin is None:
        rules, rate = inputs.rules, inputs.graduation[:, t]
        if not rate.any() and (rules is None or not rules.at_evaluation[t]):  # rate and none: nobody
            zero = np.zeros(x.shape[:2])
            for name in ("graduated", "graduated_mandiri", "graduated_lapsed"):
                s.flows[name][t] = zero
            return
        if rules is None:  # inputs built by hand: the rate rule
            month = EvaluationMonth(t, rate, np.nan, np.nan, EMPTY, EMPTY, EMPTY, EMPTY)
            graduated = Rate.expected(x[:, :, S], month)
        else:
            graduated = rules.rule_at(t).expected(x[:, :, S], rules.month(t, rate, EMPTY, EMPTY))
    else:
        graduated = s.twin.graduate(t, inputs.graduation[:, t])
    to_mandiri = graduated * inputs.retention[:, t, None]
    x[:, :, S] -= graduated
    x[:, :, M] += to_mandiri
    x[:, :, L] += graduated - to_mandiri
    s.arrears[:, :, 0] += graduated - to_mandiri
    s.flows["graduated"][t] = graduated
    s.flows["graduated_mandiri"][t] = to_mandiri
    s.flows["graduated_lapsed"][t] = graduated - to_mandiri


def agents(s, t: int) -> None:
    """At an evaluation month: every agent's revenue increment (stream ``revenue``), then the rule's
    agent-level form on the subsidised agents with enough months of subsidy; each graduate draws
    whether it goes on paying (stream ``retention``). The revenue draws and increments are
    compiled passes (:mod:`simulation.engines.kernels.evaluation`)."""
    rules = s.rules
    if not rules.at_evaluation[t]:
        return
    ag, streams, flows = s.ag, s.streams, s.flows
    retention = s.monthly.retention[0, t]
    drift = rules.drift[t].astype(np.float32)
    sd = rules.sd[t].astype(np.float32)
    rule = rules.rule_at(t)
    month = rules.month(t, rules.rate[t], EMPTY, EMPTY)

    def draw(purpose, index, p):
        if np.ndim(p):  # a probability per agent
            return streams.bernoulli(purpose, t, index, p)
        out = np.empty(len(index), np.bool_)  # streams.bernoulli(purpose, t, index, p), compiled
        kstreams.bernoulli(streams.base(purpose, t), np.asarray(index, np.int64), streams.limit(p)[()], out)
        return out

    base = streams.base("revenue", t)
    size = min(s.chunk, ag.n)
    z, u, inc = s.scratch("z", size, np.float64), s.scratch("u", size, np.float64), s.scratch("inc", size, np.float32)
    offsets, work = s.scratch("offsets", size, np.int64), s.scratch("work", 3 * size, np.float64)
    for lo in range(0, ag.n, s.chunk):
        hi = min(lo + s.chunk, ag.n)
        evaluation.normals(base, lo, z[: hi - lo], u, offsets, work)  # streams.normal("revenue", t, lo..hi)
        fields = (ag.sector, ag.status, ag.enrolled, ag.log_revenue)
        k = evaluation.grow(z[: hi - lo], lo, *fields, drift, sd, t, rules.min_months[t], inc, offsets)
        sub = offsets[:k]
        members = Members(index=lo + sub, log_revenue=ag.log_revenue[lo + sub], increment=inc[sub], draw=draw)
        grad = sub[rule.agents(members, month)] + lo
        if not len(grad):
            continue
        keeps = draw("retention", grad, retention)
        to_m, to_l = grad[keeps], grad[~keeps]
        s.move(to_m, M)
        s.move(to_l, L)
        ag.unpaid[to_l] = 1
        s.arrears += s.per_segment(to_l)
        flows["graduated"][t] += s.per_segment(grad)
        flows["graduated_mandiri"][t] += s.per_segment(to_m)
        flows["graduated_lapsed"][t] += s.per_segment(to_l)
