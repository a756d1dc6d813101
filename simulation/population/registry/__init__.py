"""The UMKM registry as the regency hands it over: reading, checking, validating, pseudonymising.

``read_registry_file`` reads CSV or XLSX into text cells; ``check_registry`` runs every check of
``checks.CHECKS`` (NIK structure against the official region codes, Excel damage, duplicates,
possible duplicates, other lists, cells) and returns row-numbered flags, which ``umkm-sim verify``
turns into the office's report (``simulation.io.verification``); ``validate`` keeps the rows without
errors and rejects the others with the checks' names; ``simulation.io.ingest`` writes the
pseudonymised registry, ``rejects.csv`` and a manifest; ``registry_agents`` turns accepted rows into
agents. The format and the pseudonymisation are described in docs/registry.md, the checks in
docs/verification.md.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from simulation.core.errors import ScenarioError
from simulation.population.registry.agents import registry_agents
from simulation.population.registry.errors import RegistryError
from simulation.population.registry.read import file_sha256, read_registry_file
from simulation.population.registry.validate import ValidatedRegistry, validate
from simulation.population.registry.verify import CheckedRegistry, check_registry


class RegistryWarning(UserWarning):
    """Rows of a scenario's registry were rejected (counts only; ``umkm-sim ingest`` says why)."""


def registry_path(scenario) -> Path | None:
    """The scenario's ``population.registry`` as a path, or None.

    A relative path set in a scenario file is relative to that file's folder; one set by an
    override (``--set population.registry=PATH``) is relative to the working folder.
    """
    given = getattr(scenario.model.population, "registry", None)
    if given is None:
        return None
    path = Path(given).expanduser()
    if path.is_absolute() or "population.registry" in scenario.overrides:
        return path
    return Path(scenario.path).parent / path


def registry_sha256(scenario) -> str | None:
    """SHA-256 of the scenario's registry file (for a run's manifest), or None without one."""

    path = registry_path(scenario)
    return None if path is None or not path.is_file() else file_sha256(path)


def load_registry_agents(scenario, path: Path):
    """Agents from the registry at ``path``, validated against ``scenario``.

    Rejected rows are left out with a :class:`RegistryWarning` giving their count. No pseudonym key
    is needed: identifiers are compared in memory and never leave this function.

    Raises
    ------
    ScenarioError
        Naming the scenario file, ``population.registry`` and the problem, if the registry cannot
        be read, lacks columns, or has no usable row.
    """

    try:
        validated = validate(read_registry_file(path), scenario)
    except RegistryError as exc:
        raise ScenarioError([(scenario.path, "population.registry", str(path), str(exc))]) from None
    if not validated.rows:
        raise ScenarioError(
            [(scenario.path, "population.registry", str(path), f"no usable row among {validated.n_read} read")]
        )
    if validated.rejects:
        warnings.warn(
            f"{validated.source}: {len(validated.rejects)} of {validated.n_read} rows rejected and left out; "
            "run 'umkm-sim verify' on the file to see why, row by row",
            RegistryWarning,
            stacklevel=2,
        )
    return registry_agents(validated, scenario)


__all__ = [
    "CheckedRegistry",
    "RegistryError",
    "RegistryWarning",
    "ValidatedRegistry",
    "check_registry",
    "load_registry_agents",
    "read_registry_file",
    "registry_agents",
    "registry_path",
    "registry_sha256",
    "validate",
]
