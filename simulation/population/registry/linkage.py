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
   birth date digits 7-12). When both names are common in the kecamatan (:data:`COMMON_NAME`), one
   of the two agreements must be the NIKs. Agreements are counted with numpy over all pairs of a block at once, and
   each later row keeps only its best earlier match.

Pairs with the same NIK are left to ``duplicate_nik``. The threshold was set, and precision and
recall are measured, on a labelled synthetic list (:mod:`simulation.population.registry.labelled`;
docs/verification.md gives the figures, tests/test_registry_linkage.py checks them).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

NAME_THRESHOLD = 88
"""Least ``token_sort_ratio`` (percent) of two normalised names for a possible duplicate."""
REVENUE_TOLERANCE = 0.25
"""Revenues agree when the smaller is at least 75% of the larger."""
NIK_DIGITS_APART = 2
"""NIKs agree when at most this many of their 16 digits differ (a typo or two)."""
COMMON_NAME = 3
"""A name held by this many rows of a kecamatan is common: namesakes are likely, so two rows that
both carry it need alike NIKs as one of their two agreements (a term-frequency adjustment)."""
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


@dataclass(frozen=True)
class Match:
    """A possible duplicate: the earlier and later row, the name score and what else agreed."""

    first: int
    second: int
    score: int
    same_sector: bool
    close_revenue: bool
    alike_nik: bool


def name_forms(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each name with its words sorted (for ``token_sort_ratio``) and with its spaces removed."""
    ordered = np.array([" ".join(sorted(n.split())) for n in names], dtype=object)
    joined = np.array([n.replace(" ", "") for n in names], dtype=object)
    return ordered, joined


def name_scores(ordered: list[str], joined: list[str]) -> np.ndarray:
    """Pairwise name scores (0-100) of a block: the better of ``token_sort_ratio`` (word order
    ignored) and ``ratio`` of the names with spaces removed (a space moved or a first letter mistyped,
    which reorders sorted words); scores below :data:`NAME_THRESHOLD` are 0. The two forms come from
    :func:`name_forms`."""
    kw = {"scorer": fuzz.ratio, "score_cutoff": NAME_THRESHOLD, "dtype": np.uint8, "workers": 1}
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


def _columns(records: list[Record]) -> dict[str, np.ndarray]:
    """The fields compared, as arrays (one row per record)."""
    sectors = {s: i for i, s in enumerate(dict.fromkeys(r.sector for r in records))}
    has_nik = np.array([len(r.nik) == 16 and r.nik.isdigit() for r in records], dtype=bool)
    text = "".join(r.nik if ok else "0" * 16 for r, ok in zip(records, has_nik, strict=True))
    niks = (np.frombuffer(text.encode("ascii"), dtype=np.uint8) - 48).reshape(len(records), 16)
    return {
        "sector": np.array([sectors[r.sector] if r.sector else -1 for r in records]),
        "revenue": np.array([r.revenue for r in records], dtype=float),
        "nik": niks,
        "has_nik": has_nik,
        "row": np.array([r.row for r in records]),
        "common": _common_names(records),
    }


def _common_names(records: list[Record]) -> np.ndarray:
    """Whether each record's name is held by at least :data:`COMMON_NAME` rows of its kecamatan."""
    counts = Counter((r.kecamatan, r.name) for r in records)
    return np.array([counts[(r.kecamatan, r.name)] >= COMMON_NAME for r in records])


def possible_duplicates(records: list[Record]) -> list[Match]:
    """For every row likely to be a second listing of an earlier one, its best match.

    Parameters
    ----------
    records : list of Record
        Rows with a name; rows without one cannot be compared and should be left out.

    Returns
    -------
    list of Match
        At most one per later row (its highest-scoring earlier row, the earliest on a tie), so a
        name shared by many rows gives one flag a row, not one per pair; sorted by the later row.
    """
    if not records:
        return []
    cols = _columns(records)
    ordered, joined = name_forms([r.name for r in records])
    best: dict[int, tuple] = {}
    for members in _blocks(records):
        idx = np.array(members)
        scores = name_scores(ordered[idx].tolist(), joined[idx].tolist())
        a, b = np.nonzero(np.triu(scores, 1))
        if not len(a):
            continue
        i, j = idx[a], idx[b]
        score = scores[a, b]
        same_sector = (cols["sector"][i] == cols["sector"][j]) & (cols["sector"][i] >= 0)
        ri, rj = cols["revenue"][i], cols["revenue"][j]
        with np.errstate(invalid="ignore"):
            close_revenue = (ri > 0) & (rj > 0) & (np.minimum(ri, rj) >= (1 - REVENUE_TOLERANCE) * np.maximum(ri, rj))
        both = cols["has_nik"][i] & cols["has_nik"][j]
        differ = (cols["nik"][i] != cols["nik"][j]).sum(axis=1)
        same_birth = (cols["nik"][i][:, 6:12] == cols["nik"][j][:, 6:12]).all(axis=1)
        alike_nik = both & ((differ <= NIK_DIGITS_APART) | same_birth)
        agree = same_sector.astype(int) + close_revenue + alike_nik
        common = cols["common"][i] & cols["common"][j]
        keep = np.where(common, alike_nik & (agree >= 2), agree >= 2) & ~(both & (differ == 0))
        k = np.nonzero(keep)[0]
        rows_i, rows_j = cols["row"][i[k]], cols["row"][j[k]]
        first, second = np.minimum(rows_i, rows_j), np.maximum(rows_i, rows_j)
        order = np.lexsort((first, -score[k].astype(int), second))  # by later row, best score, earliest
        top = order[np.r_[True, second[order][1:] != second[order][:-1]]] if len(order) else order
        for t in top:
            kk = k[t]
            candidate = (int(score[kk]), -int(first[t]), bool(same_sector[kk]), bool(close_revenue[kk]),
                         bool(alike_nik[kk]))  # fmt: skip
            if int(second[t]) not in best or candidate[:2] > best[int(second[t])][:2]:
                best[int(second[t])] = candidate
    return [Match(-c[1], second, c[0], c[2], c[3], c[4]) for second, c in sorted(best.items())]
