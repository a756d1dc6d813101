"""The micro engine's month written as a Mesa model: a peer for ``benchmarks/bench_micro.py``.

The same monthly order and rules as the workbench's micro engine with the baseline's graduation
rule (``rate``) and no budget ceiling, over the same compiled monthly inputs
(:class:`simulation.engines.micro.MicroInputs`): (a) entry, a share of the open UMKM; (b) enrolment
up to the rollout; (c) billing, the members covered counted; (d) month end: closure, mandiri members
stop paying, lapsed ones resume, arrears age; (e) at an evaluation month, subsidised members
graduate with the month's probability and keep paying with the retention probability. One Mesa
``Agent`` per UMKM, Python's ``random`` for draws, counts gathered each month as Mesa's
``DataCollector`` would (here a plain tally, to charge Mesa for no more than the model needs).

It is written the way Mesa's documentation writes models (an agent class with ``step``, the model's
``step`` calling ``agents.do``), not tuned: it shows what a straightforward agent-based
implementation costs on this machine. Needs the ``bench`` extra (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import math

import mesa

E, S, M, L, C = range(5)
ARREARS_MONTHS = 3


class Umkm(mesa.Agent):
    """One UMKM: its state, its unpaid months and its month of enrolment."""

    def __init__(self, model, status: int = E):
        super().__init__(model)
        self.status = status
        self.unpaid = 0
        self.enrolled = -1

    def month_end(self) -> None:
        """(d) closure, then a self-payer stops or resumes paying; unpaid months age."""
        model, rnd = self.model, self.model.random
        if self.status == C:
            return
        if rnd.random() < model.p_close:
            self.status = C
            return
        if self.status == M:
            if rnd.random() < model.p_lapse:
                self.status, self.unpaid = L, 1
        elif self.status == L:
            if rnd.random() < model.p_react:
                self.status, self.unpaid = M, 0
            else:
                self.unpaid = min(self.unpaid + 1, ARREARS_MONTHS + 1)

    def evaluate(self) -> None:
        """(e) a subsidised member graduates with the month's rate; keeps paying with the retention."""
        model, rnd = self.model, self.model.random
        if self.status == S and rnd.random() < model.p_graduate:
            if rnd.random() < model.p_retain:
                self.status = M
            else:
                self.status, self.unpaid = L, 1


class UmkmModel(mesa.Model):
    """The baseline's UMKM month by month.

    Parameters
    ----------
    inputs : MicroInputs
        The scenario's compiled monthly inputs (first sample).
    umkm : int
        UMKM at the start.
    months : int
        Months to run (at most the horizon).
    seed : int
    """

    def __init__(self, inputs, umkm: int, months: int, seed: int = 1):
        super().__init__(seed=seed)
        self.inputs = inputs.monthly
        self.months = months
        self.t = 0
        self.ever_enrolled = 0
        self.billed: list[tuple[int, int]] = []
        for _ in range(umkm):
            Umkm(self)

    def step(self) -> None:
        mi, t, rnd = self.inputs, self.t, self.random
        self.p_close = float(mi.closure[0, t])
        self.p_lapse = float(mi.lapse[0, t])
        self.p_react = float(mi.reactivation[0, t])
        self.p_graduate = float(mi.graduation[0, t])
        self.p_retain = float(mi.retention[0, t])
        # (a) entry: the expected number rounded at random
        open_now = sum(1 for a in self.agents if a.status != C)
        lam = open_now * float(mi.entry[0, t])
        for _ in range(int(math.floor(lam)) + (rnd.random() < lam - math.floor(lam))):
            Umkm(self)
        # (b) enrolment up to the rollout, first come
        wanted = int(mi.rollout[0, t] - self.ever_enrolled + 0.5)
        if wanted > 0:
            for a in self.agents.select(lambda a: a.status == E, at_most=wanted):
                a.status, a.enrolled = S, t
                self.ever_enrolled += 1
        # (c) billing
        self.billed.append((sum(1 for a in self.agents if a.status == S), sum(1 for a in self.agents if a.status == M)))
        # (d) month end, (e) evaluation
        self.agents.do("month_end")
        if self.p_graduate > 0:
            self.agents.do("evaluate")
        self.t += 1


def run(inputs, umkm: int, months: int, seed: int = 1) -> UmkmModel:
    """Run the peer for ``months`` months; return the model (``billed``: subsidised and mandiri per month)."""
    model = UmkmModel(inputs, umkm, months, seed)
    for _ in range(months):
        model.step()
    return model
