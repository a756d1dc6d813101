"""Tables for people: the assumptions with their sources, the headline figures."""

from __future__ import annotations

import pandas as pd

from simulation.scenario.schema import iter_params


def _show(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def parameter_table(scenario) -> pd.DataFrame:
    """Every parameter of a scenario: group, key, value (or dated values), unit, range, source."""
    rows = []
    for key, param in iter_params(scenario.model):
        if param.values is None:
            shown = _show(param.value)
        else:
            shown = "; ".join(f"from {k}: {_show(v)}" for k, v in param.values.items())
        rows.append(
            {
                "group": key.split(".")[0],
                "key": key,
                "value": shown,
                "unit": param.unit,
                "range": "" if param.range is None else f"{_show(param.range[0])} to {_show(param.range[1])}",
                "source": " ".join(param.source.split()),
            }
        )
    return pd.DataFrame(rows)
