"""Other lists to compare NIKs with (``verify --against``): active members, beneficiaries, grants.

Each list's NIKs are kept only as keyed hashes (HMAC-SHA256) under a key drawn afresh for every run
and never stored, so nothing written, and nothing left in memory after the run, can be turned back
into a NIK or tested against a guessed one. A match names the other list's file and row number.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from simulation.population.registry.columns import fold_header
from simulation.population.registry.errors import RegistryError
from simulation.population.registry.nik import NIK_DIGITS, clean_nik
from simulation.population.registry.read import read_registry_file

NIK_HEADERS = ("nik", "no_nik", "nomor_nik", "nik_ktp", "nomor_induk_kependudukan", "nik_peserta")
"""Headers taken as the NIK column of another list (folded, see :func:`fold_header`)."""


@dataclass
class OtherLists:
    """NIKs of other lists, as keyed hashes.

    Attributes
    ----------
    names : list of str
        File names of the lists, in the order given.
    sizes : list of int
        Well-formed NIKs read from each.
    """

    names: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    _index: dict[bytes, tuple[int, int]] = field(default_factory=dict, repr=False)

    def _hash(self, digits: str) -> bytes:
        return hmac.new(self._key, digits.encode("ascii"), hashlib.sha256).digest()

    def add(self, path: str | Path) -> None:
        """Read one list (CSV or XLSX, any column order) and index its NIKs.

        Raises
        ------
        RegistryError
            If the file cannot be read or has no NIK column.
        """
        raw = read_registry_file(path)
        folded = [fold_header(h) for h in raw.header]
        column = next((i for i, h in enumerate(folded) if h in NIK_HEADERS), None)
        if column is None:
            raise RegistryError(
                f"{raw.source}: a list given with --against needs a NIK column (accepted headers: "
                f"{', '.join(NIK_HEADERS)})"
            )
        which = len(self.names)
        self.names.append(raw.source)
        count = 0
        for number, cells in raw.rows:
            digits = clean_nik(cells[column]) if column < len(cells) else ""
            if len(digits) == NIK_DIGITS and digits.isdigit():
                self._index.setdefault(self._hash(digits), (which, number))
                count += 1
        self.sizes.append(count)

    def find(self, digits: str) -> tuple[str, int] | None:
        """``(file name, row)`` of the first list holding this NIK, or None."""
        hit = self._index.get(self._hash(digits))
        return None if hit is None else (self.names[hit[0]], hit[1])
