"""The month's order, written once: steps a-e of ``docs/model.md``.

:data:`STEPS` names the steps in the order every month runs them; each step is a module of this
package with its expected-value implementation (``expected(state, t)``, the cohort engine, over a
:class:`~simulation.engines.state.CohortState`) and its agent-level implementation
(``agents(state, t)``, the micro engine, over a :class:`~simulation.engines.state.MicroState`)
side by side. Both engines iterate :data:`STEPS`; neither writes the order out again.
"""

from __future__ import annotations

from simulation.engines.steps import billing, enrolment, entry, evaluation, month_end

STEPS = ("entry", "enrolment", "billing", "month_end", "evaluation")
"""a. entry, b. enrolment (with the budget ceiling), c. billing, d. month end (closure,
lapse/reactivation, arrears), e. evaluation (revenue growth, graduation)."""

_MODULES = {
    "entry": entry,
    "enrolment": enrolment,
    "billing": billing,
    "month_end": month_end,
    "evaluation": evaluation,
}

EXPECTED = tuple(_MODULES[name].expected for name in STEPS)
"""The expected-value implementations, in the month's order."""
AGENTS = tuple(_MODULES[name].agents for name in STEPS)
"""The agent-level implementations, in the month's order."""
