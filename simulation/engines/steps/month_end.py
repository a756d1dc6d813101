"""Step d, month end: closure in every open state, then self-payers stop paying or resume, arrears
age and a third unpaid month ends cover (facts F1.7, ``docs/model.md``, "Arrears")."""

from __future__ import annotations

import numpy as np

from simulation.engines.state import ARREARS_MONTHS, NOT_COVERED, C, L, M


def expected(s, t: int) -> None:
    """Expected closures, lapses, reactivations and losses of cover, on the stocks after closure."""
    inputs, x, arrears = s.inputs, s.x, s.arrears
    closing = x[:, :, :C] * inputs.closure[:, t, None, None]
    x[:, :, :C] -= closing
    x[:, :, C] += closing.sum(axis=2)
    lapsed = x[:, :, M] * inputs.lapse[:, t, None]
    reactivated = x[:, :, L] * inputs.reactivation[:, t, None]
    x[:, :, M] += reactivated - lapsed
    x[:, :, L] += lapsed - reactivated
    # arrears: closure and resumption hit them like all lapsed; a third unpaid month ends cover
    arrears *= (1.0 - inputs.closure[:, t, None, None]) * (1.0 - inputs.reactivation[:, t, None, None])
    lost = arrears[:, :, 2].copy()
    arrears[:, :, 1:] = arrears[:, :, :2]
    arrears[:, :, 0] = lapsed
    if s.twin is not None:
        s.twin.close(inputs.closure[:, t])
    s.flows["closures"][t] = closing.sum(axis=2)
    s.flows["lapses"][t] = lapsed
    s.flows["reactivated"][t] = reactivated
    s.flows["lost_cover"][t] = lost


def agents(s, t: int) -> None:
    """Agents whose closure month it is close; each self-payer draws whether it stops or resumes
    paying (stream ``self_pay``); unpaid months age."""
    ag, flows = s.ag, s.flows
    if s.pending[t]:
        closing = np.concatenate(s.pending[t])
        s.pending[t] = []
        in_arrears = closing[(ag.status[closing] == L) & (ag.unpaid[closing] <= ARREARS_MONTHS)]
        s.arrears -= s.per_segment(in_arrears)
        s.move(closing, C)
        ag.covered_since[closing] = NOT_COVERED
        flows["closures"][t] = s.per_segment(closing)
    lapse, react = s.monthly.lapse[0, t], s.monthly.reactivation[0, t]
    for lo in range(0, ag.n, s.chunk):
        st = ag.status[lo : lo + s.chunk]
        sp = np.flatnonzero(st.view(np.uint8) - np.uint8(M) < 2) + lo  # mandiri or lapsed
        if not len(sp):
            continue
        is_m = ag.status[sp] == M
        event = s.streams.bernoulli("self_pay", t, sp, np.where(is_m, lapse, react))
        stop = sp[is_m & event]
        resume = sp[~is_m & event]
        stay = sp[~is_m & ~event]
        if len(stop):
            s.move(stop, L)
            ag.unpaid[stop] = 1
            s.arrears += s.per_segment(stop)
            flows["lapses"][t] += s.per_segment(stop)
        if len(resume):
            was_active = ag.unpaid[resume] <= ARREARS_MONTHS
            s.arrears -= s.per_segment(resume[was_active])
            back = resume[~was_active]
            ag.covered_since[back] = t + 1
            s.move(resume, M)
            ag.unpaid[resume] = 0
            flows["reactivated"][t] += s.per_segment(resume)
        if len(stay):
            unpaid = ag.unpaid[stay]
            lost = stay[unpaid == ARREARS_MONTHS]
            if len(lost):
                s.arrears -= s.per_segment(lost)
                ag.covered_since[lost] = NOT_COVERED
                flows["lost_cover"][t] += s.per_segment(lost)
            ag.unpaid[stay] = np.minimum(unpaid + 1, ARREARS_MONTHS + 1)
