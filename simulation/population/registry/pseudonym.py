"""Pseudonyms: a keyed hash (HMAC-SHA256) of each UMKM's identifier.

The secret key comes from the environment variable ``UMKM_PSEUDONYM_KEY`` or from a key file that
lives outside any git repository. Without the key nobody can turn a pseudonym back into a NIK or
test a guessed NIK against it; with the same key the same UMKM gets the same pseudonym in every
wave of the registry, so waves can be linked.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from simulation.population.registry.errors import RegistryError

KEY_ENV = "UMKM_PSEUDONYM_KEY"
MIN_KEY_CHARS = 16
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
    if len(key) < MIN_KEY_CHARS:
        raise RegistryError(f"the pseudonym key in the {origin} is too short: use at least {MIN_KEY_CHARS} characters")
    return key


def missing_key_error(source: str, columns: list[str]) -> RegistryError:
    """The error for a registry with personal identifiers and no key."""
    return RegistryError(
        f"{source}: the registry holds personal identifiers (column(s) {', '.join(columns)}) and no pseudonym "
        f"key was given. Set the environment variable {KEY_ENV} to a secret of at least {MIN_KEY_CHARS} "
        "characters, or pass --key-file FILE (a file outside the repository holding the secret). Keep the same "
        "key for every wave of the registry so that pseudonyms stay the same."
    )


def pseudonym(key: bytes, folded_id: str) -> str:
    """The pseudonym of one identifier (already folded for case and spacing)."""
    return hmac.new(key, folded_id.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


def key_fingerprint(key: bytes) -> str:
    """A short public tag of the key (HMAC of a fixed text), to check two runs used the same key."""
    return hmac.new(key, b"umkm-sim pseudonym key fingerprint", hashlib.sha256).hexdigest()[:8]
