"""A table's CSV text, byte for byte what ``DataFrame.to_csv(index=False)`` writes, a few times faster.

pandas turns each float column into text with numpy's ``astype(str)`` (about 1 us a value); the
monthly table by segment of a cohort run has 75,600 rows, and writing it was a quarter of a
cohort ``umkm-sim run``. Python's ``repr`` gives the same shortest round-trip text for a float64
about ten times faster; a text field is quoted as pandas' :mod:`csv` writer quotes it (only when it
holds a comma, a double quote or a line break), and rows are joined without the writer. Columns of other
kinds (dates, categories, objects that are not all text) are left to pandas: :func:`csv_text`
then returns pandas' own text. ``tests/test_csv_text.py`` compares the two on every table of
several runs and on awkward values.
"""

from __future__ import annotations

import math

import numpy as np


def _float_text(values: np.ndarray) -> list[str]:
    """Shortest round-trip text of each float64 (``repr``), empty for NaN, as pandas writes them."""
    return ["" if math.isnan(x) else repr(x) for x in values.tolist()]


SPECIAL = (",", '"', "\r", "\n")
"""Characters that make :mod:`csv` (and so pandas) quote a field."""


def _quoted(x: str) -> str:
    """``x`` as a CSV field: in double quotes (inner ones doubled) if it holds a special character."""
    return '"' + x.replace('"', '""') + '"' if any(c in x for c in SPECIAL) else x


def _column_text(series) -> list[str] | None:
    """The column's fields as pandas writes them, or None if this writer does not handle its kind."""
    kind = series.dtype.kind
    values = series.to_numpy()
    if kind == "f" and values.dtype == np.float64:
        return _float_text(values)
    if kind in "iu":
        return [str(x) for x in values.tolist()]
    if kind == "b":
        return ["True" if x else "False" for x in values.tolist()]
    if kind in "OT" or str(series.dtype) == "str":
        fields: dict = {}  # few distinct labels: each is checked for quoting once
        out = []
        for x in values.tolist():
            field = fields.get(x) if isinstance(x, str) else None
            if field is None:
                if isinstance(x, str):
                    field = fields[x] = _quoted(x)
                elif x is None or (isinstance(x, float) and math.isnan(x)):
                    field = ""
                else:
                    return None
            out.append(field)
        return out
    return None


def csv_text(frame) -> str:
    """``frame.to_csv(index=False)``: the header, then one line per row, ``\\n``-terminated."""
    names = list(frame.columns)
    if len(names) < 2 or not all(isinstance(c, str) for c in names) or len(set(names)) < len(names):
        return frame.to_csv(index=False)  # (one column: csv writes an empty row as "")
    columns = []
    for name in names:
        text = _column_text(frame[name])
        if text is None:
            return frame.to_csv(index=False)
        columns.append(text)
    lines = [",".join(_quoted(c) for c in names)]
    lines += map(",".join, zip(*columns, strict=True))
    return "\n".join(lines) + "\n"
