"""The planner app's widgets: levers, headline figures beside the base, charts, uncertainty, save, download.

Every control carries a stable CSS class (``umkm-...``) for browser tests and styling. A change of a
lever re-validates the scenario with the planner's values as overrides, reruns the cohort engine and
redraws the headline figures, the three charts and the first year's cash plan beside its accrual
cost; :attr:`Planner.last_seconds` keeps how long that took. Everything works without a browser:
set a control's ``value`` or call a button's handler.
"""

from __future__ import annotations

import base64
import html
import threading
import time
import weakref
from pathlib import Path

import ipywidgets as w

from simulation.app import cashplan, figures, headline, levers, saving
from simulation.app.uncertainty import MIN_REPS, run_cancellable
from simulation.app.words import word
from simulation.core.errors import ScenarioError
from simulation.outputs.run import run_scenario
from simulation.reporting import formats
from simulation.scenario import load_scenario

SEED = 2026
"""Master seed of the uncertainty run (the brief's default)."""

LANGUAGES = {"Bahasa Indonesia": "id", "English": "en"}
"""The language toggle's options."""

STYLE = """<style>
.umkm-refused { color: #b00020; white-space: pre-wrap; }
.umkm-saved { color: #1b5e20; }
.umkm-download-links a { color: #0645ad; text-decoration: underline; font-weight: bold; }
.umkm-cash-plan td, .umkm-cash-plan th { padding: 1px 8px; text-align: right; }
.umkm-cash-plan td:first-child, .umkm-cash-plan th:first-child { text-align: left; }
</style>"""
"""The few styles the app adds: refusals red, a saved file green, download links as links, the cash plan's columns."""

MIME = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html",
    ".pdf": "application/pdf",
}


def slug(key: str) -> str:
    """A lever's CSS name: ``policy.graduation.rate`` -> ``graduation-rate``."""
    for prefix in ("policy.", "assumptions.", "population."):
        key = key.removeprefix(prefix)
    return key.replace(".", "-").replace("_", "-")


def scenario_files(folder: Path) -> list[str]:
    """Scenario names (file stems) in ``folder``, ``baseline`` first."""
    names = sorted(p.stem for p in Path(folder).glob("*.yaml"))
    return sorted(names, key=lambda n: n != "baseline")


def _link(path: Path, css: str, language: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<a class="{css}" download="{path.name}" href="data:{MIME[path.suffix]};base64,{data}">'
        f"{html.escape(word('ready', language, name=path.name))}</a>"
    )


class Planner:
    """The app: build it, then display :attr:`widget`.

    Parameters
    ----------
    folder : str or Path
        Scenario folder: listed in the chooser, and where a planner saves.
    out : str or Path
        Output folder for downloads (``tables/``, ``brief/``).
    language : {"id", "en"}
        Starting language.
    scenario : str
        Name of the starting scenario in ``folder``.
    """

    def __init__(self, folder="scenarios", out="reports/app", language: str = "id", scenario: str = "baseline"):
        self.folder = Path(folder).resolve()
        self.out = Path(out).resolve()
        self.language = language
        self.last_seconds: float | None = None
        self.result = None
        self.band = None  # the micro engine's result for the current settings, once run
        self.cancel = threading.Event()
        self.thread: threading.Thread | None = None
        self.charts = figures.Charts()  # the figures kept between changes
        self.widget = w.VBox(layout=w.Layout(width="100%"))
        self.widget.add_class("umkm-app")
        self._quiet = False
        self.prepared: dict[str, str] = {}  # download kind to its link, for the current settings
        self._brief = None  # (settings, report) of the last brief run
        self._kernel = None  # the briefs' warm kernel, started with the first brief (_warm_kernel)
        self._stop_kernel = None
        self.choose(scenario)

    # -- state -------------------------------------------------------------------------------------
    def choose(self, name: str) -> None:
        """Start from scenario ``name`` of the folder: its values on every lever."""
        self.base = load_scenario(self.folder / f"{name}.yaml")
        self.values = {key: levers.initial(self.base, key) for key in levers.LEVERS}
        self.base_result = run_scenario(self.base)
        self.base_figures = headline.values(self.base_result)
        self.band = None
        self.prepared.clear()
        self.build()
        self.update()

    def overrides(self) -> dict:
        """The planner's values as dotted overrides on the base scenario (only what changed)."""
        return levers.overrides(self.base, self.values)

    def set(self, key: str, value) -> bool:
        """Set lever ``key``, rerun and redraw; False (and the reason shown) when refused.

        A value outside the lever's range, payers' shares above 1 or a scenario that fails
        validation (e.g. a falling rollout) is refused and the value in force stays.
        """
        try:
            levers.check(self.base, key, value, self.language)
            if key.startswith(levers.PAYER_PREFIX):
                shared = {k: v for k, v in self.values.items() if k.startswith(levers.PAYER_PREFIX)}
                if sum({**shared, key: value}.values()) > 1 + 1e-9:
                    total = {"id": "porsi pembayar lain lebih dari 1", "en": "other payers' shares exceed 1"}
                    raise levers.LeverError(f"{levers.LEVERS[key].label[self.language]}: {total[self.language]}")
            scenario = self.base.with_overrides(levers.overrides(self.base, {**self.values, key: value}))
        except (levers.LeverError, ScenarioError) as exc:
            self.message.value = f"<pre class='umkm-refused'>{html.escape(str(exc))}</pre>"
            return False
        self.values[key] = value
        self.message.value = ""
        self.band = None
        if self.prepared:  # downloads prepared for the settings before this change no longer apply
            self.prepared.clear()
            self._show_links()
        self.update(scenario)
        return True

    def update(self, scenario=None) -> float:
        """Rerun the cohort engine (for the planner's values unless ``scenario`` is given), redraw.

        Returns
        -------
        float
            Seconds from the start of the run to the last chart drawn.
        """
        began = time.perf_counter()
        if scenario is None:
            scenario = self.base.with_overrides(self.overrides())
        self.result = run_scenario(scenario)
        self._show_figures(headline.values(self.result))
        self._show_charts(self.band or self.result)
        self.cash.value = cashplan.table(self.result, self.language)
        self.last_seconds = time.perf_counter() - began
        self.timing.value = word("seconds", self.language, seconds=formats.number(self.last_seconds, self.language, 2))
        return self.last_seconds

    # -- layout ------------------------------------------------------------------------------------
    def build(self) -> None:
        """(Re)build every control in the current language from the current values."""
        lang = self.language
        self.message = w.HTML().add_class("umkm-message")
        self.timing = w.HTML().add_class("umkm-timing")
        self.cash = w.HTML().add_class("umkm-cash")
        language = w.ToggleButtons(options=list(LANGUAGES.items()), value=lang).add_class("umkm-language")
        language.observe(lambda c: self.switch_language(c["new"]), names="value")
        chooser = w.Dropdown(
            options=scenario_files(self.folder),
            value=self.base.name,
            description=word("scenario", lang),
            style={"description_width": "initial"},
        ).add_class("umkm-scenario")
        chooser.observe(lambda c: self.choose(c["new"]), names="value")
        self.controls: dict[str, w.Widget] = {}
        self.sliders: dict[str, w.Widget] = {}
        rows = {"lever": [], "assumption": []}
        for key, lever in levers.LEVERS.items():
            rows[lever.group].append(self._control(key, lever))
        self.cells = {}
        grid = [w.HTML(f"<b>{word(k, lang)}</b>") for k in ("headline", "current", "base", "difference")]
        for fig in headline.FIGURES:
            cells = [w.HTML(headline.label(fig.key, self.base_result, lang)), w.HTML(), w.HTML(), w.HTML()]
            cells[1].add_class(f"umkm-headline-{fig.key}")
            cells[2].add_class(f"umkm-base-{fig.key}")
            cells[3].add_class(f"umkm-difference-{fig.key}")
            self.cells[fig.key] = cells
            grid += cells
        table = w.GridBox(grid, layout=w.Layout(grid_template_columns="46% 18% 18% 18%", width="100%"))
        self.images = {}
        for name in figures.CHARTS:
            image = w.Image(format="png", layout=w.Layout(width="49%", height="auto"))
            image.add_class("umkm-chart").add_class(f"umkm-chart-{name}")
            self.images[name] = image
        self.widget.children = [
            w.HTML(f"{STYLE}<h2>{word('title', lang)}</h2><p>{word('intro', lang)}</p>"),
            w.HBox([language, chooser]),
            w.HBox(
                [
                    w.VBox(
                        [
                            w.HTML(f"<h3>{word('levers', lang)}</h3>"),
                            *rows["lever"],
                            w.HTML(f"<h3>{word('assumptions', lang)}</h3>"),
                            *rows["assumption"],
                            self.message,
                        ],
                        layout=w.Layout(width="42%"),
                    ),
                    w.VBox(
                        [
                            table,
                            self.timing,
                            w.HBox(list(self.images.values()), layout=w.Layout(flex_flow="row wrap")),
                            self.cash,
                        ],
                        layout=w.Layout(width="58%"),
                    ),
                ]
            ),
            self._uncertainty_box(),
            w.HBox([self._save_box(), self._download_box()]),
        ]

    def switch_language(self, language: str) -> None:
        """Show everything in ``language``, keeping the planner's values."""
        self.language = language
        self.prepared.clear()  # prepared in the other language
        self.build()
        self.update()

    def _control(self, key: str, lever: levers.Lever) -> w.Widget:
        lang = self.language
        unit = f" ({lever.unit[lang]})" if lever.unit else ""
        span = levers.bounds(self.base, key)
        shown = ""
        if span is not None:
            shown = (
                f" [{span[0]:g} - {span[1]:g}]"
                if lever.kind != "rupiah"
                else (f" [{formats.rupiah(span[0], lang)} - {formats.rupiah(span[1], lang)}]")
            )
        label = w.HTML(f"{lever.label[lang]}{unit}<small>{shown}</small>", layout=w.Layout(width="55%"))
        label.add_class("umkm-label")
        value = self.values[key]
        if lever.kind in ("choice", "month"):
            options = lever.options(lang) if lever.kind == "choice" else levers.months(self.base)
            box = w.Dropdown(options=options, value=value, layout=w.Layout(width="40%"))
            box.observe(lambda c: self._typed(key, c["new"], box), names="value")
            control = box
        elif lever.kind == "steps":
            box = w.Text(value=value, continuous_update=False, layout=w.Layout(width="40%"))
            box.observe(lambda c: self._typed(key, c["new"], box), names="value")
            control = box
        else:
            low, high = span
            number = w.IntText if lever.kind == "int" else w.FloatText
            kind = w.IntSlider if lever.kind == "int" else w.FloatSlider
            slider = kind(value=value, min=low, max=high, step=lever.step, readout=False, continuous_update=False)
            slider.layout = w.Layout(width="45%")
            slider.add_class(f"umkm-slider-{slug(key)}")
            self.sliders[key] = slider
            box = number(value=value, step=lever.step, continuous_update=False, layout=w.Layout(width="50%"))
            box.observe(lambda c: self._typed(key, c["new"], box, slider), names="value")
            slider.observe(lambda c: self._slid(key, c["new"], box), names="value")
            control = w.HBox([slider, box], layout=w.Layout(width="44%"))
        box.add_class(f"umkm-lever-{slug(key)}")
        self.controls[key] = box
        return w.HBox([label, control], layout=w.Layout(width="100%"))

    def _typed(self, key, value, box, slider=None) -> None:
        if self._quiet:
            return
        accepted = self.set(key, value)
        self._quiet = True
        if not accepted:
            box.value = self.values[key]  # refused: back to the value in force
        elif slider is not None:
            slider.value = value
        self._quiet = False

    def _slid(self, key, value, box) -> None:
        if self._quiet:
            return
        value = round(value, 9)  # a slider's float steps (0.1 + 0.01 ...) to the step's precision
        self._quiet = True
        box.value = value
        self._quiet = False
        self.set(key, value)

    def _show_figures(self, current: dict) -> None:
        lang = self.language
        for fig in headline.FIGURES:
            cells = self.cells[fig.key]
            cells[1].value = f"<b>{headline.show(fig.kind, current[fig.key], lang)}</b>"
            cells[2].value = headline.show(fig.kind, self.base_figures[fig.key], lang)
            cells[3].value = headline.difference(fig.kind, current[fig.key], self.base_figures[fig.key], lang)

    def _show_charts(self, result) -> None:
        for name, data in self.charts.draw(result, self.language).items():
            self.images[name].value = data  # an unchanged PNG is not sent again (an equal value is no change)

    # -- uncertainty -------------------------------------------------------------------------------
    def _uncertainty_box(self) -> w.Widget:
        lang = self.language
        self.reps = w.BoundedIntText(value=MIN_REPS, min=MIN_REPS, max=2000, description=word("replicates", lang))
        self.reps.add_class("umkm-reps")
        start = w.Button(description=word("uncertainty", lang), icon="random", layout=w.Layout(width="auto"))
        start.add_class("umkm-uncertainty")
        start.on_click(lambda _: self.start_uncertainty())
        stop = w.Button(description=word("cancel", lang), icon="stop").add_class("umkm-cancel")
        stop.on_click(lambda _: self.cancel.set())
        self.progress = w.IntProgress(value=0, min=0, max=MIN_REPS).add_class("umkm-progress")
        self.band_status = w.HTML().add_class("umkm-uncertainty-status")
        return w.VBox(
            [
                w.HTML(f"<h3>{word('uncertainty', lang)}</h3><p>{word('uncertainty_help', lang)}</p>"),
                w.HBox([self.reps, start, stop, self.progress]),
                self.band_status,
            ]
        )

    def start_uncertainty(self, wait: bool = False) -> None:
        """Run the micro engine for the current settings in a thread; ``wait`` joins it (tests)."""
        if self.thread is not None and self.thread.is_alive():
            return
        self.cancel.clear()
        scenario, reps, lang = self.result.scenario, int(self.reps.value), self.language
        self.progress.max, self.progress.value = reps, 0

        def progress(done, total):
            self.progress.value = done
            self.band_status.value = word("running", lang, done=done, total=total)

        def work():
            band = run_cancellable(scenario, reps, SEED, cancel=self.cancel, progress=progress)
            if band is None:
                self.band_status.value = word("cancelled", lang, done=self.progress.value)
                return
            if scenario is not self.result.scenario:
                return  # the levers moved while it ran: the bands would not match the charts
            self.band = band
            self._show_charts(band)
            self.band_status.value = word("bands_shown", lang, reps=reps, seed=SEED)

        self.thread = threading.Thread(target=work, daemon=True)
        self.thread.start()
        if wait:
            self.thread.join()

    # -- save --------------------------------------------------------------------------------------
    def _save_box(self) -> w.Widget:
        lang = self.language
        self.save_name = w.Text(description=word("save_name", lang)).add_class("umkm-save-name")
        self.save_description = w.Textarea(description=word("save_description", lang)).add_class(
            "umkm-save-description"
        )
        self.save_description_en = w.Textarea(description=word("save_description_en", lang)).add_class(
            "umkm-save-description-en"
        )
        self.save_overwrite = w.Checkbox(description=word("save_overwrite", lang)).add_class("umkm-save-overwrite")
        button = w.Button(description=word("save", lang), icon="save", button_style="primary").add_class("umkm-save")
        button.on_click(lambda _: self.save())
        self.save_status = w.HTML().add_class("umkm-save-status")
        style = {"description_width": "40%"}
        for widget in (self.save_name, self.save_description, self.save_description_en):
            widget.style, widget.layout = style, w.Layout(width="95%")
        return w.VBox(
            [
                w.HTML(f"<h3>{word('save_title', lang)}</h3>"),
                self.save_name,
                self.save_description,
                self.save_description_en,
                self.save_overwrite,
                button,
                self.save_status,
            ],
            layout=w.Layout(width="50%"),
        )

    def save(self) -> Path | None:
        """Save the current settings as a scenario in the folder; the path, or None (message shown)."""
        lang = self.language
        try:
            path = saving.save(
                self.folder,
                self.save_name.value.strip(),
                self.base,
                self.overrides(),
                self.save_description.value,
                self.save_description_en.value,
                overwrite=self.save_overwrite.value,
            )
        except saving.SaveError as exc:
            shown = {
                "name": word("bad_name", lang),
                "description": word("no_description", lang),
                "exists": word("exists", lang, path=exc.path.name if exc.path else ""),
                "invalid": f"{word('invalid', lang)}<pre>{html.escape(str(exc))}</pre>",
            }[exc.reason]
            self.save_status.value = f"<span class='umkm-refused'>{shown}</span>"
            return None
        self.save_status.value = f"<span class='umkm-saved'>{word('saved', lang, path=path.name)}</span>"
        self.save_overwrite.value = False
        return path

    # -- download ----------------------------------------------------------------------------------
    def _download_box(self) -> w.Widget:
        lang = self.language
        wide = w.Layout(width="auto")
        xlsx = w.Button(description=word("download_xlsx", lang), icon="table", layout=wide)
        xlsx.add_class("umkm-download-xlsx")
        xlsx.on_click(lambda _: self.prepare_xlsx())
        brief = w.Button(description=word("download_brief", lang), icon="file", layout=wide)
        brief.add_class("umkm-download-brief")
        brief.on_click(lambda _: self.prepare_brief())
        pdf = w.Button(description=word("download_pdf", lang), icon="file-pdf-o", layout=wide)
        pdf.add_class("umkm-download-pdf")
        pdf.on_click(lambda _: self.prepare_pdf())
        self.links = w.HTML().add_class("umkm-download-links")
        self._show_links()
        return w.VBox(
            [
                w.HTML(f"<h3>{word('download_title', lang)}</h3>"),
                xlsx,
                brief,
                pdf,
                self.links,
            ],
            layout=w.Layout(width="50%"),
        )

    def _show_links(self) -> None:
        self.links.value = "<br>".join(self.prepared.values())

    def _failed(self, exc: Exception) -> None:
        self.links.value = f"<span class='umkm-refused'>{word('failed', self.language)} {html.escape(str(exc))}</span>"

    def prepare_xlsx(self) -> Path | None:
        """Write ``tables.xlsx`` (and the run's tables) for the current settings into ``out/tables``."""
        # deferred: the report's table code is needed only when a planner asks for the file
        from simulation.reporting.notebook import prepare

        self.links.value = word("preparing", self.language)
        try:
            ctx = prepare(str(self.base.path), self.overrides(), str(self.out / "tables"), language=self.language)
        except Exception as exc:  # shown to the planner, not swallowed
            self._failed(exc)
            return None
        path = ctx.output_dir / "tables.xlsx"
        self.prepared["xlsx"] = _link(path, "umkm-link-xlsx", self.language)
        self._show_links()
        return path

    def _report(self):
        """The brief (report notebook: HTML and, beside it, the PDF) for the current settings and language.

        One run serves both downloads: it is kept until the settings or the language change.
        """
        # deferred: papermill starts a kernel; needed only when a planner asks for the brief
        from simulation.reporting.papermill_run import run_report
        from simulation.reporting.warm_kernel import once_more_if_gone

        key = (self.base.path, repr(sorted(self.overrides().items())), self.language)
        if self._brief is None or self._brief[0] != key:
            settings = {"overrides": self.overrides(), "parameters": {"language": self.language}}
            # the run empties the kernel for the next brief (papermill_run.execute, reset_ahead)
            report = once_more_if_gone(
                lambda kernel: run_report(self.base.path, self.out / "brief", **settings, kernel=kernel),
                self._warm_kernel,
                lambda: self._warm_kernel(True),
            )
            self._brief = (key, report)
        return self._brief[1]

    def _warm_kernel(self, renew: bool = False):
        """The briefs' kernel: started when the first brief is asked for and kept for the app session,
        so a later brief pays neither a kernel's start nor its imports (each brief still runs every
        cell, in a namespace emptied first). It stops with the planner (:meth:`close`, or when the
        planner is collected) and, as any kernel jupyter_client starts, by itself within a second of
        the app's kernel ending (it watches its parent process, ``JPY_PARENT_PID``)."""
        # deferred: jupyter_client is needed only when a planner asks for the brief
        from simulation.reporting.repository import REPO_ROOT
        from simulation.reporting.warm_kernel import WarmKernel

        if renew:
            self.close()
        if self._kernel is None:
            self._kernel = WarmKernel(REPO_ROOT)
            self._stop_kernel = weakref.finalize(self, self._kernel.shutdown)
        return self._kernel

    def close(self) -> None:
        """Stop the briefs' kernel, if one was started (safe to call twice)."""
        if self._stop_kernel is not None:
            self._stop_kernel()
        self._kernel = self._stop_kernel = None

    def _prepare(self, kind: str) -> Path | None:
        self.links.value = word("preparing", self.language)
        try:
            report = self._report()
            path = Path(report.pdf if kind == "pdf" else report.html)
            if not path.is_file():
                raise FileNotFoundError(f"{path.name} was not written")
        except Exception as exc:  # shown to the planner, not swallowed
            self._failed(exc)
            return None
        self.prepared[kind] = _link(path, f"umkm-link-{kind}", self.language)
        self._show_links()
        return path

    def prepare_brief(self) -> Path | None:
        """Run the report notebook for the current settings into ``out/brief``; the HTML brief (its link shown)."""
        return self._prepare("brief")

    def prepare_pdf(self) -> Path | None:
        """The brief as the report's print-ready PDF (WeasyPrint, :mod:`simulation.reporting.pdf`), its link shown.

        The same report run as :meth:`prepare_brief` (made once for both); the PDF is the one the
        report command writes beside the HTML.
        """
        return self._prepare("pdf")
