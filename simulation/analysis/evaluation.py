"""The yearly evaluation (``umkm-sim evaluate``): every UMKM on this year's verified list, classified.

The regent's plan is a yearly cycle (facts F0.1, G1.4): evaluate the help given, steer the grown
UMKM to self-paid (mandiri) membership, keep assisting the rest, adjust the budget. This module
takes this year's list (the office's file with NIK, or the pseudonymised ``registry.csv`` written by
``umkm-sim ingest``), validates it with the registry's checks, and gives every accepted row

- an **outcome** of the scenario's graduation rule at this year's evaluation month
  (:data:`OUTCOMES`): a subsidised member with enough months of subsidy is judged by the rule's
  agent-level form from :data:`simulation.rules.graduation.GRADUATION_RULES`, the same function
  the micro engine calls, never a rule of its own; eligible UMKM are not yet enrolled; mandiri,
  lapsed and closed UMKM are not eligible for the subsidy;
- the office's **class** (:data:`CLASSES`, facts G1.4) by annual revenue against the scenario's
  ``policy.graduation.class_berkembang`` and ``class_mandiri`` (rupiah per year).

Each row also carries its **probability** of graduating: the rule's agent form with every random
draw replaced by its probability, so 0 or 1 for the deterministic rules and ``rate`` for the rule
``rate`` (whose expected share is the sum of the probabilities). The outcome of a row under the rule
``rate`` is one draw with that probability from the micro engine's ``graduation`` stream (the
master ``seed``); the counts report the expected number beside it.

Nothing here holds a NIK or a name: identifiers are pseudonymised in memory as ``ingest`` does
(``HMAC-SHA256``, docs/registry.md) and only the pseudonyms are kept.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulation.core.errors import ScenarioError
from simulation.core.states import STATE_NAMES, State
from simulation.core.streams import Streams, replicate_seeds
from simulation.engines.revenue import graduation_rules
from simulation.population.registry.agents import registry_agents
from simulation.population.registry.columns import identifier_kind, match_header
from simulation.population.registry.pseudonym import load_key, missing_key_error, pseudonym
from simulation.population.registry.read import read_registry_file
from simulation.population.registry.validate import Reject, ValidatedRegistry, validate
from simulation.rules.graduation import Members

OUTCOMES = ("staying", "graduating", "not_enrolled", "not_eligible")
"""What the evaluation does with a row: stays subsidised, graduates to mandiri, is not yet enrolled
(eligible, waiting for the rollout), is not eligible for the subsidy (already mandiri, lapsed after
graduating, or closed)."""
CLASSES = ("pemula", "berkembang", "mandiri")
"""The office's classes (facts G1.4), by annual revenue; a closed UMKM has none (empty)."""
CLASS_PARAMETERS = ("policy.graduation.class_berkembang", "policy.graduation.class_mandiri")
"""The scenario's class thresholds, rupiah per year, lowest first."""
NEAR = 0.10
"""How far a threshold is moved to find the businesses near it (a share: plus and minus 10%)."""
RULE_PARAMETERS = (
    ("policy.graduation.revenue_threshold", "log_threshold", np.log),
    ("policy.graduation.revenue_growth", "log_growth", np.log1p),
    ("policy.graduation.rate", "rate", float),
)
"""Graduation parameters moved by :data:`NEAR` to see how many outcomes they decide: the scenario
key, the :class:`~simulation.rules.graduation.EvaluationMonth` field it sets and how."""
EMPTY = np.zeros(0)


@dataclass
class Evaluation:
    """Every row of this year's list, classified (arrays in file order, one entry per accepted row).

    Attributes
    ----------
    scenario : Scenario
        The scenario whose rule and thresholds were applied.
    year : int
        Fiscal year evaluated; the evaluation takes effect at the end of ``month`` of that year.
    month : int
        Calendar month of the evaluation (``policy.graduation.evaluation_month``), 1-12.
    rule : str
        Name of the graduation rule in force at the evaluation.
    source : str
        Name of the list's file (no folder).
    row : ndarray of int
        Row number in the office's file (header = row 1).
    pseudonym : ndarray of str
    kecamatan, sector : ndarray of str
    status : ndarray of int8
        :class:`~simulation.core.states.State` on the list, before the evaluation.
    revenue, revenue_prev : ndarray of float
        Annual revenue this year and last year, rupiah per year (NaN: last year unknown).
    months_subsidised : ndarray of int
        Months of subsidy billed by the end of the evaluation month (0 if never enrolled).
    probability : ndarray of float
        Probability of graduating at this evaluation (0 for rows not subsidised).
    graduating : ndarray of bool
        Whether the row graduates (one draw under the rule ``rate``).
    outcome : ndarray of str
        One of :data:`OUTCOMES`.
    office_class : ndarray of str
        One of :data:`CLASSES`, empty for a closed UMKM.
    thresholds : dict
        ``class_berkembang``, ``class_mandiri``, ``revenue_threshold`` (rupiah per year),
        ``revenue_growth`` (share), ``rate``, ``min_subsidised_years`` and ``retention`` in force.
    rejects : list of Reject
        Rows rejected by the registry's checks (row numbers and checks only).
    blank_rows : int
        Rows with every cell empty, skipped.
    previous_matched : int
        Rows whose last-year revenue came from ``--previous`` (by pseudonym).
    agents : Agents
        The accepted rows as agents (segment, revenue, status, enrolment month), for the projection.
    """

    scenario: object
    year: int
    month: int
    rule: str
    source: str
    row: np.ndarray
    pseudonym: np.ndarray
    kecamatan: np.ndarray
    sector: np.ndarray
    status: np.ndarray
    revenue: np.ndarray
    revenue_prev: np.ndarray
    months_subsidised: np.ndarray
    probability: np.ndarray
    graduating: np.ndarray
    outcome: np.ndarray
    office_class: np.ndarray
    thresholds: dict
    rejects: list[Reject]
    blank_rows: int
    previous_matched: int
    agents: object = field(repr=False)
    parameters: tuple = field(repr=False, default=())

    @property
    def n_read(self) -> int:
        """Rows read: accepted (classified) plus rejected."""
        return len(self.row) + len(self.rejects)

    def reconciliation(self) -> dict:
        """``rows_read = classified + rejected``, and every classified row in exactly one outcome."""
        by_outcome = {o: int((self.outcome == o).sum()) for o in OUTCOMES}
        return {
            "rows_read": self.n_read,
            "classified": len(self.row),
            "rejected": len(self.rejects),
            "blank_rows": self.blank_rows,
            **{f"outcome_{o}": n for o, n in by_outcome.items()},
            "graduating_expected": float(self.probability.sum()),
        }

    def classes(self) -> pd.DataFrame:
        """``classes.csv``: row, pseudonym, kecamatan, sector, status, outcome, class, probability."""
        return pd.DataFrame(
            {
                "row": self.row,
                "pseudonym": self.pseudonym,
                "kecamatan": self.kecamatan,
                "sector": self.sector,
                "status": np.asarray(STATE_NAMES)[self.status],
                "outcome": self.outcome,
                "office_class": self.office_class,
                "graduation_probability": self.probability,
            }
        )

    def counts(self, by: tuple[str, ...] = ()) -> pd.DataFrame:
        """UMKM by outcome and class (and ``by``: ``kecamatan``, ``sector``), with the expected graduates.

        Every combination of outcome and class is a row (zeros included), so the table reconciles
        with the classified rows.
        """
        frame = self.classes()
        frame["umkm"] = 1
        keys = [*by, "outcome", "office_class"]
        table = frame.groupby(keys, as_index=False).agg(
            umkm=("umkm", "sum"), graduating_expected=("graduation_probability", "sum")
        )
        return table.sort_values(keys, ignore_index=True)

    def near_thresholds(self) -> pd.DataFrame:
        """How many UMKM would change class or outcome if a threshold moved by :data:`NEAR`.

        One row per threshold and direction: ``moves_up`` is how many more would be above it if it
        were :data:`NEAR` lower; ``moves_down`` how many fewer if it were :data:`NEAR` higher. For the
        graduation parameters these are expected changes in the number graduating (the rule's agent
        form with its draws replaced by their probabilities); zero for a parameter the rule does not
        read.
        """
        rows = []
        open_ = self.office_class != ""
        for key in CLASS_PARAMETERS:
            x = self.thresholds[key.rsplit(".", 1)[1]]
            r = self.revenue[open_]
            rows.append(
                {
                    "threshold": key,
                    "value": x,
                    "moves_up": int(((r >= (1 - NEAR) * x) & (r < x)).sum()),
                    "moves_down": int(((r >= x) & (r < (1 + NEAR) * x)).sum()),
                }
            )
        base = float(self.probability.sum())
        for key, name, convert in RULE_PARAMETERS:
            x = self.thresholds[key.rsplit(".", 1)[1]]
            lower = self._expected_with(name, convert((1 - NEAR) * x))
            higher = self._expected_with(name, convert((1 + NEAR) * x))
            rows.append(
                {
                    "threshold": key,
                    "value": x,
                    "moves_up": abs(lower - base),
                    "moves_down": abs(base - higher),
                }
            )
        return pd.DataFrame(rows)

    def _expected_with(self, name: str, value) -> float:
        rule, month, members = self.parameters
        moved = dataclasses.replace(month, **{name: value})
        return float(rule.agents(members, moved).astype(float).sum())


def _expected_draw(purpose, index, p):
    """A rule's draw replaced by its probability: the agent form then gives each member's probability."""
    return np.full(len(index), float(np.asarray(p)), dtype=float)


def office_classes(revenue: np.ndarray, status: np.ndarray, berkembang: float, mandiri: float) -> np.ndarray:
    """The office's class of each UMKM by annual revenue (rupiah per year); empty for a closed one.

    ``pemula`` below ``berkembang``, ``berkembang`` from it to below ``mandiri``, ``mandiri`` from it.
    """
    cls = np.asarray(CLASSES, dtype=object)[np.searchsorted([berkembang, mandiri], revenue, side="right")]
    cls[status == State.CLOSED] = ""
    return cls.astype(str)


def evaluation_scenario(scenario, year: int):
    """``scenario`` from fiscal year ``year`` to its last (the values in force then).

    Raises
    ------
    ScenarioError
        If the scenario has no class thresholds, or ``year`` and ``year + 1`` are not both in its horizon.
    """
    last = scenario.horizon.fiscal_years[-1]
    if not scenario.horizon.fiscal_years[0] <= year < last:
        allowed = f"{scenario.horizon.fiscal_years[0]} to {last - 1}"
        raise ScenarioError(
            [(scenario.path, "years", year, f"the evaluated year and the next must be in the horizon: {allowed}")]
        )
    moved = scenario.with_overrides({"start": f"{int(year)}-01", "years": last - year + 1})
    graduation = moved.model.policy.graduation
    missing = [k for k in CLASS_PARAMETERS if getattr(graduation, k.rsplit(".", 1)[1]) is None]
    if missing:
        raise ScenarioError(
            [(scenario.path, k, None, "the yearly evaluation needs the office's class thresholds") for k in missing]
        )
    return moved


def read_list(path, scenario, key_file=None) -> tuple[ValidatedRegistry, np.ndarray]:
    """A list validated against ``scenario`` and its pseudonyms (the ids themselves are dropped).

    The key is looked for before the rows are checked, as ``umkm-sim ingest`` does.

    Raises
    ------
    RegistryError
        As :func:`simulation.io.ingest.ingest`: unreadable, wrong columns, most NIKs damaged by
        Excel, personal identifiers without a key.
    """
    raw = read_registry_file(path)
    layout = match_header(raw.header, raw.source)
    id_pos = layout.index["id"]
    hashed = identifier_kind(layout, [c[id_pos] if id_pos < len(c) else "" for _, c in raw.rows]) != "pseudonym"
    key = load_key(key_file) if hashed else None
    if hashed and key is None:
        raise missing_key_error(raw.source, [raw.header[id_pos].strip()])
    validated = validate(raw, scenario)
    ids = validated.ids
    validated.ids = []  # personal data: not kept past pseudonymisation
    return validated, np.asarray([pseudonym(key, i) for i in ids] if hashed else ids, dtype=str)


def evaluate(registry, scenario, year: int | None = None, previous=None, key_file=None, seed: int = 2026) -> Evaluation:
    """Classify every row of this year's list by the scenario's graduation rule and the office's classes.

    Parameters
    ----------
    registry : path
        This year's list: CSV or XLSX in the registry format (docs/registry.md), the office's file
        (NIK: needs the pseudonym key) or ``registry.csv`` written by ``umkm-sim ingest``.
    scenario : Scenario
        Its rule, thresholds, minimum years of subsidy, evaluation month and class thresholds in
        force in ``year`` are applied.
    year : int, optional
        Fiscal year evaluated; default the scenario's first.
    previous : path, optional
        Last year's list; a row's last-year revenue is taken from it by pseudonym (the same key),
        else from the list's own ``omzet_lalu`` / ``revenue_prev`` column.
    key_file : path, optional
        File holding the pseudonym key; default the environment variable ``UMKM_PSEUDONYM_KEY``.
    seed : int
        Master seed of the draws of the rule ``rate`` (stream ``graduation`` of replicate 0).

    Returns
    -------
    Evaluation
    """
    year = scenario.horizon.fiscal_years[0] if year is None else int(year)
    moved = evaluation_scenario(scenario, year)
    # enrolment dates up to the first month after the evaluated year are accepted
    after = moved.with_overrides({"start": f"{year + 1}-01", "years": moved.model.years - 1})
    validated, pseudonyms = read_list(registry, after, key_file)
    agents = registry_agents(validated, after)
    n = len(agents)

    rules = graduation_rules(moved)
    in_year = np.flatnonzero(rules.at_evaluation[:12])
    if not len(in_year):
        raise ScenarioError([(scenario.path, "policy.graduation.evaluation_month", None, f"no evaluation in {year}")])
    t = int(in_year[-1])
    rule = rules.rule_at(t)
    month = rules.month(t, float(rules.rate[t]), EMPTY, EMPTY)
    absolute = year * 12 + t  # month index (year * 12 + month - 1) of the evaluation month

    revenue = agents.revenue
    revenue_prev = agents.revenue_prev.copy()
    matched = 0
    if previous is not None:
        prev_validated, prev_ids = read_list(previous, after, key_file)
        last = dict(zip(prev_ids, (r.revenue for r in prev_validated.rows), strict=True))
        found = np.fromiter((last.get(p, np.nan) for p in pseudonyms), dtype=float, count=n)
        matched = int(np.isfinite(found).sum())
        revenue_prev = np.where(np.isfinite(found), found, revenue_prev)

    status = agents.status
    enrolled = agents.enrolled_since
    months_subsidised = np.where(enrolled >= 0, absolute - enrolled + 1, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_revenue = np.log(revenue)
        increment = log_revenue - np.log(revenue_prev)
    may = np.flatnonzero((status == State.SUBSIDISED) & (months_subsidised >= rules.min_months[t]))
    expected_members = Members(may, log_revenue[may], increment[may], _expected_draw)
    probability = np.zeros(n)
    probability[may] = rule.agents(expected_members, month).astype(float)
    streams = Streams(replicate_seeds(seed, 1)[0])

    def draw(purpose, index, p):
        return streams.bernoulli(purpose, t, index, p)

    graduating = np.zeros(n, dtype=bool)
    graduating[may] = rule.agents(Members(may, log_revenue[may], increment[may], draw), month)

    outcome = np.full(n, "not_eligible", dtype=object)
    outcome[status == State.ELIGIBLE] = "not_enrolled"
    outcome[status == State.SUBSIDISED] = "staying"
    outcome[graduating] = "graduating"

    thresholds = {
        "class_berkembang": float(moved.monthly_array(CLASS_PARAMETERS[0])[t]),
        "class_mandiri": float(moved.monthly_array(CLASS_PARAMETERS[1])[t]),
        "revenue_threshold": float(moved.monthly_array("policy.graduation.revenue_threshold")[t]),
        "revenue_growth": float(moved.monthly_array("policy.graduation.revenue_growth")[t]),
        "rate": float(moved.monthly_array("policy.graduation.rate")[t]),
        "min_subsidised_years": float(moved.monthly_array("policy.graduation.min_subsidised_years")[t]),
        "retention": float(moved.monthly_array("policy.graduation.retention")[t]),
    }
    if thresholds["class_mandiri"] < thresholds["class_berkembang"]:
        raise ScenarioError(
            [
                (
                    scenario.path,
                    CLASS_PARAMETERS[1],
                    thresholds["class_mandiri"],
                    f"below class_berkembang ({thresholds['class_berkembang']:g}); the classes must be in order",
                )
            ]
        )
    kec, sec = (np.asarray(x) for x in moved.segment_labels)
    return Evaluation(
        scenario=moved,
        year=year,
        month=t + 1,
        rule=rule.name,
        source=validated.source,
        row=np.asarray(validated.accepted_rows, dtype=int),
        pseudonym=pseudonyms,
        kecamatan=kec[agents.segment],
        sector=sec[agents.segment],
        status=status,
        revenue=revenue,
        revenue_prev=revenue_prev,
        months_subsidised=months_subsidised,
        probability=probability,
        graduating=graduating,
        outcome=outcome.astype(str),
        office_class=office_classes(revenue, status, thresholds["class_berkembang"], thresholds["class_mandiri"]),
        thresholds=thresholds,
        rejects=validated.rejects,
        blank_rows=validated.blank_rows,
        previous_matched=matched,
        agents=agents,
        parameters=(rule, month, expected_members),
    )


__all__ = ["CLASSES", "OUTCOMES", "Evaluation", "evaluate", "office_classes", "read_list"]
