"""The loaded scenario: validated parameters plus where they came from."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from simulation.core.horizon import Horizon, parse_period
from simulation.core.regions import display_name, kecamatan_names, regions, short_name
from simulation.scenario.loader import apply_overrides, build, display_path, parse_override, read_chain
from simulation.scenario.schema import Param, ScenarioModel


@dataclass(frozen=True)
class Scenario:
    """A validated scenario.

    Attributes
    ----------
    name : str
        The file's stem (``baseline`` for ``scenarios/baseline.yaml``).
    path : str
        The file as given.
    model : ScenarioModel
        The validated parameters.
    raw : dict
        The merged file contents before overrides (kept to apply more overrides).
    overrides : dict
        Dotted overrides applied on top of the file.
    """

    name: str
    path: str
    model: ScenarioModel
    raw: dict = field(repr=False)
    overrides: dict = field(default_factory=dict)

    def __reduce__(self):
        """Pickled as the merged file and its overrides, validated again when unpickled: the
        validated model's classes (pydantic generics such as ``Param[float]``) cannot be pickled
        by reference, and a worker process started with ``spawn`` or ``forkserver`` receives the
        scenario pickled (:func:`simulation.outputs.montecarlo.simulate`)."""
        return (load_raw, (self.raw, self.path, self.overrides, self.name))

    @cached_property
    def horizon(self) -> Horizon:
        return Horizon(parse_period(self.model.start), self.model.years)

    def to_dict(self) -> dict:
        """The resolved scenario as plain data (what the manifest records)."""
        return self.model.model_dump(mode="json", exclude_none=True)

    @cached_property
    def hash(self) -> str:
        """SHA-256 of the resolved scenario's canonical JSON."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """A copy with more dotted overrides applied (validated again)."""
        return load_raw(self.raw, self.path, {**self.overrides, **overrides}, name=self.name)

    def param(self, dotted: str) -> Param:
        """The parameter at a dotted path, e.g. ``assumptions.closure_rate``."""
        node: Any = self.model
        for part in dotted.split("."):
            node = getattr(node, part)
        if not isinstance(node, Param):
            raise KeyError(f"{dotted} is not a parameter")
        return node

    def monthly(self, dotted: str) -> list:
        """The value of a parameter in force in every simulated month, length T."""
        return self.horizon.expand(self.param(dotted).dated())

    def monthly_array(self, dotted: str) -> np.ndarray:
        """Like :meth:`monthly` for a numeric parameter, as float array shape (T,)."""
        return np.asarray(self.monthly(dotted), dtype=float)

    def first(self, dotted: str):
        """The value in force in the first simulated month."""
        return self.monthly(dotted)[0]

    def by_sector(self, dotted: str) -> np.ndarray:
        """A parameter given for all sectors alike or per sector, as float array shape (T, sectors)."""
        rows = [
            [v[s] for s in self.sectors] if isinstance(v, dict) else [v] * len(self.sectors)
            for v in self.monthly(dotted)
        ]
        return np.asarray(rows, dtype=float)

    @cached_property
    def sectors(self) -> list[str]:
        return list(self.first("population.sector_shares"))

    @cached_property
    def kecamatan(self) -> list[str]:
        """The kecamatan of the scenario's ``region``, sorted by name (the engines' segment order)."""
        return list(kecamatan_names(self.model.region))

    @cached_property
    def region_name(self) -> str:
        """The region as running text names it: ``Lombok Timur``, ``Mataram``."""
        return short_name(regions().regency(self.model.region).name)

    @cached_property
    def region_title(self) -> str:
        """The region as a title names it, with its code: ``Kabupaten Lombok Timur (52.03)``."""
        return f"{display_name(regions().regency(self.model.region).name)} ({self.model.region})"

    @cached_property
    def segment_shares(self) -> np.ndarray:
        """Share of the UMKM in each segment (kecamatan x sector), shape (K*S,), kecamatan-major.

        Assumption until registry data comes: kecamatan shares are equal over the region's
        kecamatan unless ``population.kecamatan_shares`` gives them (facts F5.2: no population by
        kecamatan was found); sectors split the same way in every kecamatan.
        """
        kec = self.kecamatan
        if self.model.population.kecamatan_shares is None:
            kec_share = np.full(len(kec), 1.0 / len(kec))
        else:
            given = self.first("population.kecamatan_shares")
            kec_share = np.array([given.get(k, 0.0) for k in kec])
        sec = self.first("population.sector_shares")
        sec_share = np.array([sec[s] for s in self.sectors])
        return np.outer(kec_share, sec_share).ravel()

    @cached_property
    def segment_labels(self) -> tuple[list[str], list[str]]:
        """(kecamatan, sector) of every segment, in engine order."""
        kec = [k for k in self.kecamatan for _ in self.sectors]
        sec = [s for _ in self.kecamatan for s in self.sectors]
        return kec, sec


def load_raw(raw: dict, path: str, overrides: dict[str, Any] | None = None, name: str | None = None) -> Scenario:
    """Validate an already merged raw scenario, applying dotted overrides."""
    origins: dict[str, str] = {}
    overrides = dict(overrides or {})
    merged = apply_overrides(copy.deepcopy(raw), overrides, origins) if overrides else copy.deepcopy(raw)
    model = build(merged, origins, path)
    return Scenario(name=name or Path(path).stem, path=path, model=model, raw=raw, overrides=overrides)


def load_scenario(path: str | Path, overrides: dict[str, Any] | list[str] | None = None) -> Scenario:
    """Load, merge (``extends``), override and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        The YAML file.
    overrides : dict or list of str, optional
        Dotted keys to values (``{"assumptions.closure_rate": 0.08}``) or
        ``KEY=VALUE`` strings as given to ``--set``.

    Raises
    ------
    ScenarioError
        Naming the file, key path, value and what is allowed for every problem.
    """
    if isinstance(overrides, (list, tuple)):
        overrides = dict(parse_override(item) for item in overrides)
    shown = display_path(Path(path))
    origins: dict[str, str] = {}
    raw = read_chain(Path(path), origins)
    merged = apply_overrides(copy.deepcopy(raw), overrides, origins) if overrides else raw
    model = build(merged, origins, shown)
    return Scenario(name=Path(path).stem, path=shown, model=model, raw=raw, overrides=dict(overrides or {}))


__all__ = ["Scenario", "ScenarioModel", "load_scenario"]
