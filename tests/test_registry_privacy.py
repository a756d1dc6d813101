"""NIK and names never reach an output, a message or a warning; pseudonyms need the user's key."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings

import pytest
from conftest import BASELINE, ROOT
from registry_helpers import DEFECTS, TEST_KEY, VALID, personal_values, read_csv

from simulation import load_scenario
from simulation.cli import main
from simulation.io.ingest import ingest
from simulation.population import load_agents
from simulation.population.registry import RegistryError


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE)


def _leaks(text: str, fixture) -> list[str]:
    """Personal values of ``fixture`` (whole, and name words of 5+ letters) found in ``text``."""
    found = []
    lowered = text.casefold()
    for value in personal_values(fixture):
        pieces = [value, *(w for w in re.findall(r"[A-Za-z]{5,}", value) if not value.isdigit())]
        found += [p for p in pieces if p.casefold() in lowered]
    return found


@pytest.mark.parametrize("fixture", [VALID, DEFECTS])
def test_no_nik_or_name_in_any_file_written_or_printed(fixture, tmp_path, monkeypatch):
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "simulation", "ingest", str(fixture), "--out", str(out), "--scenario", str(BASELINE)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert {p.name for p in written} == {"registry.csv", "rejects.csv", "manifest.json"}
    assert len(personal_values(fixture)) >= 16  # the scan has something to find
    for path in written:
        assert _leaks(path.read_text(encoding="utf-8"), fixture) == [], path.name
    assert _leaks(proc.stdout + proc.stderr, fixture) == []
    # the same through a scenario: only a count in the warning
    scenario = load_scenario(BASELINE, overrides={"population.registry": str(fixture)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_agents(scenario, seed=1)
    assert _leaks(" ".join(str(w.message) for w in caught), fixture) == []


def test_missing_key_is_one_clear_error_without_personal_data(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("UMKM_PSEUDONYM_KEY", raising=False)
    assert main(["ingest", str(DEFECTS), "--out", str(tmp_path / "o"), "--scenario", str(BASELINE)]) == 1
    err = capsys.readouterr().err
    assert "personal identifiers (column(s) nik)" in err and "UMKM_PSEUDONYM_KEY" in err and "--key-file" in err
    assert _leaks(err, DEFECTS) == [] and not (tmp_path / "o").exists()


def test_a_headerless_file_names_no_cell_in_its_error(baseline, tmp_path, monkeypatch):
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("\n".join(VALID.read_text(encoding="utf-8").splitlines()[1:]) + "\n", encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        ingest(headerless, tmp_path / "o", baseline)
    assert "Is the first row a header row?" in str(info.value)
    assert _leaks(str(info.value), VALID) == []


def test_pseudonyms_are_keyed_stable_and_pass_through_a_second_ingest(baseline, tmp_path, monkeypatch):
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY)
    ingest(VALID, tmp_path / "a", baseline)
    ingest(VALID, tmp_path / "b", baseline)
    first = [r["pseudonym"] for r in read_csv(tmp_path / "a" / "registry.csv")]
    assert first == [r["pseudonym"] for r in read_csv(tmp_path / "b" / "registry.csv")]
    # HMAC-SHA256(TEST_KEY, "5203074101850001"), first 24 hex digits, computed outside Python with
    # printf '%s' 5203074101850001 | openssl dgst -sha256 -hmac test-only-pseudonym-key-0123456789
    assert first[0] == "e262cd84897448bffd4d0700" and len(set(first)) == len(first)
    monkeypatch.setenv("UMKM_PSEUDONYM_KEY", TEST_KEY + "-other")
    ingest(VALID, tmp_path / "c", baseline)
    other = [r["pseudonym"] for r in read_csv(tmp_path / "c" / "registry.csv")]
    assert not set(first) & set(other)
    # the validated registry is itself a registry: no key needed, pseudonyms kept
    monkeypatch.delenv("UMKM_PSEUDONYM_KEY")
    again = ingest(tmp_path / "a" / "registry.csv", tmp_path / "d", baseline)
    assert again.counts["rejected"] == 0
    assert read_csv(tmp_path / "d" / "registry.csv") == read_csv(tmp_path / "a" / "registry.csv")


def test_key_file_outside_the_repository_only(baseline, tmp_path, monkeypatch):
    monkeypatch.delenv("UMKM_PSEUDONYM_KEY", raising=False)
    outside = tmp_path / "secret.key"
    outside.write_text(TEST_KEY + "\n")
    ingest(VALID, tmp_path / "o", baseline, key_file=outside)
    assert read_csv(tmp_path / "o" / "registry.csv")[0]["pseudonym"] == "e262cd84897448bffd4d0700"
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    inside = repo / "keys" / "secret.key"
    inside.parent.mkdir()
    inside.write_text(TEST_KEY)
    with pytest.raises(RegistryError, match="inside a git repository"):
        ingest(VALID, tmp_path / "o2", baseline, key_file=inside)
    short = tmp_path / "short.key"
    short.write_text("abc")
    with pytest.raises(RegistryError, match="too weak"):
        ingest(VALID, tmp_path / "o3", baseline, key_file=short)
    assert (ROOT / ".git").exists()  # this repository counts as one too
