from pathlib import Path

from ingest import read_document
from ingest.model import Line, Page, RawDocument
from ingest.text import parse_text
from nlp.sections import compose_text, segment

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _pdf_like(lines: list[tuple[str, float, bool, int]]) -> RawDocument:
    pages: dict[int, Page] = {}
    for top, (text, size, bold, page) in enumerate(lines):
        box = (50.0, 20.0 * top, 50.0 + 6.0 * len(text), 20.0 * top + size)
        pages.setdefault(page, Page(page)).lines.append(Line(text, page, "Font", size, bold, box))
    return RawDocument("x.pdf", "pdf", list(pages.values()))


def test_seed_headings_levels_and_title():
    structure = segment(read_document(CORPUS / "seed.txt"))
    assert structure.title == "Aktuella händelser och information från verksamheten"
    units = [s.heading for s in structure.sections if s.level == 1]
    assert units == [
        "Enheten för näringsliv och samhälle",
        "Kulturenheten",
        "Norrbottensmusiken",
        "Norrbottens museum",
        "Regionbibliotek Norrbotten",
    ]
    headings = [s.heading for s in structure.sections]
    assert "Dialog kring skogens roll i den gröna omställningen med Skogsindustrierna" in headings
    assert "Körcentrum Nord" in headings
    topic = next(s for s in structure.sections if s.heading == "Projekt- och företagsstöd")
    assert topic.path == ["Enheten för näringsliv och samhälle", "Projekt- och företagsstöd"]
    assert "med enskilda företag" in topic.text and "erfarenhetsutbyten" in topic.text


def test_paragraph_split_by_a_page_break_is_one_block():
    structure = segment(read_document(CORPUS / "seed.txt"))
    text = "\n".join(s.text for s in structure.sections)
    assert "I nätverket får kommunerna tillfälle att dela lärdomar" in text


def test_bullets_are_bullet_blocks_each_on_its_own_line():
    structure = segment(read_document(CORPUS / "seed.txt"))
    workshop = next(s for s in structure.sections if s.heading.startswith("Workshop om Grön"))
    assert [b.kind for b in workshop.blocks] == ["paragraph", "bullet", "bullet"]
    text, spans = compose_text(workshop.blocks)
    assert text.count("\n\n") == 1 and text.endswith("intressen?")
    assert all(text[a:b] == block.text for block, (a, b) in zip(workshop.blocks, spans, strict=True))


def test_pdf_levels_from_type_size_and_numbering():
    document = _pdf_like(
        [
            ("Årsredovisning 2023", 24, True, 1),
            ("1 Inledning", 16, True, 1),
            ("Kommunen har under året arbetat med många frågor som rör hela länet och", 10, False, 1),
            ("dess invånare.", 10, False, 1),
            ("1.1 Bakgrund", 12, True, 1),
            ("Texten i bakgrunden är en vanlig mening som fyller raden ganska väl ut här.", 10, False, 2),
            ("Ekonomi", 16, True, 2),
            ("Ekonomin är god och resultatet blev bättre än väntat under hela året här.", 10, False, 2),
        ]
    )
    structure = segment(document)
    assert structure.title == "Årsredovisning 2023"
    assert [(s.heading, s.level) for s in structure.sections] == [
        ("1 Inledning", 1),
        ("1.1 Bakgrund", 2),
        ("Ekonomi", 1),
    ]
    assert structure.sections[1].path == ["1 Inledning", "1.1 Bakgrund"]
    assert structure.sections[1].first_page == 1 and structure.sections[1].last_page == 2


def test_text_before_the_first_heading_is_a_level_zero_section():
    document = parse_text("Det här är en inledande mening utan rubrik.\n\nMer text här.\n", "t.txt")
    structure = segment(document)
    assert structure.title is None
    assert structure.sections[0].path == [] and structure.sections[0].level == 0
