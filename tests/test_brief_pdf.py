"""The brief as a PDF: A4 portrait, page numbers, headline on page 1, charts not split, fonts embedded."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASELINE

pytest.importorskip("weasyprint")

from weasyprint import HTML  # noqa: E402

from simulation.reporting.pdf import print_html  # noqa: E402

A4_CSS_PX = (210 / 25.4 * 96, 297 / 25.4 * 96)  # 210 x 297 mm at 96 CSS pixels an inch

# a 1 x 1 grey PNG
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
        "3a7e9b550000000a49444154789c6360000000020001e221bc330000000049454e44ae426082"
    )
).decode()


def texts(box, out):
    if getattr(box, "text", None):
        out.append(box.text)
    for child in getattr(box, "children", None) or []:
        texts(child, out)
    return out


def images(box, out):
    if type(box).__name__ == "InlineReplacedBox" or type(box).__name__ == "BlockReplacedBox":
        out.append(box)
    for child in getattr(box, "children", None) or []:
        images(child, out)
    return out


def brief_like(paragraphs: int) -> str:
    """An nbconvert-like page: screen styles, an anchor, a heading, prose and tall charts."""
    charts = "".join(
        f'<p>{"kata " * 80}</p><img src="data:image/png;base64,{PIXEL}" style="width:600px;height:400px">'
        for _ in range(paragraphs)
    )
    return (
        "<html><head><title>Ringkasan: baseline</title><style>body { font-size: 40pt }</style></head><body>"
        '<h1>Ringkasan<a class="anchor-link" href="#x">¶</a></h1><table><tr><td>Angka utama</td></tr></table>'
        f"{charts}</body></html>"
    )


@pytest.mark.parametrize("language, word", [("id", "Halaman"), ("en", "Page")])
def test_pages_are_a4_portrait_numbered_in_the_report_language(language, word):
    document = HTML(string=print_html(brief_like(6), language)).render()
    assert len(document.pages) >= 3
    for number, page in enumerate(document.pages, start=1):
        assert (page.width, page.height) == pytest.approx(A4_CSS_PX, abs=0.5)
        assert f"{word} {number} / {len(document.pages)}" in texts(page._page_box, [])
    first = " ".join(texts(document.pages[0]._page_box, []))
    assert "Angka utama" in first and "¶" not in first


def test_screen_styles_and_scripts_are_replaced():
    page = print_html(brief_like(1) + "<script>alert(1)</script>", "id")
    assert "font-size: 40pt" not in page and "<script" not in page and "size: A4 portrait" in page


def test_charts_are_never_split_across_pages():
    document = HTML(string=print_html(brief_like(8), "en")).render()
    seen = 0
    for page in document.pages:
        bottom = page.height - 18 / 25.4 * 96  # the bottom margin
        for image in images(page._page_box, []):
            seen += 1
            assert image.position_y + image.height <= bottom + 1
    assert seen == 8, "each chart is drawn once, whole"


def test_fonts_are_embedded():
    pdf = HTML(string=print_html(brief_like(1), "id")).write_pdf(uncompressed_pdf=True)
    assert b"/FontFile2" in pdf or b"/FontFile3" in pdf


@pytest.mark.slow
def test_the_report_writes_a_pdf_beside_the_html_and_prints_no_warning(tmp_path):
    umkm_sim = Path(sys.executable).parent / "umkm-sim"
    out = tmp_path / "b"
    proc = subprocess.run(
        [str(umkm_sim), "report", str(BASELINE), "--out", str(out), "--set", "years=3", "--language", "en"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stderr == "", proc.stderr
    assert (out / "scenario_report.pdf").read_bytes()[:5] == b"%PDF-"
