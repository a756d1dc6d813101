"""How a brief names each scenario parameter, its unit and the words of its values, in id and en.

A scenario file writes units and sources for the modeller, in English; a brief shows each
parameter under a label and a unit in the report's language from :data:`PARAMETERS`, one entry per
parameter of the schema (a test checks none is missing). ``kind`` says how a value is shown and
stored: ``rupiah``, ``share``, ``count``, ``number``, ``month`` (calendar month 1-12) or ``name``
(a rule's or payer's name, shown through :data:`NAMES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulation.core.languages import check_language
from simulation.rules.payers import PAYERS, payer_label


@dataclass(frozen=True)
class ParameterLabel:
    """A parameter as a brief shows it.

    Attributes
    ----------
    label, unit : dict of str to str
        Name and unit in each language (``{"id": ..., "en": ...}``).
    kind : str
        How its values are shown: rupiah, share, count, number, month or name.
    """

    label: dict[str, str]
    unit: dict[str, str]
    kind: str


def _p(label_id: str, label_en: str, unit_id: str, unit_en: str, kind: str) -> ParameterLabel:
    return ParameterLabel({"id": label_id, "en": label_en}, {"id": unit_id, "en": unit_en}, kind)


PARAMETERS: dict[str, ParameterLabel] = {
    "population.initial_umkm": _p("Jumlah UMKM awal", "UMKM at the start", "UMKM", "UMKM", "count"),
    "population.entry_rate": _p(
        "UMKM baru per tahun", "New UMKM per year", "bagian dari UMKM aktif", "share of open UMKM", "share"
    ),
    "population.sector_shares": _p("Sebaran per sektor usaha", "Split by business sector", "bagian", "share", "share"),
    "population.kecamatan_shares": _p(
        "Sebaran per kecamatan", "Split by kecamatan", "bagian dari UMKM", "share of UMKM", "share"
    ),
    "population.revenue_mean": _p(
        "Omzet tahunan rata-rata", "Mean annual revenue", "rupiah per tahun", "rupiah a year", "rupiah"
    ),
    "population.revenue_sigma": _p(
        "Sebaran omzet", "Spread of revenue", "simpangan baku log omzet", "standard deviation of log revenue", "number"
    ),
    "policy.rollout": _p(
        "UMKM yang didaftarkan (kumulatif)",
        "UMKM enrolled (cumulative)",
        "UMKM",
        "UMKM",
        "count",
    ),
    "policy.graduation.rule": _p("Aturan naik kelas", "Graduation rule", "aturan", "rule", "name"),
    "policy.graduation.rate": _p(
        "Peluang naik kelas",
        "Graduation probability",
        "peluang per evaluasi",
        "probability per evaluation",
        "share",
    ),
    "policy.graduation.revenue_threshold": _p(
        "Batas omzet untuk naik kelas",
        "Revenue threshold for graduating",
        "rupiah per tahun",
        "rupiah a year",
        "rupiah",
    ),
    "policy.graduation.revenue_growth": _p(
        "Pertumbuhan omzet untuk naik kelas",
        "Revenue growth for graduating",
        "bagian per tahun evaluasi",
        "share over the evaluation year",
        "share",
    ),
    "policy.graduation.class_berkembang": _p(
        "Omzet minimum kelas berkembang (klasifikasi dinas)",
        "Revenue from which a UMKM is 'berkembang' (the office's class)",
        "rupiah per tahun",
        "rupiah a year",
        "rupiah",
    ),
    "policy.graduation.class_mandiri": _p(
        "Omzet minimum kelas mandiri (klasifikasi dinas)",
        "Revenue from which a UMKM is 'mandiri' (the office's class)",
        "rupiah per tahun",
        "rupiah a year",
        "rupiah",
    ),
    "policy.graduation.min_subsidised_years": _p(
        "Masa subsidi minimum sebelum naik kelas",
        "Minimum years of subsidy before graduating",
        "tahun",
        "years",
        "count",
    ),
    "policy.graduation.evaluation_month": _p(
        "Bulan evaluasi", "Evaluation month", "bulan kalender", "calendar month", "month"
    ),
    "policy.graduation.retention": _p(
        "UMKM naik kelas yang terus membayar",
        "Graduates who go on paying",
        "peluang",
        "probability",
        "share",
    ),
    "policy.payers": _p(
        "Pembagian iuran antarpembayar", "Split of the bill between payers", "bagian", "share", "share"
    ),
    "policy.budget_ceiling": _p(
        "Pagu APBD Kabupaten untuk iuran",
        "APBD Kabupaten ceiling for contributions",
        "rupiah per tahun",
        "rupiah a year",
        "rupiah",
    ),
    "policy.priority": _p("Urutan prioritas di bawah pagu", "Priority under the ceiling", "aturan", "rule", "name"),
    "policy.kecamatan_quota": _p(
        "Kuota pendaftaran per kecamatan",
        "Enrolment quota by kecamatan",
        "bagian pendaftaran",
        "share of enrolments",
        "share",
    ),
    "policy.sector_order": _p(
        "Urutan sektor yang dilayani",
        "Order in which sectors are served",
        "sektor, yang pertama lebih dulu",
        "sectors, first served first",
        "name",
    ),
    "policy.months_funded": _p(
        "Bulan yang didanai per tahun anggaran",
        "Months funded in each fiscal year",
        "bulan, mulai Januari",
        "months, from January",
        "count",
    ),
    "policy.payment_schedule": _p(
        "Jadwal pembayaran iuran ke BPJS Ketenagakerjaan",
        "When contributions are paid to BPJS Ketenagakerjaan",
        "periode dan waktu",
        "period and timing",
        "name",
    ),
    "policy.group_payers": _p(
        "Pembayar khusus kelompok UMKM", "Payers of particular UMKM groups", "bagian", "share", "name"
    ),
    "policy.coverage_target": _p("Target cakupan", "Coverage target", "UMKM", "UMKM", "count"),
    "assumptions.closure_rate": _p(
        "Usaha yang tutup", "Businesses that close", "peluang per tahun", "probability a year", "share"
    ),
    "assumptions.mandiri_lapse_rate": _p(
        "Peserta mandiri yang berhenti membayar",
        "Self-payers who stop paying",
        "peluang per tahun",
        "probability a year",
        "share",
    ),
    "assumptions.reactivation_rate": _p(
        "Peserta menunggak yang membayar lagi",
        "Lapsed members who resume paying",
        "peluang per tahun",
        "probability a year",
        "share",
    ),
    "assumptions.revenue_drift": _p(
        "Pertumbuhan omzet rata-rata",
        "Mean revenue growth",
        "perubahan log omzet per tahun",
        "change of log revenue a year",
        "number",
    ),
    "assumptions.revenue_volatility": _p(
        "Gejolak omzet", "Revenue volatility", "simpangan baku per tahun", "standard deviation a year", "number"
    ),
    "assumptions.inflation": _p("Inflasi", "Inflation", "per tahun", "a year", "share"),
    "contribution.jkk": _p(
        "Iuran JKK", "JKK contribution", "rupiah per peserta per bulan", "rupiah per member a month", "rupiah"
    ),
    "contribution.jkm": _p(
        "Iuran JKM", "JKM contribution", "rupiah per peserta per bulan", "rupiah per member a month", "rupiah"
    ),
    "contribution.jht": _p(
        "Iuran JHT", "JHT contribution", "rupiah per peserta per bulan", "rupiah per member a month", "rupiah"
    ),
    "contribution.self_pay_discount": _p(
        "Potongan iuran peserta mandiri",
        "Discount for self-paying members",
        "bagian dari iuran",
        "share of the contribution",
        "share",
    ),
    "benefits.accident_rate": _p(
        "Kecelakaan kerja", "Work accidents", "per peserta per tahun", "per member a year", "number"
    ),
    "benefits.accident_medical_cost": _p(
        "Biaya perawatan per kecelakaan", "Medical cost per accident", "rupiah", "rupiah", "rupiah"
    ),
    "benefits.accident_income_months": _p(
        "Bulan santunan upah per kecelakaan",
        "Months of income replaced per accident",
        "bulan",
        "months",
        "number",
    ),
    "benefits.declared_income": _p(
        "Penghasilan yang dilaporkan", "Declared income", "rupiah per bulan", "rupiah a month", "rupiah"
    ),
    "benefits.accident_fatal_share": _p(
        "Kecelakaan kerja yang fatal", "Work accidents that are fatal", "bagian", "share", "share"
    ),
    "benefits.jkk_death_benefit": _p(
        "Santunan kematian karena kecelakaan kerja", "Benefit for a work-accident death", "rupiah", "rupiah", "rupiah"
    ),
    "benefits.death_rate": _p(
        "Kematian bukan karena kerja", "Deaths not from work", "per peserta per tahun", "per member a year", "number"
    ),
    "benefits.jkm_benefit": _p("Santunan JKM", "JKM benefit", "rupiah per kematian", "rupiah per death", "rupiah"),
    "benefits.jkm_benefit_early": _p(
        "Santunan JKM pada bulan-bulan pertama kepesertaan",
        "JKM benefit in the first months of membership",
        "rupiah per kematian",
        "rupiah per death",
        "rupiah",
    ),
    "benefits.jkm_full_after_months": _p(
        "Masa kepesertaan sebelum santunan JKM penuh",
        "Membership before the full JKM benefit",
        "bulan",
        "months",
        "count",
    ),
    "benefits.children_per_family": _p(
        "Anak penerima beasiswa per keluarga", "Children with a scholarship per family", "anak", "children", "number"
    ),
    "benefits.scholarship_per_child": _p(
        "Beasiswa per anak",
        "Scholarship per child",
        "rupiah, seluruh masa sekolah",
        "rupiah over the schooling",
        "rupiah",
    ),
    "benefits.scholarship_min_months": _p(
        "Masa kepesertaan untuk beasiswa", "Membership needed for scholarships", "bulan", "months", "count"
    ),
    "fiscal.apbd_total_spending": _p(
        "Belanja APBD Kabupaten seluruhnya",
        "Total APBD Kabupaten spending",
        "rupiah per tahun",
        "rupiah a year",
        "rupiah",
    ),
    "fiscal.discount_rate": _p("Tingkat diskonto", "Discount rate", "per tahun", "a year", "share"),
}
"""Every parameter of the scenario schema, by dotted key."""

GROUPS = {
    "population": {"id": "Populasi", "en": "Population"},
    "policy": {"id": "Kebijakan", "en": "Policy"},
    "assumptions": {"id": "Asumsi", "en": "Assumptions"},
    "contribution": {"id": "Iuran", "en": "Contributions"},
    "benefits": {"id": "Manfaat", "en": "Benefits"},
    "fiscal": {"id": "Fiskal", "en": "Fiscal"},
}
"""The schema's top-level sections."""

NAMES = {
    # business sectors (population.sector_shares)
    "perdagangan": {"id": "perdagangan", "en": "trade"},
    "kuliner": {"id": "kuliner", "en": "food"},
    "pertanian": {"id": "pertanian", "en": "farming"},
    "tembakau": {"id": "tembakau", "en": "tobacco"},
    "kerajinan": {"id": "kerajinan", "en": "crafts"},
    "jasa": {"id": "jasa", "en": "services"},
    # graduation rules (simulation.rules.graduation)
    "rate": {"id": "peluang tetap", "en": "flat probability"},
    "revenue_threshold": {"id": "batas omzet", "en": "revenue threshold"},
    "revenue_growth": {"id": "pertumbuhan omzet", "en": "revenue growth"},
    "revenue_and_growth": {"id": "batas dan pertumbuhan omzet", "en": "revenue threshold and growth"},
    "none": {"id": "tidak ada yang naik kelas", "en": "nobody graduates"},
    # payment schedule (policy.payment_schedule)
    "monthly": {"id": "bulanan", "en": "monthly"},
    "quarterly": {"id": "triwulanan", "en": "quarterly"},
    "half-yearly": {"id": "semesteran", "en": "half-yearly"},
    "yearly": {"id": "tahunan", "en": "yearly"},
    "advance": {"id": "di awal periode", "en": "in advance"},
    "arrears": {"id": "di akhir periode", "en": "in arrears"},
    # priority rules (simulation.rules.priority)
    "kecamatan_quota": {"id": "kuota per kecamatan", "en": "kecamatan quota"},
    "first_come": {"id": "urutan pendaftaran", "en": "first come, first served"},
    "sector_order": {"id": "urutan sektor", "en": "sector order"},
}
"""Words that appear as values (sectors, rule names), in each language; payers come from PAYERS."""

MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}

_CITED = re.compile(r"\b[FG]\d+(?:\.\d+)?\b")

SOURCE_WORDS = {
    "fact": {"id": "Fakta {facts}", "en": "Facts {facts}"},
    "assumption": {"id": "Asumsi tanpa data lokal", "en": "Assumption without local data"},
    "assumption_cited": {"id": "Asumsi; acuan: {facts}", "en": "Assumption; based on {facts}"},
}


def parameter(key: str) -> ParameterLabel:
    """The label entry of parameter ``key`` (``KeyError`` naming the key when it has none)."""
    try:
        return PARAMETERS[key]
    except KeyError:
        raise KeyError(f"parameter {key!r} has no label in simulation.reporting.parameter_labels") from None


def parameter_or_key(key: str, unit: str) -> ParameterLabel:
    """The label entry of ``key``, or (for a parameter added to the schema without one yet) its
    dotted key and the scenario file's unit, so a report still runs; the tests require an entry."""
    if key in PARAMETERS:
        return PARAMETERS[key]
    return ParameterLabel({"id": key, "en": key}, {"id": unit, "en": unit}, "number")


def name(word: str, language: str) -> str:
    """A sector, rule or payer name in ``language``; an unknown word (a kecamatan) as written."""
    check_language(language)
    if word in PAYERS:
        return payer_label(word, language)
    return NAMES[word][language] if word in NAMES else word


def month(period: str, language: str) -> str:
    """A period key as a reader writes it: ``2026-04`` -> ``Apr 2026``; a year stays a year."""
    check_language(language)
    if "-" not in period:
        return period
    year, mon = period.split("-")
    return f"{MONTHS[language][int(mon) - 1]} {year}"


def source(text: str, language: str) -> str:
    """A parameter's source, shortened to what it rests on, in ``language``.

    The scenario file's source is English prose for the modeller; a brief says whether the value is
    an assumption and which facts (``F1.2``, ``G3.3`` in the domain fact sheet) it cites. The English
    brief shows the prose itself.
    """
    check_language(language)
    prose = " ".join(text.split())
    if language == "en":
        return prose
    cited = ", ".join(dict.fromkeys(_CITED.findall(prose)))
    if prose.lower().startswith("assumption"):
        key = "assumption_cited" if cited else "assumption"
    else:
        key = "fact" if cited else "assumption"
    return SOURCE_WORDS[key][language].format(facts=cited)
