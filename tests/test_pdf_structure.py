"""Furniture removal, page-break continuity, columns, tables and bookmarks on reportlab PDFs drawn here."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ingest.furniture import Row, find_furniture, is_page_marker, running_key
from ingest.layout import Word, _crosses, _crossing_counts, _find_gutter, group_rows
from ingest.lines import Table, layout_lines
from ingest.pdf import read_pdf
from nlp.sections import segment

pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))

W, H = A4
BODY, LEADING = 10, 13
WORDS = [
    "kommunen", "region", "samverkan", "utveckling", "projektet", "arbetet", "möten", "företag", "Luleå",
    "Kiruna", "näringsliv", "kultur", "bibliotek", "museum", "konsert", "planering", "omställning",
]


def _sentence(seed: int, words: int = 12) -> str:
    text = " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(words))
    return text[0].upper() + text[1:]


def _body_lines(count: int, seed: int) -> list[str]:
    """Full lines of running text; the last one closes the paragraph."""
    lines = [_sentence(seed + i) for i in range(count)]
    lines[-1] += "."
    return lines


def _draw_furnished(path: Path, pages: int = 4) -> list[list[str]]:
    """Pages with a header, a two-line footer carrying "N (M)", and body text that runs over page breaks."""
    canvas = Canvas(str(path), pagesize=A4)
    drawn: list[list[str]] = []
    for number in range(1, pages + 1):
        canvas.setFont("Vera", 8)
        canvas.drawString(72, H - 40, "Region Norrbotten – Aktuella händelser")
        canvas.drawString(72, 40, "Regionala utvecklingsavdelningen, rapport till regionstyrelsen om läns-")
        canvas.drawString(72, 30, f"utvecklingen under våren {number} ({pages})")
        canvas.setFont("Vera", BODY)
        y = H - 90
        lines = [_sentence(number * 10 + i) for i in range(20)]
        if number == pages:
            lines[-1] += "."
        for text in lines:
            canvas.drawString(72, y, text)
            y -= LEADING
        drawn.append(lines)
        canvas.showPage()
    canvas.save()
    return drawn


@pytest.fixture(scope="module")
def furnished(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    path = tmp_path_factory.mktemp("furniture") / "sidfot.pdf"
    return path, _draw_furnished(path)


def test_header_and_wrapped_numbered_footer_are_removed(furnished: tuple[Path, list[list[str]]]) -> None:
    path, drawn = furnished
    doc = read_pdf(path, "sidfot.pdf")
    for page, lines in zip(doc.pages, drawn, strict=True):
        assert [line.text for line in page.lines] == lines


def test_paragraph_split_by_page_breaks_is_one_block(furnished: tuple[Path, list[list[str]]]) -> None:
    path, drawn = furnished
    structure = segment(read_pdf(path, "sidfot.pdf"))
    blocks = [block for section in structure.sections for block in section.blocks]
    assert len(blocks) == 1
    assert blocks[0].text == " ".join(line for lines in drawn for line in lines)
    assert "Region Norrbotten" not in blocks[0].text and "(4)" not in blocks[0].text


def test_find_furniture_on_rows() -> None:
    def page(number: int) -> tuple[float, list[Row]]:
        return (800.0, [
            Row("MSBFS 2020:1", 40, 52),
            Row("Brandfarlig gas i lösa behållare hanteras enligt följande", 300, 312),
            Row(f"{number} Stadsrevisionens årsredogörelse 2023" if number % 2 else
                f"Stadsrevisionens årsredogörelse 2023 {number}", 770, 780),
        ])

    found = find_furniture([page(n) for n in range(1, 7)])
    assert found == [{0, 2}] * 6
    # The same text in the middle of the page is body text, not furniture.
    assert all(1 not in drop for drop in found)


def test_page_markers_and_running_keys() -> None:
    markers = ["7", "Sida 7", "7 (12)", "- 7 -", "7/12", "Sida 7 av 12",
               "Stadsrevisionen, Rapportsammandrag 2 (5)"]
    for text in markers:
        assert is_page_marker(text), text
    for text in ["2023", "1. Inledning", "Under 2023 hölls 7 möten", "Kommunfullmäktige"]:
        assert not is_page_marker(text), text
    assert running_key("Stadsrevisionens årsredogörelse 2023 1") == running_key(
        "2 Stadsrevisionens årsredogörelse 2023")


def test_mixed_layout_full_width_heading_then_two_columns(tmp_path: Path) -> None:
    path = tmp_path / "spalter.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("VeraBd", 16)
    canvas.drawString(60, 780, "Kritik riktas till Älvstranden utveckling AB och dess styrelse i år")
    canvas.setFont("Vera", BODY)
    left = [f"Vänster {r} " + _sentence(r, 4) for r in range(14)]
    right = [f"Höger {r} " + _sentence(r + 50, 4) for r in range(14)]
    for row in range(14):
        canvas.drawString(60, 740 - row * LEADING, left[row])
        canvas.drawString(320, 740 - row * LEADING, right[row])
    canvas.save()
    texts = [line.text for line in read_pdf(path, "spalter.pdf").lines]
    assert texts == ["Kritik riktas till Älvstranden utveckling AB och dess styrelse i år", *left, *right]


def test_ruled_table_is_a_table_block_kept_out_of_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "tabell.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Vera", BODY)
    canvas.drawString(72, 760, "Antalet besökare ökade under perioden enligt tabellen nedan.")
    cells = [["Kommun", "Besökare"], ["Luleå", "1200"], ["Kiruna", "860"]]
    x, y0, cw, rh = 72, 700, 120, 20
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            canvas.rect(x + c * cw, y0 - r * rh, cw, rh)
            canvas.drawString(x + c * cw + 4, y0 - r * rh + 6, cell)
    canvas.drawString(72, 600, "Efter tabellen följer ett nytt stycke om biblioteken.")
    canvas.save()
    structure = segment(read_pdf(path, "tabell.pdf"))
    blocks = structure.sections[0].blocks
    assert [block.kind for block in blocks] == ["paragraph", "table", "paragraph"]
    assert blocks[1].text == "Kommun | Besökare\nLuleå | 1200\nKiruna | 860"
    assert "1200" not in blocks[0].text + blocks[2].text


def test_bookmarks_give_headings_and_levels(tmp_path: Path) -> None:
    path = tmp_path / "bokmarken.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    # Headings in body size and weight: only the outline says they are headings, and at which level.
    entries = [("Rapportens titel", 0), ("Bakgrund", 1), ("Tidigare granskningar", 2), ("Bedömning", 1)]
    y = 780
    for index, (heading, level) in enumerate(entries):
        canvas.setFont("Vera", BODY)
        canvas.drawString(72, y, heading)
        canvas.bookmarkHorizontal(f"b{index}", 0, y + 12)
        canvas.addOutlineEntry(heading, f"b{index}", level=level)
        y -= 2 * LEADING
        for text in _body_lines(3, index):
            canvas.drawString(72, y, text)
            y -= LEADING
        y -= LEADING
    canvas.save()
    doc = read_pdf(path, "bokmarken.pdf")
    assert doc.outline == [
        (1, "Rapportens titel"), (2, "Bakgrund"), (3, "Tidigare granskningar"), (2, "Bedömning")]
    structure = segment(doc)
    assert structure.title == "Rapportens titel"
    # The paragraph under the title, before the first heading, is the level-0 section (SCHEMA.md).
    assert [(s.heading, s.level) for s in structure.sections] == [
        ("", 0), ("Bakgrund", 1), ("Tidigare granskningar", 2), ("Bedömning", 1)]
    assert structure.sections[2].path == ["Bakgrund", "Tidigare granskningar"]


def _word(text: str, x0: float, top: float, size: float = BODY) -> Word:
    return Word(text=text, x0=x0, top=top, x1=x0 + 6 * len(text), bottom=top + size, font="Vera", size=size)


def test_table_in_right_column_is_read_in_that_column_and_starts_a_paragraph() -> None:
    # The left column runs further down than the table's top: placing the table "before the first
    # line below its top" without looking at columns would put it inside the left column.
    left = [[_word("Vänster", 60, 100 + r * LEADING), _word(f"rad{r}", 110, 100 + r * LEADING),
             _word("text", 150, 100 + r * LEADING)] for r in range(10)]
    right = [[_word("Höger", 320, 170 + r * LEADING), _word(f"rad{r}", 360, 170 + r * LEADING),
              _word("text", 400, 170 + r * LEADING)] for r in range(5)]
    table = Table((320.0, 100.0, 540.0, 160.0), [["Kommun", "Besökare"], ["Luleå", "1200"]])
    lines = layout_lines([w for row in left + right for w in row], [table], page_number=1)
    texts = [line.text for line in lines]
    assert texts == [f"Vänster rad{r} text" for r in range(10)] + ["Kommun | Besökare\nLuleå | 1200"] + [
        f"Höger rad{r} text" for r in range(5)]
    after = lines[11]
    # First line of its column, so the gap rule alone would leave it as a possible continuation.
    assert after.gap_before and lines[10].kind == "table"
    assert not lines[12].gap_before


def _random_rows(rng: random.Random) -> list[list[Word]]:
    """Rows of words on a coarse grid (so that edges often fall exactly on a candidate strip's edge)."""
    words = []
    grid = rng.choice([1, 2, 4, 10])
    for r in range(rng.randint(6, 30)):
        x = rng.uniform(20, 80)
        while x < 520:
            width = rng.uniform(5, 60)
            x0 = round(x * grid) / grid
            words.append(Word("ord", x0, 50 + r * LEADING, round((x + width) * grid) / grid,
                              60 + r * LEADING, "Vera", BODY))
            # Some rows leave a strip near the middle free, so that a gutter can be found.
            x += width + (rng.uniform(9, 30) if rng.random() < 0.1 else rng.uniform(1, 6))
    return group_rows(words)


def test_crossing_counts_match_testing_every_row_at_every_step() -> None:
    rng = random.Random(7)
    for _ in range(200):
        rows = _random_rows(rng)
        start = rng.choice([rng.uniform(100, 300), float(rng.randint(100, 300))])
        steps = [start]
        for _ in range(rng.randint(1, 300)):
            steps.append(steps[-1] + 1.0)
        assert _crossing_counts(rows, steps) == [sum(_crosses(row, x) for row in rows) for x in steps]


def test_gutter_is_the_middle_of_the_first_least_crossed_run() -> None:
    # Two strips free of words, 200-230 and 400-430 (a strip 9 pt wide fits between 204.5 and 225.5);
    # the first free run of candidates wins, and its middle is the gutter.
    def row(top: float) -> list[Word]:
        return [Word(text, x0, top, x1, top + 10, "Vera", BODY)
                for text, x0, x1 in (("a", 60, 200), ("b", 230, 400), ("c", 430, 560))]

    rows = [row(50 + r * LEADING) for r in range(8)]
    words = [w for r in rows for w in r]
    gutter = _find_gutter(group_rows(words), words)
    assert gutter is not None and 204 <= gutter <= 226
    assert not any(_crosses(r, gutter) for r in rows)
