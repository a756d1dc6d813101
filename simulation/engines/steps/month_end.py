"""Step d, month end: closure in every open state, then self-payers stop paying or resume, arrears
age and a third unpaid month ends cover (facts F1.7, ``docs/model.md``, "Arrears")."""

from __future__ import annotations

import numpy as np

from simulation.engines.kernels import month_end
from simulation.engines.state import C, L, M


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
    paying (stream ``self_pay``); unpaid months age (one compiled pass,
    :func:`simulation.engines.kernels.month_end.month_end`)."""
    ag, flows, streams = s.ag, s.flows, s.streams
    moved = np.zeros((4, s.G), dtype=np.int32)  # closures, lapses, reactivated, lost_cover
    month_end.month_end(
        ag.close_month,
        ag.status,
        ag.unpaid,
        ag.covered_since,
        ag.segment,
        ag.n,
        t,
        streams.base("self_pay", t),
        streams.limit(s.monthly.lapse[0, t])[()],
        streams.limit(s.monthly.reactivation[0, t])[()],
        s.counts,
        s.arrears,
        moved,
    )
    for name, row in zip(("closures", "lapses", "reactivated", "lost_cover"), moved, strict=True):
        flows[name][t] += row
