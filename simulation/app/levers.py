"""What a planner may move in the app: one registry of levers and assumptions.

Each :class:`Lever` names a scenario parameter by its dotted key (or, for a payer's share, a
``payers.<name>`` key), its labels in Indonesian and English, and its kind. The allowed range comes
from the scenario file's ``range`` where it gives one; :attr:`Lever.bounds` is used only where a
parameter has no ``range`` by nature (a calendar month, a share, a budget). :func:`overrides` turns
the planner's values into the dotted overrides :meth:`Scenario.with_overrides` takes, listing only
what differs from the base scenario.

The funding levers (docs/model.md, "Months funded, payment schedule and cash plan") are here too:
months funded a year, the payment schedule (how often, in advance or in arrears; two controls, one
scenario parameter ``policy.payment_schedule``) and the start month (the scenario's top-level
``start``). A scenario that does not set them funds every month, pays monthly in advance and starts
in its own ``start``.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass

from simulation.core.horizon import format_period, parse_period
from simulation.reporting.parameter_labels import NAMES
from simulation.rules.payers import PAYERS
from simulation.scenario.schema import GraduationRule, PaymentSchedule, Policy

PAYER_PREFIX = "payers."
"""Key prefix of a payer's share lever; the APBD Kabupaten pays what the others do not."""

CEILING = "policy.budget_ceiling"
"""The APBD Kabupaten's budget ceiling; 0 on its lever means no ceiling (one the base sets is removed)."""

CEILING_UNIT = "rupiah per fiscal year (APBD Kabupaten)"
CEILING_STEP = 500_000_000
"""Unit and slider step (rupiah) of the budget ceiling lever."""

SHARED_PAYERS = ("apbd_provinsi", "dbhcht", "dana_desa")
"""Payers whose share of the subsidised contribution the app lets a planner set."""

SCHEDULE = "policy.payment_schedule"
"""The scenario parameter the two payment-schedule levers (``.every``, ``.timing``) write together."""

SCHEDULE_DEFAULT = {"every": "monthly", "timing": "advance"}
"""The schedule of a scenario that sets none (the schema's defaults)."""

FUNDED = "policy.months_funded"
"""Months of each fiscal year, from January, the payers fund (0-12); 12 where a scenario sets none."""

START = "start"
"""The first simulated month, ``YYYY-MM`` (a top-level scenario key, not a parameter)."""

START_BOUNDS = ("2026-01", "2027-12")
"""Start months a planner may choose: the programme's planned year and one year's delay (G1.1)."""

APP_SOURCE = "planner app"
"""Source of a parameter the base scenario does not set and the planner adds."""


@dataclass(frozen=True)
class Lever:
    """One control of the app.

    Attributes
    ----------
    key : str
        Dotted scenario key (``policy.graduation.rate``) or ``payers.<payer>``.
    label : dict of str to str
        Label by language (``id``, ``en``).
    kind : {"float", "int", "rupiah", "choice", "steps", "month"}
        ``steps``: dated values written ``2026-01: 25000; 2026-07: 45000``; ``month``: a
        calendar month ``YYYY-MM`` within :data:`START_BOUNDS`.
    group : {"lever", "assumption"}
        Policy lever (the regency chooses) or assumption (nobody controls).
    step : float
        Slider step, in the parameter's unit.
    bounds : tuple of float, optional
        Allowed interval where the scenario gives no ``range`` (inclusive).
    unit : dict of str to str, optional
        Unit shown beside the label where the scenario's unit text is too long.
    choices : tuple of str, optional
        Allowed values of a ``choice`` lever (the scenario file's names).
    shown : dict of str to dict, optional
        A choice's words by language where its scenario name is not a word a planner reads
        (``{"yearly": {"id": "tahunan", "en": "yearly"}}``).
    """

    key: str
    label: dict[str, str]
    kind: str
    group: str
    step: float = 0.01
    bounds: tuple[float, float] | None = None
    unit: dict[str, str] | None = None
    choices: tuple[str, ...] | None = None
    shown: dict[str, dict[str, str]] | None = None

    def options(self, language: str) -> list[tuple[str, str]]:
        """A choice lever's (words shown, scenario name) pairs in ``language``."""
        return [((self.shown or {}).get(c, {}).get(language, c), c) for c in self.choices or ()]


RULES: tuple[str, ...] = typing.get_args(GraduationRule)
"""Graduation rules a planner may choose (the scenario schema's allowed names)."""

EVERY: tuple[str, ...] = typing.get_args(PaymentSchedule.model_fields["every"].annotation)
TIMING: tuple[str, ...] = typing.get_args(PaymentSchedule.model_fields["timing"].annotation)
"""Payment periods and timings a planner may choose (the scenario schema's allowed names)."""

LEVERS: dict[str, Lever] = {
    lv.key: lv
    for lv in (
        Lever(
            "policy.rollout",
            {"id": "Tahapan pendaftaran (bulan: UMKM kumulatif)", "en": "Rollout steps (month: cumulative UMKM)"},
            "steps",
            "lever",
        ),
        Lever(
            "policy.graduation.rule",
            {"id": "Aturan naik kelas", "en": "Graduation rule"},
            "choice",
            "lever",
            choices=RULES,
            shown={rule: NAMES[rule] for rule in RULES},
        ),
        Lever(
            "policy.graduation.rate",
            {"id": "Peluang naik kelas per evaluasi", "en": "Graduation probability per evaluation"},
            "float",
            "lever",
            step=0.01,
        ),
        Lever(
            "policy.graduation.revenue_threshold",
            {"id": "Ambang omzet naik kelas", "en": "Revenue threshold for graduating"},
            "rupiah",
            "lever",
            step=5_000_000,
            unit={"id": "Rp per tahun", "en": "IDR per year"},
        ),
        Lever(
            "policy.graduation.retention",
            {"id": "Retensi sesudah lulus", "en": "Retention after graduating"},
            "float",
            "lever",
            step=0.05,
            unit={"id": "peluang", "en": "probability"},
        ),
        Lever(
            "policy.graduation.evaluation_month",
            {"id": "Bulan evaluasi", "en": "Evaluation month"},
            "int",
            "lever",
            step=1,
            bounds=(1, 12),
            unit={"id": "bulan 1-12", "en": "month 1-12"},
        ),
        Lever(
            CEILING,
            {"id": "Pagu APBD Kabupaten per tahun (0 = tanpa pagu)", "en": "APBD Kabupaten ceiling a year (0 = none)"},
            "rupiah",
            "lever",
            step=CEILING_STEP,
            bounds=(0, 50_000_000_000),
            unit={"id": "Rp per tahun", "en": "IDR per year"},
        ),
        *(
            Lever(
                f"{PAYER_PREFIX}{name}",
                {"id": f"Porsi {PAYERS[name].label['id']}", "en": f"{PAYERS[name].label['en']} share"},
                "float",
                "lever",
                step=0.05,
                bounds=(0.0, 1.0),
                unit={"id": "porsi iuran", "en": "share of the contribution"},
            )
            for name in SHARED_PAYERS
        ),
        Lever(
            FUNDED,
            {
                "id": "Bulan dibiayai per tahun anggaran (dari Januari)",
                "en": "Months funded a fiscal year (from January)",
            },
            "int",
            "lever",
            step=1,
            bounds=(0, 12),
            unit={"id": "bulan 0-12", "en": "months 0-12"},
        ),
        Lever(
            f"{SCHEDULE}.every",
            {"id": "Jadwal pembayaran iuran", "en": "Contribution payment schedule"},
            "choice",
            "lever",
            unit={"id": "periode", "en": "period"},
            choices=EVERY,
            shown={every: NAMES[every] for every in EVERY},
        ),
        Lever(
            f"{SCHEDULE}.timing",
            {"id": "Dibayar di awal atau akhir periode", "en": "Paid in advance or in arrears"},
            "choice",
            "lever",
            unit={"id": "saat bayar", "en": "timing"},
            choices=TIMING,
            shown={
                "advance": {"id": "di muka (bulan pertama)", "en": "in advance (first month)"},
                "arrears": {"id": "di belakang (bulan terakhir)", "en": "in arrears (last month)"},
            },
        ),
        Lever(
            START,
            {"id": "Bulan mulai program", "en": "Programme start month"},
            "month",
            "lever",
            unit={"id": "tahun-bulan", "en": "year-month"},
        ),
        Lever(
            "assumptions.closure_rate",
            {"id": "Peluang usaha tutup per tahun", "en": "Business closure probability per year"},
            "float",
            "assumption",
        ),
        Lever(
            "assumptions.mandiri_lapse_rate",
            {"id": "Peluang berhenti membayar (mandiri)", "en": "Lapse probability (self-paying)"},
            "float",
            "assumption",
        ),
        Lever(
            "assumptions.reactivation_rate",
            {"id": "Peluang aktif kembali", "en": "Reactivation probability"},
            "float",
            "assumption",
        ),
        Lever(
            "population.entry_rate",
            {"id": "UMKM baru per tahun (porsi)", "en": "New UMKM per year (share)"},
            "float",
            "assumption",
            step=0.005,
        ),
    )
}
"""The app's controls in the order it shows them: policy levers, then assumptions."""


class LeverError(ValueError):
    """A value a planner typed that a lever refuses; the message names the lever and what is allowed."""


def _shares(scenario) -> dict[str, float]:
    return dict(scenario.first("policy.payers"))


def initial(scenario, key: str):
    """The value a lever starts from: the base scenario's value in its first month.

    Returns
    -------
    float, int, str
        In the parameter's unit; ``steps`` levers give their dated values as text; a budget
        ceiling the scenario does not set gives 0.
    """
    lever = LEVERS[key]
    if key.startswith(PAYER_PREFIX):
        return float(_shares(scenario).get(key.removeprefix(PAYER_PREFIX), 0.0))
    if key == START:
        return scenario.model.start
    if key.startswith(f"{SCHEDULE}."):
        schedule = scenario.model.policy.payment_schedule
        field = key.removeprefix(f"{SCHEDULE}.")
        return SCHEDULE_DEFAULT[field] if schedule is None else getattr(scenario.first(SCHEDULE), field)
    if key == FUNDED and scenario.model.policy.months_funded is None:
        return 12
    if key == CEILING and scenario.model.policy.budget_ceiling is None:
        return 0.0
    if lever.kind == "steps":
        return format_steps(scenario.param(key).dated(), scenario)
    value = scenario.first(key)
    return int(value) if lever.kind == "int" else (value if lever.kind == "choice" else float(value))


def bounds(scenario, key: str) -> tuple[float, float] | None:
    """The allowed interval of a numeric lever: the scenario's ``range``, else the lever's own bounds."""
    lever = LEVERS[key]
    if lever.kind in ("choice", "steps", "month"):
        return None
    if not key.startswith(PAYER_PREFIX):
        try:
            given = scenario.param(key).range
        except (AttributeError, KeyError):
            given = None
        if given is not None:
            low, high = given
            # the base's own value stays allowed even where a reform sets it outside the range
            value = initial(scenario, key)
            return float(min(low, value)), float(max(high, value))
    return lever.bounds


def months(scenario) -> list[str]:
    """Start months a planner may choose: :data:`START_BOUNDS`, widened to hold the base's own start."""
    low, high = (parse_period(p) for p in START_BOUNDS)
    own = parse_period(scenario.model.start)
    return [format_period(m) for m in range(min(low, own), max(high, own) + 1)]


def format_steps(dated: dict[int, float], scenario) -> str:
    """Dated values (keyed by month index, a constant at 0) as ``2026-01: 25000; 2026-07: 45000``."""
    start = parse_period(scenario.model.start)
    return "; ".join(f"{format_period(max(m, start))}: {int(v)}" for m, v in sorted(dated.items()))


def parse_steps(text: str) -> dict[str, int]:
    """``2026-01: 25000; 2026-07: 45000`` to ``{"2026-01": 25000, "2026-07": 45000}``.

    Raises
    ------
    LeverError
        For a step that is not ``YYYY-MM: number``.
    """
    steps = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
        match = re.fullmatch(r"(\d{4}-\d{2})\s*[:=]\s*([\d.,_ ]+)", part)
        if not match:
            raise LeverError(f"rollout step {part!r}: write YYYY-MM: UMKM, e.g. 2026-07: 45000")
        steps[match.group(1)] = int(float(re.sub(r"[,_ ]", "", match.group(2))))
    if not steps:
        raise LeverError("the rollout needs at least one step, e.g. 2026-01: 73000")
    return steps


def check(scenario, key: str, value, language: str = "id") -> None:
    """Refuse a value outside a lever's allowed range, naming the range.

    Raises
    ------
    LeverError
        With the lever's label, the value and the allowed interval or choices.
    """
    lever = LEVERS[key]
    name = lever.label[language]
    if lever.kind == "choice":
        if value not in lever.choices:
            raise LeverError(f"{name}: {value!r} - {', '.join(lever.choices)}")
        return
    if lever.kind == "month":
        allowed = months(scenario)
        if value not in allowed:
            outside = {"id": "di luar rentang", "en": "outside the range"}[language]
            raise LeverError(f"{name}: {value!r} {outside} {allowed[0]} - {allowed[-1]}")
        return
    if lever.kind == "steps":
        parse_steps(value)
        return
    low, high = bounds(scenario, key) or (float("-inf"), float("inf"))
    if not low <= value <= high:
        allowed = {"id": "di luar rentang", "en": "outside the range"}[language]
        raise LeverError(f"{name}: {value:g} {allowed} {low:g} - {high:g}")


def _added(scenario, key: str, value):
    """``value`` as an override; with a unit and a source where the base does not set ``key``."""
    if getattr(scenario.model.policy, key.removeprefix("policy.")) is not None:
        return value
    unit = Policy.model_fields[key.removeprefix("policy.")].json_schema_extra["unit"]
    return {"value": value, "unit": unit, "source": APP_SOURCE}


def overrides(scenario, values: dict) -> dict:
    """The planner's values as dotted overrides, only those that differ from ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        The base scenario.
    values : dict
        Lever key to value (keys missing: unchanged).

    Returns
    -------
    dict
        Dotted key to value, e.g. ``{"policy.graduation.rate": 0.2}``; payers' shares become
        ``policy.payers`` from the first month with the APBD Kabupaten paying the rest; the two
        schedule levers become one ``policy.payment_schedule`` (both fields); a parameter the base
        does not set comes with its unit and source.
    """
    out: dict = {}
    shares = _shares(scenario)
    new_shares = dict(shares)
    for key, value in values.items():
        if value == initial(scenario, key):
            continue  # untouched: keep the scenario's own (possibly dated) values
        if key.startswith(f"{SCHEDULE}."):
            fields = {f: values.get(f"{SCHEDULE}.{f}", initial(scenario, f"{SCHEDULE}.{f}")) for f in SCHEDULE_DEFAULT}
            out[SCHEDULE] = _added(scenario, SCHEDULE, fields)
        elif key == FUNDED:
            out[key] = _added(scenario, key, int(value))
        elif key.startswith(PAYER_PREFIX):
            new_shares[key.removeprefix(PAYER_PREFIX)] = round(float(value), 6)
        elif LEVERS[key].kind == "steps":
            out[key] = parse_steps(value)
        elif key == CEILING and not value:
            out[key] = None  # no ceiling: removes the one the base sets (saved as ``null``)
        elif key == CEILING and scenario.model.policy.budget_ceiling is None:
            out[key] = {"value": float(value), "unit": CEILING_UNIT, "source": APP_SOURCE}
        else:
            out[key] = value
    if new_shares != shares:
        others = {k: v for k, v in new_shares.items() if k != "apbd_kabupaten" and v > 0}
        rest = round(1.0 - sum(others.values()), 6)
        out["policy.payers"] = {scenario.model.start: {"apbd_kabupaten": rest, **others} if rest > 0 else others}
    return out
