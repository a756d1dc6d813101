"""The app's own words in Indonesian and English (the brief's words stay in ``reporting/labels.py``)."""

from __future__ import annotations

from simulation.core.languages import check_language

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Perencana anggaran UMKM terlindungi", "UMKM protection budget planner"),
    "intro": (
        "Pilih skenario, geser tuas kebijakan dan asumsi: angka utama dan grafik dihitung ulang dengan "
        "mesin kohort. Skenario dasar tampil di samping sebagai pembanding.",
        "Choose a scenario and move the policy levers and assumptions: the headline figures and charts are "
        "recomputed with the cohort engine. The base scenario is shown beside them for comparison.",
    ),
    "language": ("Bahasa", "Language"),
    "scenario": ("Skenario dasar", "Base scenario"),
    "levers": ("Tuas kebijakan", "Policy levers"),
    "assumptions": ("Asumsi", "Assumptions"),
    "reset": ("Kembali ke skenario dasar", "Back to the base scenario"),
    "headline": ("Angka utama", "Headline figures"),
    "cash_title": (
        "Rencana kas {year}: rupiah keluar dari anggaran publik per bulan, di samping biaya akrual",
        "Cash plan {year}: rupiah leaving the public budgets by month, beside the accrual cost",
    ),
    "cash_month": ("Bulan", "Month"),
    "cash_accrual": ("Biaya akrual (publik)", "Accrual cost (public)"),
    "cash_paid": ("Kas keluar (publik)", "Cash paid out (public)"),
    "cash_kabupaten": ("di antaranya APBD Kabupaten", "of which APBD Kabupaten"),
    "cash_total": ("Jumlah", "Total"),
    "current": ("Pengaturan ini", "These settings"),
    "base": ("Skenario dasar", "Base scenario"),
    "difference": ("Selisih", "Difference"),
    "waiting_last": ("Daftar tunggu akhir {year}", "Waiting list at the end of {year}"),
    "points": ("poin persen", "percentage points"),
    "seconds": ("dihitung dalam {seconds} detik", "computed in {seconds} s"),
    "uncertainty": ("Ketidakpastian", "Uncertainty"),
    "uncertainty_help": (
        "Jalankan mesin mikro (setiap UMKM satu agen) berulang kali dan tampilkan rentang P5-P95.",
        "Run the micro engine (every UMKM an agent) many times and show the P5-P95 range.",
    ),
    "replicates": ("Replikasi", "Replicates"),
    "cancel": ("Batalkan", "Cancel"),
    "running": ("Berjalan: {done} dari {total} replikasi", "Running: {done} of {total} replicates"),
    "cancelled": ("Dibatalkan sesudah {done} replikasi.", "Cancelled after {done} replicates."),
    "bands_shown": (
        "Rentang P5-P95 dari {reps} replikasi mesin mikro ditampilkan (benih {seed}).",
        "P5-P95 ranges from {reps} micro-engine replicates shown (seed {seed}).",
    ),
    "save_title": ("Simpan sebagai skenario", "Save as a scenario"),
    "save_name": ("Nama berkas", "File name"),
    "save_description": ("Uraian (Bahasa Indonesia)", "Description (Indonesian)"),
    "save_description_en": ("Uraian (English, boleh kosong)", "Description (English, optional)"),
    "save_overwrite": ("Timpa bila sudah ada", "Overwrite if it exists"),
    "save": ("Simpan", "Save"),
    "saved": (
        "Tersimpan: {path}. Terlihat di <code>umkm-sim list</code>.",
        "Saved: {path}. Listed by <code>umkm-sim list</code>.",
    ),
    "exists": (
        "{path} sudah ada. Centang 'Timpa bila sudah ada' lalu simpan lagi.",
        "{path} already exists. Tick 'Overwrite if it exists' and save again.",
    ),
    "bad_name": (
        "Nama berkas hanya huruf kecil, angka, '-' dan '_' (maks. 60), mis. rollout_bertahap.",
        "A file name is lower-case letters, digits, '-' and '_' (at most 60), e.g. phased_rollout.",
    ),
    "no_description": ("Tulis uraian skenario dalam Bahasa Indonesia.", "Write the scenario's Indonesian description."),
    "invalid": ("Skenario tidak sah, tidak ada yang ditulis:", "The scenario is not valid; nothing was written:"),
    "download_title": ("Unduh untuk pengaturan ini", "Download for these settings"),
    "download_xlsx": ("Siapkan tables.xlsx", "Prepare tables.xlsx"),
    "download_brief": ("Siapkan ringkasan (HTML)", "Prepare the brief (HTML)"),
    "download_pdf": ("Siapkan ringkasan (PDF siap cetak)", "Prepare the brief (print-ready PDF)"),
    "preparing": ("Menyiapkan...", "Preparing..."),
    "ready": ("Unduh {name}", "Download {name}"),
    "failed": ("Gagal:", "Failed:"),
}


def word(key: str, language: str, **values) -> str:
    """The app word ``key`` in ``language`` (``id`` or ``en``), ``{name}`` fields filled from ``values``."""
    check_language(language)
    pair = WORDS[key]
    label = pair[0] if language == "id" else pair[1]
    return label.format(**values) if values else label
