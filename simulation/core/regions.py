"""Indonesia's official administrative areas: provinces, regencies (kabupaten/kota) and kecamatan.

The codes and names are the package's copy of ``idn-area-data`` 3.1.2 (ODbL 1.0; attribution and
licence in ``simulation/data/regions_README.md`` and ``regions_LICENSE.md``). Codes are written as
in the official list: ``52`` (Nusa Tenggara Barat), ``52.03`` (Kabupaten Lombok Timur),
``52.03.07`` (Selong). The first six digits of a NIK are these codes without dots
(:meth:`Regions.split_nik_prefix`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

DATA_PACKAGE = "simulation.data"
FILES = {
    "provinces": "regions_provinces.csv",
    "regencies": "regions_regencies.csv",
    "districts": "regions_districts.csv",
}
"""The three tables (resources of the package ``simulation.data``)."""


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


@dataclass(frozen=True)
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
        return [a for a in self.districts.values() if a.parent == regency]

    @staticmethod
    def split_nik_prefix(digits: str) -> tuple[str, str, str]:
        """Province, regency and kecamatan codes from the first six digits of a NIK.

        ``"520307..."`` gives ``("52", "52.03", "52.03.07")``.
        """
        return digits[:2], f"{digits[:2]}.{digits[2:4]}", f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}"


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
