"""Indonesia's official administrative areas: provinces, regencies (kabupaten/kota) and kecamatan.

The codes and names are the package's copy of ``idn-area-data`` 3.1.2 (ODbL 1.0; attribution and
licence in ``simulation/data/regions_README.md`` and ``regions_LICENSE.md``). Codes are written as
in the official list: ``52`` (Nusa Tenggara Barat), ``52.03`` (Kabupaten Lombok Timur),
``52.03.07`` (Selong). The first six digits of a NIK are these codes without dots
(:meth:`Regions.split_nik_prefix`).
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

DATA_PACKAGE = "simulation.data"
FILES = {
    "provinces": "regions_provinces.csv",
    "regencies": "regions_regencies.csv",
    "districts": "regions_districts.csv",
    "spellings": "kecamatan_spellings.csv",
}
"""The three official tables and the local spellings (resources of the package ``simulation.data``)."""

DEFAULT_REGION = "52.03"
"""Kabupaten Lombok Timur, the workbench's first user and every scenario's default ``region``."""


@dataclass(frozen=True)
class Area:
    """One administrative area.

    Attributes
    ----------
    code : str
        Official code with dots (``52.03.07``).
    name : str
        Official name as spelled in the source (``Selong``; regencies carry ``KABUPATEN``/``KOTA``).
    parent : str or None
        Code of the province (for a regency) or regency (for a kecamatan); None for a province.
    """

    code: str
    name: str
    parent: str | None


@dataclass(frozen=True, eq=False)
class Regions:
    """Every province, regency and kecamatan, keyed by official code (with dots)."""

    provinces: dict[str, Area]
    regencies: dict[str, Area]
    districts: dict[str, Area]

    def regencies_of(self, province: str) -> list[Area]:
        """The regencies (kabupaten and kota) of a province code, in code order."""
        return [a for a in self.regencies.values() if a.parent == province]

    def districts_of(self, regency: str) -> list[Area]:
        """The kecamatan of a regency code (``52.03``), in code order."""
        return list(_children(self)["districts"].get(regency, ()))

    def regency(self, code: str) -> Area:
        """The regency (kabupaten or kota) of an official code such as ``52.03``.

        Raises
        ------
        KeyError
            With a message naming the code and the closest regencies by code or by name.
        """
        try:
            return self.regencies[code]
        except KeyError:
            raise KeyError(f"'{code}' is not a regency code (kabupaten or kota).{self.suggest(code)}") from None

    def suggest(self, word: str) -> str:
        """`` Did you mean '52.02' (Kabupaten Lombok Tengah)?`` for the regency closest to ``word``.

        ``word`` is compared with every code and with every name (without ``KABUPATEN``/``KOTA``,
        case ignored), so both ``52.3`` and ``Lombok Tenga`` find a regency.
        """
        keys: dict[str, str] = {}
        for area in self.regencies.values():
            keys[area.code] = area.code
            keys[area.name.lower()] = area.code
            keys[short_name(area.name).lower()] = area.code
        close = difflib.get_close_matches(str(word).lower(), list(keys), n=1, cutoff=0.6)
        if not close:
            return ""
        code = keys[close[0]]
        return f" Did you mean '{code}' ({display_name(self.regencies[code].name)})?"

    def kecamatan(self, regency: str) -> tuple[Area, ...]:
        """The kecamatan of a regency as the workbench names them, sorted by name.

        The official name, unless ``kecamatan_spellings.csv`` gives the spelling the regency
        itself uses (``Suela`` for the official ``Suwela``, 52.03.16, facts F5.2). Sorted by that
        name: the order of segments in the engines and of rows in ``by_kecamatan.csv``.
        """
        spelled = _spellings()
        areas = (Area(a.code, spelled.get(a.code, a.name), a.parent) for a in self.districts_of(regency))
        return tuple(sorted(areas, key=lambda a: a.name))

    @staticmethod
    def split_nik_prefix(digits: str) -> tuple[str, str, str]:
        """Province, regency and kecamatan codes from the first six digits of a NIK.

        ``"520307..."`` gives ``("52", "52.03", "52.03.07")``.
        """
        return digits[:2], f"{digits[:2]}.{digits[2:4]}", f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}"


@cache
def _children(areas: Regions) -> dict[str, dict[str, tuple[Area, ...]]]:
    """Regencies by province and kecamatan by regency, built once (7,277 kecamatan)."""
    out: dict[str, dict[str, list[Area]]] = {"regencies": {}, "districts": {}}
    for kind in out:
        for area in getattr(areas, kind).values():
            out[kind].setdefault(area.parent, []).append(area)
    return {kind: {k: tuple(v) for k, v in by.items()} for kind, by in out.items()}


def _table(name: str) -> list[dict[str, str]]:
    text = files(DATA_PACKAGE).joinpath(FILES[name]).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def regions() -> Regions:
    """The official areas, read once from the package data."""
    return Regions(
        provinces={r["code"]: Area(r["code"], r["name"], None) for r in _table("provinces")},
        regencies={r["code"]: Area(r["code"], r["name"], r["province_code"]) for r in _table("regencies")},
        districts={r["code"]: Area(r["code"], r["name"], r["regency_code"]) for r in _table("districts")},
    )


def _spellings() -> dict[str, str]:
    return {r["code"]: r["spelling"] for r in _table("spellings")}


def display_name(official: str) -> str:
    """``KABUPATEN LOMBOK TIMUR`` as a reader writes it: ``Kabupaten Lombok Timur``."""
    words = (w.capitalize() if w.isalpha() else w for w in official.split())
    return " ".join("dan" if w == "Dan" else w for w in words)


def short_name(official: str) -> str:
    """The name as running text writes it: ``Lombok Timur`` (a kabupaten), ``Kota Bima`` (a kota keeps
    the word, which tells it from Kabupaten Bima)."""
    words = display_name(official).split()
    return " ".join(words[1:]) if words and words[0] == "Kabupaten" else " ".join(words)


def kecamatan_names(regency: str = DEFAULT_REGION) -> tuple[str, ...]:
    """The names of a regency's kecamatan, sorted (the 21 of Lombok Timur by default, facts F5.2).

    Raises
    ------
    KeyError
        For a code that is not a regency.
    """
    areas = regions()
    areas.regency(regency)
    return tuple(a.name for a in areas.kecamatan(regency))


def kecamatan_codes(regency: str = DEFAULT_REGION) -> dict[str, str]:
    """Official kecamatan code to the name the workbench uses (``52.03.16`` to ``Suela``)."""
    return {a.code: a.name for a in regions().kecamatan(regency)}
