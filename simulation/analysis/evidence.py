"""``docs/evidence.md``: every parameter of the baseline, its value, unit, range, distribution and source.

Written from ``scenarios/baseline.yaml`` so the table never drifts from the file::

    python -m simulation.analysis.evidence          # rewrites docs/evidence.md

``tests/test_evidence.py`` checks that the committed document is current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from simulation.scenario.model import load_scenario
from simulation.scenario.schema import iter_params

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
DOCUMENT = ROOT / "docs" / "evidence.md"

HEADER = """# Evidence behind the defaults

Every parameter of `scenarios/baseline.yaml`: its default, unit, plausible range and how a
sensitivity run spreads it (uniform on the range unless a distribution is given), and its source:
a fact of the project's fact sheet (F-series: the programme, rules and national figures; G-series:
later news, persistence, graduation, payment practice; **NF** marks a figure looked for and not
found) or a stated assumption. Written by `python -m simulation.analysis.evidence` from the file
itself; `tests/test_evidence.py` keeps it current.

The defaults revised from the G-series (issue 14): graduation 0.10 -> **0.05** a year (strict tests
graduate ~0.1-1% a year, looser ones far more: G5.1-G5.3, G1.4), retention 0.6 -> **0.4** (G2.2,
G2.3), mandiri lapse 0.25 -> **0.35** a year (F3.3, G2.3, G2.4), medical care per work accident
Rp7.5M -> **Rp6.5M** (NTB claims, G6.1); the population keeps the 73,000 of F0.1 with the range
31,000-122,000 (G1.2, G1.3; the scenario `verified_list_2025` enrols the 31,000). Months funded
and the payment schedule (G3.1, G3.2) are levers a scenario sets (`docs/model.md`); the baseline
funds every month and pays monthly.

| parameter | default | unit | range | distribution | source |
|---|---|---|---|---|---|
"""


def _show(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def evidence_markdown(path: Path = BASELINE) -> str:
    """The document for the scenario at ``path``."""
    rows = []
    for key, p in iter_params(load_scenario(path).model):
        default = _show(p.value) if p.values is None else "; ".join(f"{k}: {_show(v)}" for k, v in p.values.items())
        low_high = "" if p.range is None else f"{_show(p.range[0])} - {_show(p.range[1])}"
        spread = ""
        if p.range is not None:
            d = p.distribution
            spread = "uniform" if d is None or d.shape == "uniform" else d.shape
            if d is not None and d.shape == "triangular":
                spread += f" (mode {_show(d.mode)})"
            if d is not None and d.shape == "truncnormal":
                spread += f" (mean {_show(d.mean)}, sd {_show(d.sd)})"
        cells = (f"`{key}`", default, p.unit, low_high, spread, p.source)
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return HEADER + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    DOCUMENT.write_text(evidence_markdown(), encoding="utf-8")
    print(DOCUMENT.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
