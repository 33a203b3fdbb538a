"""Long headings in an established heading style, the classifier's style vote, long bookmarked headings.

Why: a 160-character heading wraps to five lines in a narrow column and used to fall outside the
heading shape (four lines), and the per-block classifier doubted long bold body-size headings that
the rest of the document sets exactly like its other headings.
"""

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Frame, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import BaseDocTemplate

from ingest import read_document
from ingest.model import Line
from nlp.sections import (
    MAX_HEADING_LINES,
    _apply_outline,
    _RawBlock,
    _vote_styles,
    segment,
)

pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))

LONG_HEADING = (
    "Dialog med finska Arbets- och näringsministeriet om den gröna omställningen i norra Sverige "
    "och samarbetsmöjligheter mellan Sverige och Finland"
)
BODY = (
    "Regionen har under perioden haft många möten med kommuner och företag i Luleå, Kiruna och "
    "Piteå om kompetensförsörjning och nya etableringar. Arbetet fortsätter under hösten."
)
LONG_UNPUNCTUATED = " ".join(["Ett långt stycke i brödtext som saknar avslutande punkt och fortsätter"] * 5)


def _render(path: Path, story_spec: list[tuple[str, str]]) -> None:
    """A narrow one-column page (as one column of a two-column report) with 9 pt body text."""
    styles = {
        "title": ParagraphStyle("t", fontName="VeraBd", fontSize=18, leading=22, spaceAfter=10),
        "h1": ParagraphStyle("h1", fontName="VeraBd", fontSize=14, leading=17, spaceBefore=8, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName="VeraBd", fontSize=11.5, leading=14, spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("b", fontName="Vera", fontSize=9, leading=11.5, spaceAfter=6),
    }
    doc = BaseDocTemplate(str(path), pagesize=A4)
    doc.addPageTemplates([PageTemplate("p", [Frame(60, 60, 200, 720)])])
    doc.build([Paragraph(escape(text), styles[kind]) for kind, text in story_spec])


def test_five_line_heading_in_the_documents_heading_style_is_a_heading(tmp_path: Path) -> None:
    path = tmp_path / "narrow.pdf"
    _render(path, [
        ("title", "Aktuella händelser"),
        ("h1", "Enheten för näringsliv"),
        ("h2", "Projekt- och företagsstöd"),
        ("body", BODY),
        ("h2", LONG_HEADING),
        ("body", BODY),
        ("h2", "Näringslivets aktörer"),
        ("body", BODY),
        ("body", LONG_UNPUNCTUATED),
    ])
    document = read_document(path)
    heading_lines = [line for line in document.lines if line.size and line.size > 11 and line.size < 12]
    # The case under test: the heading really wraps past the plain shape limit.
    assert len([line for line in heading_lines if line.text.split()[0] in LONG_HEADING]) > MAX_HEADING_LINES
    structure = segment(document)
    assert [(s.heading, s.level) for s in structure.sections] == [
        ("Enheten för näringsliv", 1),
        ("Projekt- och företagsstöd", 2),
        (LONG_HEADING, 2),
        ("Näringslivets aktörer", 2),
    ]
    # A long body-style block without a closing full stop stays body text.
    assert "fortsätter Ett långt" in structure.sections[-1].text


def _line(text: str, top: float, *, bold: bool = True, size: float = 10.0, gap: bool = True) -> Line:
    return Line(text, 1, "F", size, bold, (50.0, top, 400.0, top + size), gap_before=gap)


def _blocks(spec: list[tuple[str, bool, bool]]) -> list[_RawBlock]:
    """(text, bold, classifier verdict) per block, each one line, evenly down one page."""
    blocks = []
    for index, (text, bold, verdict) in enumerate(spec):
        block = _RawBlock([_line(text, 20.0 + 30 * index, bold=bold)], bullet=False)
        block.heading = verdict
        blocks.append(block)
    return blocks


def _heading_style_report(doubted: str) -> list[_RawBlock]:
    spec: list[tuple[str, bool, bool]] = []
    for name in ["Projekt och stöd", "Körcentrum Nord", "Polarbibblo", "Systemutveckling"]:
        spec += [(name, True, True), ("Text om arbetet under våren i regionen.", False, False)]
    spec += [(doubted, True, False), ("Norrbottensmusiken har arbetat med frågan.", False, False)]
    return _blocks(spec)


def test_a_doubted_block_in_a_confident_heading_style_is_voted_a_heading() -> None:
    blocks = _heading_style_report("Arbetet för nytt huvudmannaskap för Norrbotten NEO")
    decided = [block for block in blocks if block.bold]
    _vote_styles(blocks, decided, 10.0)
    assert blocks[-2].heading
    assert not any(block.heading for block in blocks if not block.bold)


def test_no_vote_when_the_classifier_splits_the_style() -> None:
    # Vansbro: bold body-size headings beside as many bold goal statements.
    blocks = _heading_style_report("Köpt energi avseende lokaler ska minska med 12 procent")
    for block in blocks[:4]:
        block.heading = False
    decided = [block for block in blocks if block.bold]
    _vote_styles(blocks, decided, 10.0)
    assert not blocks[-2].heading


def test_vote_needs_the_block_set_apart_and_followed_by_a_new_sentence() -> None:
    blocks = _heading_style_report("Arbetet för nytt huvudmannaskap i")
    blocks[-1].lines[0].text = "länet och kommunerna, som fortsätter meningen."
    _vote_styles(blocks, [block for block in blocks if block.bold], 10.0)
    assert not blocks[-2].heading
    blocks = _heading_style_report("Arbetet för nytt huvudmannaskap för Norrbotten NEO")
    blocks[-2].lines[0].gap_before = False
    _vote_styles(blocks, [block for block in blocks if block.bold], 10.0)
    assert not blocks[-2].heading


def test_a_long_wrapped_heading_matches_its_bookmark() -> None:
    words = LONG_HEADING.split()
    wrapped = [" ".join(words[i:i + 4]) for i in range(0, len(words), 4)]
    assert len(wrapped) > MAX_HEADING_LINES
    blocks = [
        _RawBlock([_line("Enheten för näringsliv", 10.0, size=14)], bullet=False),
        _RawBlock([_line(text, 40.0 + 12 * i, gap=i == 0) for i, text in enumerate(wrapped)], bullet=False),
        _RawBlock([_line("Brödtext som slutar med punkt.", 200.0, bold=False)], bullet=False),
        _RawBlock([_line("Kulturenheten", 230.0, size=14)], bullet=False),
    ]
    outline = [(1, "Enheten för näringsliv"), (2, LONG_HEADING), (1, "Kulturenheten")]
    marked = _apply_outline(blocks, outline)
    assert blocks[1] in marked and blocks[1].heading and blocks[1].level == 2
