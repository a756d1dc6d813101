"""The languages every report, label and message of the workbench is written in."""

from __future__ import annotations

LANGUAGES = {"id": "id_ID", "en": "en"}
"""Language code to the Babel locale that formats its numbers; ``id`` (Indonesian) is the default."""


def check_language(language: str) -> str:
    """Return ``language`` if available; raise ``ValueError`` naming the allowed ones otherwise."""
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not available; allowed: {', '.join(LANGUAGES)}")
    return language
