"""Calibration by maximum likelihood from two waves of registry data one year apart.

Estimated (wave schema and timing in :mod:`simulation.analysis.waves`):

- **status rates** (annual probabilities): closure ``c``, graduation ``g`` (per
  evaluation), retention ``rho`` (a graduate goes on paying), mandiri lapse ``l``
  and reactivation ``r``. Between two December snapshots the model of
  ``docs/model.md`` gives, for a UMKM in each wave-1 state, a multinomial over its
  wave-2 state: closure hits every open state (``c`` over the year); among
  survivors, mandiri and lapsed members move by the monthly two-state chain
  ``Q = [[1-l_m, l_m], [r_m, 1-r_m]]`` over twelve months; subsidised members
  graduate at the evaluation (``g``; to mandiri with ``rho``) and then follow ``Q``
  for the month ends left before December (:func:`transition_probabilities`).
  Eligible UMKM inform only ``c`` (open in any state, an enrolment between the
  waves included, or closed). Transitions the model does not allow (e.g.
  subsidised to eligible) are left out and counted. ``lapsed`` is the payment
  state: members in arrears (covered, facts F1.7) count as lapsed.
- **revenue growth** by sector: ``log(r2 / r1) ~ Normal(drift, volatility)`` for
  UMKM open in both waves with both revenues (the micro engine applies a year's
  increment at each evaluation, so two snapshots a year apart differ by one).

docs/analysis.md ("What is estimated, exactly") says which engine quantity each
estimate is and when it equals the scenario parameter it is written to;
``tests/test_calibration.py`` checks the recovery on waves drawn from the micro
engine (:func:`simulation.analysis.waves.micro_waves`).

The negative log-likelihood is minimised with :func:`scipy.optimize.minimize`
on unconstrained scales (logit for probabilities, log for the volatility); 95%
confidence intervals come from the observed information (the inverse of a
finite-difference Hessian at the optimum) on those scales, mapped back, so they
stay inside ``[0, 1]``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import optimize, special, stats

from simulation.analysis.waves import COLUMNS
from simulation.core.regions import kecamatan_names
from simulation.core.states import STATE_NAMES, monthly_probability
from simulation.scenario import load_scenario

Z95 = stats.norm.ppf(0.975)

UNITS = {
    "c": "probability per year that an open UMKM closes",
    "g": "probability per evaluation that a subsidised UMKM graduates",
    "rho": "probability that a graduate goes on paying",
    "l": "probability per year that a self-paying member lapses",
    "r": "probability per year that a lapsed member resumes paying",
}

RATES = {
    "assumptions.closure_rate": "c",
    "policy.graduation.rate": "g",
    "policy.graduation.retention": "rho",
    "assumptions.mandiri_lapse_rate": "l",
    "assumptions.reactivation_rate": "r",
}
"""Scenario parameter of each estimated status rate."""

_OPEN = ("eligible", "subsidised", "mandiri", "lapsed")

_ALLOWED = {
    "eligible": ("eligible", "subsidised", "mandiri", "lapsed", "closed"),
    "subsidised": ("subsidised", "mandiri", "lapsed", "closed"),
    "mandiri": ("mandiri", "lapsed", "closed"),
    "lapsed": ("mandiri", "lapsed", "closed"),
}


class WaveError(ValueError):
    """A wave file cannot be used; the message names the file, row, column, value and what is allowed."""


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_wave(frame: pd.DataFrame, name: str, sectors=None) -> pd.DataFrame:
    """Validate a wave in the schema of :mod:`simulation.analysis.waves`; return a clean copy.

    Raises
    ------
    WaveError
        Naming ``name``, the row (1-based data row), the column, the value and what is allowed.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise WaveError(f"{name}: missing column(s) {', '.join(missing)}; a wave has columns {', '.join(COLUMNS)}")
    df = frame[list(COLUMNS)].copy()
    df["business_id"] = df["business_id"].astype(str)
    df["status"] = df["status"].astype(str).str.strip().str.lower()
    problems = []

    def bad(mask, column, allowed):
        for i in np.flatnonzero(np.asarray(mask))[:3]:
            problems.append(f"{name}: row {i + 1}, {column} = {frame[column].iloc[i]!r}: {allowed}")

    bad(~df["status"].isin(STATE_NAMES), "status", f"allowed: {', '.join(STATE_NAMES)}")
    bad(~df["kecamatan"].isin(kecamatan_names()), "kecamatan", "must be a kecamatan of Lombok Timur (facts F5.2)")
    if sectors is not None:
        bad(~df["sector"].isin(sectors), "sector", f"allowed: {', '.join(sectors)}")
    revenue = pd.to_numeric(df["revenue"], errors="coerce")
    bad(revenue.isna() & df["revenue"].notna() & (df["revenue"].astype(str).str.strip() != ""), "revenue",
        "must be a number of rupiah per year, or empty")  # fmt: skip
    bad(revenue < 0, "revenue", "must be 0 or more rupiah per year")
    bad(df["business_id"].duplicated(), "business_id", "must be unique within a wave")
    if problems:
        raise WaveError("\n".join(problems))
    df["revenue"] = revenue
    return df


def transition_probabilities(theta: dict[str, float], evaluation_month: int = 12) -> dict[str, dict[str, float]]:
    """Probability of each wave-2 state for each wave-1 state, from annual rates ``c, g, rho, l, r``.

    The waves are at the end of December, one year apart. ``evaluation_month``
    (1-12) is the month at whose end subsidised members graduate; a graduate then
    goes through the mandiri/lapsed chain for the ``12 - evaluation_month`` month
    ends left before wave 2 (none for the default December evaluation). The
    ``eligible`` row gives closure only: ``eligible`` there stands for "open in
    wave 2", whatever the state (an enrolment between the waves included).
    """
    c, g, rho = theta["c"], theta["g"], theta["rho"]
    lm, rm = monthly_probability(theta["l"]), monthly_probability(theta["r"])
    q = np.array([[1 - lm, lm], [rm, 1 - rm]])
    q12 = np.linalg.matrix_power(q, 12)
    after = np.array([rho, 1 - rho]) @ np.linalg.matrix_power(q, 12 - int(evaluation_month))
    s = 1 - c
    return {
        "eligible": {"eligible": s, "closed": c},
        "subsidised": {"subsidised": s * (1 - g), "mandiri": s * g * after[0], "lapsed": s * g * after[1], "closed": c},
        "mandiri": {"mandiri": s * q12[0, 0], "lapsed": s * q12[0, 1], "closed": c},
        "lapsed": {"mandiri": s * q12[1, 0], "lapsed": s * q12[1, 1], "closed": c},
    }


def hessian(f, x: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Central finite-difference Hessian of a scalar function at ``x``."""
    x = np.asarray(x, dtype=float)
    k = len(x)
    h = step * np.maximum(1.0, np.abs(x))
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.eye(k)[i] * h[i], np.eye(k)[j] * h[j]
            value = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
            out[i, j] = out[j, i] = value
    return out


@dataclass
class Calibration:
    """Estimates from two waves.

    Attributes
    ----------
    estimates : DataFrame
        One row per parameter (and sector): ``parameter``, ``sector`` (empty for status
        rates), ``estimate``, ``se`` (on the parameter's scale, delta method),
        ``ci_low``, ``ci_high`` (95%), ``n`` (UMKM informing it), ``unit``.
    counts : DataFrame
        Wave-1 state x wave-2 state counts used.
    left_out : dict
        Rows not used and why (counts only).
    """

    estimates: pd.DataFrame
    counts: pd.DataFrame
    left_out: dict


def _status_mle(counts: pd.DataFrame, start: dict[str, float], evaluation_month: int = 12) -> pd.DataFrame:
    keys = ["c", "g", "rho", "l", "r"]
    rows_from = counts.sum(axis=1)
    graduates = counts.loc["subsidised", ["mandiri", "lapsed"]].sum() if "subsidised" in counts.index else 0
    informed = {
        "c": rows_from.sum() > 0,
        "g": rows_from.get("subsidised", 0) > 0,
        "rho": graduates > 0,
        "l": rows_from.get("mandiri", 0) + rows_from.get("lapsed", 0) > 0,
        "r": rows_from.get("mandiri", 0) + rows_from.get("lapsed", 0) > 0,
    }
    free = [k for k in keys if informed[k]]

    def theta_of(z):
        theta = dict(start)
        theta.update({k: float(special.expit(v)) for k, v in zip(free, z, strict=True)})
        return theta

    counts = counts.copy()
    if "eligible" in counts.index:  # an eligible UMKM informs only closure: open (enrolled or not) or closed
        counts.loc["eligible", "eligible"] = counts.loc["eligible", [s for s in _OPEN if s in counts.columns]].sum()
        counts.loc["eligible", [s for s in _OPEN[1:] if s in counts.columns]] = 0

    def nll(z):
        probs = transition_probabilities(theta_of(z), evaluation_month)
        total = 0.0
        for s1, row in probs.items():
            for s2, p in row.items():
                k = counts.at[s1, s2] if s1 in counts.index and s2 in counts.columns else 0
                if k:
                    total -= k * np.log(max(p, 1e-300))
        return total

    z0 = special.logit(np.clip([start[k] for k in free], 1e-3, 1 - 1e-3))
    fit = optimize.minimize(nll, z0, method="BFGS")
    z = fit.x
    cov = np.linalg.pinv(hessian(nll, z))
    se_z = np.sqrt(np.clip(np.diag(cov), 0, None))
    survivors = rows_from - (counts["closed"] if "closed" in counts.columns else 0)  # closers inform closure only
    n_of = {
        "c": rows_from.sum(),
        "g": survivors.get("subsidised", 0),
        "rho": graduates,
        "l": survivors.get("mandiri", 0) + survivors.get("lapsed", 0),
        "r": survivors.get("mandiri", 0) + survivors.get("lapsed", 0),
    }
    out = []
    for dotted, key in RATES.items():
        if key in free:
            i = free.index(key)
            p = float(special.expit(z[i]))
            lo, hi = special.expit(z[i] - Z95 * se_z[i]), special.expit(z[i] + Z95 * se_z[i])
            se = p * (1 - p) * se_z[i]
        else:
            p, lo, hi, se = start[key], np.nan, np.nan, np.nan
        out.append({"parameter": dotted, "sector": "", "estimate": p, "se": float(se), "ci_low": float(lo),
                    "ci_high": float(hi), "n": int(n_of[key]), "unit": UNITS[key]})  # fmt: skip
    return pd.DataFrame(out)


def _revenue_mle(logs: np.ndarray) -> tuple[float, float, np.ndarray]:
    """MLE of (drift, volatility) of a normal sample and the covariance of (drift, log volatility)."""

    def nll(z):
        return -stats.norm.logpdf(logs, loc=z[0], scale=np.exp(z[1])).sum()

    z0 = np.array([logs.mean(), np.log(max(logs.std(), 1e-6))])
    fit = optimize.minimize(nll, z0, method="BFGS")
    return float(fit.x[0]), float(np.exp(fit.x[1])), np.linalg.pinv(hessian(nll, fit.x))


def calibrate(wave1: pd.DataFrame, wave2: pd.DataFrame, scenario, names=("wave 1", "wave 2")) -> Calibration:
    """Estimate status rates and revenue growth by sector from two waves.

    Parameters
    ----------
    wave1, wave2 : DataFrame
        In the wave schema; wave 2 one year after wave 1.
    scenario : Scenario
        Supplies the sectors, the month of the graduation evaluation
        (``policy.graduation.evaluation_month``, first value) and the starting
        point (and the value kept for a rate the data do not inform).
    names : tuple of str
        How the waves are named in error messages.
    """
    sectors = scenario.sectors
    w1 = check_wave(wave1, names[0], sectors)
    w2 = check_wave(wave2, names[1], sectors)
    both = w1.merge(w2[["business_id", "revenue", "status"]], on="business_id", suffixes=("_1", "_2"))
    # ids are unique within a wave (check_wave), so ``both`` has one row per id in both waves; counted
    # so, not by pandas' ``isin`` on the string ids (it converts every id to a pyarrow scalar in
    # Python: 0.3 s for each wave of 73,000)
    left_out = {
        "only_in_wave_1": len(w1) - len(both),
        "only_in_wave_2": len(w2) - len(both),
        "closed_in_wave_1": int((both["status_1"] == "closed").sum()),
    }
    pairs = {f"{a}>{b}" for a, to in _ALLOWED.items() for b in to}
    allowed = (both["status_1"] + ">" + both["status_2"]).isin(pairs)
    left_out["transition_not_in_model"] = int((~allowed & (both["status_1"] != "closed")).sum())
    used = both[allowed]
    counts = pd.crosstab(used["status_1"], used["status_2"]).reindex(
        index=list(_ALLOWED), columns=STATE_NAMES, fill_value=0
    )
    start = {key: float(scenario.first(dotted)) for dotted, key in RATES.items()}
    evaluation = int(scenario.first("policy.graduation.evaluation_month"))
    rows = [_status_mle(counts, start, evaluation)]
    open_both = both[(both["status_1"] != "closed") & (both["status_2"] != "closed")]
    logs = np.log(open_both["revenue_2"] / open_both["revenue_1"])
    ok = np.isfinite(logs)
    open_both, logs = open_both[ok], logs[ok]
    drift0 = scenario.by_sector("assumptions.revenue_drift")[0]
    vol0 = scenario.by_sector("assumptions.revenue_volatility")[0]
    out = []
    for k, sector in enumerate(sectors):
        x = logs[open_both["sector"] == sector].to_numpy()
        if len(x) < 3:
            out += [
                {"parameter": "assumptions.revenue_drift", "sector": sector, "estimate": drift0[k], "n": len(x)},
                {"parameter": "assumptions.revenue_volatility", "sector": sector, "estimate": vol0[k], "n": len(x)},
            ]
            continue
        mu, sigma, cov = _revenue_mle(x)
        se_mu, se_logs = np.sqrt(np.clip(np.diag(cov), 0, None))
        out += [
            {"parameter": "assumptions.revenue_drift", "sector": sector, "estimate": mu, "se": se_mu,
             "ci_low": mu - Z95 * se_mu, "ci_high": mu + Z95 * se_mu, "n": len(x),
             "unit": "mean annual change of log revenue"},
            {"parameter": "assumptions.revenue_volatility", "sector": sector, "estimate": sigma,
             "se": sigma * se_logs, "ci_low": sigma * np.exp(-Z95 * se_logs),
             "ci_high": sigma * np.exp(Z95 * se_logs), "n": len(x),
             "unit": "standard deviation of the annual change of log revenue"},
        ]  # fmt: skip
    rows.append(pd.DataFrame(out))
    estimates = pd.concat(rows, ignore_index=True)
    return Calibration(estimates=estimates, counts=counts, left_out=left_out)


def _show(x: float) -> str:
    return f"{x:.4g}"


def scenario_document(cal: Calibration, base: str | Path, out: str | Path, data: list[tuple[str, str]]) -> dict:
    """The calibrated scenario as YAML data: ``extends`` the base and sets each estimate.

    Every estimated parameter gets ``value`` (or per-sector values), a ``range``
    (its 95% interval), a ``distribution`` (a normal with the interval's standard error, cut to
    it) and a ``source`` citing the wave files by name and SHA-256.
    """
    cited = "; ".join(f"{name} (sha256 {digest})" for name, digest in data)
    doc: dict = {
        "extends": os.path.relpath(Path(base).resolve(), Path(out).resolve().parent).replace(os.sep, "/"),
        "description": f"Calibrated by maximum likelihood from two registry waves: {cited}.",
    }
    est = cal.estimates
    for row in est[est["sector"] == ""].itertuples():
        if not np.isfinite(row.ci_low):
            continue
        node = doc
        *parents, leaf = row.parameter.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        sd = (float(row.ci_high) - float(row.ci_low)) / (2 * 1.959964)
        node[leaf] = {
            "value": round(float(row.estimate), 6),
            "range": [round(float(row.ci_low), 6), round(float(row.ci_high), 6)],
            # the estimate's normal approximation replaces any prior spread of the base scenario
            "distribution": {"shape": "truncnormal", "sd": sd} if sd > 0 else "uniform",
            "source": f"calibrated: maximum likelihood from {cited}; n = {row.n}; 95% CI "
            f"[{_show(row.ci_low)}, {_show(row.ci_high)}] from the observed information",
        }
    for parameter, bounds in (("assumptions.revenue_drift", (-1, 1)), ("assumptions.revenue_volatility", (0, 3))):
        part = est[(est["parameter"] == parameter) & est["ci_low"].notna()] if "ci_low" in est else est.iloc[:0]
        if part.empty:
            continue
        leaf = parameter.split(".")[1]
        doc.setdefault("assumptions", {})[leaf] = {
            "value": {r.sector: round(float(r.estimate), 6) for r in est[est["parameter"] == parameter].itertuples()},
            "range": [
                round(max(bounds[0], float(part["ci_low"].min())), 6),
                round(min(bounds[1], float(part["ci_high"].max())), 6),
            ],  # fmt: skip
            "source": f"calibrated by sector: maximum likelihood from {cited}; range spans the sectors' 95% CIs",
        }
    return doc


def write_scenario(cal: Calibration, base: str | Path, out: str | Path, data: list[tuple[str, str]]) -> Path:
    """Write the calibrated scenario file and check that it loads.

    Parameters
    ----------
    cal : Calibration
    base : path
        The scenario it ``extends`` (written as a path relative to ``out``).
    out : path
        The new scenario file.
    data : list of (file name, sha256)
        The waves it came from.
    """

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = scenario_document(cal, base, out, data)
    header = "# Calibrated scenario written by `umkm-sim calibrate`; edit the base scenario, not this file.\n"
    out.write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    load_scenario(out)
    return out
