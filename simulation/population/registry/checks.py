"""Every check run on a UMKM list, declared once: its name, severity, meaning and fix (id and en).

``umkm-sim verify`` reports each problem as a :class:`Flag` (row, check, severity, detail);
``umkm-sim ingest`` rejects a row with any flag of severity ``error`` and keeps one with warnings
only. The texts here feed ``flags.csv``, the quality report, ``rejects.csv`` and docs/verification.md.
A detail never holds a NIK or a name: it names columns, row numbers, codes and counts only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
"""The row cannot be used until it is fixed (``ingest`` rejects it)."""
WARNING = "warning"
"""The row is usable but should be checked by hand (``ingest`` keeps it)."""
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class Check:
    """One named check.

    Attributes
    ----------
    name : str
        As written in ``flags.csv`` and ``rejects.csv``.
    severity : str
        ``error`` or ``warning``; a few checks give some rows a different severity (the detail says
        which case it is).
    label, meaning, fix : dict
        Language code to text: a short title, what the check finds, and what the data office does
        about it (in Excel where that is where the fix is made).
    """

    name: str
    severity: str
    label: dict[str, str]
    meaning: dict[str, str]
    fix: dict[str, str]


CHECKS = (
    Check(
        "excel_mangled_nik",
        ERROR,
        {"id": "NIK rusak oleh Excel", "en": "NIK damaged by Excel"},
        {
            "id": "NIK tersimpan sebagai angka: tampil sebagai 5,20307E+15 atau digit ke-16 menjadi 0, "
            "karena Excel hanya menyimpan 15 digit angka.",
            "en": "The NIK was stored as a number: it shows as 5.20307E+15 or its 16th digit became 0, "
            "since Excel keeps only 15 digits of a number.",
        },
        {
            "id": "Digit yang hilang tidak bisa dipulihkan dari berkas ini. Di Excel, format kolom NIK "
            "sebagai Teks (Format Cells > Text) sebelum NIK diketik atau ditempel, isi ulang NIK dari "
            "sumbernya (KTP/KK), lalu simpan atau ekspor lagi.",
            "en": "The lost digits cannot be recovered from this file. In Excel, format the NIK column as "
            "Text (Format Cells > Text) before typing or pasting NIKs, enter the NIKs again from their "
            "source (KTP/KK), then save or export again.",
        },
    ),
    Check(
        "nik_format",
        ERROR,
        {"id": "Format NIK salah", "en": "Malformed NIK"},
        {
            "id": "NIK harus 16 digit angka (spasi dan tanda kutip diabaikan).",
            "en": "A NIK is 16 digits (spaces and quotes are ignored).",
        },
        {
            "id": "Cocokkan NIK dengan KTP atau KK: digit kurang, lebih, atau huruf yang terketik.",
            "en": "Check the NIK against the KTP or KK: a digit missing or extra, or a letter typed in.",
        },
    ),
    Check(
        "nik_region",
        ERROR,
        {"id": "Kode wilayah NIK tidak dikenal", "en": "Unknown region code in NIK"},
        {
            "id": "Enam digit pertama NIK adalah kode provinsi, kabupaten/kota dan kecamatan tempat NIK "
            "diterbitkan. Kode provinsi atau kabupaten yang tidak ada berarti NIK salah ketik (galat); "
            "kode kecamatan yang tidak ada hanya peringatan, karena kecamatan hasil pemekaran tidak "
            "mengubah NIK lama. NIK yang terbit di luar kabupaten/kota skenario (region) juga peringatan: "
            "pemiliknya mungkin tinggal di tempat lain.",
            "en": "The first six digits of a NIK are the province, regency and kecamatan codes of where it "
            "was issued. An unknown province or regency code means a mistyped NIK (error); an unknown "
            "kecamatan code is only a warning, since a kecamatan split later does not change old NIKs. A NIK "
            "issued outside the scenario's regency (its region) is a warning too: the owner may live elsewhere.",
        },
        {
            "id": "Cocokkan enam digit pertama dengan KTP atau KK; untuk NIK luar daerah, pastikan pemilik "
            "berdomisili dan berusaha di kabupaten/kota itu.",
            "en": "Check the first six digits against the KTP or KK; for a NIK from elsewhere, check the owner "
            "lives and works in that regency.",
        },
    ),
    Check(
        "nik_birthdate",
        ERROR,
        {"id": "Tanggal lahir dalam NIK tidak sah", "en": "Invalid birth date in NIK"},
        {
            "id": "Digit 7-12 NIK adalah tanggal lahir HHBBTT (untuk perempuan hari ditambah 40); "
            "di sini bukan tanggal yang ada.",
            "en": "Digits 7-12 of a NIK are the birth date DDMMYY (40 added to the day for women); here "
            "they are not a date.",
        },
        {
            "id": "Cocokkan digit 7-12 dengan KTP atau KK.",
            "en": "Check digits 7-12 against the KTP or KK.",
        },
    ),
    Check(
        "duplicate_nik",
        ERROR,
        {"id": "NIK ganda", "en": "Duplicate NIK"},
        {
            "id": "NIK yang sama sudah ada di baris sebelumnya; baris pertama dipakai.",
            "en": "The same NIK is on an earlier row; the first is kept.",
        },
        {
            "id": "Hapus baris ganda, atau perbaiki NIK jika ini orang yang berbeda.",
            "en": "Delete the repeated row, or correct the NIK if this is another person.",
        },
    ),
    Check(
        "duplicate_id",
        ERROR,
        {"id": "ID usaha ganda", "en": "Duplicate business id"},
        {
            "id": "ID usaha yang sama sudah ada di baris sebelumnya; baris pertama dipakai.",
            "en": "The same business id is on an earlier row; the first is kept.",
        },
        {
            "id": "Hapus baris ganda, atau beri ID lain jika ini usaha yang berbeda.",
            "en": "Delete the repeated row, or give another id if this is another business.",
        },
    ),
    Check(
        "possible_duplicate",
        WARNING,
        {"id": "Mungkin terdaftar dua kali", "en": "Possibly listed twice"},
        {
            "id": "Nama sangat mirip dengan baris lain di kecamatan yang sama, dengan sektor atau omzet yang "
            "cocok, tetapi NIK berbeda: mungkin orang yang sama dengan NIK salah ketik.",
            "en": "The name is very close to another row's in the same kecamatan, with a matching sector or "
            "revenue, but the NIK differs: perhaps one person with a mistyped NIK.",
        },
        {
            "id": "Bandingkan kedua baris dengan dokumennya; hapus salah satunya jika orangnya sama.",
            "en": "Compare both rows with their documents; delete one if it is the same person.",
        },
    ),
    Check(
        "already_listed",
        WARNING,
        {"id": "Sudah ada di daftar lain", "en": "Already on another list"},
        {
            "id": "NIK ini juga ada di daftar pembanding (--against), misalnya peserta aktif BPJS "
            "Ketenagakerjaan, penerima DBHCHT atau hibah modal 2025.",
            "en": "This NIK is also on a list given with --against, such as active BPJS Ketenagakerjaan "
            "members, DBHCHT beneficiaries or the 2025 capital grant.",
        },
        {
            "id": "Pastikan iurannya tidak dibayar dua kali: peserta aktif tidak didaftarkan lagi.",
            "en": "Make sure nobody's contribution is paid twice: an active member is not enrolled again.",
        },
    ),
    Check(
        "revenue_implausible",
        WARNING,
        {"id": "Omzet tidak wajar", "en": "Implausible revenue"},
        {
            "id": "Omzet setahun di bawah Rp1 juta (mungkin ditulis dalam juta atau ribu; di bawah "
            "Rp100 ribu ditolak) atau di atas Rp2 miliar, batas usaha mikro (PP 7/2021).",
            "en": "Annual revenue below Rp1 million (perhaps written in millions or thousands; below "
            "Rp100 thousand it is rejected) or above Rp2 billion, the micro ceiling (PP 7/2021).",
        },
        {
            "id": "Tulis omzet setahun dalam rupiah penuh (60000000 atau Rp60.000.000, atau 60 juta), bukan 60.",
            "en": "Write a year's revenue in full rupiah (60000000 or Rp60.000.000, or 60 juta), not 60.",
        },
    ),
    Check(
        "bad_revenue",
        ERROR,
        {"id": "Omzet tidak terbaca", "en": "Unreadable revenue"},
        {
            "id": "Omzet bukan angka rupiah, negatif, atau di atas Rp50 miliar (bukan UMKM, PP 7/2021).",
            "en": "Revenue is not a rupiah amount, is negative, or is above Rp50 billion (not an UMKM, PP 7/2021).",
        },
        {
            "id": "Tulis angka saja (Rp60.000.000, 60000000 atau 60 juta), bukan kata-kata.",
            "en": "Write a number (Rp60.000.000, 60000000 or 60 juta), not words.",
        },
    ),
    Check(
        "missing",
        ERROR,
        {"id": "Isian wajib kosong", "en": "Required cell empty"},
        {
            "id": "Sel wajib (NIK/ID, kecamatan, sektor, omzet) kosong.",
            "en": "A required cell (NIK/id, kecamatan, sector, revenue) is empty.",
        },
        {"id": "Lengkapi sel yang kosong.", "en": "Fill in the empty cell."},
    ),
    Check(
        "kecamatan_unknown",
        ERROR,
        {"id": "Kecamatan tidak dikenal", "en": "Unknown kecamatan"},
        {
            "id": "Bukan salah satu kecamatan kabupaten/kota skenario (21 di Lombok Timur); saran ejaan "
            "diberikan bila ada.",
            "en": "Not one of the kecamatan of the scenario's regency (21 in Lombok Timur); a spelling is "
            "suggested where one is close.",
        },
        {
            "id": "Pakai ejaan resmi (lihat saran); gunakan Data Validation (daftar pilihan) di Excel.",
            "en": "Use the official spelling (see the suggestion); a drop-down list (Data Validation) in Excel helps.",
        },
    ),
    Check(
        "sector_unknown",
        ERROR,
        {"id": "Sektor tidak dikenal", "en": "Unknown sector"},
        {
            "id": "Bukan salah satu sektor skenario; saran ejaan diberikan bila ada.",
            "en": "Not one of the scenario's sectors; a spelling is suggested where one is close.",
        },
        {
            "id": "Pakai salah satu sektor yang disebut; gunakan daftar pilihan di Excel.",
            "en": "Use one of the sectors named; a drop-down list in Excel helps.",
        },
    ),
    Check(
        "bad_status",
        ERROR,
        {"id": "Status tidak dikenal", "en": "Unknown status"},
        {
            "id": "Kata status tidak dikenal (kosong berarti belum terdaftar).",
            "en": "The status word is not known (empty means not yet enrolled).",
        },
        {
            "id": "Pakai: belum terdaftar, bersubsidi, mandiri, nonaktif atau tutup; atau kosongkan.",
            "en": "Use: eligible, subsidised, mandiri, lapsed or closed; or leave it empty.",
        },
    ),
    Check(
        "bad_date",
        ERROR,
        {"id": "Tanggal salah", "en": "Bad date"},
        {
            "id": "Tanggal daftar bukan tanggal, atau setelah bulan pertama skenario.",
            "en": "The enrolment date is not a date, or is after the scenario's first month.",
        },
        {
            "id": "Tulis HH/BB/TTTT (14/07/2025) atau format kolom sebagai Tanggal.",
            "en": "Write DD/MM/YYYY (14/07/2025) or format the column as Date.",
        },
    ),
    Check(
        "bad_priority",
        ERROR,
        {"id": "Prioritas bukan angka", "en": "Priority not a number"},
        {"id": "Skor prioritas harus angka.", "en": "The priority score must be a number."},
        {"id": "Tulis angka (0,8), bukan kata.", "en": "Write a number (0.8), not a word."},
    ),
    Check(
        "ragged_row",
        ERROR,
        {"id": "Baris bergeser", "en": "Shifted row"},
        {
            "id": "Baris punya lebih banyak sel dari judul kolom: ada pemisah (koma atau titik koma) di "
            "dalam sel tanpa tanda kutip, sehingga sel sesudahnya bergeser.",
            "en": "The row has more cells than the header: a separator (comma or semicolon) inside an "
            "unquoted cell shifted every later cell.",
        },
        {
            "id": "Hapus koma atau titik koma dari nama dan alamat, atau simpan sebagai .xlsx.",
            "en": "Remove commas or semicolons from names and addresses, or save as .xlsx.",
        },
    ),
)
"""Every check, in the order the report lists them."""

BY_NAME = {c.name: c for c in CHECKS}

DETAILS = {
    "missing": {"id": "{column}: kosong (kolom wajib)", "en": "{column}: empty (a required column)"},
    "ragged_row": {
        "id": "baris punya {cells} sel, judul kolom {width}: pemisah di dalam sel tanpa tanda kutip?",
        "en": "the row has {cells} cells, the header {width}: a separator in an unquoted cell?",
    },
    "excel_scientific": {
        "id": "{column}: NIK tertulis dalam notasi ilmiah (seperti 5,2E+15): digit terakhir hilang",
        "en": "{column}: NIK written in scientific notation (like 5.2E+15): its last digits are lost",
    },
    "excel_number": {
        "id": "{column}: NIK tersimpan sebagai angka: digit ke-16 hilang",
        "en": "{column}: NIK stored as a number: its 16th digit is lost",
    },
    "excel_trailing_zero": {
        "id": "{column}: NIK berakhir 0 seperti NIK lain yang dirusak Excel (kolom disimpan sebagai angka)",
        "en": "{column}: NIK ends in 0 like the other NIKs Excel damaged (column stored as numbers)",
    },
    "nik_length": {"id": "{column}: NIK {n} digit, seharusnya 16", "en": "{column}: NIK has {n} digits, not 16"},
    "nik_chars": {
        "id": "{column}: NIK berisi huruf atau tanda selain angka",
        "en": "{column}: NIK holds letters or signs besides digits",
    },
    "nik_province": {
        "id": "{column}: kode provinsi {code} tidak ada",
        "en": "{column}: province code {code} does not exist",
    },
    "nik_regency": {
        "id": "{column}: kode kabupaten/kota {code} tidak ada",
        "en": "{column}: regency code {code} does not exist",
    },
    "nik_district": {
        "id": "{column}: kode kecamatan {code} tidak ada di daftar resmi (kecamatan lama sebelum pemekaran?)",
        "en": "{column}: kecamatan code {code} is not in the official list (a kecamatan split since?)",
    },
    "nik_elsewhere": {
        "id": "{column}: NIK terbit di luar {region} (kode {code}): pastikan pemilik tinggal dan berusaha di sini",
        "en": "{column}: NIK issued outside {region} (code {code}): check the owner lives and works here",
    },
    "nik_birthdate": {
        "id": "{column}: digit 7-12 (tanggal lahir) bukan tanggal yang sah",
        "en": "{column}: digits 7-12 (birth date) are not a valid date",
    },
    "duplicate": {
        "id": "{column}: sama dengan baris {first} (baris pertama dipakai)",
        "en": "{column}: same as row {first} (the first is kept)",
    },
    "possible_duplicate": {
        "id": "mungkin orang yang sama dengan baris {other}: nama mirip {score}%, kecamatan sama{extra}",
        "en": "perhaps the same person as row {other}: names {score}% alike, same kecamatan{extra}",
    },
    "same_sector": {"id": ", sektor sama", "en": ", same sector"},
    "close_revenue": {"id": ", omzet mirip", "en": ", similar revenue"},
    "already_listed": {
        "id": "NIK juga ada di daftar {list}, baris {other}",
        "en": "the NIK is also on list {list}, row {other}",
    },
    "revenue_tiny": {
        "id": "{column}: di bawah Rp100 ribu setahun: tentu ditulis dalam juta atau ribu",
        "en": "{column}: below Rp100 thousand a year: surely written in millions or thousands",
    },
    "revenue_low": {
        "id": "{column}: di bawah Rp1 juta setahun: mungkin ditulis dalam juta atau ribu",
        "en": "{column}: below Rp1 million a year: perhaps written in millions or thousands",
    },
    "revenue_high": {
        "id": "{column}: di atas Rp2 miliar setahun, batas usaha mikro (PP 7/2021)",
        "en": "{column}: above Rp2 billion a year, the micro ceiling (PP 7/2021)",
    },
    "revenue_nan": {"id": "{column}: bukan angka rupiah", "en": "{column}: not an amount of rupiah"},
    "revenue_negative": {"id": "{column}: omzet negatif", "en": "{column}: negative revenue"},
    "revenue_above": {
        "id": "{column}: di atas Rp50 miliar setahun, batas usaha menengah (PP 7/2021): bukan UMKM",
        "en": "{column}: above Rp50 billion a year, the ceiling of a medium enterprise (PP 7/2021): not an UMKM",
    },
    "kecamatan_unknown": {
        "id": "{column}{shown}: bukan kecamatan {region}{hint}",
        "en": "{column}{shown}: not a kecamatan of {region}{hint}",
    },
    "sector_unknown": {
        "id": "{column}{shown}: bukan sektor skenario{hint}; yang boleh: {allowed}",
        "en": "{column}{shown}: not a sector of the scenario{hint}; allowed: {allowed}",
    },
    "hint": {"id": ". Maksudnya '{word}'?", "en": ". Did you mean '{word}'?"},
    "bad_status": {
        "id": "{column}{shown}: status tidak dikenal{hint}; yang boleh: {allowed}",
        "en": "{column}{shown}: unknown status{hint}; allowed: {allowed}",
    },
    "bad_date": {
        "id": "{column}{shown}: bukan tanggal (HH/BB/TTTT, TTTT-BB-HH atau tanggal Excel)",
        "en": "{column}{shown}: not a date (DD/MM/YYYY, YYYY-MM-DD or an Excel date)",
    },
    "late_date": {
        "id": "{column}{shown}: setelah bulan pertama skenario {month}; daftar menggambarkan UMKM di awal",
        "en": "{column}{shown}: after the scenario's first month {month}; the list describes the UMKM at the start",
    },
    "bad_priority": {"id": "{column}: bukan angka", "en": "{column}: not a number"},
}
"""Detail templates: key to language to a ``str.format`` template (parameters never hold a NIK or name)."""


@dataclass(frozen=True)
class Flag:
    """One problem on one row.

    Attributes
    ----------
    row : int
        Row number in the office's own file (header = row 1).
    check : str
        A name from :data:`CHECKS`.
    severity : str
        ``error`` or ``warning``.
    key : str
        The detail template (:data:`DETAILS`).
    params : dict
        Its parameters: column headers, row numbers, codes, counts; never a NIK or a name.
    """

    row: int
    check: str
    severity: str
    key: str
    params: dict = field(default_factory=dict, compare=False)

    def detail(self, language: str = "en") -> str:
        """The detail in ``language`` (``id`` or ``en``)."""
        params = {k: detail_text(v, language) for k, v in self.params.items()}
        return DETAILS[self.key][language].format(**params)


@dataclass(frozen=True)
class Part:
    """A piece of a detail that is itself translated (a hint, an "and same sector")."""

    key: str
    params: tuple = ()

    def text(self, language: str) -> str:
        return DETAILS[self.key][language].format(**dict(self.params))


def detail_text(value, language: str):
    """A :class:`Part` or a tuple of parts in ``language``; any other value as it is."""
    if isinstance(value, Part):
        return value.text(language)
    if isinstance(value, tuple):
        return "".join(p.text(language) for p in value)
    return value


def flag(row: int, check: str, key: str | None = None, severity: str | None = None, **params) -> Flag:
    """A :class:`Flag` with the check's default severity and the check's name as template by default."""
    return Flag(row, check, severity or BY_NAME[check].severity, key or check, params)
