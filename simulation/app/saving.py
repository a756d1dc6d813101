"""Save the planner's settings as a scenario file that ``extends`` its base and lists only the changes.

The file is checked by loading it (``extends`` resolved, every value validated) under a hidden
temporary name in the same folder; only a valid scenario is renamed into place. A name is lower-case
letters, digits, ``-`` and ``_``, so nothing can be written outside the scenarios folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from simulation.core.errors import ScenarioError
from simulation.core.horizon import parse_period
from simulation.scenario import load_scenario

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
"""Allowed scenario file names (without ``.yaml``)."""

SOURCE = "planner app: chosen by the planner against {base}"
"""The ``source`` written for every value the planner changed."""


class SaveError(ValueError):
    """Why a scenario was not saved: a bad name, an existing file, no description, or an invalid scenario.

    Attributes
    ----------
    reason : {"name", "exists", "description", "invalid"}
    path : Path or None
        The file it would have written.
    """

    def __init__(self, reason: str, message: str, path: Path | None = None):
        super().__init__(message)
        self.reason = reason
        self.path = path


def _nested(dotted: str, value) -> dict:
    node = value
    for part in reversed(dotted.split(".")):
        node = {part: node}
    return node


def _merge(into: dict, new: dict) -> dict:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


def _dated(value) -> bool:
    """Whether ``value`` is a mapping keyed by months or years (a parameter's dated ``values``)."""
    try:
        return isinstance(value, dict) and bool(value) and all(parse_period(k) is not None for k in value)
    except (TypeError, ValueError):
        return False


def _param(value, source: str) -> dict:
    """A changed parameter as a scenario file writes it: ``value`` or dated ``values``, and a source.

    A mapping that is neither a parameter (``value``, ``unit``...) nor dated, such as a payment
    schedule's ``{every, timing}``, is the parameter's constant value.
    """
    if isinstance(value, dict) and "value" in value:
        return {**value, "source": source}
    if _dated(value):
        return {"values": value, "source": source}
    return {"value": value, "source": source}


def document(base, overrides: dict, folder: Path, description: str, description_en: str = "") -> dict:
    """The scenario file's contents: ``extends`` the base, a description, only the changed parameters.

    Parameters
    ----------
    base : Scenario
        The scenario the planner started from (its file).
    overrides : dict
        Dotted key to value, as :func:`simulation.app.levers.overrides` gives them.
    folder : Path
        Where the file goes (``extends`` is written relative to it).
    description, description_en : str
        What the scenario changes and why, in Indonesian; optionally in English. With both, the file
        holds the schema's bilingual ``description: {id: ..., en: ...}`` and a brief in each language
        reads its own; with Indonesian only, the one text serves both.

    An override of ``None`` (the planner chose "no ceiling" where the base sets one) is written as
    ``null``, which removes the base's parameter (docs/scenarios.md, "Reforms").
    """
    doc: dict = {
        "extends": Path(os.path.relpath(Path(base.path).resolve(), Path(folder).resolve())).as_posix(),
        "description": describe(description, description_en),
    }
    source = SOURCE.format(base=Path(base.path).name)
    for dotted, value in overrides.items():
        if "." not in dotted:
            # a top-level key (``start``) is not a parameter: written bare, as in scenarios/delayed_start.yaml
            _merge(doc, {dotted: value})
        else:
            _merge(doc, _nested(dotted, None if value is None else _param(value, source)))
    return doc


def describe(description: str, description_en: str = "") -> str | dict[str, str]:
    """The ``description`` a saved scenario holds: ``{id, en}`` with an English text, else the Indonesian.

    Each text is put on one line (the planner's line breaks and runs of spaces become one space).
    """
    text = " ".join(description.split())
    english = " ".join(description_en.split())
    return {"id": text, "en": english} if english else text


def save(
    folder: Path,
    name: str,
    base,
    overrides: dict,
    description: str,
    description_en: str = "",
    overwrite: bool = False,
) -> Path:
    """Validate, then write ``folder/<name>.yaml``.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    SaveError
        For a bad name, a file that exists (unless ``overwrite``), an empty description, or a
        scenario that fails validation (the :class:`ScenarioError` message; nothing is written).
    """
    folder = Path(folder)
    if not NAME.fullmatch(name or ""):
        raise SaveError("name", f"file name {name!r}: lower-case letters, digits, '-' and '_', at most 60")
    path = folder / f"{name}.yaml"
    if path.resolve().parent != folder.resolve():
        raise SaveError("name", f"file name {name!r} leaves the scenarios folder", path)
    if not description.strip():
        raise SaveError("description", "a description in Indonesian is needed", path)
    if path.exists() and not overwrite:
        raise SaveError("exists", f"{path.name} exists", path)
    doc = document(base, overrides, folder, description, description_en)
    header = f"# {name}: saved from the planner app; it lists only what differs from {doc['extends']}.\n"
    body = header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    temporary = folder / f".{name}.yaml.tmp"
    temporary.write_text(body, encoding="utf-8")
    try:
        load_scenario(temporary)
    except ScenarioError as exc:
        temporary.unlink()
        raise SaveError("invalid", str(exc).replace(temporary.name, path.name), path) from None
    os.replace(temporary, path)
    return path
