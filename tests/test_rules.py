"""The registry of policy rules (``simulation/rules/``): graduation rules, priority rules, payers.

Each rule is found by name, the scenario schema allows exactly the registered names, an unknown
name is refused with the allowed ones, and each rule's expected-value and agent-level forms agree
with literals or closed forms. The last tests follow the two recipes of ``docs/architecture.md``
for real: the graduation rules ``none`` (facts G5.1-G5.3: strict graduation is rare) and
``revenue_and_growth`` (issue 17: grown and still growing) in both engines (the latter's Monte Carlo
agreement is a case of ``tests/test_agreement.py``), and a throw-away payer registered with
``monkeypatch`` and nothing else.
"""

from __future__ import annotations

import ast

import numpy as np
import pytest
from conftest import BASELINE, ROOT, quiet
from scipy.integrate import quad
from scipy.stats import norm

from simulation import load_scenario, run
from simulation.analysis.evaluate import evaluate
from simulation.core.errors import ScenarioError
from simulation.core.states import monthly_probability
from simulation.engines.bands import BAND_WIDTH, SubsidisedTwin
from simulation.engines.cohort import compile_inputs, run_cohort
from simulation.engines.steps import AGENTS, EXPECTED, STEPS
from simulation.outputs.montecarlo import MonteCarloResult, simulate
from simulation.reporting import labels
from simulation.rules.graduation import GRADUATION_RULES, EvaluationMonth, Members, graduation_rule
from simulation.rules.lookup import UnknownRuleError
from simulation.rules.payers import PAYERS, Payer
from simulation.rules.priority import PRIORITY_RULES, priority_rule

N = 73_000
CONTRIBUTION = 16_800  # rupiah per member per month (facts F1.4)


# ------------------------------------------------------------------ registry and schema
@pytest.mark.parametrize("name", list(GRADUATION_RULES))
def test_the_schema_accepts_every_registered_graduation_rule(name):
    scenario = load_scenario(BASELINE, overrides={"policy.graduation.rule": name})
    assert scenario.first("policy.graduation.rule") == name


@pytest.mark.parametrize("name", list(PRIORITY_RULES))
def test_the_schema_accepts_every_registered_priority_rule(name):
    over = {"policy.priority": name, "policy.sector_order": ["tembakau"]}
    assert load_scenario(BASELINE, overrides=over).first("policy.priority") == name


def test_the_schema_refuses_an_unregistered_rule_and_lists_the_registered_ones():
    with pytest.raises(ScenarioError) as err:
        load_scenario(BASELINE, overrides={"policy.graduation.rule": "berkembang"})
    assert "'berkembang'" in str(err.value)
    assert "allowed: rate, revenue_threshold, revenue_growth, none, revenue_and_growth" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        load_scenario(BASELINE, overrides={"policy.priority": "by_revenue"})
    assert "allowed: first_come, kecamatan_quota, sector_order" in str(err.value)


def test_an_unknown_rule_cannot_fall_through():
    """Looked up by name outside the schema, an unknown rule is an error naming it and the allowed ones."""
    with pytest.raises(UnknownRuleError, match=r"unknown graduation rule 'mandiri'; allowed: rate, .*, none"):
        graduation_rule("mandiri")
    with pytest.raises(UnknownRuleError, match=r"unknown priority rule 'poorest_first'; allowed: first_come"):
        priority_rule("poorest_first")
    assert issubclass(UnknownRuleError, ValueError)


def test_every_rule_has_a_name_its_two_forms_and_a_source():
    for name, rule in GRADUATION_RULES.items():
        assert rule.name == name and rule.description and rule.source
        assert callable(rule.expected) and callable(rule.agents)
    for name, rule in PRIORITY_RULES.items():
        assert rule.name == name and rule.description
        assert callable(rule.expected) and callable(rule.agents) and callable(rule.rank)


def test_the_months_order_is_written_once_and_both_engines_have_every_step():
    assert STEPS == ("entry", "enrolment", "billing", "month_end", "evaluation")
    assert [f.__module__.rpartition(".")[2] for f in EXPECTED] == list(STEPS)
    assert [f.__module__.rpartition(".")[2] for f in AGENTS] == list(STEPS)
    assert all(f.__name__ == "expected" for f in EXPECTED) and all(f.__name__ == "agents" for f in AGENTS)


def test_rule_modules_import_only_core_numpy_and_scipy():
    """Rules sit below the scenario and the engines: a rule module imports the standard library,
    numpy, scipy, the core layer and other rule modules, nothing else."""
    allowed = {"numpy", "scipy", "__future__", "dataclasses", "typing"}
    bad = []
    for path in (ROOT / "simulation" / "rules").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            for name in names:
                inside = name.startswith(("simulation.core", "simulation.rules"))
                if not inside and name.split(".")[0] not in allowed:
                    bad.append(f"{path.name}: {name}")
    assert not bad, bad


# ------------------------------------------------------------------ the two forms of each graduation rule
def _month(**changes) -> EvaluationMonth:
    values = dict(
        t=11,
        rate=np.array([0.3]),
        log_threshold=np.log(200e6),
        log_growth=np.log1p(0.1),
        drift=np.array([0.02, 0.05]),
        sd=np.array([0.2, 0.3]),
        centres=np.log([50e6, 150e6, 250e6, 400e6]),
        sector=np.array([0, 1]),
    )
    values.update(changes)
    return EvaluationMonth(**values)


def _members(n=200_000, sector=0, seed=5):
    """``n`` agents of one sector with increments drawn from the month's normal, revenue around Rp200M."""
    month = _month()
    rng = np.random.default_rng(seed)
    increment = (month.drift[sector] + month.sd[sector] * rng.standard_normal(n)).astype(np.float32)
    level = (np.log(200e6) + rng.standard_normal(n)).astype(np.float32)

    def draw(purpose, index, p):
        return np.random.default_rng([seed, len(purpose)]).random(len(index)) < p

    return Members(index=np.arange(n), log_revenue=level, increment=increment, draw=draw), month


def test_rate_rule_forms():
    pool = np.full((1, 2, 3, 4), 10.0)
    np.testing.assert_allclose(graduation_rule("rate").expected(pool, _month()), 3.0)  # 10 x 0.3
    members, month = _members()
    share = graduation_rule("rate").agents(members, _month(rate=0.3)).mean()
    assert abs(share - 0.3) <= 4 * np.sqrt(0.3 * 0.7 / len(members.index))


def test_revenue_threshold_rule_forms():
    """Bands at Rp50M, 150M, 250M, 400M against a Rp200M threshold: the upper two graduate, whole."""
    pool = np.arange(1.0, 9.0).reshape(1, 2, 1, 4)
    out = graduation_rule("revenue_threshold").expected(pool, _month())
    np.testing.assert_array_equal(out, [[[[0, 0, 3, 4]], [[0, 0, 7, 8]]]])
    members, month = _members()
    grads = graduation_rule("revenue_threshold").agents(members, month)
    np.testing.assert_array_equal(grads, members.log_revenue >= np.log(200e6))
    assert 0.4 < grads.mean() < 0.6  # log revenue centred on the threshold


def test_revenue_growth_rule_forms():
    """P(increment >= log 1.1) = norm.sf(log 1.1, drift, sd) by sector, in expectation and among agents."""
    pool = np.ones((1, 2, 1, 1))
    out = graduation_rule("revenue_growth").expected(pool, _month()).ravel()
    expected = norm.sf(np.log(1.1), loc=[0.02, 0.05], scale=[0.2, 0.3])
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    members, month = _members(sector=1)
    share = graduation_rule("revenue_growth").agents(members, month).mean()
    assert abs(share - expected[1]) <= 4 * np.sqrt(expected[1] * (1 - expected[1]) / len(members.index))


def test_revenue_and_growth_rule_agents_need_both():
    members = Members(
        index=np.arange(4),
        log_revenue=np.log([250e6, 250e6, 150e6, 150e6]).astype(np.float32),
        increment=np.array([0.2, 0.0, 0.2, 0.0], dtype=np.float32),
        draw=None,
    )
    np.testing.assert_array_equal(graduation_rule("revenue_and_growth").agents(members, _month()), [1, 0, 0, 0])


def test_revenue_and_growth_rule_in_the_cohort_engine_against_its_closed_form():
    """All N enrolled in January, nothing else happening, rule revenue_and_growth: the graduates at
    the December evaluation are, by sector s with share n_s, starting log revenue
    L ~ N(log(mean_s) - sigma^2 / 2, sigma) and the year's increment X ~ N(drift, volatility)
    independent of it,

        N sum_s n_s integral_{x >= log(1 + share)} phi(x) P(L >= log(threshold) - x) dx

    (by quadrature). The revenue bands carry the mass at band centres, an error of second order in
    the band width: within 1e-3 at the default width and 1e-4 at a quarter of it."""
    over = quiet(policy__graduation__rule="revenue_and_growth")
    over["years"] = 2
    scenario = load_scenario(BASELINE, overrides=over)
    threshold = np.log(scenario.first("policy.graduation.revenue_threshold"))
    growth = np.log1p(scenario.first("policy.graduation.revenue_growth"))
    drift, vol = scenario.first("assumptions.revenue_drift"), scenario.first("assumptions.revenue_volatility")
    sigma = scenario.first("population.revenue_sigma")
    sector_shares = scenario.segment_shares.reshape(len(scenario.kecamatan), -1).sum(axis=0)
    exact = 0.0
    for mean, share in zip(scenario.by_sector("population.revenue_mean")[0], sector_shares, strict=True):
        mu = np.log(mean) - sigma**2 / 2

        def density(x, mu=mu):
            return norm.pdf(x, drift, vol) * norm.sf(threshold - x, mu, sigma)

        exact += N * share * quad(density, growth, np.inf, epsabs=1e-12, epsrel=1e-12)[0]
    assert 0.02 * N < exact < 0.2 * N  # neither rule alone: a real joint test
    for width, rtol in ((BAND_WIDTH, 1e-3), (BAND_WIDTH / 4, 1e-4)):
        inputs = compile_inputs(scenario)
        inputs.twin = SubsidisedTwin.for_scenario(scenario, band_width=width)
        graduated = run_cohort(inputs).flows["graduated"]
        assert graduated[:11].sum() == 0
        assert graduated[11].sum() == pytest.approx(exact, rel=rtol)


def test_none_rule_forms():
    pool = np.full((2, 3, 1, 4), 7.0)
    np.testing.assert_array_equal(graduation_rule("none").expected(pool, _month()), np.zeros_like(pool))
    members, month = _members(n=1000)
    assert not graduation_rule("none").agents(members, month).any()


# ------------------------------------------------------------------ the priority rules' forms
def test_sector_order_ranks_sectors_in_order_and_unlisted_ones_last():
    ranks = priority_rule("sector_order").rank(["dagang", "tembakau", "jasa", "tembakau"], ["tembakau", "dagang"])
    np.testing.assert_array_equal(ranks, [1, 0, 2, 0])
    np.testing.assert_array_equal(priority_rule("first_come").rank(["a", "b"], None), [0, 0])


def test_kecamatan_quota_gives_what_a_kecamatan_cannot_use_to_the_others():
    """Quotas 1/2 and 1/2, eligible 10 and 2, 8 to enrol: the second gives all 2, the first 4 + 2."""
    eligible = np.array([[10.0, 2.0]])
    got = priority_rule("kecamatan_quota").expected(eligible, np.array([8.0]), np.array([0, 1]), np.array([0.5, 0.5]))
    np.testing.assert_allclose(got, [[6.0, 2.0]])
    pro_rata = priority_rule("first_come").expected(eligible, np.array([6.0]), np.array([0, 1]), None)
    np.testing.assert_allclose(pro_rata, [[5.0, 1.0]])


def test_agent_sort_key_leads_by_rank_or_by_kecamatan():
    segment = np.array([0, 1, 2])
    rank = np.array([2, 0, 1], dtype=np.uint64)
    kecamatan = np.array([1, 1, 0], dtype=np.int64)
    np.testing.assert_array_equal(priority_rule("sector_order").agents(segment, rank, kecamatan), [2, 0, 1])
    np.testing.assert_array_equal(priority_rule("kecamatan_quota").agents(segment, rank, kecamatan), [1, 1, 0])


# ------------------------------------------------------------------ recipe: the graduation rule "none", both engines
@pytest.mark.parametrize("annual_closure", [0.0, 0.08])
def test_no_graduation_keeps_everyone_subsidised_whatever_the_rate(annual_closure):
    """Rule none with a 50% graduation rate set: subsidised in month t is N (1-c)^t, nobody graduates,
    and the year's cost is Rp16,800 times the sum of those over its months."""
    over = quiet(
        assumptions__closure_rate=annual_closure,
        policy__graduation__rate=0.5,
        policy__graduation__rule="none",
    )
    result = run(BASELINE, overrides=over)
    m = result.monthly()
    t = np.arange(len(m))
    expected = N * (1 - monthly_probability(annual_closure)) ** t
    np.testing.assert_allclose(m["subsidised"], expected, rtol=1e-12)
    assert m["graduated"].sum() == 0 and m["mandiri"].sum() == 0
    np.testing.assert_allclose(result.annual()["subsidy_cost"], CONTRIBUTION * np.bincount(t // 12, weights=expected))


def test_no_graduation_agrees_between_the_engines_within_monte_carlo_error():
    """Baseline rates with rule none, 3 years: no agent graduates in any replicate, and the replicate
    mean of subsidised members and cost is within Z = 4 standard errors of the cohort engine (the
    tolerance argued in tests/test_agreement.py; R = 32 replicates)."""
    R, Z = 32, 4.0
    scenario = load_scenario(BASELINE, overrides={"years": 3, "policy.graduation.rule": "none"})
    output, seed = simulate(scenario, seed=2026, reps=R, jobs=1, progress=False)
    mc = MonteCarloResult(scenario, output, seed)
    reps = mc.annual_replicates()
    assert reps["graduated"].sum() == 0 and reps["mandiri_end"].sum() == 0
    mean = mc.annual().set_index("year")
    cohort = run(scenario).annual().set_index("year")
    assert (cohort["graduated"] == 0).all()
    for q in ("subsidised_end", "closed_end", "subsidy_cost"):
        se = reps.groupby("year")[q].std(ddof=1) / np.sqrt(R)
        assert (se > 0).all()
        gap = (mean[q] - cohort[q]).abs()
        assert (gap <= Z * se).all(), f"{q}: gap {gap.to_dict()} tolerance {(Z * se).to_dict()}"


def test_the_sensitivity_evaluator_follows_the_rule_none():
    """Under rules none and revenue_threshold the graduation rate is not read: two samples that differ
    only in it give the same cost and coverage; under rate they differ. The revenue rules run through
    the twin, vectorised over samples (tests/test_sensitivity_revenue.py), no longer refused."""
    samples = np.array([[0.05], [0.5]])
    for rule, same in (("none", True), ("rate", False), ("revenue_threshold", True)):
        scenario = load_scenario(BASELINE, overrides={"years": 3, "policy.graduation.rule": rule})
        out = evaluate(scenario, ["policy.graduation.rate"], samples)
        assert np.array_equal(out.subsidy_cost[0], out.subsidy_cost[1]) == same
        assert np.array_equal(out.covered_end[0], out.covered_end[1]) == same


# ------------------------------------------------------------------ recipe: a payer is one registry entry
@pytest.mark.parametrize("public", [False, True])
def test_a_payer_is_one_entry_in_the_registry(monkeypatch, public):
    """A throw-away payer registered with monkeypatch (nothing else changed) is accepted by the schema,
    billed in the ledger, counted in subsidy_cost only if public, and labelled in both languages."""
    label = {"id": "Dana Uji", "en": "Test fund"}
    monkeypatch.setitem(PAYERS, "test_fund", Payer("test_fund", public, label, "test"))
    over = quiet(policy__payers={"apbd_kabupaten": 0.75, "test_fund": 0.25})
    over["years"] = 2
    result = run(BASELINE, overrides=over)
    annual = result.annual().set_index("year")
    billed = N * CONTRIBUTION * 12  # everyone subsidised all year, nothing else happens
    assert annual.loc[2026, "cost_test_fund"] == pytest.approx(0.25 * billed, rel=1e-12)
    assert annual.loc[2026, "cost_apbd_kabupaten"] == pytest.approx(0.75 * billed, rel=1e-12)
    assert annual.loc[2026, "subsidy_cost"] == pytest.approx((1.0 if public else 0.75) * billed, rel=1e-12)
    ledger = result.ledger()
    assert ledger.loc[ledger["payer"] == "test_fund", "nominal"].sum() == pytest.approx(0.25 * 2 * billed, rel=1e-12)
    assert labels.payer("cost_test_fund", "id") == "Dana Uji" and labels.payer("test_fund", "en") == "Test fund"


def test_an_unregistered_payer_is_refused():
    with pytest.raises(ScenarioError, match="allowed: apbd_kabupaten"):
        load_scenario(BASELINE, overrides={"policy.payers": {"apbd_kabupaten": 0.75, "test_fund": 0.25}})
