"""Write the golden regression tables of every shipped scenario (run by hand, never by the tests).

    python tests/golden/regenerate.py

For each ``scenarios/*.yaml``: the cohort engine's tables (``<name>.cohort.<table>.csv``) and one
micro-engine replicate with a fixed seed (``<name>.micro.<table>.csv``).
``tests/test_golden.py`` compares what the package computes now with these files to 1e-9 and
leaves a ``.res.csv`` beside a file that does not agree. Regenerate only when a change of the
numbers is intended, and say why in the commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.golden.cases import CASES, tables  # noqa: E402


def main() -> None:
    for case in CASES:
        for table, frame in tables(case).items():
            frame.to_csv(HERE / f"{case.stem}.{table}.csv", index=False, float_format="%.17g")
            print(f"{case.stem}.{table}.csv", len(frame))


if __name__ == "__main__":
    main()
