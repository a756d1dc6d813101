"""A short plain-language reading of a run's numbers, in Indonesian or English.

Every number is taken from the result's annual table (:func:`reading_numbers`) and formatted
through :mod:`simulation.reporting.formats`; the sentences are templates chosen by language, with
the direction of change worded from the data. Counts that make up a whole (protected = subsidised
+ self-paying + in arrears) are rounded together so that the parts add up to the whole as printed.
"""

from __future__ import annotations

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


def reading_numbers(result) -> dict:
    """Every number the reading states, unformatted: counts (whole UMKM) and rupiah, from ``annual()``.

    Returns
    -------
    dict
        Years ``first`` and ``last``; counts ``covered_*``, ``subsidised_last``, ``mandiri_last``,
        ``arrears_last`` (the last three add up to ``covered_last``), ``closures``, ``dropped``,
        ``graduates``, ``graduated_mandiri``, ``enrolled_later``, ``waiting_peak`` (UMKM); shares
        ``coverage_*``; rupiah ``cost_first``, ``cost_last``, ``cost_total``, ``cost_total_real``,
        ``per_year`` (IDR per protected UMKM-year).
    """
    a = result.annual()
    first, last = a.iloc[0], a.iloc[-1]
    subsidised, mandiri, arrears = formats.whole_parts(
        [last["subsidised_end"], last["mandiri_end"], last["arrears_end"]]
    )
    covered_years = float(a["covered_member_months"].sum()) / 12
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
        "cost_first": float(first["subsidy_cost"]),
        "cost_last": float(last["subsidy_cost"]),
        "cost_total": float(a["subsidy_cost"].sum()),
        "cost_total_real": float(a["subsidy_cost_real"].sum()),
        "per_year": float(a["subsidy_cost"].sum()) / covered_years if covered_years else float("nan"),
    }


def reading(result, language: str = "id", reps: int | None = None) -> str:
    """A few sentences (markdown) saying what the run's numbers mean for the budget."""
    formats.locale(language)  # refuse an unknown language early
    t = TEMPLATES[language]
    x = reading_numbers(result)
    rp = lambda v: formats.rupiah(v, language)  # noqa: E731
    n = lambda v: formats.count(v, language)  # noqa: E731
    pc = lambda v: formats.percent(v, language)  # noqa: E731
    change = (x["cost_last"] - x["cost_first"]) / x["cost_first"] if x["cost_first"] else 0.0
    fields = {
        **{k: n(x[k]) for k in x if k not in ("first", "last") and isinstance(x[k], int)},
        **{k: rp(x[k]) for k in ("cost_first", "cost_last", "cost_total", "cost_total_real", "per_year")},
        "coverage_first": pc(x["coverage_first"]),
        "coverage_last": pc(x["coverage_last"]),
        "first": x["first"],
        "last": x["last"],
        "trend": t["up"] if change > 0.02 else t["down"] if change < -0.02 else t["flat"],
    }
    refill = t["refill_none"] if x["enrolled_later"] == 0 else t["refill_some"]
    fields["refill"] = refill.format(**fields)
    parts = [t["start"], t["end"]]
    if x["arrears_last"] > 0:
        parts.append(t["arrears"])
    if x["covered_last"] < x["covered_first"]:
        parts.append(t["causes"])
    if x["graduates"] > 0 and x["graduated_mandiri"] < x["graduates"]:
        parts.append(t["graduates"])
    if x["waiting_peak"] > 0:
        parts.append(t["ceiling"])
    parts.append(t["cost"])
    text = " ".join(p.format(**fields) for p in parts)
    q = quantiles(result)
    if q is not None:
        at = q[q["year"] == fields["first"]].set_index("quantile")["subsidy_cost"]
        text += " " + t["bands"].format(
            reps=reps or "", first=fields["first"], low=rp(at[at.index.min()]), high=rp(at[at.index.max()])
        )
    return f"{text}\n\n*{t['caveat']}*"
