"""A canary NIK and name, planted in every column they could turn up in, never reach an output.

Every file ``verify`` and ``ingest`` write (the XLSX unzipped, part by part), and everything they
print, is scanned for the canary NIK (also its first 12 digits and its Excel form), the name and
each word of it.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import BASELINE
from registry_corpus import CANARY_NAME, CANARY_NIK, HEADER, good_rows, nik, write_csv
from registry_helpers import TEST_KEY

NEEDLES = (
    CANARY_NIK,
    CANARY_NIK[:12],
    CANARY_NIK[4:],
    f"{float(CANARY_NIK):.5E}",
    CANARY_NAME,
    *CANARY_NAME.split(),
)


def _canary_list(folder):
    rows = good_rows(6)
    rows += [
        [CANARY_NIK, CANARY_NAME, "Selong", "jasa", "50000000", "belum terdaftar"],  # row 8: the canary
        [CANARY_NIK, CANARY_NAME, "Selong", "jasa", "50000000", ""],  # row 9: duplicate NIK
        [nik(serial=901), CANARY_NAME.replace("a", "e", 1), "Selong", "jasa", "52000000", ""],  # possible dup
        [nik(serial=902), "Someone Else", CANARY_NAME, "jasa", "50000000", ""],  # name as kecamatan
        [nik(serial=903), "Someone Other", "Selong", CANARY_NAME, "50000000", ""],  # name as sector
        [nik(serial=904), "Someone Third", "Selong", "jasa", "50000000", CANARY_NAME],  # name as status
        [nik(serial=905), "Someone Fourth", "Selong", "jasa", CANARY_NIK, ""],  # NIK as omzet
        [nik(serial=906), "Someone Fifth", "Selong", "jasa", "50000000", "", CANARY_NIK],  # ragged, NIK at end
        [CANARY_NIK[:15], "Someone Sixth", "Selong", "jasa", "50000000", ""],  # a truncated canary
        [f"{float(CANARY_NIK):.5E}", "Someone Seventh", "Selong", "jasa", "50000000", ""],  # Excel form
    ]
    path = write_csv(folder / "canary.csv", HEADER, rows)
    other = write_csv(folder / "grant_2025.csv", ["NIK", "Nama"], [[CANARY_NIK, CANARY_NAME]])
    return path, other


def _leaks(text: str) -> list[str]:
    lowered = text.casefold()
    return [n for n in NEEDLES if n.casefold() in lowered]


def _texts(folder):
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for part in book.namelist():
                    yield f"{path.name}:{part}", book.read(part).decode("utf-8", errors="replace")
        else:
            yield path.name, path.read_text(encoding="utf-8")


def test_the_canary_reaches_no_file_and_no_message(tmp_path):
    path, other = _canary_list(tmp_path)
    env = {"UMKM_PSEUDONYM_KEY": TEST_KEY, "PATH": "", "PYTHONPATH": ""}
    runs = {
        "verify": ["verify", str(path), "--out", str(tmp_path / "v"), "--against", str(other)],
        "verify_en": ["verify", str(path), "--out", str(tmp_path / "v_en"), "--language", "en"],
        "ingest": ["ingest", str(path), "--out", str(tmp_path / "i")],
    }
    for name, argv in runs.items():
        proc = subprocess.run(
            [sys.executable, "-m", "simulation", *argv, "--scenario", str(BASELINE)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
        )
        assert proc.returncode in (0, 5), (name, proc.stderr)
        assert _leaks(proc.stdout + proc.stderr) == [], name
    scanned = 0
    for folder in ("v", "v_en", "i"):
        for part, text in _texts(tmp_path / folder):
            assert _leaks(text) == [], part
            scanned += 1
    assert scanned >= 3 + 3 + 10  # flags, html, xlsx parts (several), registry, rejects, manifest
    # the checks did fire on the canary's rows, so the scan had something to hide
    flags = (tmp_path / "v" / "flags.csv").read_text(encoding="utf-8")
    for check in ("duplicate_nik", "possible_duplicate", "already_listed", "kecamatan_unknown", "ragged_row"):
        assert check in flags, check
