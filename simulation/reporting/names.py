"""Distinct names for scenario files, for report folders and comparison columns.

A scenario is called by its file's stem (``baseline`` for ``scenarios/baseline.yaml``). Two files
with one stem (``a/baseline.yaml``, ``b/baseline.yaml``) would share a report folder and a column of
the comparison, so each gets as many of its parent folders as needed to tell them apart
(``a_baseline``, ``b_baseline``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from simulation.core.errors import ScenarioError


def scenario_names(paths: list[str | Path]) -> list[str]:
    """A distinct name for every scenario file, in the order given.

    Parameters
    ----------
    paths : list of str or Path
        Scenario files.

    Returns
    -------
    list of str
        The stem where it is unique; else the stem prefixed with the fewest parent folders
        (joined by ``_``) that make every file of that stem distinct.

    Raises
    ------
    ScenarioError
        If one file is named twice, or no prefix tells two files apart.
    """
    paths = [Path(p) for p in paths]
    resolved = [p.resolve() for p in paths]
    twice = [str(p) for p, r in zip(paths, resolved, strict=True) if resolved.count(r) > 1]
    if twice:
        raise ScenarioError([("batch", "scenarios", twice, "one file named twice; name each scenario once")])
    stems = Counter(p.stem for p in paths)
    names = []
    for path in resolved:
        if stems[path.stem] == 1:
            names.append(path.stem)
            continue
        group = [r for r in resolved if r.stem == path.stem]
        for depth in range(1, len(path.parts)):
            labels = ["_".join([*r.parent.parts[-depth:], r.stem]) for r in group]
            if len(set(labels)) == len(labels):
                names.append(labels[group.index(path)])
                break
    clash = [name for name, n in Counter(names).items() if n > 1]
    if clash:
        raise ScenarioError(
            [("batch", "scenarios", clash, "two scenarios would share one report folder; rename one of the files")]
        )
    return names
