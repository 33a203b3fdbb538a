from pathlib import Path

import pytest

from ingest import IngestError, read_document
from ingest.text import parse_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

SEED_STYLE = (
    " Årsrapport för kulturen \nverksamheten \n \n\nKulturenheten \n \n\nÖversyn av stöd \n\n"
    "Arbetet med översynen på-\n\ngår under våren. \n\nDen görs av flera \n\npersoner i regionen \n\n"
    "tillsammans med kommunerna \n\noch länsstyrelsen. \n\n Första punkten i en lista \n\n"
    "fortsätter här \n\nsista raden på sidan, och \n nästa sida börjar här. \n\n"
)


def test_seed_format_pages_bullets_and_gaps():
    document = parse_text(SEED_STYLE, "x.txt")
    texts = [line.text for line in document.lines]
    assert texts[0] == "Årsrapport för kulturen"
    assert document.lines[1].continues, "a line right after another (no blank) is the same text box"
    bullet = texts.index("Första punkten i en lista")
    assert document.lines[bullet].bullet and document.lines[bullet].gap_before
    assert not document.lines[bullet + 1].bullet
    assert [page.number for page in document.pages] == [1, 2]
    assert document.pages[1].lines[0].text == "nästa sida börjar här."
    assert document.lines[texts.index("Kulturenheten")].gap_before


def test_plain_paragraph_text_is_read_without_the_seed_rhythm():
    document = parse_text("Rubrik\n\nFörsta stycket rad ett\nrad två.\n\nAndra stycket.\n", "p.txt")
    lines = document.lines
    assert [line.text for line in lines] == ["Rubrik", "Första stycket rad ett", "rad två.", "Andra stycket."]
    assert [line.gap_before for line in lines] == [True, True, False, True]
    assert not any(line.bullet for line in lines)


def test_form_feed_starts_a_page():
    document = parse_text("Sida ett.\n\fSida två.\n", "f.txt")
    assert [page.number for page in document.pages if page.lines] == [1, 2]


def test_shipped_seed_reads_with_swedish_letters_and_eight_pages():
    document = read_document(CORPUS / "seed.txt")
    assert document.kind == "text"
    assert len(document.pages) == 8
    assert any("Överkalix" in line.text for line in document.lines)


def test_cp1252_text_is_decoded(tmp_path):
    path = tmp_path / "gammal.txt"
    path.write_bytes("Räksmörgås i Överkalix.\n".encode("cp1252"))
    assert read_document(path).lines[0].text == "Räksmörgås i Överkalix."


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("tom.txt", b"", "corrupt"),
        ("blank.txt", b"\n \n", "corrupt"),
        ("bin.txt", b"\x00\x01PK", "unsupported"),
        ("bild.png", b"\x89PNG", "unsupported"),
    ],
)
def test_bad_text_input_raises_a_typed_error(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as caught:
        read_document(path)
    assert caught.value.code == code
    assert caught.value.message
