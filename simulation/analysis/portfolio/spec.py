"""A portfolio file: several regions, each a scenario, and the payers they share.

A portfolio (``scenarios/portfolios/*.yaml``) lists its members by official regency code. Each
member is a scenario: its own file (``scenario``) or the portfolio's ``base`` with overrides
(``set``, and ``umkm`` for the size of its population). ``all_regencies`` adds every regency of the
country (or of one province) not listed, sized by a documented proxy. ``shared_payers`` name a payer,
such as the province, that pays a share of every member's subsidised contribution, optionally
within one ceiling per fiscal year shared by all members::

    description: NTB's ten kabupaten and kota with a provincial share
    base: ../baseline.yaml
    shared_payers:
      - {payer: apbd_provinsi, share: 0.2, ceiling: 6000000000, rule: pro_rata, source: "assumption"}
    members:
      - {region: "52.03", scenario: ../baseline.yaml}
      - {region: "52.01", umkm: 45000, source: "assumption: kecamatan proxy"}

Paths are relative to the portfolio file. ``docs/regions.md`` describes every key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from simulation.core.errors import NO_VALUE, ScenarioError
from simulation.core.languages import LANGUAGES, check_language
from simulation.core.regions import regions
from simulation.rules.payers import PAYERS
from simulation.scenario.loader import read_yaml
from simulation.scenario.schema import Description, did_you_mean

CEILING_RULES = ("pro_rata",)
"""How a shared ceiling is divided when the members' bills exceed it: ``pro_rata``, every member's
bill to the shared payer cut by the same fraction, the rest paid by its own regency budget."""


class SharedPayer(BaseModel):
    """A payer that pays ``share`` of every member's subsidised contribution, billed once per member.

    The member's own payers keep their proportions in the rest (``1 - share``); a member that already
    names this payer has it replaced, never added twice. ``ceiling`` (rupiah per fiscal year, for
    the whole portfolio) caps what the payer pays; above it the ``rule`` divides the ceiling.
    """

    model_config = ConfigDict(extra="forbid")

    payer: str
    share: float = Field(gt=0, le=1)
    ceiling: float | None = Field(None, ge=0)
    rule: Literal[CEILING_RULES] = "pro_rata"
    source: str = Field(min_length=1)

    @field_validator("payer")
    @classmethod
    def _registered(cls, name: str) -> str:
        if name not in PAYERS:
            raise ValueError(f"allowed: {', '.join(PAYERS)}." + did_you_mean(name, PAYERS))
        if name == "apbd_kabupaten":
            raise ValueError("each regency pays its own APBD Kabupaten; a shared payer is another budget")
        return name


class MemberSpec(BaseModel):
    """One region of a portfolio."""

    model_config = ConfigDict(extra="forbid")

    region: str
    scenario: str | None = None
    umkm: float | None = Field(None, gt=0)
    set: dict[str, Any] = Field(default_factory=dict)
    source: str = ""

    @field_validator("region", mode="before")
    @classmethod
    def _regency(cls, code: Any) -> str:
        if not isinstance(code, str):
            raise ValueError('an official regency code written as text, e.g. "52.03"')
        try:
            return regions().regency(code.strip()).code
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None

    @model_validator(mode="after")
    def _sourced(self):
        if self.umkm is not None and not self.source:
            raise ValueError("a member sized by 'umkm' says where the number comes from in 'source'")
        return self


class AllRegencies(BaseModel):
    """Every regency (of the country, or of ``province``) not listed in ``members``.

    ``umkm_total`` UMKM are split over all regencies in scope, listed members included, by the
    ``split`` proxy: ``kecamatan``, a regency's share of the kecamatan in scope (the only measure of
    size in the official codes the package ships). Listed members keep their own size.
    """

    model_config = ConfigDict(extra="forbid")

    umkm_total: float = Field(gt=0)
    split: Literal["kecamatan"] = "kecamatan"
    province: str | None = None
    source: str = Field(min_length=1)

    @field_validator("province")
    @classmethod
    def _province(cls, code: str | None) -> str | None:
        if code is not None and code not in regions().provinces:
            raise ValueError(f"'{code}' is not a province code." + did_you_mean(code, regions().provinces))
        return code


class PortfolioModel(BaseModel):
    """A portfolio file."""

    model_config = ConfigDict(extra="forbid")

    description: Annotated[str, Field(min_length=1)] | Description
    """One text, or one per report language (``{id: ..., en: ...}``) as a scenario's."""
    base: str
    set: dict[str, Any] = Field(default_factory=dict)
    shared_payers: list[SharedPayer] = Field(default_factory=list)
    members: list[MemberSpec] = Field(default_factory=list)
    all_regencies: AllRegencies | None = None

    @model_validator(mode="after")
    def _members(self):
        codes = [m.region for m in self.members]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"a region is a member once; listed twice: {', '.join(twice)}")
        if not self.members and self.all_regencies is None:
            raise ValueError("a portfolio needs 'members', 'all_regencies' or both")
        payers = [p.payer for p in self.shared_payers]
        if len(set(payers)) != len(payers):
            raise ValueError("each shared payer is listed once")
        if sum(p.share for p in self.shared_payers) > 1 + 1e-12:
            raise ValueError("the shares of the shared payers add up to more than 1")
        return self


@dataclass(frozen=True)
class Member:
    """A member after ``all_regencies`` is expanded: its region, scenario file and overrides."""

    region: str
    scenario: Path
    overrides: dict[str, Any] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Portfolio:
    """A read portfolio: its members in region-code order and its shared payers."""

    name: str
    path: str
    description: dict[str, str]
    """The description in each report language (``{"id": ..., "en": ...}``), each on one line."""
    members: tuple[Member, ...]
    shared_payers: tuple[SharedPayer, ...]

    def describe(self, language: str) -> str:
        """The description in ``language`` ("id" or "en")."""
        check_language(language)
        return self.description[language]


def size_overrides(umkm: float) -> dict[str, Any]:
    """Overrides that give a member ``umkm`` UMKM, all enrolled at the start and all the target."""
    return {"population.initial_umkm": umkm, "policy.rollout": umkm, "policy.coverage_target": umkm}


def proxy_sizes(spec: AllRegencies) -> dict[str, float]:
    """UMKM of every regency in scope by the ``split`` proxy (regency code to UMKM)."""
    areas = regions()
    scope = [c for c, a in areas.regencies.items() if spec.province is None or a.parent == spec.province]
    counts = {c: len(areas.districts_of(c)) for c in scope}
    total = sum(counts.values())
    return {c: spec.umkm_total * n / total for c, n in counts.items()}


def read_portfolio(path: str | Path) -> Portfolio:
    """Read and check a portfolio file; members in official code order.

    Raises
    ------
    ScenarioError
        Naming the file, the key and what is allowed (a member's scenario is checked when it is
        loaded, :func:`simulation.analysis.portfolio.run.load_members`).
    """
    path = Path(path)
    raw = read_yaml(path)
    try:
        model = PortfolioModel.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(
            [
                (str(path), ".".join(str(p) for p in e["loc"]), NO_VALUE, e["msg"].removeprefix("Value error, "))
                for e in exc.errors()
            ]
        ) from None
    here = path.parent
    base = here / model.base
    members: dict[str, Member] = {}
    for m in model.members:
        overrides = {**model.set, "region": m.region, **(size_overrides(m.umkm) if m.umkm else {}), **m.set}
        members[m.region] = Member(m.region, here / m.scenario if m.scenario else base, overrides, m.source)
    if model.all_regencies is not None:
        for code, umkm in proxy_sizes(model.all_regencies).items():
            if code not in members:
                overrides = {**model.set, "region": code, **size_overrides(umkm)}
                members[code] = Member(code, base, overrides, model.all_regencies.source)
    for member in members.values():
        if not member.scenario.is_file():
            raise ScenarioError([(str(path), f"members.{member.region}.scenario", str(member.scenario), "not found")])
    ordered = tuple(members[c] for c in sorted(members))
    text = model.description
    described = {lang: " ".join((text if isinstance(text, str) else getattr(text, lang)).split()) for lang in LANGUAGES}
    return Portfolio(path.stem, str(path), described, ordered, tuple(model.shared_payers))
