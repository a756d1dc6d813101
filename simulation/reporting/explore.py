"""What the explore notebook calls: ipywidgets controls on the main levers and assumptions.

Every change re-validates the scenario with the controls as overrides, reruns the cohort engine
(milliseconds) and redraws three small charts; :attr:`Explorer.last_seconds` keeps how long the
last redraw took. It runs headless too (papermill), where the widgets simply show their first state.
"""

from __future__ import annotations

import time

import matplotlib.pyplot as plt

from simulation.outputs.run import run_scenario
from simulation.reporting import charts, formats, labels
from simulation.reporting.labels import text
from simulation.reporting.parameters import resolve, validate
from simulation.scenario import load_scenario

LEVERS = {
    # dotted key: (Indonesian label, English label, minimum, maximum, step)
    "policy.graduation.rate": (
        "Peluang naik kelas per evaluasi",
        "Graduation probability per evaluation",
        0,
        0.5,
        0.01,
    ),
    "policy.graduation.retention": ("Retensi sesudah lulus", "Retention after graduating", 0, 1, 0.05),
    "policy.graduation.evaluation_month": ("Bulan evaluasi", "Evaluation month", 1, 12, 1),
    "first_year_rollout": ("UMKM didaftarkan tahun pertama", "UMKM enrolled in the first year", 0, None, 1000),
    "province_share": ("Porsi APBD Provinsi", "Provincial budget share", 0, 0.5, 0.05),
    "assumptions.mandiri_lapse_rate": (
        "Peluang berhenti membayar (mandiri, per tahun)",
        "Lapse probability per year",
        0,
        0.6,
        0.01,
    ),
    "assumptions.closure_rate": (
        "Peluang usaha tutup per tahun",
        "Business closure probability per year",
        0,
        0.2,
        0.01,
    ),
    "population.entry_rate": ("UMKM baru per tahun (porsi)", "New UMKM per year (share)", 0, 0.1, 0.005),
}
"""The controls: policy levers first, then assumptions."""


class Explorer:
    """Widgets bound to a scenario; :meth:`update` recomputes and redraws.

    The parameters and their defaults are those of ``notebooks/explore.py`` (its ``parameters``
    cell), validated by :func:`simulation.reporting.parameters.validate`.

    Parameters
    ----------
    scenario : str
        Scenario file the controls start from.
    overrides : dict
        Dotted overrides applied before the controls.
    **options
        ``language`` ({"id", "en"}) of the labels.
    """

    def __init__(self, scenario: str, overrides: dict, **options):
        # deferred: ipywidgets is there only inside a notebook kernel
        import ipywidgets as w

        params = validate("explore", {"scenario": scenario, "overrides": overrides, **options})
        self.language = language = params.language
        self.base = load_scenario(resolve(params.scenario), overrides=params.overrides)
        self.start = self.base.model.start
        self.target = float(self.base.first("population.initial_umkm"))
        self.last_seconds: float | None = None
        self.result = None
        self.controls = {}
        self.initial = {}
        for key, (label_id, label_en, low, high, step) in LEVERS.items():
            label = label_id if language == "id" else label_en
            value = self._initial(key)
            style = {"description_width": "45%"}
            layout = w.Layout(width="95%")
            if key in ("policy.graduation.evaluation_month", "first_year_rollout"):
                high = int(self.target) if high is None else high
                slider = w.IntSlider(value=int(value), min=low, max=high, step=step, description=label)
            else:
                slider = w.FloatSlider(value=float(value), min=low, max=high, step=step, description=label)
            slider.style, slider.layout, slider.continuous_update = style, layout, False
            slider.observe(self.update, names="value")
            self.initial[key] = slider.value
            self.controls[key] = slider
        self.summary = w.HTML()
        self.output = w.Output()
        self.widget = w.VBox(
            [w.HTML(f"<b>{text('explore_intro', language)}</b>"), *self.controls.values(), self.summary, self.output]
        )

    def _initial(self, key: str):
        if key == "first_year_rollout":
            return min(self.base.monthly_array("policy.rollout")[:12].max(), self.target)
        if key == "province_share":
            return self.base.first("policy.payers").get("apbd_provinsi", 0.0)
        return self.base.first(key)

    def overrides(self) -> dict:
        """The controls as dotted overrides on the scenario."""
        out = {}
        for key, slider in self.controls.items():
            if slider.value == self.initial[key]:
                continue  # untouched: keep the scenario's own (possibly dated) values
            if key == "first_year_rollout":
                year = int(self.start[:4])
                out["policy.rollout"] = {self.start: slider.value, f"{year + 1}-01": max(slider.value, self.target)}
            elif key == "province_share":
                share = round(slider.value, 6)
                out["policy.payers"] = {self.start: {"apbd_kabupaten": round(1 - share, 6), "apbd_provinsi": share}}
            else:
                out[key] = slider.value
        return out

    def update(self, change=None) -> float:
        """Recompute with the controls' values and redraw; returns the seconds it took."""
        # deferred: IPython is there only inside a notebook kernel
        from IPython.display import display

        began = time.perf_counter()
        scenario = self.base.with_overrides(self.overrides())
        self.result = run_scenario(scenario)
        ind = self.result.indicators()
        lang = self.language
        fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
        a = self.result.annual()
        axes[0].plot(a["year"], a["covered_end"], color="black", marker="o", label=text("legend_covered", lang))
        axes[0].plot(a["year"], a["mandiri_end"], color="0.5", linestyle="--", label=text("state_mandiri", lang))
        axes[0].step(
            a["year"], a["coverage_target"], where="mid", color="0.4", linestyle=":", label=text("legend_target", lang)
        )
        axes[0].yaxis.set_major_formatter(formats.count_axis(lang))
        axes[0].set_title(text("chart_coverage", lang), fontsize=9)
        bottom = 0
        for i, payer in enumerate(self.result.payers):
            axes[1].bar(
                a["year"],
                a[f"cost_{payer}"],
                bottom=bottom,
                color=charts.GREYS[i],
                hatch=charts.HATCHES[i],
                edgecolor="black",
                label=labels.payer(payer, lang),
            )
            bottom = bottom + a[f"cost_{payer}"]
        axes[1].yaxis.set_major_formatter(formats.billions_axis(lang))
        axes[1].set_title(f"{text('chart_cost_by_payer', lang)} ({text('axis_billion', lang)})", fontsize=9)
        axes[2].plot(a["year"], a["cumulative_subsidy_cost"], color="black", marker="s")
        axes[2].yaxis.set_major_formatter(formats.billions_axis(lang))
        axes[2].set_title(f"{text('chart_cumulative', lang)} ({text('axis_billion', lang)})", fontsize=9)
        for ax in axes:
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
            ax.grid(axis="y", color="0.9")
        axes[0].legend(frameon=False, fontsize=7)
        axes[1].legend(frameon=False, fontsize=7)
        fig.tight_layout()
        self.output.clear_output(wait=True)
        with self.output:
            display(fig)
        plt.close(fig)
        self.last_seconds = time.perf_counter() - began
        self.summary.value = (
            f"{text('cost_first', lang, year=ind['first_year'])}: "
            f"<b>{formats.rupiah(ind['subsidy_cost_first_year'], lang)}</b>"
            f" &middot; {text('cost_total', lang, first=ind['first_year'], last=ind['last_year'])}: "
            f"<b>{formats.rupiah(ind['subsidy_cost_total'], lang)}</b>"
            f" &middot; {text('coverage_end', lang)} {ind['last_year']}: "
            f"<b>{formats.percent(ind['coverage_end_last_year'], lang)}</b>"
            f" &middot; <i>{formats.number(self.last_seconds, lang, digits=2)} s</i>"
        )
        return self.last_seconds

    def show(self):
        """Draw once and return the widget to display."""
        self.update()
        return self.widget
