"""A short plain-language reading of a run's numbers, in Indonesian or English.

Every number is taken from the result's annual table (:func:`reading_numbers`) and formatted
through :mod:`simulation.reporting.formats`; the sentences are templates chosen by language, with
the direction of change worded from the data. Counts that make up a whole (protected = subsidised
+ self-paying + in arrears) are rounded together so that the parts add up to the whole as printed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from simulation.reporting import formats
from simulation.reporting.charts import quantiles

TEMPLATES = {
    "id": {
        "start": (
            "Pada {first}, APBD dan pembayar publik lainnya mengeluarkan {cost_first} untuk melindungi UMKM; "
            "pada akhir {first} {covered_first} UMKM terlindungi ({coverage_first} dari target {target})."
        ),
        "end": (
            "Pada akhir {last}, {covered_last} UMKM masih terlindungi ({coverage_last} dari target): "
            "{subsidised_last} masih disubsidi, {mandiri_last} membayar sendiri dan {arrears_last} menunggak."
        ),
        "arrears": (
            "Peserta yang menunggak tetap terlindungi sampai tiga bulan iuran tidak dibayar; sesudah itu "
            "perlindungannya berakhir."
        ),
        "causes": (
            "Cakupan turun dari {covered_first} menjadi {covered_last} UMKM karena tiga sebab: {closures} UMKM "
            "tutup usaha selama {first}-{last}; {dropped} peserta berhenti membayar sesudah naik kelas atau "
            "sebagai peserta mandiri; dan tempat yang kosong tidak diisi kembali: {refill}."
        ),
        "refill_none": "sesudah {first} tidak ada UMKM yang didaftarkan lagi",
        "refill_some": "sesudah {first} hanya {enrolled_later} UMKM yang didaftarkan",
        "graduates": (
            "Selama {first}-{last}, {graduates} UMKM naik kelas ke kepesertaan mandiri, tetapi hanya "
            "{graduated_mandiri} di antaranya melanjutkan iuran sendiri; karena itu naik kelas yang lebih cepat "
            "menurunkan cakupan: subsidi berhenti, sebagian tidak lanjut membayar, dan tempatnya tidak diisi kembali."
        ),
        "ceiling": (
            "Pagu anggaran menunda pendaftaran: UMKM di daftar tunggu (puncaknya {waiting_peak}) didaftarkan "
            "ketika pagu longgar, sehingga cakupan pada tahun-tahun akhir bisa lebih tinggi daripada tanpa pagu."
        ),
        "base_ceiling": (
            "Dibanding skenario dasar `{base}` tanpa pagu, pagu anggaran justru menaikkan cakupan akhir {last} "
            "dari {base_coverage_last} menjadi {coverage_last}, karena UMKM di daftar tunggu (puncaknya "
            "{waiting_peak}) didaftarkan belakangan ({enrolled_later} UMKM sesudah {first}, {base_enrolled_later} "
            "pada `{base}`) dan pada {last} masih disubsidi ketika peserta awal sudah naik kelas, berhenti "
            "membayar atau tutup usaha."
        ),
        "base_faster": (
            "Dibanding skenario dasar `{base}`, naik kelas yang lebih cepat ({pace} dari setiap 100 UMKM "
            "bersubsidi per tahun, {base_pace} pada `{base}`) justru menurunkan cakupan akhir {last} dari "
            "{base_coverage_last} menjadi {coverage_last}, karena subsidi berhenti lebih awal, hanya "
            "{graduated_mandiri} dari {graduates} UMKM yang naik kelas melanjutkan iuran sendiri, dan tempatnya "
            "tidak diisi kembali."
        ),
        "base_slower": (
            "Dibanding skenario dasar `{base}`, naik kelas yang lebih lambat ({pace} dari setiap 100 UMKM "
            "bersubsidi per tahun, {base_pace} pada `{base}`) justru menaikkan cakupan akhir {last} dari "
            "{base_coverage_last} menjadi {coverage_last}, karena lebih banyak UMKM tetap disubsidi dan lebih "
            "sedikit yang berhenti membayar sesudah naik kelas."
        ),
        "cost": (
            "Biaya publik seluruhnya {cost_total} ({cost_total_real} dalam rupiah {first}), atau {per_year} "
            "per UMKM terlindungi per tahun. Biaya tahunan {trend} dari {cost_first} ({first}) menjadi "
            "{cost_last} ({last})."
        ),
        "up": "naik",
        "down": "turun",
        "flat": "tetap sekitar",
        "bands": ("Dengan mikrosimulasi ({reps} replikasi), 90% hasil biaya {first} berada antara {low} dan {high}."),
        "caveat": (
            "Angka ini bergantung pada asumsi tanpa data lokal (tingkat naik kelas, retensi sesudah lulus, "
            "penutupan usaha); tabel asumsi di bawah menyebut sumber dan rentang wajarnya."
        ),
    },
    "en": {
        "start": (
            "In {first} the APBD and any other public payers spend {cost_first} protecting UMKM; at the "
            "end of {first}, {covered_first} UMKM are protected ({coverage_first} of the {target} target)."
        ),
        "end": (
            "At the end of {last}, {covered_last} UMKM are still protected ({coverage_last} of the target): "
            "{subsidised_last} still subsidised, {mandiri_last} paying for themselves and {arrears_last} in arrears."
        ),
        "arrears": "Members in arrears stay covered for up to three unpaid months; after that their cover ends.",
        "causes": (
            "Coverage falls from {covered_first} to {covered_last} UMKM for three reasons: {closures} UMKM close "
            "down over {first}-{last}; {dropped} members stop paying after graduating or as self-payers; and "
            "places left empty are not refilled: {refill}."
        ),
        "refill_none": "after {first} no UMKM is enrolled any more",
        "refill_some": "after {first} only {enrolled_later} UMKM are enrolled",
        "graduates": (
            "Over {first}-{last}, {graduates} UMKM graduate to self-paying membership, but only "
            "{graduated_mandiri} of them go on paying; this is why faster graduation lowers coverage: the subsidy "
            "stops, some do not go on paying, and their places are not refilled."
        ),
        "ceiling": (
            "The budget ceiling delays enrolment: UMKM on the waiting list (at most {waiting_peak}) are enrolled "
            "when the ceiling allows, so coverage in the later years can be higher than without a ceiling."
        ),
        "base_ceiling": (
            "Against the base scenario `{base}` without a ceiling, the budget ceiling raises coverage at the end "
            "of {last} from {base_coverage_last} to {coverage_last}, because UMKM on its waiting list (at most "
            "{waiting_peak}) are enrolled later ({enrolled_later} UMKM after {first}, {base_enrolled_later} in "
            "`{base}`) and are still subsidised in {last} when earlier members have graduated, stopped paying or "
            "closed down."
        ),
        "base_faster": (
            "Against the base scenario `{base}`, faster graduation ({pace} of every 100 subsidised UMKM a year, "
            "{base_pace} in `{base}`) lowers coverage at the end of {last} from {base_coverage_last} to "
            "{coverage_last}, because the subsidy stops sooner, only {graduated_mandiri} of the {graduates} UMKM "
            "who graduate go on paying, and their places are not refilled."
        ),
        "base_slower": (
            "Against the base scenario `{base}`, slower graduation ({pace} of every 100 subsidised UMKM a year, "
            "{base_pace} in `{base}`) raises coverage at the end of {last} from {base_coverage_last} to "
            "{coverage_last}, because more UMKM stay subsidised and fewer stop paying after graduating."
        ),
        "cost": (
            "Public cost totals {cost_total} ({cost_total_real} in {first} rupiah), or {per_year} per "
            "protected UMKM-year. The annual cost {trend} from {cost_first} ({first}) to {cost_last} ({last})."
        ),
        "up": "rises",
        "down": "falls",
        "flat": "stays about flat",
        "bands": (
            "With the microsimulation ({reps} replicates), 90% of runs put the {first} cost between {low} and {high}."
        ),
        "caveat": (
            "These numbers rest on assumptions without local data (graduation rate, retention after "
            "graduating, business closure); the assumptions table below gives their sources and plausible ranges."
        ),
    },
}


PACE_GAP = 0.10
"""How far (relative) a scenario's graduation pace must differ from its base's to be called faster or
slower graduation; closer paces follow from other changes (a ceiling delays who is subsidised)."""


@dataclass(frozen=True)
class Base:
    """The scenario a brief's run is measured against: its name, its annual table (``annual()``) and,
    for the brief's manifest, its file and the SHA-256 of the resolved scenario (empty when unknown)."""

    name: str
    annual: pd.DataFrame
    path: str = ""
    sha256: str = ""


def reading_numbers(result) -> dict:
    """Every number the reading states, unformatted, from ``result.annual()``
    (see :func:`annual_numbers`)."""
    return annual_numbers(result.annual())


def annual_numbers(a: pd.DataFrame) -> dict:
    """Every number the reading states, unformatted: counts (whole UMKM) and rupiah, from an annual table.

    Returns
    -------
    dict
        Years ``first`` and ``last``; counts ``covered_*``, ``subsidised_last``, ``mandiri_last``,
        ``arrears_last`` (the last three add up to ``covered_last``), ``closures``, ``dropped``,
        ``graduates``, ``graduated_mandiri``, ``enrolled_later``, ``waiting_peak`` (UMKM); shares
        ``coverage_*``; ``pace`` (graduates per subsidised UMKM-year, 1/year; NaN without
        subsidised months); rupiah ``cost_first``, ``cost_last``, ``cost_total``,
        ``cost_total_real``, ``per_year`` (IDR per protected UMKM-year).
    """
    first, last = a.iloc[0], a.iloc[-1]
    subsidised, mandiri, arrears = formats.whole_parts(
        [last["subsidised_end"], last["mandiri_end"], last["arrears_end"]]
    )
    covered_years = float(a["covered_member_months"].sum()) / 12
    subsidised_years = float(a["subsidised_member_months"].sum()) / 12
    return {
        "first": int(first["year"]),
        "last": int(last["year"]),
        "target": int(round(first["coverage_target"])),
        "covered_first": int(round(first["covered_end"])),
        "coverage_first": float(first["coverage_end"]),
        "covered_last": subsidised + mandiri + arrears,
        "coverage_last": float(last["coverage_end"]),
        "subsidised_last": subsidised,
        "mandiri_last": mandiri,
        "arrears_last": arrears,
        "closures": int(round(a["closures"].sum())),
        "dropped": int(round(a["dropped_out"].sum())),
        "graduates": int(round(a["graduated"].sum())),
        "graduated_mandiri": int(round(a["graduated_mandiri"].sum())),
        "enrolled_later": int(round(a["enrolled"].iloc[1:].sum())),
        "waiting_peak": int(round(a["waiting_end"].max())) if "waiting_end" in a else 0,
        "pace": float(a["graduated"].sum()) / subsidised_years if subsidised_years else float("nan"),
        "cost_first": float(first["subsidy_cost"]),
        "cost_last": float(last["subsidy_cost"]),
        "cost_total": float(a["subsidy_cost"].sum()),
        "cost_total_real": float(a["subsidy_cost_real"].sum()),
        "per_year": float(a["subsidy_cost"].sum()) / covered_years if covered_years else float("nan"),
    }


def surprises(x: dict, b: dict) -> list[str]:
    """Which results are counter-intuitive against the base: keys of the ``base_*`` templates.

    ``x`` and ``b`` are :func:`annual_numbers` of the run and of its base. ``"base_ceiling"``: the
    run's ceiling binds (someone waited), the base's never does, and the run ends with a higher
    coverage; ``"base_faster"``: the run graduates UMKM at a pace at least :data:`PACE_GAP` above the
    base's and ends with a lower coverage; ``"base_slower"``: a pace at least that far below and a
    higher coverage.
    """
    found = []
    higher, lower = x["coverage_last"] > b["coverage_last"], x["coverage_last"] < b["coverage_last"]
    if x["waiting_peak"] > 0 and b["waiting_peak"] == 0 and higher:
        found.append("base_ceiling")
    if x["pace"] >= b["pace"] * (1 + PACE_GAP) and lower:
        found.append("base_faster")
    if x["pace"] <= b["pace"] * (1 - PACE_GAP) and higher:
        found.append("base_slower")
    return found


def against_base(annual: pd.DataFrame, base: Base, language: str) -> list[str]:
    """The sentences saying why a result is counter-intuitive against ``base`` (none when nothing is),
    every number from the two annual tables."""
    t = TEMPLATES[language]
    x, b = annual_numbers(annual), annual_numbers(base.annual)
    fields = {**_fields(x, language), **{f"base_{k}": v for k, v in _fields(b, language).items()}}
    fields["base"] = base.name
    return [t[key].format(**fields) for key in surprises(x, b)]


def _fields(x: dict, language: str) -> dict:
    """:func:`annual_numbers` formatted for the templates."""
    rp = lambda v: formats.rupiah(v, language)  # noqa: E731
    return {
        **{k: formats.count(x[k], language) for k in x if k not in ("first", "last") and isinstance(x[k], int)},
        **{k: rp(x[k]) for k in ("cost_first", "cost_last", "cost_total", "cost_total_real", "per_year")},
        "coverage_first": formats.percent(x["coverage_first"], language),
        "coverage_last": formats.percent(x["coverage_last"], language),
        "pace": formats.number(100 * x["pace"], language),
        "first": x["first"],
        "last": x["last"],
    }


def reading(result, language: str = "id", reps: int | None = None, base: Base | None = None) -> str:
    """A few sentences (markdown) saying what the run's numbers mean for the budget.

    With ``base`` (the scenario the run's file extends, run alike), a counter-intuitive result is
    said against the base's numbers (:func:`against_base`); without one, the run's own numbers
    explain why a faster graduation or a ceiling moves coverage the way it does.
    """
    formats.locale(language)  # refuse an unknown language early
    t = TEMPLATES[language]
    x = reading_numbers(result)
    fields = _fields(x, language)
    change = (x["cost_last"] - x["cost_first"]) / x["cost_first"] if x["cost_first"] else 0.0
    fields["trend"] = t["up"] if change > 0.02 else t["down"] if change < -0.02 else t["flat"]
    refill = t["refill_none"] if x["enrolled_later"] == 0 else t["refill_some"]
    fields["refill"] = refill.format(**fields)
    parts = [t["start"], t["end"]]
    if x["arrears_last"] > 0:
        parts.append(t["arrears"])
    if x["covered_last"] < x["covered_first"]:
        parts.append(t["causes"])
    if base is None and x["graduates"] > 0 and x["graduated_mandiri"] < x["graduates"]:
        parts.append(t["graduates"])
    if base is None and x["waiting_peak"] > 0:
        parts.append(t["ceiling"])
    text = " ".join(p.format(**fields) for p in parts)
    if base is not None:
        text = " ".join([text, *against_base(result.annual(), base, language)])
    text += " " + t["cost"].format(**fields)
    q = quantiles(result)
    if q is not None:
        at = q[q["year"] == fields["first"]].set_index("quantile")["subsidy_cost"]
        text += " " + t["bands"].format(
            reps=reps or "",
            first=fields["first"],
            low=formats.rupiah(at[at.index.min()], language),
            high=formats.rupiah(at[at.index.max()], language),
        )
    return f"{text}\n\n*{t['caveat']}*"
