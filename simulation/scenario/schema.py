"""The scenario schema: every parameter with a unit, a source and dated values.

Policy levers (what the regency chooses) live under ``policy``; assumptions
(what nobody controls and nobody has measured) under ``assumptions``;
``contribution`` holds the regulated prices and ``population`` the starting
population. A parameter is written either as a constant::

    closure_rate: {value: 0.05, unit: probability per year, source: "assumption", range: [0.02, 0.12]}

or with values keyed by month (``2026-04``) or year (``2027``), each holding
until the next key::

    self_pay_discount: {unit: share, source: "F1.6", values: {2026-01: 0, 2026-04: 0.5, 2027-01: 0}}
"""

from __future__ import annotations

import difflib
from itertools import pairwise
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from simulation.core.horizon import format_period, parse_period
from simulation.core.languages import check_language
from simulation.core.regions import DEFAULT_REGION, regions
from simulation.rules.graduation import GRADUATION_RULE_NAMES
from simulation.rules.payers import PAYERS
from simulation.rules.priority import PRIORITY_RULE_NAMES

T = TypeVar("T")

Probability = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[float, Field(ge=0)]
Rupiah = Annotated[float, Field(ge=0)]
Rate = Annotated[float, Field(ge=-0.5, le=1)]
CalendarMonth = Annotated[int, Field(ge=1, le=12)]
Years = Annotated[int, Field(ge=0, le=20)]
LogSD = Annotated[float, Field(ge=0, le=3)]
LogDrift = Annotated[float, Field(ge=-1, le=1)]
GrowthShare = Annotated[float, Field(ge=-1, le=10)]

GraduationRule = Literal[GRADUATION_RULE_NAMES]  # the registry in simulation.rules.graduation

# A value for every sector alike, or one per sector (keys: the sectors of population.sector_shares).
SectorRupiah = Rupiah | dict[str, Rupiah]
SectorLogSD = LogSD | dict[str, LogSD]
SectorLogDrift = LogDrift | dict[str, LogDrift]

SECTOR_KEYED = (
    "population.revenue_mean",
    "assumptions.revenue_drift",
    "assumptions.revenue_volatility",
)
"""Parameters that may hold one value per sector."""

PARAM_KEYS = frozenset({"unit", "source", "description", "value", "values", "range", "distribution"})


def did_you_mean(word: str, choices) -> str:
    """`` Did you mean 'x'?`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _sum_to_one(what: str):
    def check(shares: dict[str, float]) -> dict[str, float]:
        total = sum(shares.values())
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"{what} sum to {total:g}; they must sum to 1")
        return shares

    return check


def _registered_payer(name: str) -> str:
    """A payer of the registry (:data:`simulation.rules.payers.PAYERS`), read when a file is checked."""
    if name not in PAYERS:
        raise ValueError(f"allowed: {', '.join(PAYERS)}." + did_you_mean(name, PAYERS))
    return name


PayerName = Annotated[str, AfterValidator(_registered_payer)]  # the registry in simulation.rules.payers
PayerShares = Annotated[dict[PayerName, Probability], AfterValidator(_sum_to_one("payer shares"))]
SectorShares = Annotated[dict[str, Probability], AfterValidator(_sum_to_one("sector shares"))]
KecamatanShares = Annotated[dict[str, Probability], AfterValidator(_sum_to_one("kecamatan shares"))]
# keyed by kecamatan name or official code; checked against the scenario's region by the loader
# (simulation.scenario.loader.check_kecamatan), which also turns codes into names


class Distribution(BaseModel):
    """How an uncertain parameter is spread over its ``range`` in sensitivity runs.

    ``uniform`` (the default when only a range is given) is flat on the range;
    ``triangular`` peaks at ``mode``; ``truncnormal`` is a normal with ``mean``
    and ``sd`` cut to the range. ``mode`` and ``mean`` default to the
    parameter's constant ``value``; all are in the parameter's unit.
    """

    model_config = ConfigDict(extra="forbid")

    shape: Literal["uniform", "triangular", "truncnormal"] = "uniform"
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _shape_alone(cls, data: Any) -> Any:
        return {"shape": data} if isinstance(data, str) else data

    def check(self, value: Any, low: float, high: float) -> Distribution:
        """The distribution with defaults filled from ``value``, checked against ``[low, high]``."""
        wants = {"uniform": set(), "triangular": {"mode"}, "truncnormal": {"mean", "sd"}}[self.shape]
        given = {k for k in ("mode", "mean", "sd") if getattr(self, k) is not None}
        if given - wants:
            allowed = ", ".join(sorted(wants)) or "no parameters"
            raise ValueError(f"distribution {self.shape} takes {allowed}, not {', '.join(sorted(given - wants))}")
        if self.shape == "truncnormal" and self.sd is None:
            raise ValueError("distribution truncnormal needs 'sd' (same unit as the value)")
        centre = {"triangular": "mode", "truncnormal": "mean"}.get(self.shape)
        if centre is None:
            return self
        where = getattr(self, centre)
        if where is None:
            if not isinstance(value, (int, float)):
                raise ValueError(f"distribution {self.shape} needs '{centre}' when the parameter has no constant value")
            where = float(value)
        if not low <= where <= high:
            raise ValueError(f"distribution {centre} {where:g} lies outside the range [{low:g}, {high:g}]")
        return self.model_copy(update={centre: where})


class Param(BaseModel, Generic[T]):
    """One parameter: a unit, a source, and a constant ``value`` or dated ``values``.

    ``range`` is the plausible interval of an assumption (for sensitivity runs);
    ``distribution`` optionally says how it spreads over that range (uniform by default).
    """

    model_config = ConfigDict(extra="forbid")

    unit: str
    source: str
    description: str = ""
    value: T | None = None
    values: dict[str, T] | None = None
    range: tuple[T, T] | None = None
    distribution: Distribution | None = None

    @field_validator("values", mode="before")
    @classmethod
    def _keys_are_periods(cls, values: Any) -> Any:

        if not isinstance(values, dict):
            return values
        if not values:
            raise ValueError("at least one dated value is needed")
        out = {}
        for key, val in values.items():
            try:
                out[format_period(parse_period(key))] = val
            except ValueError as exc:
                raise ValueError(f"key {key!r}: {exc}") from None
        return out

    @model_validator(mode="after")
    def _one_of_value_or_values(self):
        if (self.value is None) == (self.values is None):
            raise ValueError("give exactly one of 'value' (a constant) or 'values' (keyed by month or year)")
        if self.range is not None and isinstance(self.range[0], (int, float)):
            low, high = self.range
            if low > high:
                raise ValueError(f"range [{low}, {high}] is reversed; it must be [low, high]")
        if self.distribution is not None:
            if self.range is None or not isinstance(self.range[0], (int, float)):
                raise ValueError("a distribution needs a numeric 'range: [low, high]' to spread over")
            self.distribution = self.distribution.check(self.value, *self.range)
        return self

    def dated(self) -> dict[int, T]:
        """Values keyed by month index (a constant is keyed at month 0)."""

        if self.values is None:
            return {0: self.value}
        return {parse_period(k): v for k, v in self.values.items()}


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Population(Section):
    """The UMKM population at the start and its renewal."""

    initial_umkm: Param[Count]
    entry_rate: Param[Probability]
    sector_shares: Param[SectorShares]
    kecamatan_shares: Param[KecamatanShares] | None = Field(None, json_schema_extra={"unit": "share of UMKM"})
    revenue_mean: Param[SectorRupiah]
    revenue_sigma: Param[LogSD]
    registry: str | None = Field(None, min_length=1)
    """Path of a UMKM registry (CSV or XLSX, docs/registry.md) for the microsimulation, relative to
    the scenario file (or, from ``--set``, to the working folder); none: a synthetic population."""


class Graduation(Section):
    """The yearly evaluation that steers grown UMKM to self-paying membership."""

    rule: Param[GraduationRule]
    rate: Param[Probability]
    revenue_threshold: Param[Rupiah]
    revenue_growth: Param[GrowthShare]
    min_subsidised_years: Param[Years]
    evaluation_month: Param[CalendarMonth]
    retention: Param[Probability]
    class_berkembang: Param[Rupiah] | None = Field(None, json_schema_extra={"unit": "rupiah per year"})
    """The office's classes (facts G1.4), read by ``umkm-sim evaluate``: annual revenue from which a UMKM
    is *berkembang* (developing); below it *pemula* (starting)."""
    class_mandiri: Param[Rupiah] | None = Field(None, json_schema_extra={"unit": "rupiah per year"})
    """Annual revenue from which a UMKM is in the office's class *mandiri* (independent); at least
    ``class_berkembang``."""


PriorityRule = Literal[PRIORITY_RULE_NAMES]  # the registry in simulation.rules.priority


class GroupPayer(Section):
    """A payer that covers a named group (by sector and/or kecamatan) rather than a share of everyone.

    For UMKM in the group, ``payer`` pays ``share`` of the contribution and the
    general ``policy.payers`` split the rest by their shares.
    """

    payer: PayerName
    share: Probability = 1.0
    sectors: list[str] = Field(default_factory=list)
    kecamatan: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names_a_group(self):
        if not self.sectors and not self.kecamatan:
            raise ValueError("a group payer names its group: give 'sectors', 'kecamatan' or both")
        return self


MonthsFunded = Annotated[int, Field(ge=0, le=12)]


class PaymentSchedule(Section):
    """When the payers pay BPJS-TK the contributions they owe (facts G3.2, G2.4).

    ``every`` month, quarter, half-year or year, the periods counted from January of each fiscal
    year (the first period of a horizon starting after January is shortened to the months it
    holds); ``timing`` ``advance`` pays a period's bill in its first month, ``arrears`` in its last.
    """

    every: Literal["monthly", "quarterly", "half-yearly", "yearly"] = "monthly"
    timing: Literal["advance", "arrears"] = "advance"


class Policy(Section):
    """Levers the regency chooses."""

    rollout: Param[Count]
    graduation: Graduation
    payers: Param[PayerShares]
    coverage_target: Param[Count]
    budget_ceiling: Param[Rupiah] | None = Field(
        None, json_schema_extra={"unit": "rupiah per fiscal year (APBD Kabupaten)"}
    )
    priority: Param[PriorityRule] | None = Field(None, json_schema_extra={"unit": "rule name"})
    kecamatan_quota: Param[KecamatanShares] | None = Field(None, json_schema_extra={"unit": "share of enrolments"})
    sector_order: Param[list[str]] | None = Field(None, json_schema_extra={"unit": "sectors, first served first"})
    group_payers: Param[list[GroupPayer]] | None = Field(
        None, json_schema_extra={"unit": "share of the group's contribution"}
    )
    months_funded: Param[MonthsFunded] | None = Field(
        None, json_schema_extra={"unit": "months of each fiscal year, from January, the payers fund"}
    )
    payment_schedule: Param[PaymentSchedule] | None = Field(
        None, json_schema_extra={"unit": "payment period and timing"}
    )

    @field_validator("rollout")
    @classmethod
    def _rollout_never_decreases(cls, rollout: Param):
        dated = sorted(rollout.dated().items())
        for (_, before), (key, after) in pairwise(dated):
            if after < before:
                raise ValueError(
                    f"the rollout counts UMKM ever enrolled, so it cannot fall: "
                    f"{format_period(key)} has {after:g} after {before:g}"
                )
        return rollout


class Assumptions(Section):
    """What nobody controls: annual probabilities and prices."""

    closure_rate: Param[Probability]
    mandiri_lapse_rate: Param[Probability]
    reactivation_rate: Param[Probability]
    revenue_drift: Param[SectorLogDrift]
    revenue_volatility: Param[SectorLogSD]
    inflation: Param[Rate]


class Contribution(Section):
    """BPJS Ketenagakerjaan contributions for non-wage-earner (BPU) members."""

    jkk: Param[Rupiah]
    jkm: Param[Rupiah]
    jht: Param[Rupiah] | None = Field(None, json_schema_extra={"unit": "rupiah per member per month"})
    self_pay_discount: Param[Probability]


class Benefits(Section):
    """What BPJS Ketenagakerjaan pays members' families: rates (assumptions) and amounts (regulation)."""

    accident_rate: Param[Probability]
    accident_medical_cost: Param[Rupiah]
    accident_income_months: Param[Annotated[float, Field(ge=0, le=120)]]
    declared_income: Param[Rupiah]
    accident_fatal_share: Param[Probability]
    jkk_death_benefit: Param[Rupiah]
    death_rate: Param[Probability]
    jkm_benefit: Param[Rupiah]
    jkm_benefit_early: Param[Rupiah] | None = Field(
        None, json_schema_extra={"unit": "rupiah per death not from work in the first months of membership"}
    )
    jkm_full_after_months: Param[Annotated[int, Field(ge=0, le=24)]] | None = Field(
        None, json_schema_extra={"unit": "months of membership after which the full JKM benefit is paid"}
    )
    children_per_family: Param[Annotated[float, Field(ge=0, le=2)]]
    scholarship_per_child: Param[Rupiah]
    scholarship_min_months: Param[Annotated[int, Field(ge=0, le=240)]]


class Fiscal(Section):
    """The budget around the programme: total APBD spending and the discount rate for present values."""

    apbd_total_spending: Param[Rupiah]
    discount_rate: Param[Rate]


class Description(BaseModel):
    """A scenario's description in each report language (``description: {id: ..., en: ...}``)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    en: str = Field(min_length=1)


class ScenarioModel(BaseModel):
    """A whole scenario file after ``extends`` and overrides are applied.

    ``description`` is one text, or one per report language (``{id: ..., en: ...}``) so that a
    brief in either language reads in that language only (:meth:`describe`).
    """

    model_config = ConfigDict(extra="forbid")

    description: Annotated[str, Field(min_length=1)] | Description
    region: str = DEFAULT_REGION
    """Official code of the regency (kabupaten or kota) the scenario plans for; its kecamatan come
    from the official codes (:mod:`simulation.core.regions`). Default ``52.03``, Lombok Timur."""
    start: str = "2026-01"
    years: int = Field(10, ge=1, le=40)
    population: Population
    policy: Policy
    assumptions: Assumptions
    contribution: Contribution
    benefits: Benefits | None = None
    fiscal: Fiscal | None = None

    @field_validator("region", mode="before")
    @classmethod
    def _region_is_regency(cls, region: Any) -> str:
        if not isinstance(region, str):
            raise ValueError('an official regency code written as text, e.g. "52.03" (Lombok Timur)')
        try:
            return regions().regency(region.strip()).code
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None

    @field_validator("start", mode="before")
    @classmethod
    def _start_is_month(cls, start: Any) -> str:

        return format_period(parse_period(start))

    def describe(self, language: str) -> str:
        """The description in ``language`` ("id" or "en") on one line; a single text serves both."""
        check_language(language)
        text = self.description if isinstance(self.description, str) else getattr(self.description, language)
        return " ".join(text.split())


def iter_params(node: BaseModel, path: str = ""):
    """Yield ``(dotted path, Param)`` for every parameter under a model, in schema order."""
    for name in type(node).model_fields:
        child = getattr(node, name)
        key = f"{path}.{name}" if path else name
        if isinstance(child, Param):
            yield key, child
        elif isinstance(child, BaseModel):
            yield from iter_params(child, key)
