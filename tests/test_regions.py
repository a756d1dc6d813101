"""Region as data: a scenario names its regency by official code and takes its kecamatan from it.

Expectations are literals read off the official list (``simulation/data/regions_*.csv``, a copy of
``idn-area-data`` 3.1.2) and counts of that list, never the functions under test.
"""

from __future__ import annotations

import csv
from importlib.resources import files

import numpy as np
import pytest
from conftest import BASELINE, ROOT
from registry_corpus import nik, write_csv

from simulation import load_scenario
from simulation.core.errors import ScenarioError
from simulation.core.regions import DEFAULT_REGION, kecamatan_codes, kecamatan_names, regions
from simulation.outputs.run import run
from simulation.population.registry.read import read_registry_file
from simulation.population.registry.verify import check_registry

LOMBOK_TENGAH = ROOT / "scenarios" / "lombok_tengah.yaml"

# Lombok Tengah's 12 kecamatan as the official list names them (52.02.01 to 52.02.12), sorted.
TENGAH = [
    "Batukliang", "Batukliang Utara", "Janapria", "Jonggat", "Kopang", "Praya", "Praya Barat",
    "Praya Barat Daya", "Praya Tengah", "Praya Timur", "Pringgarata", "Pujut",
]  # fmt: skip
# Lombok Timur's 21 as the regency writes them (facts F5.2; the official list spells Suwela).
TIMUR = [
    "Aikmel", "Jerowaru", "Keruak", "Labuhan Haji", "Lenek", "Masbagik", "Montong Gading", "Pringgabaya",
    "Pringgasela", "Sakra", "Sakra Barat", "Sakra Timur", "Sambelia", "Selong", "Sembalun", "Sikur",
    "Suela", "Sukamulia", "Suralaga", "Terara", "Wanasaba",
]  # fmt: skip


def _rows(name: str) -> list[dict[str, str]]:
    text = files("simulation.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_all_514_regencies_load_each_with_its_province_and_kecamatan():
    areas = regions()
    assert len(areas.regencies) == 514 and len(areas.provinces) == 38
    with_kecamatan = {a.parent for a in areas.districts.values()}
    for code, area in areas.regencies.items():
        assert area.parent in areas.provinces
        assert code in with_kecamatan, code
        names = kecamatan_names(code)
        assert len(names) == len(areas.districts_of(code)) and list(names) == sorted(names)
    assert sum(len(kecamatan_names(c)) for c in areas.regencies) == len(_rows("regions_districts.csv")) == 7277


def test_default_region_is_lombok_timur_with_its_own_spelling():
    assert DEFAULT_REGION == "52.03"
    assert list(kecamatan_names()) == TIMUR
    assert kecamatan_codes()["52.03.16"] == "Suela"
    assert load_scenario(BASELINE).kecamatan == TIMUR
    assert load_scenario(BASELINE).region_name == "Lombok Timur"


def test_lombok_tengah_runs_with_its_own_kecamatan():
    scenario = load_scenario(LOMBOK_TENGAH)
    assert scenario.model.region == "52.02" and scenario.region_name == "Lombok Tengah"
    assert scenario.kecamatan == TENGAH
    result = run(scenario)
    by_kec = result.by_kecamatan()
    assert sorted(set(by_kec["kecamatan"])) == TENGAH
    # equal split over 12 kecamatan (no shares given): each holds 1/12 of the protected UMKM
    first = by_kec[by_kec["year"] == 2026]
    total = result.annual().set_index("year").loc[2026, "covered_end"]
    np.testing.assert_allclose(first["covered_end"].to_numpy(), total / 12, rtol=1e-12)
    # 12,050 enrolled in January 2026 (peers, G3.4)
    assert result.annual().set_index("year").loc[2026, "enrolled"] == pytest.approx(12050)


def test_kecamatan_shares_by_name_or_code_give_the_same_scenario():
    by_name = load_scenario(LOMBOK_TENGAH, {"population.kecamatan_shares": {"Praya": 0.75, "Pujut": 0.25}})
    by_code = load_scenario(LOMBOK_TENGAH, {"population.kecamatan_shares": {"52.02.01": 0.75, "52.02.04": 0.25}})
    assert by_name.first("population.kecamatan_shares") == {"Praya": 0.75, "Pujut": 0.25}
    assert by_code.first("population.kecamatan_shares") == {"Praya": 0.75, "Pujut": 0.25}
    np.testing.assert_array_equal(by_name.segment_shares, by_code.segment_shares)
    # Praya is the 6th of the sorted 12, Pujut the 12th: sector shares sum to 0.75 and 0.25 there
    per_kec = by_code.segment_shares.reshape(12, -1).sum(axis=1)
    np.testing.assert_allclose(per_kec, [0, 0, 0, 0, 0, 0.75, 0, 0, 0, 0, 0, 0.25], atol=1e-15)


def test_group_payer_kecamatan_by_code_becomes_its_name():
    group = [{"payer": "apbd_provinsi", "share": 1.0, "kecamatan": ["52.03.07"]}]
    scenario = load_scenario(BASELINE, {"policy.group_payers": group})
    assert scenario.first("policy.group_payers")[0].kecamatan == ["Selong"]


@pytest.mark.parametrize(
    ("region", "needle"),
    [
        ("52.3", "Did you mean '52.03' (Kabupaten Lombok Timur)?"),
        ("Lombok Tenga", "Did you mean '52.02' (Kabupaten Lombok Tengah)?"),
        ("52.99", "is not a regency code"),
        ("52", "is not a regency code"),
    ],
)
def test_an_unknown_region_is_a_scenario_error_with_a_suggestion(region, needle):
    with pytest.raises(ScenarioError) as err:
        load_scenario(BASELINE, {"region": region})
    assert needle in str(err.value) and "region" in str(err.value)


def test_changing_the_region_blames_the_override_for_kecamatan_it_makes_unknown():
    shares = {"population.kecamatan_shares": {"Selong": 1.0}}
    with pytest.raises(ScenarioError) as err:
        load_scenario(BASELINE, {**shares, "region": "52.02"})
    text = str(err.value)
    assert "'Selong' is not a kecamatan of Lombok Tengah (region 52.02)" in text
    assert "override region" in text


def test_registry_checks_use_the_scenarios_region(tmp_path):
    scenario = load_scenario(LOMBOK_TENGAH)
    praya, selong = "520201", "520307"
    rows = [
        [nik(praya, serial=1), "Ani", "Praya", "perdagangan", "50000000", "aktif"],
        [nik(selong, serial=2), "Budi", "Pujut", "kuliner", "40000000", "aktif"],
        [nik(praya, serial=3), "Citra", "Selong", "jasa", "30000000", "aktif"],
        [nik(praya, serial=4), "Dewi", "Prayaa", "jasa", "30000000", "aktif"],
    ]
    path = write_csv(tmp_path / "tengah.csv", ["NIK", "Nama", "Kecamatan", "Sektor", "Omzet", "Status"], rows)
    checked = check_registry(read_registry_file(path), scenario, find_duplicates=False)
    by_row = {(f.row, f.check): f.detail("en") for f in checked.flags}
    assert (2, "nik_region") not in by_row and (2, "kecamatan_unknown") not in by_row
    assert "NIK issued outside Lombok Tengah (code 52.03)" in by_row[(3, "nik_region")]
    assert by_row[(4, "kecamatan_unknown")] == "Kecamatan: not a kecamatan of Lombok Tengah"
    assert "not a kecamatan of Lombok Tengah. Did you mean 'Praya'?" in by_row[(5, "kecamatan_unknown")]
