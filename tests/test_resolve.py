"""The resolver: known sources before the model, longest name wins, the model's weak guesses dropped."""

import spacy
from spacy.tokens import Span

from nlp.mention import add_candidate, doc_mentions
from nlp.resolve import resolve

NLP = spacy.blank("sv")


def _model_span(doc, start_char, end_char, label):
    return doc.char_span(start_char, end_char, label=label)


def _texts(doc, spans: list[Span]) -> list[tuple[str, str]]:
    return [(span.text, span.label_) for span in spans]


def test_gazetteer_beats_a_longer_model_span():
    doc = NLP("Tillväxtverket Generaldirektör på besök i Luleå.")
    add_candidate(doc, 0, 14, "ORG", "Tillväxtverket", "gazetteer", "myndighet:1")
    model = _model_span(doc, 0, 30, "PER")
    chosen = resolve([*doc.spans["candidates"], model], frozenset({"PER"}))
    assert _texts(doc, chosen) == [("Tillväxtverket", "ORG")]


def test_longest_known_name_wins_without_nesting():
    doc = NLP("Region Norrbotten bjöd in.")
    add_candidate(doc, 7, 17, "LOC", "Norrbotten", "gazetteer")
    add_candidate(doc, 0, 17, "ORG", "Region Norrbotten", "gazetteer")
    assert _texts(doc, resolve(list(doc.spans["candidates"]))) == [("Region Norrbotten", "ORG")]


def test_model_labels_not_trusted_are_dropped():
    doc = NLP("Vi träffade Anna Berg från Fokusgruppen AB.")
    spans = [_model_span(doc, 12, 21, "PER"), _model_span(doc, 27, 42, "ORG")]
    assert _texts(doc, resolve(spans, frozenset({"PER"}))) == [("Anna Berg", "PER")]
    assert len(resolve(spans, frozenset({"PER", "ORG"}))) == 2


def test_a_common_word_opening_a_sentence_is_not_a_name():
    doc = NLP("Det gick bra. Fokus låg på Kiruna.")
    spans = [_model_span(doc, 14, 19, "PER"), _model_span(doc, 27, 33, "PER")]
    assert resolve(spans, frozenset({"PER"})) == []


def test_a_lone_first_name_needs_the_full_name_in_the_same_text():
    doc = NLP("Miho Hazama dirigerade. Sedan spelade Miho själv, och Hetta spelade.")
    full = _model_span(doc, 0, 11, "PER")
    again = _model_span(doc, 38, 42, "PER")
    unknown = _model_span(doc, 54, 59, "PER")
    assert _texts(doc, resolve([full, again, unknown], frozenset({"PER"}))) == [
        ("Miho Hazama", "PER"),
        ("Miho", "PER"),
    ]


def test_mentions_carry_norm_source_and_id():
    doc = NLP("Överkalix kommun och Luleå.")
    add_candidate(doc, 0, 16, "ORG", "Överkalix kommun", "gazetteer", "kommun:2513")
    doc.ents = resolve(list(doc.spans["candidates"]))
    [mention] = doc_mentions(doc)
    assert (mention.text, mention.norm, mention.source, mention.id) == (
        "Överkalix kommun", "Överkalix kommun", "gazetteer", "kommun:2513"
    )


def test_batching_does_not_change_what_is_tagged(monkeypatch):
    from datetime import date

    from nlp import pipeline as pipeline_module

    tagger = pipeline_module.build_pipeline()
    texts = [
        "GD Elisabeth Backteman besökte Norrbotten den 8-9 maj.",
        "Körcentrum Nord samlade 5-6 maj ca 230 körsångare och körledare från Luleå.",
        "Region Norrbotten och Överkalix kommun höll 29 bokade möten.",
    ] * 5
    alone = [list(pipeline_module.tag_texts(tagger, [text], date(2023, 5, 9)))[0] for text in texts]
    monkeypatch.setattr(pipeline_module, "TAG_BATCH_SIZE", 4)  # several batches, the last one short
    assert any(alone)
    assert list(pipeline_module.tag_texts(tagger, texts, date(2023, 5, 9))) == alone


ALL = frozenset({"PER", "ORG", "LOC"})


def test_a_person_running_into_an_ampersand_is_part_of_a_company_name():
    doc = NLP("Kursen ges av Nordic Arts & Design i Kiruna.")
    assert resolve([_model_span(doc, 14, 25, "PER")], frozenset({"PER"})) == []


def test_a_lone_name_is_a_person_after_a_title_or_role_or_next_to_a_verb_of_saying():
    for text, name in [("Det gick bra, säger Lindqvist.", "Lindqvist"),
                       ("Wennerholm berättade om arbetet.", "Wennerholm"),
                       ("Mötet leddes av enhetschef Lindqvist i maj.", "Lindqvist"),
                       ("Frågan ställdes till dr Lindqvist.", "Lindqvist")]:  # fmt: skip
        doc = NLP(text)
        start = text.index(name)
        span = _model_span(doc, start, start + len(name), "PER")
        assert _texts(doc, resolve([span], frozenset({"PER"}))) == [(name, "PER")], text
    doc = NLP("Vi åkte sedan vidare till Lindqvist.")
    assert resolve([_model_span(doc, 26, 35, "PER")], frozenset({"PER"})) == []


def test_a_title_the_model_includes_is_not_part_of_the_name():
    doc = NLP("Det var svårt, sade Ms Hopley.")
    chosen = resolve([_model_span(doc, 20, 29, "PER")], frozenset({"PER"}))
    assert _texts(doc, chosen) == [("Hopley", "PER")]


def test_a_one_word_model_span_repeating_a_full_name_is_that_person():
    doc = NLP("Miho Hazama dirigerade. Musiken var av Miho och Hazamas band spelade.")
    spans = [_model_span(doc, 0, 11, "PER"), _model_span(doc, 39, 43, "ORG"), _model_span(doc, 48, 55, "LOC")]
    assert _texts(doc, resolve(spans, frozenset({"PER"}))) == [
        ("Miho Hazama", "PER"),
        ("Miho", "PER"),
        ("Hazamas", "PER"),
    ]


def test_table_cells_and_capitalised_headings_are_not_names():
    doc = NLP("Nämnd | Kunskapsbank | Klimatkommunerna\nHÅLLBARA STÄDER")
    spans = [_model_span(doc, 0, 7, "PER"), _model_span(doc, 8, 39, "ORG"), _model_span(doc, 40, 55, "PER")]
    assert resolve(spans, ALL) == []


def test_one_word_places_and_organisations_from_the_model():
    doc = NLP("Vi besökte Utrecht och NATO i maj. Arbetet med Energi och Fokusgruppen och KLIMATSTRATEGI.")
    where = [(11, 18, "LOC"), (23, 27, "ORG"), (47, 53, "LOC"), (58, 70, "ORG"), (75, 89, "ORG")]
    spans = [_model_span(doc, *w) for w in where]
    # A place abroad and an acronym are kept; a Swedish word, a one-word name-like organisation (the
    # model's guesses of these were mostly wrong) and a capitalised heading word are not.
    assert _texts(doc, resolve(spans, ALL)) == [("Utrecht", "LOC"), ("NATO", "ORG")]
    doc = NLP("Utrecht är en stad. Det nya huset invigdes.")
    spans = [_model_span(doc, 0, 7, "LOC"), _model_span(doc, 20, 27, "LOC")]
    assert resolve(spans, ALL) == []  # opens a sentence; no name-like word
    doc = NLP("Konserten hölls i Kulturens hus i maj.")
    assert _texts(doc, resolve([_model_span(doc, 18, 31, "LOC")], ALL)) == [("Kulturens hus", "LOC")]


def test_the_gate_runs_the_model_for_a_lone_name_in_a_persons_context():
    from nlp.resolve import model_can_add

    persons = frozenset({"PER"})
    assert model_can_add(NLP("Det gick bra, sade Tarlo."), persons)  # no name pair: the context decides
    assert not model_can_add(NLP("Det gick bra, sade han."), persons)
    assert model_can_add(NLP("Hon talade med Hazamas orkester. Miho Hazama dirigerade."), persons)


def test_a_one_word_place_in_capitals_must_be_short_like_an_acronym():
    doc = NLP("Resan gick till USA och sedan KLIMATSTRATEGI i maj.")
    spans = [_model_span(doc, 16, 19, "LOC"), _model_span(doc, 30, 44, "LOC")]
    assert _texts(doc, resolve(spans, ALL)) == [("USA", "LOC")]
