"""Tables of national size are Parquet, the small ones CSV: ``umkm-sim run`` writes every grain's
table under the name the registry gives it (simulation.outputs.variables.TABLE_OF_GRAIN), and the
Parquet table reads back with pandas exactly as the result holds it.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
from conftest import ROOT

import simulation
from simulation.cli import main
from simulation.outputs.docs import outputs_markdown
from simulation.outputs.variables import FILE_FORMATS, MONTH_SEGMENT, TABLE_OF_GRAIN

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def test_run_writes_the_segment_table_as_parquet_that_pandas_reads_back_exactly(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(BASELINE), "--out", str(out)]) == 0
    assert TABLE_OF_GRAIN[MONTH_SEGMENT] == "monthly_segments.parquet"
    for file in TABLE_OF_GRAIN.values():
        assert (out / file).is_file(), file
    assert not (out / "monthly_segments.csv").exists()
    table = pd.read_parquet(out / "monthly_segments.parquet")
    # 120 months x 21 kecamatan x 6 sectors x 5 states (Lombok Timur, ten years)
    assert len(table) == 120 * 21 * 6 * 5
    expected = simulation.run(BASELINE).monthly_segments()
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    assert table["members"].dtype == "float64"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "monthly_segments.parquet" in manifest["files"]
    digest = hashlib.sha256((out / "monthly_segments.parquet").read_bytes()).hexdigest()
    assert manifest["sha256"]["monthly_segments.parquet"] == digest


def test_the_outputs_document_says_which_file_is_parquet_and_which_csv():
    doc = outputs_markdown()
    assert "| `monthly_segments.parquet` | month x kecamatan x sector x state | Parquet (pyarrow)" in doc
    assert "| `annual.csv` | year | CSV: a small table a planner opens in a spreadsheet |" in doc
    assert set(FILE_FORMATS) == {".csv", ".parquet"}
