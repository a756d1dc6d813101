"""A labelled synthetic UMKM list with names, NIKs and planted duplicates.

Used to set and measure the duplicate search (:mod:`~simulation.population.registry.linkage`) and to
time ``verify`` and ``ingest`` at scale (``benchmarks/bench_verify.py``). Everything is invented:
names are drawn from common Sasak and Indonesian name words, NIKs are well-formed Lombok Timur NIKs
(official kecamatan code, a birth date, a serial) that belong to nobody known, and the planted
duplicates are known by construction (the labels), so precision and recall are counted, not
guessed.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulation.core.regions import regions
from simulation.population.registry.values import fold

LOMBOK_TIMUR = "52.03"
GIVEN = (
    "Ahmad Muhammad Abdul Lalu Hasan Husni Zainal Saprudin Sahnan Rusdi Munawir Fathurrahman Hamdi Junaidi "
    "Khairul Mahsun Nasrullah Rahmat Saleh Sukri Syamsul Wahyudi Zulkifli Amrullah Bahrul Darmawan Fauzi "
    "Gunawan Hadi Irwan Jamaludin Kamarudin Lukman Maulana Nurdin Pahrurrozi Rizal Supardi Taufik Usman "
    "Siti Nurul Aminah Fatimah Hartini Herawati Baiq Inaq Maryam Nurhayati Rahmawati Salmah Sumiati Wardah "
    "Zaenab Halimah Juliana Kartini Laila Mardiah Nursaidah Purnamasari Rukiah Sahariah Titin Yuliana "
    "Adnan Badrun Chairil Dahlan Erwin Fahrurrozi Ghufron Hairul Ikhsan Jumadil Kusnadi Lutfi Mahnan Nazaruddin "
    "Ongky Parhan Qomarudin Rosidi Sapwan Tajudin Ubaidillah Wildan Yusran Zaini Asmawati Bq Darmiati Erni "
    "Fitriani Hasanah Indah Jumiati Kamariah Lilik Mahrup Nurjannah Rabiatul Sri Suriani Umi Wirda Yanti Zuhriah"
).split()
FAMILY = (
    "Rahman Hidayat Saputra Hakim Wijaya Kurniawan Pratama Santoso Hamzah Ismail Idris Yusuf Ramli Sudirman "
    "Mahmud Anwar Arifin Effendi Fadli Ghazali Harun Iskandar Jaelani Kadir Latif Mansur Nasir Qadri Rasyid "
    "Salim Thalib Umar Wahab Yasin Zakaria Hariadi Suhaimi Muhdar Sapii Kasim Maknun Rauf Sahabudin Zohri "
    "Abdillah Basri Darwis Fathoni Hamid Hanafi Jufri Khalik Mahyudin Muksin Najamudin Rahim Ridwan Sabri "
    "Samsudin Sarjan Syukri Tarmizi Ulum Wahid Zulhadi Amin Bakri Fikri Hapsah Jauhari Kamil Marzuki Mursid"
).split()
TITLES = ("", "", "", "", "Baiq ", "Lalu ", "Hj. ", "H. ", "Inaq ", "Amaq ")
HEADER = ("NIK", "Nama", "Kecamatan", "Sektor", "Omzet")


@dataclass
class LabelledList:
    """A synthetic list and its truth.

    Attributes
    ----------
    header : tuple of str
    rows : list of list of str
        Cells, in file order (row number = index + 2).
    pairs : set of (int, int)
        Row numbers (earlier, later) of every planted duplicate.
    """

    header: tuple[str, ...]
    rows: list[list[str]]
    pairs: set[tuple[int, int]]

    def write_csv(self, path: str | Path) -> Path:
        """Write it as a UTF-8 CSV (header first)."""
        path = Path(path)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(self.header)
            writer.writerows(self.rows)
        return path


def kecamatan_codes(kecamatan: tuple[str, ...]) -> dict[str, str]:
    """The scenario's kecamatan names to their official codes (``Suela`` is spelled ``Suwela`` there)."""
    official = {fold(a.name): a.code for a in regions().districts_of(LOMBOK_TIMUR)}
    out = {}
    for name in kecamatan:
        key = fold(name)
        hit = official.get(key) or official[difflib.get_close_matches(key, list(official), n=1, cutoff=0.6)[0]]
        out[name] = hit
    return out


def _nik(rng: np.random.Generator, code: str, serials: set[str]) -> str:
    female = rng.random() < 0.5
    day, month, year = int(rng.integers(1, 29)), int(rng.integers(1, 13)), int(rng.integers(50, 105)) % 100
    prefix = code.replace(".", "") + f"{day + 40 * female:02d}{month:02d}{year:02d}"
    while True:
        nik = prefix + f"{int(rng.integers(1, 10000)):04d}"
        if nik not in serials:
            serials.add(nik)
            return nik


def _typo(rng: np.random.Generator, name: str) -> str:
    """One of: a letter changed, dropped or doubled, two letters swapped, words reordered, title dropped."""
    kind = int(rng.integers(0, 6))
    words = name.split()
    if kind == 4 and len(words) >= 2:
        return " ".join(words[1:] + words[:1])
    if kind == 5 and len(words) >= 2 and words[0].rstrip(".") in ("Baiq", "Lalu", "Hj", "H", "Inaq", "Amaq"):
        return " ".join(words[1:])
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    i = int(rng.choice(letters[1:-1]))
    if kind == 0:
        return name[:i] + "aiueo"[int(rng.integers(0, 5))] + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + name[i] + name[i:]
    return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :] if i > 0 else name


def labelled_list(kecamatan: tuple[str, ...], sectors: list[str], n: int, duplicates: int, seed=None) -> LabelledList:
    """A list of ``n`` rows of which ``duplicates`` are planted second listings of an earlier row.

    A planted duplicate keeps the kecamatan, has a misspelt name (:func:`_typo`), a revenue within
    15% of the original, the same sector nine times in ten, and either the original NIK with one
    digit mistyped (half) or another person's NIK (half).

    Parameters
    ----------
    kecamatan : tuple of str
        Kecamatan names (the scenario's).
    sectors : list of str
    n : int
        Rows in all, duplicates included.
    duplicates : int
        Planted duplicates (less than ``n / 2``).
    seed : None, int or numpy.random.Generator
    """
    rng = np.random.default_rng(seed)
    codes = kecamatan_codes(kecamatan)
    used: set[str] = set()
    originals = n - duplicates
    rows: list[list[str]] = []
    for _ in range(originals):
        kec = kecamatan[int(rng.integers(len(kecamatan)))]
        name = f"{TITLES[int(rng.integers(len(TITLES)))]}{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        if rng.random() < 0.3:
            name += f" {rng.choice(FAMILY)}"
        revenue = float(np.exp(rng.normal(np.log(40e6), 0.9)))
        rows.append([_nik(rng, codes[kec], used), name, kec, str(rng.choice(sectors)), f"{max(revenue, 2e6):.0f}"])
    sources = rng.choice(originals, size=duplicates, replace=False)
    planted = []
    for src in sources:
        nik, name, kec, sector, revenue = rows[int(src)]
        if rng.random() < 0.5:
            pos = int(rng.integers(12, 16))
            new = nik[:pos] + str((int(nik[pos]) + int(rng.integers(1, 10))) % 10) + nik[pos + 1 :]
            if new in used:
                new = _nik(rng, codes[kec], used)
            used.add(new)
        else:
            new = _nik(rng, codes[kec], used)
        if rng.random() >= 0.9:
            sector = str(rng.choice([s for s in sectors if s != sector]))
        planted.append(
            (int(src), [new, _typo(rng, name), kec, sector, f"{float(revenue) * rng.uniform(0.85, 1.15):.0f}"])
        )
    order = rng.permutation(len(rows) + len(planted))
    everything = rows + [r for _, r in planted]
    place = {int(old): new for new, old in enumerate(order)}
    final = [everything[int(old)] for old in order]
    pairs = set()
    for k, (src, _) in enumerate(planted):
        a, b = place[src] + 2, place[originals + k] + 2
        pairs.add((min(a, b), max(a, b)))
    return LabelledList(HEADER, final, pairs)
