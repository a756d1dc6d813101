"""Possible duplicates: one person likely listed twice under different NIKs or spellings.

Record linkage in three steps, kept in memory (names never leave this module):

1. **Normalise** a name: case folded, punctuation dropped, Sasak and Indonesian titles and shop
   words removed (``Baiq``, ``Lalu``, ``Hj.``, ``Toko``, ...; :data:`IGNORED_WORDS`).
2. **Block**: only rows in the same kecamatan that share the first three letters of some name word
   are compared, so the work grows with the size of the blocks, not with the square of the list.
3. **Score** each pair with rapidfuzz (:func:`name_scores`, 0-100, computed in C++ a block at a
   time) and call it a possible duplicate when the names score at least
   :data:`NAME_THRESHOLD` and at least two of three other fields agree: the same sector, revenues
   within :data:`REVENUE_TOLERANCE` of each other, NIKs alike (at most two digits differ, or the same
   birth date digits 7-12).

Pairs with the same NIK are left to ``duplicate_nik``. The threshold was set, and precision and
recall are measured, on a labelled synthetic list (:mod:`simulation.population.registry.labelled`;
docs/verification.md gives the figures, tests/test_registry_linkage.py checks them).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

NAME_THRESHOLD = 88
"""Least ``token_sort_ratio`` (percent) of two normalised names for a possible duplicate."""
REVENUE_TOLERANCE = 0.25
"""Revenues agree when the smaller is at least 75% of the larger."""
NIK_DIGITS_APART = 2
"""NIKs agree when at most this many of their 16 digits differ (a typo or two)."""
MAX_BLOCK = 3000
"""A block larger than this is split by sector (keeps one block's score matrix under 9 MB)."""
IGNORED_WORDS = frozenset(
    {
        "baiq", "lalu", "inaq", "amaq", "mamiq", "dende", "papuq", "lale", "raden",  # Sasak titles
        "h", "hj", "haji", "hajjah", "ibu", "bu", "bapak", "pak", "bpk", "sdr", "ny", "nn",
        "toko", "warung", "kios", "ud", "cv", "usaha", "dagang",
    }
)  # fmt: skip
"""Titles and shop words dropped from names before comparing (often present in one spelling only)."""


@dataclass(frozen=True, slots=True)
class Record:
    """What linkage compares of one row (in memory only).

    Attributes
    ----------
    row : int
        Row number in the file.
    name : str
        Normalised name (:func:`normalise_name`).
    kecamatan, sector : str
    revenue : float
        Rupiah per year (NaN if unknown).
    nik : str
        Cleaned 16-digit NIK, or empty.
    """

    row: int
    name: str
    kecamatan: str
    sector: str
    revenue: float
    nik: str


def normalise_name(text: str) -> str:
    """Lower case, letters only, titles and shop words dropped, single spaces."""
    words = re.sub(r"[^a-z]+", " ", text.casefold()).split()
    return " ".join(w for w in words if w not in IGNORED_WORDS)


def _niks_alike(a: str, b: str) -> bool:
    if len(a) != 16 or len(b) != 16:
        return False
    return a[6:12] == b[6:12] or sum(x != y for x, y in zip(a, b, strict=True)) <= NIK_DIGITS_APART


def _revenues_alike(a: float, b: float) -> bool:
    if not (a > 0 and b > 0):
        return False
    return min(a, b) >= (1 - REVENUE_TOLERANCE) * max(a, b)


@dataclass(frozen=True)
class Match:
    """A possible duplicate: the earlier and later row, the name score and what else agreed."""

    first: int
    second: int
    score: int
    same_sector: bool
    close_revenue: bool
    alike_nik: bool


def name_scores(names: list[str]) -> np.ndarray:
    """Pairwise name scores (0-100) of a block: the better of ``token_sort_ratio`` (word order
    ignored) and ``ratio`` of the names with spaces removed (a space moved or a first letter mistyped,
    which reorders sorted words); scores below :data:`NAME_THRESHOLD` are 0."""
    kw = {"scorer": fuzz.ratio, "score_cutoff": NAME_THRESHOLD, "dtype": np.uint8, "workers": 1}
    ordered = [" ".join(sorted(n.split())) for n in names]  # token_sort_ratio, sorted once per name
    joined = [n.replace(" ", "") for n in names]
    return np.maximum(process.cdist(ordered, ordered, **kw), process.cdist(joined, joined, **kw))


def _blocks(records: list[Record]) -> list[list[int]]:
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        for prefix in {w[:3] for w in r.name.split() if len(w) >= 3}:
            blocks[(r.kecamatan, prefix)].append(i)
    out = []
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) <= MAX_BLOCK:
            out.append(members)
            continue
        by_sector: dict[str, list[int]] = defaultdict(list)
        for i in members:
            by_sector[records[i].sector].append(i)
        out += [m for m in by_sector.values() if len(m) >= 2]
    return out


def possible_duplicates(records: list[Record]) -> list[Match]:
    """Every pair of records that are likely one person (see the module's rules), each pair once.

    Parameters
    ----------
    records : list of Record
        Rows with a name; rows without one cannot be compared and should be left out.

    Returns
    -------
    list of Match
        Sorted by the later row; ``first`` is always the earlier row.
    """
    seen: set[tuple[int, int]] = set()
    matches = []
    for members in _blocks(records):
        scores = name_scores([records[i].name for i in members])
        for a, b in zip(*np.nonzero(np.triu(scores, 1)), strict=True):
            i, j = sorted((members[a], members[b]))
            if (i, j) in seen:
                continue
            seen.add((i, j))
            ri, rj = records[i], records[j]
            if ri.nik and ri.nik == rj.nik:
                continue
            agree = (
                ri.sector == rj.sector,
                _revenues_alike(ri.revenue, rj.revenue),
                _niks_alike(ri.nik, rj.nik),
            )
            if sum(agree) >= 2:
                first, second = sorted((ri.row, rj.row))
                matches.append(Match(first, second, int(scores[a, b]), *agree))
    return sorted(matches, key=lambda m: (m.second, m.first))
