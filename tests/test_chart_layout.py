"""Chart margins found from text sizes (simulation.reporting.chart_layout) against matplotlib's own
``tight_layout`` on the same figures, no text of a chart outside its figure, and the greyscale PNG
losing nothing of matplotlib's own RGBA one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from simulation.outputs.run import run_scenario
from simulation.reporting import chart_layout, charts
from simulation.scenario import load_scenario

TOLERANCE = 2.0
"""Pixels a margin may differ from ``tight_layout``'s (the gap between two panels: 3 pixels)."""


@pytest.fixture(scope="module")
def results():
    out = {}
    for name in ("baseline", "budget_ceiling", "lombok_tengah"):
        out[name] = run_scenario(load_scenario(f"scenarios/{name}.yaml"))
    out["micro"] = run_scenario(load_scenario("scenarios/baseline.yaml"), engine="micro", seed=7, reps=25)
    return out


def _margins(fig) -> tuple[float, float, float, float, float]:
    """left, bottom, right, top edges of the axes (pixels from the figure's left and bottom) and the
    gap between two panels (pixels; 0 for one)."""
    width, height = fig.get_size_inches() * fig.dpi
    p = fig.subplotpars
    n = len(fig.axes)
    each = (p.right - p.left) * width / (n + (n - 1) * p.wspace)
    return p.left * width, p.bottom * height, p.right * width, p.top * height, (each * p.wspace if n > 1 else 0.0)


def _tight(monkeypatch, draw, *args) -> tuple[float, ...]:
    """The margins of the chart ``draw(*args)`` drawn again with matplotlib's ``tight_layout`` in
    place of :func:`~simulation.reporting.chart_layout.fit` (same ``rect``)."""
    with monkeypatch.context() as m:
        m.setattr(charts, "fit", lambda fig, rect=(0, 0, 1, 1): fig.tight_layout(rect=rect))
        return _margins(draw(*args))


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("scenario", ["baseline", "budget_ceiling", "lombok_tengah", "micro"])
@pytest.mark.parametrize("chart", list(charts.REPORT_CHARTS))
def test_margins_match_tight_layout(monkeypatch, results, scenario, chart, language):
    draw = charts.REPORT_CHARTS[chart]
    ours = _margins(draw(results[scenario], language))
    theirs = _tight(monkeypatch, draw, results[scenario], language)
    for side, a, b in zip(("left", "bottom", "right", "top"), ours[:4], theirs[:4], strict=True):
        assert abs(a - b) <= TOLERANCE, f"{chart} {scenario} {language}: {side} {a:.1f} px, tight_layout {b:.1f} px"
    assert abs(ours[4] - theirs[4]) <= 3.0, f"{chart}: gap {ours[4]:.1f} px, tight_layout {theirs[4]:.1f} px"


def test_comparison_charts_match_tight_layout(monkeypatch, results):
    annuals = {name: results[name].annual() for name in ("baseline", "budget_ceiling", "lombok_tengah")}
    args = (annuals, "covered_end", "Terlindungi", "UMKM", charts.formats.count_axis("id"))
    ours, theirs = _margins(charts.compare_lines(*args)), _tight(monkeypatch, charts.compare_lines, *args)
    for a, b in zip(ours[:4], theirs[:4], strict=True):
        assert abs(a - b) <= TOLERANCE
    differences = pd.DataFrame({"Biaya publik": [-2e9, 3e9], "APBD Kabupaten": [-1e9, 2e9]}, index=["a", "bb"])
    ours = _margins(charts.compare_difference(differences, "id"))
    theirs = _tight(monkeypatch, charts.compare_difference, differences, "id")
    for a, b in zip(ours[:4], theirs[:4], strict=True):
        assert abs(a - b) <= TOLERANCE


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("chart", list(charts.REPORT_CHARTS))
def test_nothing_is_cut_at_the_edge(results, chart, language, tmp_path):
    """The saved PNG's outermost two pixels are white all round: no label or title runs off the chart."""
    path = tmp_path / "chart.png"
    charts.save(charts.REPORT_CHARTS[chart](results["micro"], language), path)
    grey = np.asarray(Image.open(path).convert("L"))
    edges = np.concatenate([grey[:2].ravel(), grey[-2:].ravel(), grey[:, :2].ravel(), grey[:, -2:].ravel()])
    assert edges.min() == 255, f"{chart}: something drawn at the edge of the figure"


def test_text_box_is_matplotlibs_text_size():
    """A label's measured box is the one matplotlib gives the same text when it draws it."""
    fig = charts.subplots(figsize=(4, 2))[0]
    canvas = FigureCanvasAgg(fig)
    label = fig.text(0.1, 0.5, "Rp14,38 miliar (2026)", fontsize=10)
    canvas.draw()
    extent = label.get_window_extent(canvas.get_renderer())
    width, height, _ = chart_layout.text_box("Rp14,38 miliar (2026)", 10.0, fig.dpi)
    assert width == pytest.approx(extent.width, abs=0.5)
    assert height == pytest.approx(extent.height, abs=0.5)


@pytest.mark.parametrize("chart", list(charts.REPORT_CHARTS))
def test_greyscale_file_loses_nothing(results, chart, tmp_path):
    """The greyscale PNG holds exactly what matplotlib's own RGBA PNG of the chart shows: that one is
    opaque and grey in every pixel (red = green = blue), and its grey is the saved file's."""
    ours = tmp_path / "grey.png"
    charts.save(charts.REPORT_CHARTS[chart](results["micro"], "en"), ours)
    theirs = tmp_path / "rgba.png"
    charts.REPORT_CHARTS[chart](results["micro"], "en").savefig(theirs, dpi=charts.DPI)
    grey, rgba = Image.open(ours), np.asarray(Image.open(theirs))
    assert grey.mode == "L"
    assert (rgba[..., 3] == 255).all()
    assert (rgba[..., 0] == rgba[..., 1]).all() and (rgba[..., 1] == rgba[..., 2]).all()
    assert np.array_equal(np.asarray(grey), rgba[..., 0])


def test_comparison_charts_are_grey(results, tmp_path):
    """The comparison's charts go through the same greyscale file: each is grey in every pixel."""
    annuals = {name: results[name].annual() for name in ("baseline", "budget_ceiling", "lombok_tengah")}
    differences = pd.DataFrame({"Biaya publik": [-2e9, 3e9], "APBD Kabupaten": [-1e9, 2e9]}, index=["a", "bb"])
    figures = (
        charts.compare_lines(annuals, "covered_end", "Terlindungi", "UMKM", charts.formats.count_axis("id")),
        charts.compare_difference(differences, "id"),
    )
    for fig in figures:
        fig.savefig(tmp_path / "rgba.png", dpi=charts.DPI)
        rgba = np.asarray(Image.open(tmp_path / "rgba.png"))
        assert (rgba[..., 3] == 255).all()
        assert (rgba[..., 0] == rgba[..., 1]).all() and (rgba[..., 1] == rgba[..., 2]).all()


@pytest.fixture(scope="module")
def analysis():
    # deferred: only these tests need a sensitivity study (64 samples: a second or two)
    from simulation.analysis.sensitivity import analyse

    return analyse(load_scenario("scenarios/baseline.yaml"), samples=64, seed=1, year=2030, extra=[])


def _analysis_charts(report) -> dict:
    # deferred: the analysis charts import pyplot
    from simulation.analysis import charts as analysis_charts

    return {
        "fan": (analysis_charts.fan_chart, (report.fan,)),
        "tornado": (analysis_charts.tornado_chart, (report.tornado, "2030 subsidy cost (Rp billion)", 1e-9)),
        "sobol": (analysis_charts.sobol_chart, (report.sobol,)),
    }


@pytest.mark.parametrize("chart", ["fan", "tornado", "sobol"])
def test_analysis_charts_match_tight_layout_and_are_grey(monkeypatch, analysis, chart, tmp_path):
    # deferred: the analysis charts import pyplot
    import matplotlib.pyplot as plt

    from simulation.analysis import charts as analysis_charts

    draw, args = _analysis_charts(analysis)[chart]
    ours = _margins(draw(*args))
    with monkeypatch.context() as m:
        m.setattr(analysis_charts, "fit", lambda fig, rect=(0, 0, 1, 1): fig.tight_layout(rect=rect))
        theirs = _margins(draw(*args))
    for a, b in zip(ours, theirs, strict=True):
        assert abs(a - b) <= TOLERANCE
    fig = draw(*args)
    fig.savefig(tmp_path / "rgba.png", dpi=120)
    rgba = np.asarray(Image.open(tmp_path / "rgba.png"))
    assert (rgba[..., 3] == 255).all()
    assert (rgba[..., 0] == rgba[..., 1]).all() and (rgba[..., 1] == rgba[..., 2]).all()
    plt.close("all")
