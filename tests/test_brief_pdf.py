"""The brief as a PDF: A4 portrait, page numbers, headline on page 1, charts not split, fonts embedded."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASELINE, page_texts

pytest.importorskip("weasyprint")

from weasyprint import HTML  # noqa: E402

from simulation.reporting.pdf import (  # noqa: E402
    ASSUMPTION_WIDTHS,
    ASSUMPTIONS_CLASS,
    KEEP_CLASS,
    TOTAL_CLASS,
    lean,
    print_html,
)
from simulation.reporting.tables import ASSUMPTION_COLUMNS  # noqa: E402

A4_CSS_PX = (210 / 25.4 * 96, 297 / 25.4 * 96)  # 210 x 297 mm at 96 CSS pixels an inch

# a 1 x 1 grey PNG
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
        "3a7e9b550000000a49444154789c6360000000020001e221bc330000000049454e44ae426082"
    )
).decode()


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
        assert f"{word} {number} / {len(document.pages)}" in page_texts(page._page_box, [])
    first = " ".join(page_texts(document.pages[0]._page_box, []))
    assert "Angka utama" in first and "¶" not in first


def test_screen_styles_and_scripts_are_replaced():
    page = print_html(brief_like(1) + "<script>alert(1)</script>", "id")
    assert "font-size: 40pt" not in page and "<script" not in page and "size: A4 portrait" in page


def test_the_print_page_drops_ids_and_unstyled_classes_and_keeps_the_rest():
    cell = '<td class="data row0 col1 umkm-total" id="T_1_row0_col1" data-x="1" tabindex="0" colspan="2">7</td>'
    block = f'<div class="jp-Cell {KEEP_CLASS}" id="cell-id=1"><img alt="a" src="data:image/png;base64,{PIXEL}"></div>'
    assert lean(cell) == f'<td class="{TOTAL_CLASS}" colspan="2">7</td>'
    assert lean(block) == f'<div class="{KEEP_CLASS}"><img alt="a" src="data:image/png;base64,{PIXEL}"></div>'
    page = print_html(
        brief_like(2).replace("<table>", '<table id="T_9"><thead><tr><th class="blank">x</th></tr></thead>'), "id"
    )
    assert ' id="' not in page and 'class="blank"' not in page and 'style="width:600px;height:400px"' in page


def test_the_lean_page_prints_as_the_full_one():
    """What :func:`lean` removes changes no box: same pages, same texts at the same places."""
    cells = "".join(
        f'<tr><td class="data row{i} col0" id="T_1_row{i}_col0">{i}</td><td class="data col1">{"kata " * 9}</td></tr>'
        for i in range(120)
    )
    page = brief_like(2).replace("</body>", f'<table id="T_1"><tbody>{cells}</tbody></table></body>')
    quick = print_html(page, "en")
    print_styles = re.search(r"<style>.*?</style>", quick, re.S).group(0)
    full = page.replace("<style>body { font-size: 40pt }</style>", print_styles)
    full = full.replace('<a class="anchor-link" href="#x">¶</a>', "")
    assert ' id="' in full and ' id="' not in quick
    full_pages, quick_pages = HTML(string=full).render().pages, HTML(string=quick).render().pages
    assert len(full_pages) == len(quick_pages) >= 2
    for a, b in zip(full_pages, quick_pages, strict=True):
        assert _placed(a._page_box, []) == _placed(b._page_box, [])


def _placed(box, out):
    if getattr(box, "text", None):
        out.append((box.text, round(box.position_x, 3), round(box.position_y, 3)))
    for child in getattr(box, "children", None) or []:
        _placed(child, out)
    return out


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


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_assumptions_table_prints_with_its_column_widths(language):
    """The assumptions table (class ASSUMPTIONS_CLASS) fills the page's width, each column as wide as
    ASSUMPTION_WIDTHS says, one column per entry of ASSUMPTION_COLUMNS; other tables keep the
    automatic layout."""
    shares = ASSUMPTION_WIDTHS[language]
    assert len(shares) == len(ASSUMPTION_COLUMNS) and sum(shares) == 100
    head = "".join(f"<th>h{i}</th>" for i in range(len(shares)))
    row = "".join(f"<td>{'kata ' * (i + 1)}</td>" for i in range(len(shares)))
    table = f"<thead><tr>{head}</tr></thead><tbody>{f'<tr>{row}</tr>' * 3}</tbody></table>"
    page = brief_like(0).replace(
        "</body>", f'<table class="{ASSUMPTIONS_CLASS}" id="T_2">{table}<table id="T_3">{head}</table></body>'
    )
    document = HTML(string=print_html(page, language)).render()
    tables = [b for b in _boxes(document.pages[0]._page_box, []) if type(b).__name__ == "TableBox"]
    fixed, auto = tables[-2], tables[-1]
    body = next(b for b in _boxes(document.pages[0]._page_box, []) if getattr(b, "element_tag", "") == "body")
    content = body.width  # A4 less the page's margins and the body's own
    assert fixed.width == pytest.approx(content, abs=1)
    widths = fixed.column_widths
    for width, percent in zip(widths, shares, strict=True):
        assert width == pytest.approx(content * percent / 100, abs=1.5)
    assert auto.width < content / 2  # another table of short texts: the automatic layout keeps it narrow


def _boxes(box, out):
    out.append(box)
    for child in getattr(box, "children", None) or []:
        _boxes(child, out)
    return out


def test_numbers_are_marked_and_print_flush_right_labels_and_texts_are_not():
    """Every cell of a number column (and each number of a mixed one) has NUMBER_CLASS, with the
    total row's class beside it; a year, a label or a source does not. In the PDF a number ends at
    its cell's right edge, a label starts at its left edge."""
    import pandas as pd

    from simulation import load_scenario
    from simulation.reporting.pdf import NUMBER_CLASS
    from simulation.reporting.tables import Table, assumptions_table, styled, total_row

    table = Table(
        pd.DataFrame({"Tahun": [2026, 2027, 0], "UMKM": [73000.0, 69350.0, 142350.0]}),
        {"Tahun": "year", "UMKM": "count"},
    )
    html = total_row(styled(table, "id")).to_html()
    cells = re.findall(r'<td id="T_\w+_row(\d)_col(\d)" class="([^"]*)"', html)
    classes = {(int(r), int(c)): set(k.split()) for r, c, k in cells}
    assert [NUMBER_CLASS in classes[(r, 1)] for r in range(3)] == [True, True, True]
    assert [NUMBER_CLASS in classes[(r, 0)] for r in range(3)] == [False, False, False]
    assert {NUMBER_CLASS, TOTAL_CLASS} <= classes[(2, 1)] and TOTAL_CLASS in classes[(2, 0)]
    # the assumptions: value, low and high are numbers, the group, unit and source are not
    assumptions = styled(assumptions_table(load_scenario(BASELINE), "id"), "id").to_html()
    first = re.findall(r'<td id="T_\w+_row0_col(\d)" class="([^"]*)"', assumptions)
    numbered = [int(c) for c, k in first if NUMBER_CLASS in k.split()]
    assert [ASSUMPTION_COLUMNS[c] for c in numbered] == ["value", "low", "high"]
    # laid out: the number flush right in its cell, the year flush left
    page = brief_like(0).replace("</body>", f"{html}</body>")
    document = HTML(string=print_html(page, "id")).render()
    text_of = lambda cell: next(b for b in _boxes(cell, []) if type(b).__name__ == "TextBox")  # noqa: E731
    cells = [b for b in _boxes(document.pages[0]._page_box, []) if type(b).__name__ == "TableCellBox"]
    cell = {(c.element_tag, text_of(c).text): c for c in cells}  # the page's first table is another one
    year, count = cell[("td", "2026")], cell[("td", "73.000")]
    left, right = year.content_box_x(), count.content_box_x() + count.width
    assert count.content_box_x() > left + year.width  # two columns, the count's to the right
    assert text_of(year).position_x == pytest.approx(left, abs=0.5)
    assert text_of(year).width < year.width - 5  # a year shorter than its cell: flush left is seen
    assert text_of(count).position_x + text_of(count).width == pytest.approx(right, abs=0.5)
    assert text_of(count).width < count.width - 5
    # and so are their headings: "UMKM" over its numbers' right edge, "Tahun" at its column's left
    assert text_of(cell[("th", "Tahun")]).position_x == pytest.approx(left, abs=0.5)
    umkm = text_of(cell[("th", "UMKM")])
    assert umkm.position_x + umkm.width == pytest.approx(right, abs=0.5) and umkm.width < count.width - 5


def test_only_a_column_of_numbers_has_its_heading_flush_right():
    """A heading gets NUMBER_CLASS when every cell of its column that is not empty has it: not a column
    of labels, not a column of numbers and texts; two tables are judged each on its own."""
    from simulation.reporting.pdf import NUMBER_CLASS, numbers_headed

    def table(rows: list[list[bool | None]]) -> str:  # True: a number, False: a text, None: empty
        heads = "".join(f'<th id="T_a_level0_col{c}" class="col_heading level0 col{c}" >h{c}</th>' for c in range(3))
        body = "".join(
            "<tr>"
            + "".join(
                f'<td id="T_a_row{r}_col{c}" class="data row{r} col{c}{" " + NUMBER_CLASS if n else ""}" >'
                f"{'' if n is None else 'x'}</td>"
                for c, n in enumerate(row)
            )
            + "</tr>"
            for r, row in enumerate(rows)
        )
        return f"<table><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>"

    first = table([[False, True, True], [False, None, False]])  # labels; numbers; a number and a text
    second = table([[True, False, None], [None, False, None]])
    out = numbers_headed(first + "<p>col1</p>" + second)
    headed = re.findall(r'<th [^>]*class="col_heading level0 col(\d)([^"]*)"', out)
    assert headed == [("0", ""), ("1", f" {NUMBER_CLASS}"), ("2", ""), ("0", f" {NUMBER_CLASS}"), ("1", ""), ("2", "")]
    assert "<p>col1</p>" in out
