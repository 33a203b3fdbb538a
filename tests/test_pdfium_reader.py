"""ingest.pdfium.read_pdfium against the pdfplumber reader: same lines, headings, text and error codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ingest.errors import IngestError
from ingest.model import RawDocument
from ingest.pdf import read_pdf
from ingest.pdfium import read_pdfium
from ingest.read import read_document
from nlp.sections import segment
from rapportkb.evaluate import word_errors, words

REPO = Path(__file__).resolve().parent.parent
CORPUS = [REPO / "corpus" / "seed_a4_libreoffice.pdf", REPO / "corpus" / "seed_narrow_reportlab.pdf"]

pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
BODY, LEADING = 11, 14


def _draw_report(path: Path) -> None:
    """Headings, paragraphs with a gap, a mid-line soft hyphen, bullets, a second page, two columns."""
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle("Testrapport för Norrbotten")
    canvas.setAuthor("Region Norrbotten")
    canvas.setFont("VeraBd", 16)
    canvas.drawString(72, 770, "Årsrapport för Östra Norrbotten")
    body = [
        "Under våren har regionen genomfört möten i Luleå och",
        "Kiruna med företag inom besöksnäringen och före-",
        "ningslivet, samt en översyn av verk\u00adsamheten.",
    ]
    y = 740
    canvas.setFont("Vera", BODY)
    for text in body:
        canvas.drawString(72, y, text)
        y -= LEADING
    y -= 12
    canvas.setFont("VeraBd", 13)
    canvas.drawString(72, y, "Kulturenheten i Övertorneå")
    y -= 20
    canvas.setFont("Vera", BODY)
    for glyph, text in [("•", "Första punkten i listan"), ("\u2013", "Andra punkten"), ("1.", "Numrerad")]:
        canvas.drawString(80, y, glyph)
        canvas.drawString(96, y, text)
        y -= LEADING
    # Fetstilt word glued to a regular one: the font changes inside a word, no space is added.
    canvas.setFont("VeraBd", BODY)
    canvas.drawString(72, y, "Fet")
    canvas.setFont("Vera", BODY)
    canvas.drawString(72 + pdfmetrics.stringWidth("Fet", "VeraBd", BODY), y, "stil och mer")
    # Scaled text: font size 5 drawn at twice the scale is 10 pt text.
    canvas.saveState()
    canvas.translate(72, y - 30)
    canvas.scale(2, 2)
    canvas.setFont("Vera", 5)
    canvas.drawString(0, 0, "Skalad text om Gällivare")
    canvas.restoreState()
    # Rotated text (a photo credit) is dropped by both readers.
    canvas.saveState()
    canvas.translate(560, 300)
    canvas.rotate(90)
    canvas.setFont("Vera", 8)
    canvas.drawString(0, 0, "Foto: Anna Åström")
    canvas.restoreState()
    canvas.showPage()
    canvas.setFont("Vera", BODY)
    for row in range(12):
        canvas.drawString(60, 760 - row * LEADING, f"Vänster rad {row} med några ord")
        canvas.drawString(320, 760 - row * LEADING, f"Höger rad {row} med fler ord")
    canvas.save()


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdfium") / "rapport.pdf"
    _draw_report(path)
    return path


@pytest.fixture(scope="module", params=CORPUS, ids=lambda p: p.name)
def corpus_pair(request: pytest.FixtureRequest) -> tuple[RawDocument, RawDocument]:
    path = request.param
    return read_pdf(path, path.name), read_pdfium(path, path.name)


def _line_fields(doc: RawDocument) -> list[tuple]:
    return [(ln.text, ln.page, ln.font, ln.size, ln.bold, ln.bullet, ln.kind) for ln in doc.lines]


def test_same_lines_as_pdfplumber_on_a_drawn_report(report_pdf: Path) -> None:
    plumber, pdfium = read_pdf(report_pdf, "r.pdf"), read_pdfium(report_pdf, "r.pdf")
    assert _line_fields(pdfium) == _line_fields(plumber)
    # reportlab writes the font's real descent, so here even the boxes and paragraph gaps agree.
    assert [ln.gap_before for ln in pdfium.lines] == [ln.gap_before for ln in plumber.lines]
    for a, b in zip(plumber.lines, pdfium.lines, strict=True):
        assert a.bbox is not None and b.bbox is not None
        assert b.bbox == pytest.approx(a.bbox, abs=1.0)
    assert [(p.number, p.width, p.height) for p in pdfium.pages] == [
        (p.number, pytest.approx(p.width), pytest.approx(p.height)) for p in plumber.pages
    ]
    assert pdfium.metadata == plumber.metadata


def test_drawn_report_details(report_pdf: Path) -> None:
    doc = read_pdfium(report_pdf, "r.pdf")
    texts = [ln.text for ln in doc.lines]
    assert texts[0] == "Årsrapport för Östra Norrbotten" and doc.lines[0].bold
    assert doc.lines[0].size == pytest.approx(16)
    assert texts[2].endswith("före-")  # line-end hyphen kept as the reader's marker would lose it
    assert "verk\u00adsamheten" in texts[3]  # soft hyphen inside a line survives
    assert texts[5:8] == ["Första punkten i listan", "Andra punkten", "1. Numrerad"]
    assert [ln.bullet for ln in doc.lines[5:8]] == [True, True, True]
    assert "Fetstil och mer" in texts
    scaled = next(ln for ln in doc.lines if ln.text.startswith("Skalad"))
    assert scaled.size == pytest.approx(10)
    assert not any("Foto" in t for t in texts)
    page2 = [ln.text for ln in doc.pages[1].lines]
    assert page2[:12] == [f"Vänster rad {r} med några ord" for r in range(12)]
    assert page2[12:] == [f"Höger rad {r} med fler ord" for r in range(12)]


def test_corpus_lines_are_the_same(corpus_pair: tuple[RawDocument, RawDocument]) -> None:
    plumber, pdfium = corpus_pair
    assert _line_fields(pdfium) == _line_fields(plumber)
    assert pdfium.metadata == plumber.metadata
    # The LibreOffice file carries bookmarks, which the heading finder trusts over layout.
    assert pdfium.outline == plumber.outline


def test_corpus_headings_and_section_text_agree(corpus_pair: tuple[RawDocument, RawDocument]) -> None:
    """The issue's parity target: same headings (and levels), word error rate <= 0.1% between texts."""
    plumber, pdfium = segment(corpus_pair[0]), segment(corpus_pair[1])
    assert pdfium.title == plumber.title
    assert [(s.heading, s.level) for s in pdfium.sections] == [(s.heading, s.level) for s in plumber.sections]
    reference = [w for s in plumber.sections for w in words(s.text)]
    candidate = [w for s in pdfium.sections for w in words(s.text)]
    assert len(reference) > 1000
    assert word_errors(candidate, reference).errors <= 0.001 * len(reference)


def test_owner_only_encryption_is_read_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "skyddad.pdf"
    canvas = Canvas(str(path), encrypt=StandardEncryption("", ownerPassword="ägare", canCopy=0))
    canvas.setFont("Vera", BODY)
    canvas.drawString(72, 700, "Läsbar text trots kryptering")
    canvas.save()
    doc = read_pdfium(path, "skyddad.pdf")
    assert [ln.text for ln in doc.lines] == ["Läsbar text trots kryptering"]
    assert doc.metadata["Encrypted"] == "yes"


# --- errors: the same codes as the pdfplumber reader ----------------------------------------------------

def _password_pdf(path: Path) -> None:
    canvas = Canvas(str(path), encrypt=StandardEncryption("hemligt", ownerPassword="ägare"))
    canvas.setFont("Vera", BODY)
    canvas.drawString(72, 700, "Hemlig text")
    canvas.save()


def _scanned_pdf(path: Path) -> None:
    canvas = Canvas(str(path))
    canvas.rect(50, 50, 400, 600, fill=1)
    canvas.showPage()
    canvas.save()


BAD_INPUTS = {
    "empty": (lambda p, good: p.write_bytes(b""), "corrupt"),
    "truncated": (lambda p, good: p.write_bytes(good.read_bytes()[: good.stat().st_size // 2]), "corrupt"),
    "garbage": (lambda p, good: p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8), "corrupt"),
    "text": (lambda p, good: p.write_text("Ingen PDF, bara text om Luleå.", encoding="utf-8"), "unsupported"),
    "password": (lambda p, good: _password_pdf(p), "encrypted"),
    "scanned": (lambda p, good: _scanned_pdf(p), "no_text_layer"),
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_gives_the_same_error_code(kind: str, tmp_path: Path, report_pdf: Path) -> None:
    make, code = BAD_INPUTS[kind]
    path = tmp_path / f"{kind}.pdf"
    make(path, report_pdf)
    with pytest.raises(IngestError) as pdfium_error:
        read_pdfium(path, path.name)
    with pytest.raises(IngestError) as plumber_error:
        read_pdf(path, path.name)
    assert pdfium_error.value.code == plumber_error.value.code == code
    assert path.name in pdfium_error.value.message and "\n" not in pdfium_error.value.message


# --- read_document's reader option ------------------------------------------------------------------------

def test_read_document_chooses_the_reader(report_pdf: Path) -> None:
    fast = read_document(report_pdf, "r.pdf", reader="pdfium")
    assert _line_fields(fast) == _line_fields(read_document(report_pdf, "r.pdf"))


def test_read_document_rejects_an_unknown_reader(report_pdf: Path) -> None:
    with pytest.raises(ValueError, match="pdfplumber, pdfium"):
        read_document(report_pdf, "r.pdf", reader="docling")
