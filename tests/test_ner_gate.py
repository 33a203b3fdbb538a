"""The NER gate (nlp/ner.py, nlp.resolve.model_can_add): skipping the model loses no entity.

The gate runs the trained model only on texts where the resolver could keep one of its spans. These
tests compare the gated pipeline with the ungated one on the project's report (text and both PDFs,
every section) and on a few hundred written sentences, check the shape assumption the gate rests on
against what the model predicts, and check that the gate does skip texts.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ingest.read import read_document
from nlp.mention import add_candidate
from nlp.pipeline import REPORT_DATE, build_pipeline, tag_texts
from nlp.resolve import model_can_add, name_pairs
from nlp.sections import segment

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REPORT_DAY = date(2023, 5, 9)

FIRSTS = ["Anna", "Lars", "Karin", "Per", "Elisabeth", "Mattias", "Åsa", "Örjan", "Märta", "Jan", "Hilma",
          "Max"]  # fmt: skip
LASTS = ["Larsson", "Backteman", "Sandström", "Holm", "Öberg", "af Klint", "von Sydow", "de Geer", "Åkesson",
         "Lindh", "Nilsson", "Beijmo", "Hazama"]  # fmt: skip
PLACES = ["Luleå", "Kiruna", "Piteå", "Norrbotten", "Umeå", "Haparanda", "Gällivare", "Jokkmokk"]
ORGS = ["Region Norrbotten", "Kulturrådet", "Luleå kommun", "Länsstyrelsen i Norrbotten",
        "Norrbottensmusiken", "Riksarkivet", "Kungliga biblioteket (KB)", "Tillväxtverket"]  # fmt: skip
TEMPLATES = [
    "{f} {l} från {o} besökte {p} i maj.",
    "Enligt {l} ska {o} satsa mer på kulturen i {p}.",
    "{f} {l} inledde konferensen. Därefter berättade {l} om arbetet i {p}.",
    "Mötet i {p} leddes av {o} den 3 maj 2023.",
    "{o} och {p} samarbetar sedan 2019 kring 12 projekt.",
    "Rapporten skrevs av {f} {i}. {l} på uppdrag av {o}.",
    "{l} berättade om verksamheten i {p}.",
    "Under 2023 genomfördes 14 möten med {o} i {p}.",
    "Stiftelsen {f} {l} delade ut priset. {l} var där.",
    "Projektet North Sweden Green Deal presenterades i {p} av {f} {l}.",
    "Utställningen Vikingar i trä visas i {p} hela sommaren.",
    "Verksamheten har under året haft 250 besökare per vecka.",
    "Kontakt: {f}\n{l}, {o}",
    "Kulturenheten i {p} har anställt {f}-{f2} {l}.",
    "Hej {f}! Välkommen till {p}.",
]


def written_sentences() -> list[str]:
    """A few hundred sentences: persons in every position, particles, initials, lone surnames, none."""
    out = []
    names = itertools.cycle(itertools.product(FIRSTS, LASTS))
    for k, (template, place, org) in enumerate(itertools.product(TEMPLATES, PLACES, ORGS[:3])):
        first, last = next(names)
        out.append(template.format(f=first, f2=FIRSTS[k % 7], l=last, i=last[0], p=place, o=org))
    return out


@pytest.fixture(scope="module")
def pipelines() -> tuple[Language, Language]:
    return build_pipeline(ner_gate=True), build_pipeline(ner_gate=False)


def _section_texts(path: Path, **reader: str) -> list[str]:
    texts = []
    for section in segment(read_document(path, str(path), **reader)).sections:
        texts += [section.heading, section.text]
    return texts


def _tagged(pipeline: Language, texts: list[str]) -> list[list[tuple]]:
    return [[(m.type, m.start, m.end, m.text, str(m.norm), m.source, m.id) for m in found]
            for found in tag_texts(pipeline, texts, REPORT_DAY)]


PDF = "pdfium"
TEXT_SETS = {
    "seed.txt": lambda: _section_texts(CORPUS / "seed.txt"),
    "seed_a4_libreoffice.pdf": lambda: _section_texts(CORPUS / "seed_a4_libreoffice.pdf", reader=PDF),
    "seed_narrow_reportlab.pdf": lambda: _section_texts(CORPUS / "seed_narrow_reportlab.pdf", reader=PDF),
    "written": written_sentences,
}


@pytest.mark.parametrize("name", TEXT_SETS)
def test_gated_pipeline_gives_the_same_entities(pipelines: tuple[Language, Language], name: str) -> None:
    gated, ungated = pipelines
    texts = TEXT_SETS[name]()
    assert len(texts) >= 30
    assert _tagged(gated, texts) == _tagged(ungated, texts)


@pytest.mark.parametrize("name", TEXT_SETS)
def test_model_persons_have_the_shape_the_gate_assumes(
    pipelines: tuple[Language, Language], name: str
) -> None:
    """Every person of two or more tokens the model predicts lies on `name_pairs`."""
    _, ungated = pipelines
    model = ungated.get_pipe("ner").ner
    checked = 0
    for text in TEXT_SETS[name]():
        doc = model(ungated.make_doc(text))
        covered = [set(range(i, j + 1)) for i, j in name_pairs(doc)]
        for ent in doc.ents:
            if ent.label_ == "PER" and len(ent) > 1:
                tokens = set(range(ent.start, ent.end))
                assert any(pair <= tokens for pair in covered), ent.text
                assert tokens <= set().union(*covered), ent.text
                checked += 1
    if name == "written":
        assert checked > 100


def test_the_gate_skips_texts_without_a_possible_person(pipelines: tuple[Language, Language]) -> None:
    gated, _ = pipelines
    gate = gated.get_pipe("ner")
    texts = written_sentences() + _section_texts(CORPUS / "seed.txt")
    wanted = []
    for text in texts:
        doc = gated.make_doc(text)
        doc.user_data[REPORT_DATE] = REPORT_DAY
        for name, component in gated.pipeline:
            if name == "ner":
                break
            doc = component(doc)
        wanted.append(gate.wanted(doc))
    assert 0.2 * len(texts) < wanted.count(False) < 0.9 * len(texts)


# model_can_add on hand-made Docs: the resolver's rules, read backwards.

def _doc(text: str, candidates: list[tuple[str, str]] = ()) -> Doc:
    doc = spacy.blank("sv").make_doc(text)
    for surface, label in candidates:
        start = text.index(surface)
        add_candidate(doc, start, start + len(surface), label, surface, "gazetteer")
    return doc


def test_no_name_pair_no_model() -> None:
    assert not model_can_add(_doc("Verksamheten i Luleå hade 250 besökare.", [("Luleå", "LOC")]))
    assert not model_can_add(_doc("hela året var bra och alla var nöjda"))


def test_a_name_pair_outside_the_candidates_needs_the_model() -> None:
    assert model_can_add(_doc("Mötet leddes av Anna Larsson i Luleå.", [("Luleå", "LOC")]))
    assert model_can_add(_doc("Verket av Hilma af Klint visas."))  # `af Klint`
    assert model_can_add(_doc("Rapporten skrevs av Lars J. Andersson."))
    assert model_can_add(_doc("Kontakt: Anna\nLarsson"))  # across a line break


def test_a_name_pair_inside_a_candidate_needs_the_model_only_if_a_word_recurs_outside() -> None:
    org = [("Stiftelsen Anna Lindh", "ORG")]
    assert not model_can_add(_doc("Priset delas ut av Stiftelsen Anna Lindh varje år.", org))
    # The model may call `Anna Lindh` a person; the resolver then keeps a lone `Lindh` elsewhere.
    assert model_can_add(_doc("Priset delas ut av Stiftelsen Anna Lindh. Enligt Lindh var det bra.", org))
    # ... but not for an ordinary word opening a sentence, which the resolver drops anyway.
    prize = [("Stiftelsen Stora Kulturpriset", "ORG")]
    assert not model_can_add(_doc("Stiftelsen Stora Kulturpriset ger pengar. Stora summor betalas.", prize))
    assert model_can_add(_doc("Stiftelsen Stora Kulturpriset ger pengar, stora summor till Stora.", prize))


def test_the_gate_follows_the_resolver_labels() -> None:
    # With places or organisations taken, the model runs wherever a name-like token is free (a kept
    # place or organisation holds one), and not on text without one.
    assert model_can_add(_doc("hela året var bra i Utrecht"), frozenset({"PER", "ORG", "LOC"}))
    assert not model_can_add(_doc("hela året var bra"), frozenset({"PER", "ORG", "LOC"}))
    assert not model_can_add(_doc("Det var bra."), frozenset({"PER", "ORG", "LOC"}))
    assert not model_can_add(_doc("Anna Larsson kom."), frozenset())  # nothing taken from the model
