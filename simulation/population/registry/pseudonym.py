"""Pseudonyms: a keyed hash (HMAC-SHA256) of each UMKM's identifier.

The secret key comes from the environment variable ``UMKM_PSEUDONYM_KEY`` or from a key file that
lives outside any git repository. Without the key nobody can turn a pseudonym back into a NIK or
test a guessed NIK against it (keys weaker than 128 bits are refused, and no fingerprint of the key
is written anywhere, so no output lets anyone test guessed keys); with the same key the same UMKM
gets the same pseudonym in every wave of the registry, so waves can be linked.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import string
from pathlib import Path

from simulation.population.registry.errors import RegistryError

KEY_ENV = "UMKM_PSEUDONYM_KEY"
MIN_KEY_BITS = 128
"""Least estimated strength of a key (:func:`key_bits`): out of reach of offline guessing."""
MAKE_A_KEY = 'python3 -c "import secrets; print(secrets.token_hex(32))"'
"""A command that prints a 256-bit key (64 hex digits)."""
PSEUDONYM_HEX = 24
"""Hex digits kept (96 bits): collisions are negligible even for ten million UMKM."""

SCHEME = f"HMAC-SHA256 of the identifier (case and spacing folded), first {PSEUDONYM_HEX} hex digits"


def _inside_repository(path: Path) -> bool:
    return any((parent / ".git").exists() for parent in path.resolve().parents)


def load_key(key_file: str | Path | None = None) -> bytes | None:
    """The pseudonym key from ``key_file`` (if given) or ``UMKM_PSEUDONYM_KEY``; None if neither.

    Raises
    ------
    RegistryError
        If the key file is missing, inside a git repository (it could be committed), or the key is
        shorter than 16 characters.
    """
    if key_file is not None:
        path = Path(key_file)
        if not path.is_file():
            raise RegistryError(f"pseudonym key file not found: {path.name}")
        if _inside_repository(path):
            raise RegistryError(
                f"pseudonym key file {path.name} is inside a git repository, where it could be committed; "
                "keep it outside the repository"
            )
        key = path.read_bytes().strip()
        origin = f"key file {path.name}"
    else:
        text = os.environ.get(KEY_ENV)
        if text is None or not text.strip():
            return None
        key = text.strip().encode("utf-8")
        origin = f"environment variable {KEY_ENV}"
    bits = key_bits(key)
    if bits < MIN_KEY_BITS:
        raise RegistryError(
            f"the pseudonym key in the {origin} is too weak (about {bits:.0f} bits; at least {MIN_KEY_BITS} are "
            f"needed so that nobody can test guessed keys against a pseudonym). Make one with: {MAKE_A_KEY}"
        )
    return key


def key_bits(key: bytes) -> float:
    """An upper estimate of a key's strength in bits.

    Text keys: the length times log2 of the alphabet of the character
    classes used (lower case 26, upper case 26, digits 10, others 33); hex digits alone count 4
    bits each. Binary keys (not UTF-8): 8 bits a byte. A key of fewer than 8 distinct characters
    counts as 0 (``aaaa...`` is no secret). It cannot see that a phrase is well known: use a random
    key (:data:`MAKE_A_KEY`).
    """
    try:
        text = key.decode("utf-8")
    except UnicodeDecodeError:
        return 8.0 * len(key)
    if len(set(text)) < 8:
        return 0.0
    if all(c in string.hexdigits for c in text) and (text == text.lower() or text == text.upper()):
        return 4.0 * len(text)
    alphabet = sum(
        size
        for present, size in (
            (any(c.islower() for c in text), 26),
            (any(c.isupper() for c in text), 26),
            (any(c.isdigit() for c in text), 10),
            (any(not c.isalnum() for c in text), 33),
        )
        if present
    )
    return len(text) * math.log2(alphabet)


def missing_key_error(source: str, columns: list[str]) -> RegistryError:
    """The error for a registry with personal identifiers and no key."""
    return RegistryError(
        f"{source}: the registry holds personal identifiers (column(s) {', '.join(columns)}) and no pseudonym "
        f"key was given. Set the environment variable {KEY_ENV} to a random secret of at least {MIN_KEY_BITS} "
        f"bits, made with {MAKE_A_KEY}, or pass --key-file FILE (a file outside the repository holding it). "
        "Keep the same key for every wave of the registry so that pseudonyms stay the same."
    )


def pseudonym(key: bytes, folded_id: str) -> str:
    """The pseudonym of one identifier (already folded for case and spacing)."""
    return hmac.new(key, folded_id.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]
