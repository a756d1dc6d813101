"""Every word a report shows, in Indonesian and English: section titles, prose, chart words.

``text("members_title", "en")`` looks a label up; a missing key or language raises,
so a report never silently falls back to another language. Column labels are not here: each
output variable carries its own (:mod:`simulation.outputs.variables`) and :func:`header` adds the
currency to rupiah columns; payers' names come from :mod:`simulation.rules.payers`.
"""

from __future__ import annotations

from babel.numbers import get_currency_symbol

from simulation.core.languages import LANGUAGES, check_language
from simulation.outputs.variables import variable
from simulation.rules.payers import payer_label

LABELS: dict[str, tuple[str, str]] = {
    # report sections (Indonesian, English)
    "report_title": ("Ringkasan anggaran perlindungan sosial UMKM", "UMKM social-protection budget brief"),
    "report_intro": (
        "Kepesertaan BPJS Ketenagakerjaan JKK + JKM bagi UMKM, dibayar APBD sampai UMKM naik kelas ke "
        "kepesertaan mandiri.",
        "BPJS Ketenagakerjaan JKK + JKM for UMKM, paid by the regional budget until they graduate to "
        "self-paying (mandiri) membership.",
    ),
    "scenario": ("Skenario", "Scenario"),
    "engine": ("Mesin simulasi", "Engine"),
    "region": ("Wilayah", "Region"),
    "replicates": ("replikasi", "replicates"),
    "section_headline": ("Angka utama", "Headline figures"),
    "section_reading": ("Apa arti angka-angka ini", "What the numbers say"),
    "section_years": ("Rincian per tahun", "Year by year"),
    "years_note": (
        "Jumlah UMKM dihitung pada akhir tiap tahun anggaran, sesudah evaluasi; biaya dijumlah selama "
        "setahun, dalam rupiah nominal.",
        "Counts are at the end of each fiscal year, after its evaluation; costs are sums over the year, "
        "in nominal rupiah.",
    ),
    "section_charts": ("Grafik", "Charts"),
    "section_payers": ("Biaya per pembayar", "Cost by payer"),
    "section_kecamatan": ("Per kecamatan", "By kecamatan"),
    "section_fiscal": ("Anggaran: pagu, daftar tunggu, pembayar", "Budget: ceiling, waiting list, payers"),
    "fiscal_note": (
        "Pagu membatasi belanja APBD Kabupaten untuk iuran per tahun anggaran; UMKM yang tidak tertampung "
        "masuk daftar tunggu. Nilai kini dihitung dengan tingkat diskonto {rate}.",
        "The ceiling caps what the APBD Kabupaten spends on contributions in each fiscal year; UMKM that do "
        "not fit wait. Present values use a discount rate of {rate}.",
    ),
    "apbd_illustrative": (
        "**{label} hanya ilustrasi.** Total belanja APBD {region} tidak ada dalam fakta (yang diketahui hanya "
        "APBD Lombok Timur, F5.3); angka ini memakai asumsi skenario, {total} pada {year}.",
        "**{label} is illustrative only.** {region}'s total APBD spending is not in the facts (only Lombok "
        "Timur's is, F5.3); the figure uses the scenario's assumption, {total} in {year}.",
    ),
    "portfolio_apbd_illustrative": (
        "{label}: total belanja APBD {assumed} dari {total} wilayah tidak ada dalam fakta (yang diketahui "
        "hanya Lombok Timur, F5.3); wilayah lain memakai asumsi skenarionya atau mewarisi APBD "
        "Lombok Timur, sehingga porsi APBD per wilayah hanya ilustrasi dan tidak ditampilkan di sini.",
        "{label}: the total APBD spending of {assumed} of the {total} regions is not in the facts (only "
        "Lombok Timur's is, F5.3); the others use their scenario's assumption or inherit Lombok "
        "Timur's, so a region's share of APBD is illustrative only and is not shown here.",
    ),
    "section_apbd": ("Rekening belanja APBD Kabupaten", "The APBD Kabupaten's expenditure accounts"),
    "apbd_note": (
        "Kabupaten menganggarkan iuran JKK dan JKM pada rekening terpisah (kode rekening untuk pegawai "
        "non-ASN, G3.3; rekening khusus untuk pekerja rentan bukan pegawai belum ada). Rupiah nominal "
        "per tahun anggaran.",
        "Regencies budget JKK and JKM contributions on separate accounts (the codes used for non-civil-"
        "servant staff, G3.3; no account for vulnerable workers who are not staff exists yet). Nominal "
        "rupiah per fiscal year.",
    ),
    "month": ("Bulan", "Month"),
    "cash_total": ("Jumlah kas (Rp)", "Cash total (IDR)"),
    "cash_year_total": ("Jumlah {year}", "Total {year}"),
    "section_cash": ("Anggaran kas {year}", "Cash plan {year}"),
    "cash_note_monthly": (
        "Kas yang keluar dari tiap pembayar ke BPJS Ketenagakerjaan per bulan. Iuran dibayar bulanan, "
        "sehingga kas setiap bulan sama dengan biaya akrual bulan itu; setahun {accrual}.",
        "Cash each payer pays BPJS Ketenagakerjaan by month. Contributions are paid monthly, so each "
        "month's cash equals that month's accrued cost; {accrual} over the year.",
    ),
    "cash_note_periodic": (
        "Kas yang keluar dari tiap pembayar ke BPJS Ketenagakerjaan per bulan. Iuran dibayar {every} "
        "{timing}: seluruh tagihan satu periode keluar dari kas pada bulan pembayarannya dan bulan lain "
        "bernilai nol, sedangkan biaya akrual dicatat pada bulan kepesertaannya; dalam setahun keduanya "
        "sama, {accrual}.",
        "Cash each payer pays BPJS Ketenagakerjaan by month. Contributions are paid {every} {timing}: "
        "each period's whole bill leaves the account in the month it is paid and the other months show "
        "zero, whereas the accrued cost falls in the months of membership; over the year both come to "
        "{accrual}.",
    ),
    "account_jkk": ("Belanja iuran JKK", "JKK contributions"),
    "account_jkm": ("Belanja iuran JKM", "JKM contributions"),
    "account_jht": ("Belanja iuran JHT", "JHT contributions"),
    "account_total": ("Jumlah APBD Kabupaten", "APBD Kabupaten total"),
    "pdf_page": ("Halaman", "Page"),
    "section_benefits": ("Manfaat bagi keluarga dan nilai uang", "Benefits for families and value for money"),
    "benefits_note": (
        "Perkiraan klaim yang dibayar BPJS Ketenagakerjaan kepada peserta yang terlindungi: kecelakaan kerja, "
        "kematian dan beasiswa anak (syarat 36 bulan kepesertaan); tingkat kejadian adalah asumsi dengan rentang.",
        "Expected claims BPJS Ketenagakerjaan pays protected members: work accidents, deaths and children's "
        "scholarships (36 months of membership needed); incidence rates are assumptions with ranges.",
    ),
    "subsidy_npv": ("Nilai kini subsidi", "Present value of the subsidy"),
    "cost_per_graduate": ("Biaya per UMKM yang naik kelas", "Cost per graduate"),
    "cost_per_protected_umkm_year": ("Biaya per UMKM terlindungi per tahun", "Cost per protected UMKM-year"),
    "section_assumptions": ("Asumsi dan sumbernya", "Assumptions and their sources"),
    "section_provenance": ("Asal-usul hasil", "Provenance"),
    "section_files": ("Berkas", "Files"),
    "files_note": (
        "Tabel lengkap ada di tables.xlsx dan berkas CSV di folder yang sama; manifest.json mencatat "
        "skenario, versi dan commit.",
        "The full tables are in tables.xlsx and the CSV files in the same folder; manifest.json records "
        "the scenario, versions and commit.",
    ),
    "bands_note": (
        "Pita abu-abu: rentang P5-P95 dari {reps} replikasi mikrosimulasi; garis: median.",
        "Grey bands: the P5-P95 range over {reps} microsimulation replicates; lines: the median.",
    ),
    "no_bands_note": (
        "Rentang P5-P95 tidak ditampilkan: {reps} replikasi terlalu sedikit (paling sedikit {least}); "
        "angka adalah median.",
        "No P5-P95 range is shown: {reps} replicates are too few (at least {least}); figures are medians.",
    ),
    # headline figures
    "covered_first": ("UMKM terlindungi akhir {year}", "UMKM protected at the end of {year}"),
    "covered_last": ("UMKM terlindungi akhir {year}", "UMKM protected at the end of {year}"),
    "coverage_last": (
        "Cakupan terhadap target {target} UMKM ({year})",
        "Coverage of the {target} UMKM target ({year})",
    ),
    "graduates_total": ("UMKM naik kelas ke mandiri ({first}-{last})", "UMKM graduated to mandiri ({first}-{last})"),
    "dropped_total": (
        "Berhenti membayar sesudah lulus ({first}-{last})",
        "Stopped paying after graduating ({first}-{last})",
    ),
    "cost_first": ("Biaya publik {year}", "Public cost {year}"),
    "cost_kabupaten_total": (
        "Biaya APBD Kabupaten total {first}-{last}",
        "Regency budget (APBD Kabupaten) total {first}-{last}",
    ),
    "kabupaten_total_col": ("APBD Kabupaten total", "APBD Kabupaten total"),
    "cost_total": ("Biaya publik total {first}-{last}", "Total public cost {first}-{last}"),
    "cost_total_real": ("Biaya publik total, rupiah {first}", "Total public cost, {first} rupiah"),
    "cost_per_year": ("Biaya publik per UMKM terlindungi per tahun", "Public cost per protected UMKM-year"),
    "figure": ("Angka", "Figure"),
    "value": ("Nilai", "Value"),
    "range_p5_p95": ("Rentang P5-P95", "P5-P95 range"),
    # table headers that are not output variables (those are in simulation/outputs/variables.py)
    "year": ("Tahun", "Year"),
    "payer": ("Pembayar", "Payer"),
    "kecamatan": ("Kecamatan", "Kecamatan"),
    # assumptions table
    "since": ("sejak", "from"),
    "assumption_group": ("Kelompok", "Group"),
    "assumption_key": ("Parameter", "Parameter"),
    "assumption_detail": ("Rincian", "Detail"),
    "assumption_value": ("Nilai", "Value"),
    "assumption_unit": ("Satuan", "Unit"),
    "assumption_low": ("Batas bawah wajar", "Plausible low"),
    "assumption_high": ("Batas atas wajar", "Plausible high"),
    "assumption_source": ("Sumber", "Source"),
    "group": ("Kelompok", "Group"),
    "key": ("Parameter", "Parameter"),
    "param_value": ("Nilai", "Value"),
    "unit": ("Satuan", "Unit"),
    "range": ("Rentang wajar", "Plausible range"),
    "source": ("Sumber", "Source"),
    # provenance
    "item": ("Butir", "Item"),
    "prov_scenario": ("Skenario", "Scenario"),
    "prov_file": ("Berkas skenario", "Scenario file"),
    "prov_hash": ("Sidik sha256 skenario", "Scenario sha256"),
    "prov_overrides": ("Nilai yang diubah", "Overrides"),
    "prov_seed": ("Benih acak", "Random seed"),
    "prov_reps": ("Replikasi", "Replicates"),
    "prov_language": ("Bahasa", "Language"),
    "prov_commit": ("Commit git", "Git commit"),
    "prov_dirty": (" (ada perubahan belum di-commit)", " (uncommitted changes)"),
    "prov_created": ("Dibuat (UTC)", "Created (UTC)"),
    "prov_version": ("Versi {lib}", "Version of {lib}"),
    "none": ("tidak ada", "none"),
    "language_id": ("Indonesia", "Indonesian"),
    "language_en": ("Inggris", "English"),
    "engine_cohort": ("kohort (jumlah harapan, deterministik)", "cohort (expected counts, deterministic)"),
    "engine_micro": ("mikrosimulasi (setiap UMKM satu agen)", "microsimulation (every UMKM an agent)"),
    # charts
    "chart_members": ("UMKM menurut status kepesertaan", "UMKM by membership state"),
    "chart_cost_by_payer": ("Biaya tahunan menurut pembayar", "Annual cost by payer"),
    "chart_cumulative": ("Biaya publik kumulatif", "Cumulative public cost"),
    "chart_coverage": ("UMKM terlindungi terhadap target", "UMKM protected against the target"),
    "chart_kecamatan": ("Per kecamatan", "By kecamatan"),
    "chart_kecamatan_covered": ("UMKM terlindungi, akhir {year}", "UMKM protected, end of {year}"),
    "chart_kecamatan_cost": ("Biaya publik, jumlah {first}-{last}", "Public cost, total {first}-{last}"),
    "equal_split_note": (
        "Asumsi: UMKM dibagi rata ke semua kecamatan karena belum ada data per kecamatan (F5.2); "
        "batang yang sama panjang bukan hasil pengamatan.",
        "Assumption: UMKM are split equally over the kecamatan as no count by kecamatan exists (F5.2); "
        "equal bars are not an observation.",
    ),
    "axis_umkm": ("UMKM", "UMKM"),
    "axis_billion": ("Rp miliar", "IDR billion"),
    "axis_million": ("Rp juta", "IDR million"),
    "percentage_points": ("poin persen", "pp"),
    "unit_billion": ("Rp miliar", "IDR billion"),
    "unit_million": ("Rp juta", "IDR million"),
    "unit_rupiah": ("Rp", "IDR"),
    "axis_month": ("Bulan", "Month"),
    "axis_year": ("Tahun", "Year"),
    "legend_target": ("Target", "Target"),
    "legend_covered": ("Terlindungi (akhir tahun)", "Protected (year end)"),
    "legend_total": ("Biaya publik", "Public cost"),
    "legend_median": ("median", "median"),
    "legend_band": ("P5-P95", "P5-P95"),
    # comparison
    "compare_title": ("Perbandingan skenario", "Scenario comparison"),
    "compare_intro": (
        "Setiap skenario dibandingkan dengan baseline `{baseline}`; selisih = skenario dikurangi baseline.",
        "Each scenario against the baseline `{baseline}`; difference = scenario minus baseline.",
    ),
    "compare_summary": ("Ringkasan satu halaman", "One-page summary"),
    "compare_by_year": ("Per tahun", "Year by year"),
    "compare_differences": ("Selisih terhadap baseline", "Difference against the baseline"),
    "compare_surprises": ("Hasil yang berlawanan dengan dugaan", "Results against intuition"),
    "compare_charts": ("Grafik perbandingan", "Comparison charts"),
    "description": ("Uraian", "Description"),
    "cost_total_col": ("Biaya publik total", "Total public cost"),
    "cost_first_col": ("Biaya publik tahun pertama", "Public cost, first year"),
    "diff_cost_total": ("Selisih biaya total", "Difference in total cost"),
    "coverage_last_col": ("Cakupan tahun terakhir", "Coverage, last year"),
    "covered_last_col": ("Terlindungi tahun terakhir", "Protected, last year"),
    "graduates_col": ("Naik kelas", "Graduates"),
    "dropped_col": ("Berhenti membayar", "Dropped out"),
    "cost_per_year_col": ("Biaya per UMKM-tahun", "Cost per UMKM-year"),
    "measure": ("Ukuran", "Measure"),
    "chart_compare_cost": ("Biaya publik per tahun", "Public cost per year"),
    "chart_compare_coverage": ("Cakupan terhadap target", "Coverage of the target"),
    "chart_compare_diff": ("Selisih biaya total terhadap baseline", "Difference in total cost against the baseline"),
    # explore
    "explore_title": ("Jelajahi tuas dan asumsi", "Explore levers and assumptions"),
    "explore_intro": (
        "Geser kontrol; grafik dihitung ulang dengan mesin kohort dalam sepersekian detik.",
        "Move the controls; the charts are recomputed on the cohort engine in a fraction of a second.",
    ),
    # index
    "index_title": ("Laporan skenario", "Scenario reports"),
    "status": ("Status", "Status"),
    "report": ("Laporan", "Report"),
    "ok": ("selesai", "done"),
    "failed": ("gagal", "failed"),
    "comparison_link": ("Perbandingan semua skenario", "Comparison of all scenarios"),
    "sensitivity_link": (
        "Analisis sensitivitas skenario dasar (asumsi mana yang paling menggerakkan biaya)",
        "Sensitivity analysis of the baseline (which assumptions move the cost most)",
    ),
    "calibration_link": (
        "Kalibrasi dari dua gelombang data registri (contoh sintetis)",
        "Calibration from two waves of registry data (synthetic demonstration)",
    ),
    "generated": ("Dibuat", "Generated"),
}


def text(key: str, language: str, **values) -> str:
    """The label ``key`` in ``language`` ("id" or "en"), with ``{name}`` fields filled from ``values``.

    A key not in :data:`LABELS` is an output variable's column header (:func:`header`); ``state_<name>``
    is a membership state's name (:func:`state`).
    """
    check_language(language)
    if key in LABELS:
        pair = LABELS[key]
        label = pair[0] if language == "id" else pair[1]
        return label.format(**values) if values else label
    if key.startswith("state_"):
        return state(key.removeprefix("state_"), language)
    return header(key, language)


def label_of(key: str, language: str) -> str:
    """The label ``key`` (:data:`LABELS`) or an output variable's label, without a unit."""
    check_language(language)
    return text(key, language) if key in LABELS else variable(key).label[language]


def header(name: str, language: str) -> str:
    """An output variable's column header: its label, and the currency when its unit is rupiah.

    Raises
    ------
    KeyError
        For a name that is neither a label nor an output variable.
    """
    check_language(language)
    var = variable(name)
    if var.unit.startswith("IDR"):
        return f"{var.label[language]} ({currency_symbol(language)})"
    return var.label[language]


def state(name: str, language: str) -> str:
    """A membership state's name in ``language`` (the label of its billed-members variable)."""
    check_language(language)
    return variable(name).label[language]


def currency_symbol(language: str) -> str:
    """The rupiah's symbol in the locale: ``Rp`` in Indonesian, ``IDR`` in English."""
    check_language(language)
    return get_currency_symbol("IDR", locale=LANGUAGES[language])


def payer(name: str, language: str) -> str:
    """A payer's name in ``language`` (``cost_`` prefix allowed)."""
    check_language(language)
    return payer_label(name.removeprefix("cost_"), language)
