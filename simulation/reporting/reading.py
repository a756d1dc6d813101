"""A short plain-language reading of a run's numbers, in Indonesian or English.

Every number is taken from the result and formatted through :mod:`simulation.reporting.formats`;
the sentences are templates chosen by language, with the direction of change worded from the data.
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
            "{subsidised_last} masih disubsidi dan {mandiri_last} membayar sendiri."
        ),
        "graduates": (
            "Selama {first}-{last}, {graduates} UMKM naik kelas ke kepesertaan mandiri, tetapi {dropped} "
            "peserta berhenti membayar sesudah lulus atau sebagai peserta mandiri, sehingga kehilangan "
            "perlindungan."
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
            "{subsidised_last} still subsidised and {mandiri_last} paying for themselves."
        ),
        "graduates": (
            "Over {first}-{last}, {graduates} UMKM graduate to self-paying membership, but {dropped} members "
            "stop paying after graduating or as self-payers and so lose their cover."
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


def reading(result, language: str = "id", reps: int | None = None) -> str:
    """A few sentences (markdown) saying what the run's numbers mean for the budget."""
    formats.locale(language)  # refuse an unknown language early
    t = TEMPLATES[language]
    a = result.annual()
    ind = result.indicators()
    first, last = a.iloc[0], a.iloc[-1]
    rp = lambda v: formats.rupiah(v, language)  # noqa: E731
    n = lambda v: formats.count(v, language)  # noqa: E731
    pc = lambda v: formats.percent(v, language, digits=0)  # noqa: E731
    cost_first, cost_last = float(first["subsidy_cost"]), float(last["subsidy_cost"])
    change = (cost_last - cost_first) / cost_first if cost_first else 0.0
    trend = t["up"] if change > 0.02 else t["down"] if change < -0.02 else t["flat"]
    fields = {
        "first": int(first["year"]),
        "last": int(last["year"]),
        "cost_first": rp(cost_first),
        "cost_last": rp(cost_last),
        "covered_first": n(first["covered_end"]),
        "coverage_first": pc(first["coverage_end"]),
        "target": n(first["coverage_target"]),
        "covered_last": n(last["covered_end"]),
        "coverage_last": pc(last["coverage_end"]),
        "subsidised_last": n(last["subsidised_end"]),
        "mandiri_last": n(last["mandiri_end"]),
        "graduates": n(ind["graduates_total"]),
        "dropped": n(ind["dropped_out_total"]),
        "cost_total": rp(ind["subsidy_cost_total"]),
        "cost_total_real": rp(ind["subsidy_cost_total_real"]),
        "per_year": rp(ind["cost_per_covered_member_year"]),
        "trend": trend,
    }
    parts = [t["start"], t["end"], t["graduates"], t["cost"]]
    text = " ".join(p.format(**fields) for p in parts)
    q = quantiles(result)
    if q is not None:
        at = q[q["year"] == fields["first"]].set_index("quantile")["subsidy_cost"]
        text += " " + t["bands"].format(
            reps=reps or "", first=fields["first"], low=rp(at[at.index.min()]), high=rp(at[at.index.max()])
        )
    return f"{text}\n\n*{t['caveat']}*"
