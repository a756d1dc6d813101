"""Reading scenario files: ``extends``, dotted overrides and readable errors."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from simulation.core.errors import MISSING, NO_VALUE, ScenarioError
from simulation.core.horizon import Horizon, format_period, parse_period
from simulation.core.regions import kecamatan_codes, regions, short_name
from simulation.scenario.limits import check_document, check_magnitudes
from simulation.scenario.safe_yaml import YamlLimitError, load, read_text
from simulation.scenario.schema import PARAM_KEYS, SECTOR_KEYED, Param, ScenarioModel, did_you_mean, iter_params

STRUCTURAL_KEYS = ("extends",)


def read_yaml(path: Path) -> dict:
    """Read one YAML mapping, or raise a ScenarioError naming the file.

    The text is read with bounds (:mod:`simulation.scenario.safe_yaml`): a folder, a binary, a
    non-UTF-8 or oversized file, a key given twice or an alias bomb is refused with a message.
    """
    try:
        text = read_text(path)
        data = load(text)
    except FileNotFoundError:
        raise ScenarioError([(str(path), "", NO_VALUE, "file not found")]) from None
    except YamlLimitError as exc:
        raise ScenarioError([(str(path), "", NO_VALUE, str(exc))]) from None
    except RecursionError:
        raise ScenarioError([(str(path), "", NO_VALUE, "nested too deeply to be a scenario file")]) from None
    except OSError as exc:
        raise ScenarioError([(str(path), "", NO_VALUE, f"cannot be read: {exc.strerror or exc}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError([(str(path), where, NO_VALUE, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError([(str(path), "", type(data).__name__, "a scenario file must be a mapping of keys")])
    return data


SCENARIO_KEYS = frozenset(ScenarioModel.model_fields) | set(STRUCTURAL_KEYS)
"""Top-level keys a scenario file may have."""


def not_a_scenario(data: dict, extended: bool) -> bool:
    """Whether a file's top-level keys say it is not a scenario at all.

    A file reached through ``extends`` must have only scenario keys (an error in it would otherwise
    echo keys and values of a file that may be anything, a secrets file for instance); the file
    named by the user is refused only when none of its keys is a scenario key (a typo in one key
    gets its own message, with a suggestion).
    """
    keys = {str(k) for k in data}
    if extended:
        return not keys <= SCENARIO_KEYS
    return bool(keys) and not keys & SCENARIO_KEYS


def _refuse_non_scenario(path: Path, data: dict, extended_by: tuple[Path, str] | None) -> None:
    if not not_a_scenario(data, extended_by is not None):
        return
    allowed = f"top-level keys {', '.join(sorted(SCENARIO_KEYS))}"
    if extended_by is None:
        message = f"not a scenario file: none of its keys is one of the {allowed}"
        raise ScenarioError([(str(path), "", NO_VALUE, message)])
    child, parent = extended_by
    raise ScenarioError(
        [
            (
                str(child),
                "extends",
                parent,
                f"{path} is not a scenario file (it has keys other than the {allowed}); "
                f"its contents are not shown: check it with 'umkm-sim validate {path}'",
            )
        ]
    )


def is_param(node: Any) -> bool:
    """Whether a raw YAML node is a parameter (has value/values/unit/source)."""
    return isinstance(node, dict) and bool({"value", "values", "unit", "source"} & set(node))


def _is_periods(node: Any) -> bool:
    if not isinstance(node, dict) or not node:
        return False
    try:
        for key in node:
            parse_period(key)
    except ValueError:
        return False
    return True


def merge(base: Any, new: Any, path: str, origins: dict[str, str], origin: str) -> Any:
    """Merge ``new`` onto ``base``, knowing that a parameter is more than a dict.

    Onto a parameter, a scalar (or a mapping that is not dated) sets its constant
    ``value``; a mapping keyed by months or years sets its dated ``values``; a
    mapping of parameter fields updates those fields. Everything set is recorded
    in ``origins`` (dotted path to the file or override that set it). ``null`` onto a parameter
    removes it, as if the base had not set it: an optional one (a budget ceiling) then takes its
    default, a required one is reported missing.
    """
    if is_param(base) and new is None:
        origins[path] = origin
        return None
    if is_param(base):
        merged = dict(base)
        if isinstance(new, dict) and set(new) <= PARAM_KEYS and new:
            if "value" in new:
                merged.pop("values", None)
            if "values" in new:
                merged.pop("value", None)
            merged.update(copy.deepcopy(new))
        elif _is_periods(new):
            merged.pop("value", None)
            merged["values"] = copy.deepcopy(new)
        else:
            merged.pop("values", None)
            merged["value"] = copy.deepcopy(new)
        origins[path] = origin
        return merged
    if isinstance(base, dict) and isinstance(new, dict):
        out = dict(base)
        for key, val in new.items():
            sub = f"{path}.{key}" if path else str(key)
            out[key] = (
                merge(base[key], val, sub, origins, origin) if key in base else _record(val, sub, origins, origin)
            )
        return out
    return _record(new, path, origins, origin)


def _record(node: Any, path: str, origins: dict[str, str], origin: str) -> Any:
    origins[path] = origin
    if isinstance(node, dict) and not is_param(node):
        for key, val in node.items():
            _record(val, f"{path}.{key}", origins, origin)
    return copy.deepcopy(node)


def read_chain(
    path: Path, origins: dict[str, str], seen: tuple[Path, ...] = (), extended_by: tuple[Path, str] | None = None
) -> dict:
    """Read a scenario file and the files it ``extends``, parent first.

    ``extended_by`` is the file that named this one and how it named it (for messages).
    """
    path = Path(path)
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(str(p) for p in (*seen, resolved))
        raise ScenarioError([(str(path), "extends", str(path), f"circular 'extends': {chain}")])
    data = read_yaml(path)
    parent = data.pop("extends", None)
    _refuse_non_scenario(path, data, extended_by)
    if parent is None:
        return merge({}, data, "", origins, str(path))
    if not isinstance(parent, str):
        raise ScenarioError([(str(path), "extends", parent, "the path of one scenario file, relative to this one")])
    parent_path = path.parent / parent
    if not parent_path.exists():
        raise ScenarioError([(str(path), "extends", parent, f"file not found (looked for {parent_path})")])
    if not parent_path.is_file():
        raise ScenarioError([(str(path), "extends", parent, f"{parent_path} is a folder, not a scenario file")])
    base = read_chain(parent_path, origins, (*seen, resolved), extended_by=(path, parent))
    base.pop("description", None)  # a reform must describe itself
    origins.pop("description", None)
    return merge(base, data, "", origins, str(path))


def base_of(path: str | Path) -> Path | None:
    """The scenario file ``path`` extends (its base, resolved relative to it), or None when it extends none.

    Raises
    ------
    ScenarioError
        If the file cannot be read (see :func:`read_yaml`).
    """
    path = Path(path)
    parent = read_yaml(path).get("extends")
    return path.parent / parent if isinstance(parent, str) else None


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key.path=VALUE`` and read VALUE as YAML (``0.08``, ``rate``, ``{2026-01: 5}``).

    The value is read with the bounds of a scenario file (aliases, duplicate keys); text that is
    not YAML is kept as a string.
    """
    if "=" not in text:
        raise ScenarioError([("--set", "", text, "an override is KEY=VALUE, e.g. assumptions.closure_rate=0.08")])
    key, _, value = text.partition("=")
    if not value.strip():
        # YAML reads nothing as null, which removes an optional parameter: only on purpose, written out
        problem = "the value is empty; give one after '=' (null removes an optional parameter)"
        raise ScenarioError([(f"override {key.strip()}", "", NO_VALUE, problem)])
    try:
        parsed = load(value)
    except YamlLimitError as exc:
        raise ScenarioError([(f"override {key.strip()}", "", NO_VALUE, f"the value {exc}")]) from None
    except RecursionError:
        raise ScenarioError([(f"override {key.strip()}", "", NO_VALUE, "the value is nested too deeply")]) from None
    except yaml.YAMLError:
        parsed = value
    return key.strip(), parsed


def apply_overrides(raw: dict, overrides: dict[str, Any], origins: dict[str, str]) -> dict:
    """Apply dotted overrides; setting a dated parameter to a scalar makes it constant."""
    for dotted, value in overrides.items():
        nested: Any = value
        for part in reversed(dotted.split(".")):
            nested = {part: nested}
        raw = merge(raw, nested, "", origins, f"override {dotted}")
    return raw


def _allowed_keys(loc: tuple) -> list[str]:
    """Field names allowed at the parent of ``loc``, walking the schema classes."""
    model: Any = ScenarioModel
    for part in loc[:-1]:
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return []
        annotation = fields[part].annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                model = candidate
                break
        else:
            return []
    return list(getattr(model, "model_fields", {}))


def _origin(dotted: str, origins: dict[str, str], default: str) -> str:
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        hit = origins.get(".".join(parts[:n]))
        if hit:
            return hit
    return default


def _blame(dotted: str, causes: tuple[str, ...], origins: dict[str, str], default: str) -> str:
    """The origin of a cross-key problem: the override that set a key it depends on, when one did.

    A dated value outside a horizon shortened by ``--set years=1`` is the override's doing, not the
    file's, so the override is named first and the file it conflicts with after it.
    """
    own = _origin(dotted, origins, default)
    overrides = [o for o in dict.fromkeys(_origin(c, origins, default) for c in causes) if o.startswith("override ")]
    overrides = [o for o in overrides if o != own]
    if not overrides:
        return own
    return f"{', '.join(overrides)} (against {own})"


HORIZON_KEYS = ("start", "years")
"""Keys that set the horizon: a dated value is checked against them."""


def translate(exc: ValidationError, origins: dict[str, str], default_file: str) -> ScenarioError:
    """Turn pydantic's errors into ScenarioError lines: file, key path, value, what is allowed."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p != "[key]")
        dotted = ".".join(str(p) for p in loc)
        kind, msg = err["type"], err["msg"]
        value = err.get("input", MISSING)
        if kind == "extra_forbidden":
            allowed_keys = _allowed_keys(loc)
            allowed = f"unknown key; allowed here: {', '.join(allowed_keys)}." + did_you_mean(loc[-1], allowed_keys)
        elif kind == "missing":
            value = MISSING
            allowed = "a required key is missing"
        elif value is None and kind in ("model_type", "dict_type"):
            allowed = "a required parameter: null (removing it) is allowed only for an optional one"
        elif kind == "literal_error":
            expected = [e.strip(" '") for e in err["ctx"]["expected"].replace(" or ", ", ").split(",")]
            if "[key]" in err["loc"]:
                value = loc[-1]
            allowed = f"allowed: {', '.join(expected)}." + did_you_mean(value, expected)
        else:
            allowed = msg.removeprefix("Value error, ").replace("Input should be", "must be")
        if isinstance(value, dict) and kind != "extra_forbidden":
            value = {k: v for k, v in value.items() if k in ("value", "values")} or value
        problems.append((_origin(dotted, origins, default_file), dotted, value, allowed))
    return ScenarioError(problems)


def check_cross_fields(model: ScenarioModel, origins: dict[str, str], default_file: str) -> None:
    """Checks across keys: dated keys within the horizon, per-sector values for every sector."""
    horizon = Horizon(parse_period(model.start), model.years)
    problems = []
    for sub, child in iter_params(model):
        if child.values is None:
            continue
        origin = _blame(sub, HORIZON_KEYS, origins, default_file)
        dated = child.dated()
        for key, value in dated.items():
            if key > horizon.end:
                problems.append(
                    (
                        origin,
                        f"{sub}.values.{format_period(key)}",
                        value,
                        f"date outside the horizon; allowed: months up to "
                        f"{format_period(horizon.end)} (start {model.start}, {model.years} years)",
                    )
                )
        if min(dated) > horizon.start:
            problems.append(
                (
                    origin,
                    f"{sub}.values",
                    child.values,
                    f"no value in force at the start {model.start}; allowed: a first key on or before it",
                )
            )
    problems += _sector_problems(model, origins, default_file)
    problems += check_kecamatan(model, origins, default_file)
    if problems:
        raise ScenarioError(problems)


def _sector_problems(model: ScenarioModel, origins: dict[str, str], default_file: str) -> list[tuple]:
    """A per-sector value must name exactly the sectors of ``population.sector_shares``."""
    shares = model.population.sector_shares
    sectors = set(shares.value if shares.values is None else next(iter(shares.values.values())))
    params = dict(iter_params(model))
    problems = []
    for sub in SECTOR_KEYED:
        for key, value in params[sub].dated().items():
            if not isinstance(value, dict) or set(value) == sectors:
                continue
            missing, extra = sorted(sectors - set(value)), sorted(set(value) - sectors)
            where = f"{sub}.value" if params[sub].values is None else f"{sub}.values.{format_period(key)}"
            allowed = "one value for every sector of population.sector_shares, or one value for all"
            if missing:
                allowed += f"; missing: {', '.join(missing)}"
            if extra:
                allowed += f"; unknown: {', '.join(extra)}"
            problems.append((_blame(sub, ("population.sector_shares",), origins, default_file), where, value, allowed))
    policy = model.policy
    named = []
    if policy.sector_order is not None:
        named += [("policy.sector_order", key, value) for key, value in policy.sector_order.dated().items()]
    if policy.group_payers is not None:
        for key, groups in policy.group_payers.dated().items():
            named += [("policy.group_payers", key, g.sectors) for g in groups]
    for sub, key, names in named:
        for name in names:
            if name not in sectors:
                where = f"{sub}.value" if params[sub].values is None else f"{sub}.values.{format_period(key)}"
                allowed = f"'{name}' is not a sector; allowed: {', '.join(sorted(sectors))}." + did_you_mean(
                    name, sectors
                )
                origin = _blame(sub, ("population.sector_shares",), origins, default_file)
                problems.append((origin, where, names, allowed))
    rule = policy.priority.dated().values() if policy.priority is not None else []
    if "sector_order" in rule and policy.sector_order is None:
        problems.append(
            (
                _origin("policy.priority", origins, default_file),
                "policy.sector_order",
                MISSING,
                "the priority rule sector_order needs policy.sector_order (sectors, first served first)",
            )
        )
    return problems


KECAMATAN_KEYED = ("population.kecamatan_shares", "policy.kecamatan_quota")
"""Parameters keyed by kecamatan (name or official code)."""


def check_kecamatan(model: ScenarioModel, origins: dict[str, str], default_file: str) -> list[tuple]:
    """Kecamatan named anywhere must be kecamatan of ``model.region``; codes become names.

    ``population.kecamatan_shares``, ``policy.kecamatan_quota`` and the ``kecamatan`` of
    ``policy.group_payers`` may name a kecamatan by name (``Selong``, case ignored) or by official
    code (``52.03.07``); the model keeps the names the engines and tables use. Returns one problem
    per unknown kecamatan, with a suggestion, blamed on the file that named it (or on the override
    of ``region`` when that is what made it unknown).
    """
    by_code = kecamatan_codes(model.region)
    by_name = {name.casefold(): name for name in by_code.values()}
    place = short_name(regions().regency(model.region).name)

    def name_of(key: str) -> str | None:
        key = str(key).strip()
        return by_code.get(key) or by_name.get(key.casefold())

    problems: list[tuple] = []

    def unknown(sub: str, where: str, key: Any) -> None:
        allowed = (
            f"'{key}' is not a kecamatan of {place} (region {model.region}); allowed: its "
            f"{len(by_code)} kecamatan by name or official code." + did_you_mean(key, [*by_code.values(), *by_code])
        )
        problems.append((_blame(sub, ("region",), origins, default_file), where, key, allowed))

    params = dict(iter_params(model))
    for sub in KECAMATAN_KEYED:
        param = params.get(sub)
        if param is None:
            continue
        dated = {0: param.value} if param.values is None else param.values
        for period, shares in dated.items():
            where = f"{sub}.value" if param.values is None else f"{sub}.values.{period}"
            named = {}
            for key, share in shares.items():
                name = name_of(key)
                if name is None:
                    unknown(sub, where, key)
                else:
                    named[name] = named.get(name, 0.0) + share
            shares.clear()
            shares.update(named)
    groups = model.policy.group_payers
    if groups is not None:
        for period, listed in ({0: groups.value} if groups.values is None else groups.values).items():
            where = "policy.group_payers.value" if groups.values is None else f"policy.group_payers.values.{period}"
            for group in listed:
                names = [name_of(k) for k in group.kecamatan]
                for key, name in zip(group.kecamatan, names, strict=True):
                    if name is None:
                        unknown("policy.group_payers", where, key)
                group.kecamatan[:] = [n for n in names if n is not None]
    return problems


def _param_class(annotation: Any) -> bool:
    return any(isinstance(c, type) and issubclass(c, Param) for c in (annotation, *getattr(annotation, "__args__", ())))


def wrap_bare_params(raw: dict, origins: dict[str, str], model: Any = ScenarioModel, path: str = "") -> dict:
    """Give a parameter set by a bare value (absent from the base file) its unit and source.

    The unit comes from the schema field's ``json_schema_extra``; the source names
    the file or override that set it.
    """
    out = dict(raw)
    for name, info in model.model_fields.items():
        if name not in out:
            continue
        sub = f"{path}.{name}" if path else name
        node = out[name]
        if _param_class(info.annotation):
            extra = info.json_schema_extra or {}
            if node is not None and not is_param(node) and "unit" in extra:
                key = "values" if _is_periods(node) else "value"
                out[name] = {key: node, "unit": extra["unit"], "source": f"set by {_origin(sub, origins, 'the file')}"}
            continue
        for candidate in (info.annotation, *getattr(info.annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel) and isinstance(node, dict):
                out[name] = wrap_bare_params(node, origins, candidate, sub)
                break
    return out


def build(raw: dict, origins: dict[str, str], file: str) -> ScenarioModel:
    """Validate a merged raw scenario."""
    origin_of = lambda dotted: _origin(dotted, origins, file)  # noqa: E731
    check_document(raw, origin_of)
    raw = wrap_bare_params(raw, origins)
    try:
        model = ScenarioModel.model_validate(raw)
    except ValidationError as exc:
        raise translate(exc, origins, file) from None
    check_magnitudes(model, origin_of)
    check_cross_fields(model, origins, file)
    return model


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
