"""A manifest's record of a file written: its SHA-256 and, for a table, its rows."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_record(path: Path, rows: int | None) -> dict:
    """``{"sha256": ..., "rows": ...}`` for a file; ``rows`` counts a table's rows below its header."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {"sha256": digest.hexdigest(), "rows": rows}
