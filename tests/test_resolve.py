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
