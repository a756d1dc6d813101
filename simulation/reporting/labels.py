"""Every word a report shows, in Indonesian and English.

``text("members_title", "en")`` looks a label up; a missing key or language raises,
so a report never silently falls back to another language.
"""

from __future__ import annotations

from simulation.core.languages import check_language
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
    "replicates": ("replikasi", "replicates"),
    "section_headline": ("Angka utama", "Headline figures"),
    "section_reading": ("Apa arti angka-angka ini", "What the numbers say"),
    "section_years": ("Tahun demi tahun", "Year by year"),
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
    "section_benefits": ("Manfaat bagi keluarga dan nilai uang", "Benefits for families and value for money"),
    "benefits_note": (
        "Perkiraan klaim yang dibayar BPJS Ketenagakerjaan kepada peserta yang terlindungi: kecelakaan kerja, "
        "kematian dan beasiswa anak (syarat 36 bulan kepesertaan); tingkat kejadian adalah asumsi dengan rentang.",
        "Expected claims BPJS Ketenagakerjaan pays protected members: work accidents, deaths and children's "
        "scholarships (36 months of membership needed); incidence rates are assumptions with ranges.",
    ),
    "cost_apbd_kabupaten": ("Biaya APBD Kabupaten", "APBD Kabupaten cost"),
    "budget_ceiling": ("Pagu", "Ceiling"),
    "ceiling_used": ("Pagu terpakai", "Ceiling used"),
    "waiting_end": ("Daftar tunggu (Des)", "Waiting list (Dec)"),
    "share_of_apbd": ("Porsi belanja APBD", "Share of APBD spending"),
    "accidents": ("Kecelakaan kerja", "Work accidents"),
    "deaths_all": ("Kematian", "Deaths"),
    "scholarship_children": ("Anak penerima beasiswa", "Children with scholarships"),
    "families_reached": ("Keluarga menerima manfaat", "Families reached"),
    "benefits_paid": ("Manfaat dibayar", "Benefits paid"),
    "benefits_per_rupiah_subsidy": ("Manfaat per rupiah subsidi", "Benefits per rupiah of subsidy"),
    "claims_ratio": ("Rasio klaim terhadap iuran", "Claims to contributions"),
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
    # annual table headers
    "year": ("Tahun", "Year"),
    "covered_end": ("UMKM terlindungi (akhir tahun)", "UMKM protected (year end)"),
    "coverage_end": ("Cakupan terhadap target", "Coverage of target"),
    "subsidised_end": ("Disubsidi (akhir tahun)", "Subsidised (year end)"),
    "mandiri_end": ("Mandiri (akhir tahun)", "Self-paying (year end)"),
    "lapsed_end": ("Berhenti membayar (akhir tahun)", "Lapsed (year end)"),
    "enrolled": ("Didaftarkan", "Enrolled"),
    "graduated": ("Naik kelas", "Graduated"),
    "dropped_out": ("Berhenti membayar", "Dropped out"),
    "subsidy_cost": ("Biaya publik (Rp)", "Public cost (IDR)"),
    "subsidy_cost_real": ("Biaya publik, rupiah tahun awal (Rp)", "Public cost, first-year rupiah (IDR)"),
    "cumulative_subsidy_cost": ("Biaya publik kumulatif (Rp)", "Cumulative public cost (IDR)"),
    "cost_per_covered_member_year": ("Biaya per UMKM-tahun terlindungi (Rp)", "Cost per protected UMKM-year (IDR)"),
    "self_paid": ("Dibayar sendiri oleh peserta mandiri (Rp)", "Paid by self-paying members (IDR)"),
    "coverage_target": ("Target cakupan (UMKM)", "Coverage target (UMKM)"),
    "payer": ("Pembayar", "Payer"),
    "nominal": ("Nominal (Rp)", "Nominal (IDR)"),
    "real": ("Riil, rupiah tahun awal (Rp)", "Real, first-year rupiah (IDR)"),
    "kecamatan": ("Kecamatan", "Kecamatan"),
    "covered_end_kec": ("UMKM terlindungi (akhir tahun)", "UMKM protected (year end)"),
    "subsidy_cost_kec": ("Biaya publik (Rp)", "Public cost (IDR)"),
    # assumptions table
    "group": ("Kelompok", "Group"),
    "key": ("Parameter", "Parameter"),
    "param_value": ("Nilai", "Value"),
    "unit": ("Satuan", "Unit"),
    "range": ("Rentang wajar", "Plausible range"),
    "source": ("Sumber", "Source"),
    # provenance
    "item": ("Butir", "Item"),
    # states and payers
    "state_eligible": ("Belum terdaftar", "Eligible, not enrolled"),
    "state_subsidised": ("Disubsidi", "Subsidised"),
    "state_mandiri": ("Mandiri (bayar sendiri)", "Self-paying (mandiri)"),
    "state_lapsed": ("Berhenti membayar", "Lapsed"),
    # charts
    "chart_members": ("UMKM menurut status kepesertaan", "UMKM by membership state"),
    "chart_cost_by_payer": ("Biaya tahunan menurut pembayar", "Annual cost by payer"),
    "chart_cumulative": ("Biaya publik kumulatif", "Cumulative public cost"),
    "chart_coverage": ("UMKM terlindungi terhadap target", "UMKM protected against the target"),
    "chart_kecamatan": (
        "UMKM terlindungi dan biaya per kecamatan, {year}",
        "UMKM protected and cost by kecamatan, {year}",
    ),
    "axis_umkm": ("UMKM", "UMKM"),
    "axis_billion": ("Rp miliar", "IDR billion"),
    "axis_million": ("Rp juta", "IDR million"),
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
    """The label ``key`` in ``language`` ("id" or "en"), with ``{name}`` fields filled from ``values``."""
    check_language(language)
    pair = LABELS[key]
    label = pair[0] if language == "id" else pair[1]
    return label.format(**values) if values else label


def state(name: str, language: str) -> str:
    """A membership state's name in ``language``."""
    return text(f"state_{name}", language)


def payer(name: str, language: str) -> str:
    """A payer's name in ``language`` (``cost_`` prefix allowed)."""
    check_language(language)
    return payer_label(name.removeprefix("cost_"), language)
