"""The one-page brief of a yearly evaluation (``umkm-sim evaluate``): ``brief.html`` and ``brief.xlsx``.

Indonesian first (``language="id"``), English on request. The page holds counts and rupiah only,
never a pseudonym, a NIK or a name: the rows themselves are in ``classes.csv``. Rupiah are written
through Babel (:mod:`simulation.reporting.formats`).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

from simulation.analysis.evaluation import CLASSES, NEAR, OUTCOMES
from simulation.reporting.formats import count, number, percent, rupiah, rupiah_full
from simulation.reporting.labels import payer as payer_label
from simulation.rules.graduation import graduation_rule

TEXT = {
    "title": {
        "id": "Evaluasi tahunan UMKM {year} dan usulan APBD {next}",
        "en": "Yearly UMKM evaluation {year} and APBD request {next}",
    },
    "file": {"id": "Daftar", "en": "List"},
    "scenario": {"id": "Skenario", "en": "Scenario"},
    "made": {"id": "Dibuat", "en": "Made"},
    "evaluated": {"id": "Evaluasi akhir bulan {month}/{year}", "en": "Evaluation at the end of month {month}/{year}"},
    "rows_read": {"id": "Baris dibaca", "en": "Rows read"},
    "classified": {"id": "Baris diklasifikasi", "en": "Rows classified"},
    "rejected": {
        "id": "Baris ditolak (perbaiki lewat umkm-sim verify)",
        "en": "Rows rejected (fix them with umkm-sim verify)",
    },
    "outcomes": {"id": "Hasil evaluasi", "en": "Outcome of the evaluation"},
    "outcome": {"id": "Hasil", "en": "Outcome"},
    "class": {"id": "Kelas dinas", "en": "Office class"},
    "umkm": {"id": "UMKM", "en": "UMKM"},
    "total": {"id": "Jumlah", "en": "Total"},
    "expected": {"id": "diharapkan", "en": "expected"},
    "rule": {"id": "Aturan yang diterapkan", "en": "Rule applied"},
    "rule_line": {"id": "Aturan kelulusan: {name} ({description})", "en": "Graduation rule: {name} ({description})"},
    "parameter": {"id": "Parameter", "en": "Parameter"},
    "value": {"id": "Nilai", "en": "Value"},
    "class_berkembang": {
        "id": "Ambang kelas berkembang (omzet per tahun)",
        "en": "Threshold of the class berkembang (revenue per year)",
    },
    "class_mandiri": {
        "id": "Ambang kelas mandiri (omzet per tahun)",
        "en": "Threshold of the class mandiri (revenue per year)",
    },
    "revenue_threshold": {
        "id": "Ambang omzet aturan berbasis omzet (per tahun)",
        "en": "Revenue threshold of the revenue rules (per year)",
    },
    "revenue_growth": {"id": "Pertumbuhan omzet minimum", "en": "Least revenue growth"},
    "rate": {
        "id": "Peluang lulus per evaluasi (aturan peluang tetap)",
        "en": "Probability of graduating per evaluation (rule rate)",
    },
    "min_subsidised_years": {"id": "Minimal tahun disubsidi", "en": "Least years subsidised"},
    "retention": {"id": "Peluang lulusan terus membayar", "en": "Probability that a graduate keeps paying"},
    "previous": {
        "id": "Omzet tahun lalu dari daftar sebelumnya: {n} baris",
        "en": "Last year's revenue from the previous list: {n} rows",
    },
    "near": {
        "id": "UMKM dekat ambang (ambang digeser {pct})",
        "en": "UMKM near each threshold (threshold moved by {pct})",
    },
    "near_up": {"id": "naik bila ambang turun", "en": "move up if lowered"},
    "near_down": {"id": "turun bila ambang naik", "en": "move down if raised"},
    "near_note": {
        "id": "Untuk parameter aturan kelulusan: perubahan jumlah lulusan yang diharapkan; 0 bila "
        "aturan tidak membacanya.",
        "en": "For the graduation rule's parameters: the change in the expected number graduating; "
        "0 when the rule does not read it.",
    },
    "request": {"id": "Usulan APBD {next}", "en": "APBD request {next}"},
    "request_total": {"id": "Biaya publik {next}", "en": "Public cost {next}"},
    "range": {"id": "rentang P5-P95 dari {reps} replikasi mikro", "en": "P5-P95 range from {reps} micro replicates"},
    "funded_jan": {"id": "UMKM didanai Januari", "en": "UMKM funded in January"},
    "funded_dec": {"id": "UMKM didanai Desember", "en": "UMKM funded in December"},
    "payer": {"id": "Pembayar", "en": "Payer"},
    "account": {"id": "Rekening", "en": "Account"},
    "p5": {"id": "P5", "en": "P5"},
    "p95": {"id": "P95", "en": "P95"},
    "month": {"id": "Bulan", "en": "Month"},
    "funded": {"id": "UMKM didanai", "en": "UMKM funded"},
    "cost": {"id": "Biaya publik", "en": "Public cost"},
    "next_steps": {"id": "Langkah dinas berikutnya", "en": "What the office does next"},
    "step_graduating": {
        "id": "Hubungi {n} UMKM yang lulus (classes.csv, hasil graduating) agar mendaftar sebagai "
        "peserta mandiri BPJS Ketenagakerjaan sebelum 1 Januari {next}.",
        "en": "Contact the {n} graduating UMKM (classes.csv, outcome graduating) to join BPJS "
        "Ketenagakerjaan as self-paying members before 1 January {next}.",
    },
    "step_staying": {
        "id": "Lanjutkan pendampingan dan iuran APBD bagi {n} UMKM yang tetap disubsidi.",
        "en": "Keep assisting and paying the contributions of the {n} UMKM staying subsidised.",
    },
    "step_waiting": {
        "id": "Daftarkan {n} UMKM yang belum terdaftar sesuai rencana perluasan (rollout).",
        "en": "Enrol the {n} UMKM not yet enrolled as the rollout allows.",
    },
    "step_near": {
        "id": "Periksa ulang omzet {n} UMKM dalam {pct} dari ambang kelas mandiri sebelum memutuskan.",
        "en": "Check again the revenue of the {n} UMKM within {pct} of the mandiri class threshold before deciding.",
    },
    "step_budget": {
        "id": "Masukkan usulan {cost} (JKK {jkk}, JKM {jkm}) ke KUA-PPAS pertengahan tahun dan ke RAPBD {next}.",
        "en": "Put the request of {cost} (JKK {jkk}, JKM {jkm}) into the KUA-PPAS mid-year and into the RAPBD {next}.",
    },
    "step_rejects": {
        "id": "Perbaiki {n} baris yang ditolak (umkm-sim verify) lalu jalankan evaluasi lagi.",
        "en": "Fix the {n} rejected rows (umkm-sim verify) and run the evaluation again.",
    },
    "privacy": {
        "id": "Halaman ini hanya berisi jumlah. Daftar per baris (nomor baris di berkas dinas, "
        "pseudonim, hasil, kelas) ada di classes.csv; tanpa NIK dan nama.",
        "en": "This page holds counts only. The list row by row (row number in the office's file, "
        "pseudonym, outcome, class) is in classes.csv; no NIK and no names.",
    },
    "rate_note": {
        "id": "Aturan rate tidak menilai usaha satu per satu: {exp} lulusan diharapkan; "
        "classes.csv memuat satu undian ({n}).",
        "en": "The rule rate judges no business by itself: {exp} graduates expected; classes.csv holds one draw ({n}).",
    },
    "sheet_summary": {"id": "Ringkasan", "en": "Summary"},
    "sheet_classes": {"id": "Hasil x kelas", "en": "Outcome x class"},
    "sheet_kecamatan": {"id": "Per kecamatan", "en": "By kecamatan"},
    "sheet_sector": {"id": "Per sektor", "en": "By sector"},
    "sheet_near": {"id": "Dekat ambang", "en": "Near thresholds"},
    "sheet_monthly": {"id": "Usulan per bulan", "en": "Request by month"},
    "sheet_accounts": {"id": "Rekening", "en": "Accounts"},
    "kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "sector": {"id": "Sektor", "en": "Sector"},
    "threshold": {"id": "Ambang", "en": "Threshold"},
}
"""Every string of the brief in Indonesian and English."""

OUTCOME_LABELS = {
    "staying": {"id": "Tetap disubsidi", "en": "Staying subsidised"},
    "graduating": {"id": "Lulus ke mandiri", "en": "Graduating to mandiri"},
    "not_enrolled": {"id": "Belum terdaftar", "en": "Not yet enrolled"},
    "not_eligible": {
        "id": "Tidak layak subsidi (mandiri, berhenti, tutup)",
        "en": "Not eligible (mandiri, lapsed, closed)",
    },
}
CLASS_LABELS = {
    "pemula": {"id": "Pemula", "en": "Pemula (starting)"},
    "berkembang": {"id": "Berkembang", "en": "Berkembang (developing)"},
    "mandiri": {"id": "Mandiri", "en": "Mandiri (independent)"},
    "": {"id": "Tutup (tanpa kelas)", "en": "Closed (no class)"},
}
RULE_DESCRIPTIONS = {
    "rate": {
        "id": "setiap peserta bersubsidi lulus dengan peluang `rate` (satu undian per peserta per evaluasi)",
        "en": "each member graduates with probability `rate` (one draw per member per evaluation)",
    },
    "revenue_threshold": {
        "id": "omzet tahunan paling sedikit `revenue_threshold` rupiah",
        "en": "annual revenue at least `revenue_threshold` rupiah",
    },
    "revenue_growth": {
        "id": "omzet tumbuh paling sedikit `revenue_growth` sejak evaluasi sebelumnya",
        "en": "revenue grew by at least `revenue_growth` since the previous evaluation",
    },
    "revenue_and_growth": {
        "id": "omzet tahunan paling sedikit `revenue_threshold` rupiah dan tumbuh paling sedikit `revenue_growth`",
        "en": "annual revenue at least `revenue_threshold` rupiah and grown by at least `revenue_growth`",
    },
    "none": {
        "id": "tidak ada yang lulus: peserta tetap disubsidi sampai usahanya tutup",
        "en": "nobody graduates: members stay subsidised until they close",
    },
}
"""Each graduation rule of :data:`simulation.rules.graduation.GRADUATION_RULES`, in both languages
(a test checks that every registered rule is here)."""
ACCOUNTS = {"jkk": "JKK", "jkm": "JKM", "jht": "JHT"}
RUPIAH_PARAMETERS = ("class_berkembang", "class_mandiri", "revenue_threshold")
PARAMETER_KEYS = (*RUPIAH_PARAMETERS, "revenue_growth", "rate", "min_subsidised_years", "retention")
"""The rule's parameters and the class thresholds, in the order the brief lists them."""
PARAMETER_FORMAT = {"revenue_growth": "0.0%", "rate": "0.0%", "retention": "0.0%", "min_subsidised_years": "0"}
"""Excel number formats of the parameters that are not rupiah."""


def t(key: str, language: str, **values) -> str:
    """The brief's string ``key`` in ``language`` with ``values`` filled in."""
    return TEXT[key][language].format(**values)


def _parameter_value(key: str, value: float, language: str) -> str:
    if key in RUPIAH_PARAMETERS:
        return rupiah_full(value, language)
    if key in ("revenue_growth", "rate", "retention"):
        return percent(value, language)
    return number(value, language, 0)


def outcome_class_table(evaluation) -> pd.DataFrame:
    """UMKM by outcome (rows, :data:`OUTCOMES` order) and class (columns), with totals."""
    frame = evaluation.classes()
    table = pd.crosstab(frame["outcome"], frame["office_class"])
    table = table.reindex(index=list(OUTCOMES), columns=[*CLASSES, ""], fill_value=0)
    table["total"] = table.sum(axis=1)
    return table


def by_place(evaluation, column: str) -> pd.DataFrame:
    """UMKM by ``column`` (``kecamatan`` or ``sector``): one column per outcome and per class."""
    frame = evaluation.classes()
    a = pd.crosstab(frame[column], frame["outcome"]).reindex(columns=list(OUTCOMES), fill_value=0)
    b = pd.crosstab(frame[column], frame["office_class"]).reindex(columns=list(CLASSES), fill_value=0)
    return pd.concat([a, b], axis=1)


def _context(evaluation, request) -> dict:
    recon = evaluation.reconciliation()
    summary = request.summary()
    accounts = request.accounts()
    by_account = accounts.groupby("component")["expected"].sum()
    near = evaluation.near_thresholds().set_index("threshold")
    mandiri_near = near.loc["policy.graduation.class_mandiri"]
    return {
        "recon": recon,
        "summary": summary,
        "accounts": accounts,
        "by_account": by_account,
        "near": near.reset_index(),
        "near_mandiri": int(mandiri_near["moves_up"] + mandiri_near["moves_down"]),
        "next": evaluation.year + 1,
    }


def next_steps(evaluation, request, language: str) -> list[str]:
    """What the office does next, one sentence each, with this evaluation's numbers."""
    c = _context(evaluation, request)
    r, s = c["recon"], c["summary"]
    steps = [
        t("step_graduating", language, n=count(r["outcome_graduating"], language), next=c["next"]),
        t("step_staying", language, n=count(r["outcome_staying"], language)),
        t("step_waiting", language, n=count(r["outcome_not_enrolled"], language)),
        t("step_near", language, n=count(c["near_mandiri"], language), pct=percent(NEAR, language, 0)),
        t(
            "step_budget",
            language,
            cost=rupiah(s["public_cost"], language),
            jkk=rupiah(c["by_account"].get("jkk", 0.0), language),
            jkm=rupiah(c["by_account"].get("jkm", 0.0), language),
            next=c["next"],
        ),
    ]
    if r["rejected"]:
        steps.append(t("step_rejects", language, n=count(r["rejected"], language)))
    return steps


CSS = """
body{font-family:system-ui,'Segoe UI',Arial,sans-serif;margin:1.5em auto;max-width:60em;color:#222;
padding:0 1em;font-size:14px}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.2em;border-bottom:1px solid #999}
table{border-collapse:collapse;margin:.4em 0}
th,td{border:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right;white-space:nowrap}.muted{color:#555;font-size:.9em}
.big{font-size:1.8em;font-weight:bold}.cols{display:flex;gap:2em;flex-wrap:wrap}
@media print{body{font-size:11px;margin:0}h2{margin-top:.6em}}
"""


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{e(str(c))}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_html(evaluation, request, path: Path, language: str = "id") -> None:
    """``brief.html``: the one-page brief, self-contained (no scripts, no external files)."""
    e, L = html.escape, language
    c = _context(evaluation, request)
    r, s = c["recon"], c["summary"]
    rule = graduation_rule(evaluation.rule)
    title = t("title", L, year=evaluation.year, next=c["next"])
    parts = [
        f"<!DOCTYPE html><html lang='{L}'><head><meta charset='utf-8'><title>{e(title)}</title>",
        f"<style>{CSS}</style></head><body><h1>{e(title)}</h1>",
        f"<p class=muted>{e(t('file', L))}: <b>{e(evaluation.source)}</b> &middot; {e(t('scenario', L))}: "
        f"{e(evaluation.scenario.name)} &middot; {e(t('evaluated', L, month=evaluation.month, year=evaluation.year))}"
        f" &middot; {e(t('made', L))}: {dt.date.today().isoformat()}</p>",
        f"<p>{e(t('rows_read', L))}: <b>{count(r['rows_read'], L)}</b> &middot; {e(t('classified', L))}: "
        f"<b>{count(r['classified'], L)}</b> &middot; {e(t('rejected', L))}: <b>{count(r['rejected'], L)}</b></p>",
        f"<h2>{e(t('outcomes', L))}</h2>",
    ]
    table = outcome_class_table(evaluation)
    header = [t("outcome", L), *(CLASS_LABELS[k][L] for k in [*CLASSES, ""]), t("total", L)]
    rows = [[OUTCOME_LABELS[o][L], *(count(v, L) for v in table.loc[o])] for o in OUTCOMES]
    rows.append([t("total", L), *(count(v, L) for v in table.sum(axis=0))])
    parts.append(_table(header, rows, set(range(1, len(header)))))
    if evaluation.rule == "rate":
        note = t("rate_note", L, exp=count(r["graduating_expected"], L), n=count(r["outcome_graduating"], L))
        parts.append(f"<p class=muted>{e(note)}</p>")
    line = t("rule_line", L, name=rule.name, description=RULE_DESCRIPTIONS[rule.name][L])
    parts.append(f"<h2>{e(t('rule', L))}</h2><p>{e(line)}</p>")
    parts.append(
        _table(
            [t("parameter", L), t("value", L)],
            [[t(k, L), _parameter_value(k, evaluation.thresholds[k], L)] for k in PARAMETER_KEYS],
            {1},
        )
    )
    if evaluation.previous_matched:
        parts.append(f"<p class=muted>{e(t('previous', L, n=count(evaluation.previous_matched, L)))}</p>")
    parts.append(f"<h2>{e(t('near', L, pct=percent(NEAR, L, 0)))}</h2>")
    near_rows = []
    for row in c["near"].itertuples(index=False):
        key = row.threshold.rsplit(".", 1)[1]
        near_rows.append(
            [t(key, L), _parameter_value(key, row.value, L), count(row.moves_up, L), count(row.moves_down, L)]
        )
    parts.append(_table([t("threshold", L), t("value", L), t("near_up", L), t("near_down", L)], near_rows, {1, 2, 3}))
    parts.append(f"<p class=muted>{e(t('near_note', L))}</p>")
    parts.append(f"<h2>{e(t('request', L, next=c['next']))}</h2>")
    parts.append(
        f"<p><span class=big>{e(rupiah(s['public_cost'], L))}</span> {e(t('request_total', L, next=c['next']).lower())}"
        f" &middot; {e(t('range', L, reps=s['replicates']))}: {e(rupiah(s['public_cost_p5'], L))} &ndash; "
        f"{e(rupiah(s['public_cost_p95'], L))}</p>"
    )
    parts.append(
        f"<p>{e(t('funded_jan', L))}: <b>{count(s['members_funded_january'], L)}</b> &middot; "
        f"{e(t('funded_dec', L))}: <b>{count(s['members_funded_december'], L)}</b></p>"
    )
    acc = c["accounts"]
    parts.append("<div class=cols><div>")
    parts.append(
        _table(
            [t("payer", L), t("account", L), t("expected", L).capitalize(), t("p5", L), t("p95", L)],
            [
                [payer_label(a.payer, L), ACCOUNTS.get(a.component, a.component), rupiah_full(a.expected, L),
                 rupiah_full(a.p5, L), rupiah_full(a.p95, L)]
                for a in acc.itertuples(index=False)
            ],
            {2, 3, 4},
        )
    )  # fmt: skip
    parts.append("</div><div>")
    monthly = request.monthly()
    parts.append(
        _table(
            [t("month", L), t("funded", L), t("cost", L)],
            [[m.month, count(m.members_funded, L), rupiah(m.public_cost, L)] for m in monthly.itertuples(index=False)],
            {1, 2},
        )
    )
    parts.append("</div></div>")
    parts.append(f"<h2>{e(t('next_steps', L))}</h2><ol>")
    parts.extend(f"<li>{e(step)}</li>" for step in next_steps(evaluation, request, L))
    parts.append(f"</ol><p class=muted>{e(t('privacy', L))}</p></body></html>")
    path.write_text("\n".join(p for p in parts if p), encoding="utf-8")


def write_xlsx(evaluation, request, path: Path, language: str = "id") -> None:
    """``brief.xlsx``: the brief's tables, one sheet each, rupiah number formats, frozen headers."""
    # deferred: openpyxl is only needed to write Excel files
    from openpyxl import Workbook
    from openpyxl.styles import Font

    L = language
    c = _context(evaluation, request)
    r, s = c["recon"], c["summary"]
    book = Workbook()
    bold = Font(bold=True)
    money = '"Rp"#,##0' if L == "id" else '"IDR "#,##0'

    def sheet(key: str, header: list[str], rows, widths: list[int], money_columns=(), first=False):
        ws = book.active if first else book.create_sheet()
        ws.title = t(key, L)
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(list(row))
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(65 + i)].width = width
        for col in money_columns:
            for cell in ws.iter_rows(min_row=2, min_col=col + 1, max_col=col + 1):
                cell[0].number_format = money
        ws.freeze_panes = "A2"
        return ws

    # (label, number, its Excel format, text): numbers in column B, words in column C
    rule_line = t("rule_line", L, name=evaluation.rule, description=RULE_DESCRIPTIONS[evaluation.rule][L])
    summary_rows = [
        (t("file", L), None, None, evaluation.source),
        (t("scenario", L), None, None, evaluation.scenario.name),
        (t("evaluated", L, month=evaluation.month, year=evaluation.year), None, None, ""),
        (t("rows_read", L), r["rows_read"], "#,##0", ""),
        (t("classified", L), r["classified"], "#,##0", ""),
        (t("rejected", L), r["rejected"], "#,##0", ""),
        *((OUTCOME_LABELS[o][L], r[f"outcome_{o}"], "#,##0", "") for o in OUTCOMES),
        (t("rule", L), None, None, rule_line),
        *((t(k, L), evaluation.thresholds[k], PARAMETER_FORMAT.get(k, money), "") for k in PARAMETER_KEYS),
        (t("request_total", L, next=c["next"]), s["public_cost"], money, ""),
        (f"{t('request_total', L, next=c['next'])} {t('p5', L)}", s["public_cost_p5"], money, ""),
        (f"{t('request_total', L, next=c['next'])} {t('p95', L)}", s["public_cost_p95"], money, ""),
        (t("funded_jan", L), s["members_funded_january"], "#,##0", ""),
        (t("funded_dec", L), s["members_funded_december"], "#,##0", ""),
        *((f"{i + 1}.", None, None, step) for i, step in enumerate(next_steps(evaluation, request, L))),
        (t("privacy", L), None, None, ""),
    ]  # fmt: skip
    title = t("title", L, year=evaluation.year, next=c["next"])
    ws = sheet("sheet_summary", [title, "", ""], ((a, b, d) for a, b, _, d in summary_rows), [55, 20, 100], first=True)
    for i, (_, _, fmt, _) in enumerate(summary_rows, start=2):
        if fmt:
            ws.cell(i, 2).number_format = fmt
    table = outcome_class_table(evaluation)
    sheet(
        "sheet_classes",
        [t("outcome", L), *(CLASS_LABELS[k][L] for k in [*CLASSES, ""]), t("total", L)],
        ([OUTCOME_LABELS[o][L], *(int(v) for v in table.loc[o])] for o in OUTCOMES),
        [40, 14, 14, 14, 14, 10],
    )
    for key, column in (("sheet_kecamatan", "kecamatan"), ("sheet_sector", "sector")):
        place = by_place(evaluation, column)
        sheet(
            key,
            [t(column, L), *(OUTCOME_LABELS[o][L] for o in OUTCOMES), *(CLASS_LABELS[k][L] for k in CLASSES)],
            ([name, *(int(v) for v in values)] for name, values in zip(place.index, place.to_numpy(), strict=True)),
            [20, *[16] * (len(OUTCOMES) + len(CLASSES))],
        )
    sheet(
        "sheet_near",
        [t("threshold", L), t("value", L), t("near_up", L), t("near_down", L)],
        (
            [t(x.threshold.rsplit(".", 1)[1], L), x.value, x.moves_up, x.moves_down]
            for x in c["near"].itertuples(index=False)
        ),
        [50, 16, 22, 22],
    )
    monthly = request.monthly()
    sheet(
        "sheet_monthly",
        [t("month", L), t("funded", L), f"{t('funded', L)} {t('p5', L)}", f"{t('funded', L)} {t('p95', L)}",
         t("cost", L), f"{t('cost', L)} {t('p5', L)}", f"{t('cost', L)} {t('p95', L)}"],
        monthly.itertuples(index=False, name=None),
        [10, 16, 16, 16, 20, 20, 20],
        money_columns=(4, 5, 6),
    )  # fmt: skip
    sheet(
        "sheet_accounts",
        [t("payer", L), t("account", L), t("expected", L), t("p5", L), t("p95", L)],
        (
            [payer_label(a.payer, L), ACCOUNTS.get(a.component, a.component), a.expected, a.p5, a.p95]
            for a in c["accounts"].itertuples(index=False)
        ),
        [30, 10, 20, 20, 20],
        money_columns=(2, 3, 4),
    )
    book.save(path)
