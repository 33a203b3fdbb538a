"""ingest.pdf.read_pdf on PDFs drawn with reportlab in tmp_path, on the committed corpus PDF, on bad input."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ingest.errors import IngestError
from ingest.lines import is_bold_font
from ingest.model import RawDocument
from ingest.pdf import read_pdf

REPO = Path(__file__).resolve().parent.parent
CORPUS_PDF = REPO / "corpus" / "seed_narrow_reportlab.pdf"

# reportlab ships the Vera TrueType fonts, so these fixtures need no system fonts; TrueType (unlike the
# 14 standard fonts) keeps U+00AD, which the soft-hyphen test needs.
pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))

PAGE_W, PAGE_H = A4
BODY = 11
LEADING = 14

PAGE1 = [
    # (text, font, size, x, baseline y)
    ("Årsrapport för Östra Norrbotten", "VeraBd", 16, 72, 770),
    ("Under våren har regionen genomfört möten i Luleå och", "Vera", BODY, 72, 740),
    ("Kiruna med företag inom besöksnäringen och före-", "Vera", BODY, 72, 740 - LEADING),
    ("ningslivet, samt en översyn av verk\u00adsamheten.", "Vera", BODY, 72, 740 - 2 * LEADING),
    ("Nästa stycke börjar efter ett tydligt mellanrum.", "Vera", BODY, 72, 740 - 2 * LEADING - 26),
    ("Det fortsätter på en andra rad utan mellanrum.", "Vera", BODY, 72, 740 - 3 * LEADING - 26),
]
BULLETS = [
    # (glyph, text, expected line text)
    ("•", "Första punkten i listan", "Första punkten i listan"),
    ("\u2013", "Andra punkten med tankstreck", "Andra punkten med tankstreck"),
    ("1.", "Numrerad punkt behåller siffran", "1. Numrerad punkt behåller siffran"),
    ("a)", "Bokstavspunkt behåller bokstaven", "a) Bokstavspunkt behåller bokstaven"),
]
PAGE2 = ["Sida två börjar här med ärenden från Övertorneå.", "Och slutar med en rad till."]


def _draw_swedish_report(path: Path) -> None:
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle("Testrapport för Norrbotten")
    canvas.setAuthor("Region Norrbotten")
    canvas.setSubject("Aktuella händelser")
    for text, font, size, x, y in PAGE1:
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
    y = 740 - 3 * LEADING - 26 - 30
    for glyph, text, _ in BULLETS:
        canvas.setFont("Vera", BODY)
        canvas.drawString(80, y, glyph)
        canvas.drawString(96, y, text)
        y -= LEADING
    canvas.showPage()
    canvas.setFont("Vera", BODY)
    for i, text in enumerate(PAGE2):
        canvas.drawString(72, 770 - i * LEADING, text)
    canvas.showPage()
    canvas.save()


@pytest.fixture(scope="module")
def swedish_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "rapport.pdf"
    _draw_swedish_report(path)
    return path


@pytest.fixture(scope="module")
def swedish_doc(swedish_pdf: Path) -> RawDocument:
    return read_pdf(swedish_pdf, "rapport.pdf")


def test_pages_and_lines_in_reading_order(swedish_doc: RawDocument) -> None:
    assert swedish_doc.kind == "pdf" and swedish_doc.source == "rapport.pdf"
    assert [p.number for p in swedish_doc.pages] == [1, 2]
    assert swedish_doc.pages[0].width == pytest.approx(PAGE_W)
    assert swedish_doc.pages[0].height == pytest.approx(PAGE_H)
    expected = [t for t, *_ in PAGE1] + [e for *_, e in BULLETS]
    assert [line.text for line in swedish_doc.pages[0].lines] == expected
    assert [line.text for line in swedish_doc.pages[1].lines] == PAGE2
    assert all(line.page == 2 for line in swedish_doc.pages[1].lines)


def test_swedish_letters_and_hyphens_survive(swedish_doc: RawDocument) -> None:
    texts = [line.text for line in swedish_doc.lines]
    assert texts[0].startswith("Årsrapport") and "Östra" in texts[0]
    # Line-end hyphen and soft hyphen are both kept: de-hyphenation decides later, not the reader.
    assert texts[2].endswith("före-")
    assert "verk\u00adsamheten" in texts[3]


def test_fonts_sizes_and_bold(swedish_doc: RawDocument) -> None:
    heading, body = swedish_doc.pages[0].lines[0], swedish_doc.pages[0].lines[1]
    assert heading.bold and heading.size == pytest.approx(16)
    assert heading.font is not None and "+" not in heading.font  # subset prefix removed
    assert not body.bold and body.size == pytest.approx(BODY)
    assert heading.font != body.font


def test_bbox_in_top_left_origin(swedish_doc: RawDocument) -> None:
    lines = swedish_doc.pages[0].lines
    for line, (_, _, size, x, y) in zip(lines, PAGE1, strict=False):
        assert line.bbox is not None
        x0, top, x1, bottom = line.bbox
        assert x0 == pytest.approx(x, abs=0.5)
        assert x1 > x0
        # The baseline lies between top and bottom, measured from the top of the page.
        assert top < PAGE_H - y < bottom
        assert bottom - top == pytest.approx(size, rel=0.25)
    tops = [line.bbox[1] for line in lines if line.bbox]
    assert tops == sorted(tops)


def test_gap_before_marks_paragraph_starts(swedish_doc: RawDocument) -> None:
    flags = [line.gap_before for line in swedish_doc.pages[0].lines]
    # heading, space, 3 lines, gap, 2 lines, gap before the list, then evenly spaced bullets
    assert flags[:6] == [False, True, False, False, True, False]
    assert flags[6] is True
    assert flags[7:] == [False, False, False]


def test_bullets_flagged_and_symbols_stripped(swedish_doc: RawDocument) -> None:
    lines = swedish_doc.pages[0].lines
    assert [line.bullet for line in lines] == [False] * len(PAGE1) + [True] * len(BULLETS)


def test_metadata(swedish_doc: RawDocument) -> None:
    assert swedish_doc.metadata["Title"] == "Testrapport för Norrbotten"
    assert swedish_doc.metadata["Author"] == "Region Norrbotten"
    assert swedish_doc.metadata["Subject"] == "Aktuella händelser"
    assert swedish_doc.metadata["CreationDate"].startswith("D:")
    assert "Encrypted" not in swedish_doc.metadata


def test_bold_font_names() -> None:
    for name in ["Arial-BoldMT", "Times New Roman,Bold", "Calibri-Semibold", "Frutiger-Black",
                 "Avenir-Heavy", "MyriadPro-Demi", "DejaVuSerif-Bold"]:
        assert is_bold_font(name), name
    for name in ["ArialMT", "TimesNewRomanPSMT", "Calibri-Light", "Helvetica-Oblique", "Garamond-Medium"]:
        assert not is_bold_font(name), name


def test_font_change_inside_a_word_adds_no_space(tmp_path: Path) -> None:
    path = tmp_path / "blandat.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("VeraBd", BODY)
    canvas.drawString(72, 700, "Fetstilt")
    bold_width = pdfmetrics.stringWidth("Fetstilt", "VeraBd", BODY)
    canvas.setFont("Vera", BODY)
    canvas.drawString(72 + bold_width, 700, "ord och mer")
    canvas.save()
    line = read_pdf(path, "blandat.pdf").lines[0]
    assert line.text == "Fetstiltord och mer"
    # Bold is decided by the majority of characters, and here most are regular.
    assert not line.bold


def _column_words(prefix: str, row: int) -> str:
    return f"{prefix} rad {row} med några ord"


def test_two_columns_read_left_then_right(tmp_path: Path) -> None:
    path = tmp_path / "spalter.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Vera", BODY)
    for row in range(12):
        y = 760 - row * LEADING
        canvas.drawString(60, y, _column_words("Vänster", row))
        canvas.drawString(320, y, _column_words("Höger", row))
    canvas.save()
    lines = read_pdf(path, "spalter.pdf").pages[0].lines
    expected = [_column_words("Vänster", r) for r in range(12)]
    expected += [_column_words("Höger", r) for r in range(12)]
    assert [line.text for line in lines] == expected
    # The right column's first line may continue the left column's text: no paragraph gap.
    assert not lines[12].gap_before


def test_full_width_lines_are_not_split_into_columns(tmp_path: Path) -> None:
    path = tmp_path / "en_spalt.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Vera", BODY)
    rows = [f"Rad {r} löper över hela sidans bredd och korsar mitten utan uppehåll" for r in range(12)]
    for row, text in enumerate(rows):
        canvas.drawString(60, 760 - row * LEADING, text)
    canvas.save()
    assert [line.text for line in read_pdf(path, "x.pdf").lines] == rows


def test_owner_only_encryption_is_read_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "skyddad.pdf"
    canvas = Canvas(str(path), encrypt=StandardEncryption("", ownerPassword="ägare", canCopy=0))
    canvas.setFont("Vera", BODY)
    canvas.drawString(72, 700, "Läsbar text trots kryptering")
    canvas.save()
    doc = read_pdf(path, "skyddad.pdf")
    assert [line.text for line in doc.lines] == ["Läsbar text trots kryptering"]
    assert doc.metadata["Encrypted"] == "yes"


def test_photo_page_gives_empty_lines(tmp_path: Path) -> None:
    path = tmp_path / "foto.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Vera", BODY)
    canvas.drawString(72, 700, "Text på första sidan")
    canvas.showPage()
    canvas.rect(50, 50, 400, 600, fill=1)
    canvas.showPage()
    canvas.save()
    doc = read_pdf(path, "foto.pdf")
    assert len(doc.pages) == 2
    assert doc.pages[1].lines == []


# --- errors --------------------------------------------------------------------------------------------

def _error(path: Path) -> IngestError:
    with pytest.raises(IngestError) as info:
        read_pdf(path, path.name)
    message = info.value.message
    assert "\n" not in message and path.name in message
    return info.value


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "tom.pdf"
    path.write_bytes(b"")
    assert _error(path).code == "corrupt"


def test_truncated_file_is_corrupt(tmp_path: Path, swedish_pdf: Path) -> None:
    data = swedish_pdf.read_bytes()
    path = tmp_path / "halv.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert _error(path).code == "corrupt"


def test_header_then_garbage_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "skräp.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    error = _error(path)
    assert error.code == "corrupt"
    assert "fresh copy" in error.message


def test_text_file_named_pdf_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "anteckning.pdf"
    path.write_text("Det här är ingen PDF, bara text om Luleå.\n", encoding="utf-8")
    assert _error(path).code == "unsupported"


def test_password_protected_is_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "lösen.pdf"
    canvas = Canvas(str(path), encrypt=StandardEncryption("hemligt", ownerPassword="ägare"))
    canvas.setFont("Vera", BODY)
    canvas.drawString(72, 700, "Hemlig text")
    canvas.save()
    error = _error(path)
    assert error.code == "encrypted"
    assert "password" in error.message


def test_no_text_on_any_page_asks_for_ocr(tmp_path: Path) -> None:
    path = tmp_path / "skannad.pdf"
    canvas = Canvas(str(path))
    canvas.rect(50, 50, 400, 600, fill=1)
    canvas.showPage()
    canvas.rect(80, 80, 300, 300, fill=0)
    canvas.showPage()
    canvas.save()
    error = _error(path)
    assert error.code == "no_text_layer"
    assert "OCR" in error.message and "ocrmypdf" in error.message


def test_pdfminer_failure_while_reading_pages_is_wrapped(
    tmp_path: Path, swedish_pdf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.page import Page

    def broken(*args: object, **kwargs: object) -> None:
        raise PDFSyntaxError("damaged content stream")

    monkeypatch.setattr(Page, "extract_words", broken)
    assert _error(swedish_pdf).code == "corrupt"


# --- committed corpus PDF ----------------------------------------------------------------------------

SEED_HEADINGS = [
    "Aktuella händelser och information från verksamheten",
    "Enheten för näringsliv och samhälle",
    "Projekt- och företagsstöd",
    "Kulturenheten",
    "Norrbottensmusiken",
    "Norrbottens museum",
    "Regionbibliotek Norrbotten",
    "Polarbibblo",
]


def _bold_runs(doc: RawDocument) -> list[str]:
    """Consecutive bold lines joined, so that wrapped headings read as one string."""
    runs: list[str] = []
    previous_bold = False
    for line in doc.lines:
        if line.bold and previous_bold and not line.gap_before:
            runs[-1] += " " + line.text
        elif line.bold:
            runs.append(line.text)
        previous_bold = line.bold
    return runs


def test_corpus_reportlab_pdf_has_seed_headings_and_swedish_text() -> None:
    doc = read_pdf(CORPUS_PDF, "corpus/seed_narrow_reportlab.pdf")
    runs = _bold_runs(doc)
    for heading in SEED_HEADINGS:
        assert heading in runs, heading
    text = "\n".join(line.text for line in doc.lines)
    assert all(letter in text for letter in "åäöÖ")
    assert sum(line.bullet for line in doc.lines) >= 10
    # pyphen hyphenation at line ends exercises de-hyphenation downstream.
    assert sum(line.text.endswith("-") for line in doc.lines) >= 20
    # Every page has the footer "Region Norrbotten – Aktuella händelser N (M)": the reader drops it.
    assert len(doc.pages) >= 3
    assert not [line.text for line in doc.lines if re.search(r"Aktuella händelser\s+\d+ \(\d+\)", line.text)]


def test_corpus_libreoffice_pdf_has_seed_headings_and_no_page_footers() -> None:
    doc = read_pdf(REPO / "corpus" / "seed_a4_libreoffice.pdf", "corpus/seed_a4_libreoffice.pdf")
    runs = _bold_runs(doc)
    for heading in SEED_HEADINGS:
        assert heading in runs, heading
    # "Sida N" footers are furniture: gone from every page.
    assert not [line.text for line in doc.lines if re.fullmatch(r"Sida \d+", line.text)]
    assert doc.metadata["Title"] == SEED_HEADINGS[0]


# --- render script ---------------------------------------------------------------------------------------

def _render_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("render_corpus", REPO / "scripts" / "render_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve annotations through sys.modules, so the module must be registered first.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_parse_gold_blocks() -> None:
    render = _render_module()
    blocks = render.parse_gold("# Titel\n\n## Enhet\n\nStycke om Åre.\n\n- punkt ett\n- punkt två\n")
    assert [(b.kind, b.level, b.text) for b in blocks] == [
        ("heading", 1, "Titel"), ("heading", 2, "Enhet"), ("paragraph", 0, "Stycke om Åre."),
        ("bullet", 0, "punkt ett"), ("bullet", 0, "punkt två"),
    ]
    fodt = render.to_fodt(blocks)
    assert fodt.count("<text:list ") == 1 and "Stycke om Åre." in fodt


def _objects_both_ways(path: Path) -> list[tuple[list, list]]:
    """Per page: (pdfplumber's own char dicts, those made by the reader's lean path), items in order."""
    import pdfplumber

    from ingest.pdf import _use_lean_chars

    out = []
    with pdfplumber.open(path) as plain, pdfplumber.open(path) as lean:
        for ours, theirs in zip(lean.pages, plain.pages, strict=True):
            _use_lean_chars(ours)
            assert ours.objects.keys() == theirs.objects.keys()
            out.append(([list(c.items()) for c in theirs.chars], [list(c.items()) for c in ours.chars]))
    return out


def test_lean_char_dicts_equal_pdfplumbers_own(swedish_pdf: Path) -> None:
    """The reader builds character dicts itself, for speed: keys, order and values must be pdfplumber's."""
    pages = _objects_both_ways(swedish_pdf) + _objects_both_ways(REPO / "corpus" / "seed_a4_libreoffice.pdf")
    assert sum(len(theirs) for theirs, _ours in pages) > 1000
    for theirs, ours in pages:
        assert ours == theirs


def test_lean_char_dicts_on_a_page_whose_mediabox_does_not_start_at_zero(
    tmp_path: Path, swedish_pdf: Path
) -> None:
    """pdfplumber shifts x by the MediaBox origin; the lean path must do the same."""
    data = swedish_pdf.read_bytes()
    box = re.search(rb"/MediaBox \[ *0 0 ([\d.]+) ([\d.]+) *\]", data)
    assert box is not None
    shifted = data.replace(box.group(), b"/MediaBox [ 20 10 %s %s ]" % (box.group(1), box.group(2)))
    path = tmp_path / "shifted.pdf"
    path.write_bytes(shifted)
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        assert pdf.pages[0].mediabox[0] == 20  # the x shift the lean path must add back
    pages = _objects_both_ways(path)
    assert pages[0][0]  # the page has characters
    for theirs, ours in pages:
        assert ours == theirs
