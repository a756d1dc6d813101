"""Step d, month end: closure in every open state, then self-payers stop paying or resume, arrears
age and a third unpaid month ends cover (facts F1.7, ``docs/model.md``, "Arrears")."""

from __future__ import annotations

import numpy as np

from simulation.engines.kernels import month_end
from simulation.engines.state import C, L, M


def expected(s, t: int) -> None:
    """Expected closures, lapses, reactivations and losses of cover, on the stocks after closure."""
    inputs, x, arrears = s.inputs, s.x, s.arrears
    closure = inputs.closure[:, t, None]  # (P, 1)
    closures = x[:, :, :C].sum(axis=2) * closure  # every open state alike
    x[:, :, :C] *= (1.0 - closure)[..., None]
    x[:, :, C] += closures
    lapsed = x[:, :, M] * inputs.lapse[:, t, None]
    reactivated = x[:, :, L] * inputs.reactivation[:, t, None]
    moved = reactivated - lapsed
    x[:, :, M] += moved
    x[:, :, L] -= moved
    # arrears: closure and resumption hit them like all lapsed; a third unpaid month ends cover
    lost = arrears[:, :, 2] * ((1.0 - closure) * (1.0 - inputs.reactivation[:, t, None]))
    arrears[:, :, 1:] = arrears[:, :, :2] * ((1.0 - closure) * (1.0 - inputs.reactivation[:, t, None]))[..., None]
    arrears[:, :, 0] = lapsed
    if s.twin is not None:
        s.twin.close(inputs.closure[:, t])
    s.flows["closures"][t] = closures
    s.flows["lapses"][t] = lapsed
    s.flows["reactivated"][t] = reactivated
    s.flows["lost_cover"][t] = lost


def agents(s, t: int) -> None:
    """Agents whose closure month it is close; each self-payer draws whether it stops or resumes
    paying (stream ``self_pay``); unpaid months age (compiled passes,
    :func:`simulation.engines.kernels.month_end.month_end`, over the self-payers the state lists)."""
    ag, flows, streams = s.ag, s.flows, s.streams
    limits = s.per_month.get("self_pay")
    if limits is None:  # p * 2**64 of each month's lapse and reactivation, once per replicate
        limits = s.per_month["self_pay"] = (streams.limit(s.monthly.lapse[0]), streams.limit(s.monthly.reactivation[0]))
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
        limits[0][t],
        limits[1][t],
        s.counts,
        s.arrears,
        moved,
        s.mandiri,
        s.lapsed,
        s.listed,
    )
    for name, row in zip(("closures", "lapses", "reactivated", "lost_cover"), moved, strict=True):
        flows[name][t] += row
