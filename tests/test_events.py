"""EVENT rules (nlp/events.py): named events in their Swedish shapes, and the common nouns left alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

import nlp.dates  # noqa: F401  (registers rapportkb_dates)
import nlp.events  # noqa: F401  (registers rapportkb_events)
import nlp.gazetteer  # noqa: F401  (registers rapportkb_gazetteer)
import nlp.quantities  # noqa: F401  (registers rapportkb_quantities)
import nlp.resolve  # noqa: F401  (registers rapportkb_resolve)
from nlp.mention import doc_mentions

GAZETTEER = Path(__file__).resolve().parent.parent / "models" / "gazetteer"


@pytest.fixture(scope="module")
def pipe() -> Language:
    """The shipped entity components with the event rules, in the order build_pipeline will run them."""
    pipeline = spacy.blank("sv")
    pipeline.add_pipe("rapportkb_gazetteer", config={"path": str(GAZETTEER)})
    pipeline.add_pipe("rapportkb_dates")
    pipeline.add_pipe("rapportkb_quantities")
    pipeline.add_pipe("rapportkb_events")
    pipeline.add_pipe("rapportkb_resolve")
    return pipeline


def _run(pipe: Language, text: str) -> list:
    doc = pipe.make_doc(text)
    doc.user_data["report_date"] = date(2023, 5, 9)
    return doc_mentions(pipe(doc))


def events(pipe: Language, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.norm) for m in _run(pipe, text) if m.type == "EVENT"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Capitalised compounds on an event head, indefinite ones also opening a sentence or heading.
        ("Vi besökte Bokmässan i Göteborg.", ["Bokmässan"]),
        ("Kulturforum arrangeras i höst i Kiruna.", ["Kulturforum"]),
        ("Läsforum i Boden", ["Läsforum"]),
        ("I juni öppnade Höstsalongen sina dörrar.", ["Höstsalongen"]),
        ("14 maj Släktforskarkafé: om gamla kyrkböcker", ["Släktforskarkafé"]),
        ("Under Almedalsveckan höll hon tal.", ["Almedalsveckan"]),
        # A name or genitive owner before the compound, a year after it.
        ("Nästa gång Sveriges Ungdomsriksdag hålls blir det i Umeå.", ["Sveriges Ungdomsriksdag"]),
        ("Sveriges Ungdomsriksdag 2024", ["Sveriges Ungdomsriksdag 2024"]),
        ("Bandet spelade på Luleå Jazzfestival i juli.", ["Luleå Jazzfestival"]),
        # An ALLCAPS name after a festival compound belongs to it.
        ("Premiären av Dansfestivalen RÖRELSE blev lyckad.", ["Dansfestivalen RÖRELSE"]),
        # A name before a lower-case event compound.
        ("Orkestern spelade på Kiruna musikdagar i april.", ["Kiruna musikdagar"]),
        ("De medverkade på festivalen Ylläs kammarmusikdagar.", ["Ylläs kammarmusikdagar"]),
        # English heads after a capitalised name.
        ("Kommunerna reste till Nordic Travel Expo i Oslo.", ["Nordic Travel Expo"]),
        ("Under maj hölls Circular Economy Talk i Piteå.", ["Circular Economy Talk"]),
        ("Vi deltog på Arctic Business Summit 2022.", ["Arctic Business Summit 2022"]),
        # Names introduced by a common noun.
        ("Regionen anordnade konferensen Hållbar Framtid i Luleå.", ["Hållbar Framtid"]),
        ("Publiken kom till festivalen Urkult i augusti.", ["Urkult"]),
    ],
)
def test_event_shapes(pipe: Language, text: str, expected: list[str]) -> None:
    assert [name for name, _ in events(pipe, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Utställningen Knypplade spetsar från förr hade vernissage.", ["Knypplade spetsar från förr"]),
        ("Visningar kring utställningen Knypplade spetsar planeras.", ["Knypplade spetsar"]),
        # A preposition before a capitalised name introduces the venue, not part of the title.
        ("Utställningen Vikingar i Luleå visas hela sommaren.", ["Vikingar"]),
        ("Utställningen ”Samiskt hantverk” öppnar i juni.", ["Samiskt hantverk"]),
        ("I utställningen Kvinnors arbete och vardag ingår foton.", ["Kvinnors arbete och vardag"]),
    ],
)
def test_exhibition_titles_end_at_verb_digit_or_venue(pipe: Language, text: str, expected: list[str]) -> None:
    assert [name for name, _ in events(pipe, text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        # Bare heads and common nouns.
        "Kommunerna deltog på mässan. Konferensen var välbesökt. Festivalen lockade många.",
        "Nästa år hålls innovationsriksdagen i Boden.",
        "Kommunen anordnade en Jazzfestival för unga.",
        # A definite compound opening a sentence is an ordinary noun.
        "Planeringsdagarna genomfördes i Jokkmokk. Höstkonferensen ställdes in.",
        "Vi deltog i studie- och planeringsdagarna i Jokkmokk 15-16 maj.",
        # Generic programme items, internal meetings, courses and lectures.
        "7 juni Spelkväll med brädspel. 17 juni Folkdräktsmarknad på Hägnan.",
        "CH2ESS strategidag",
        "Kursen Tydning av handskrift ges i höst. Föreläsningen Staden vid havet hålls 10 maj.",
        "8 maj Språkkafé i biblioteket. Högmässa hölls i domkyrkan.",
        "Frisersalongen flyttar. Webbforum och Videokonferens ersätter mötet.",
        # Ordinary words ending like an event head.
        "Skilsmässa och vårdnad var ämnet. På onsdagar har vi öppet. Vardagar 10-16.",
        # A genitive place before a lower-case compound: the festival of Piteå, not its name.
        "Kommunen deltog på Piteås sommarfestival.",
        # The name after an introducing noun is an organisation the gazetteer knows.
        "Under konferensen Region Norrbotten arrangerade talade flera.",
        # A line break ends the phrase: the next line is a heading or a new paragraph, not the name.
        "Vi berättade om konferensen\nFramtidens skola startar i höst.",
    ],
)
def test_common_nouns_are_not_events(pipe: Language, text: str) -> None:
    assert events(pipe, text) == []


def test_norm_drops_the_genitive(pipe: Language) -> None:
    assert events(pipe, "Vi såg Bokmässans program.") == [("Bokmässans", "Bokmässan")]
    assert events(pipe, "På Nordic Travel Expo:s golv") == [("Nordic Travel Expo:s", "Nordic Travel Expo")]
    # An ALLCAPS name is not a genitive even when it ends in -S.
    assert events(pipe, "Vi firade Körfestivalen TILLSAMMANS.") == [
        ("Körfestivalen TILLSAMMANS", "Körfestivalen TILLSAMMANS")
    ]


def test_a_name_found_once_is_found_again(pipe: Language) -> None:
    text = "Publiken kom till festivalen Urkult i augusti. Urkult är populärt, och Urkults program växer."
    assert events(pipe, text) == [("Urkult", "Urkult"), ("Urkult", "Urkult"), ("Urkults", "Urkult")]
    # A definite compound opening a sentence counts once the text has named it mid-sentence.
    text = "Vi besökte Kulturkonferensen i Boden. Kulturkonferensen samlade många."
    assert [name for name, _ in events(pipe, text)] == ["Kulturkonferensen", "Kulturkonferensen"]


def test_event_with_year_beats_date_and_place(pipe: Language) -> None:
    """One EVENT, no DATE `2024` and no LOC `Sveriges` inside it (longest span wins in the resolver)."""
    mentions = _run(pipe, "Sveriges Ungdomsriksdag 2024 hölls i Umeå.")
    assert [(m.type, m.text) for m in mentions] == [
        ("EVENT", "Sveriges Ungdomsriksdag 2024"),
        ("LOC", "Umeå"),
    ]


def test_year_range_is_not_attached(pipe: Language) -> None:
    names = [name for name, _ in events(pipe, "Planen för Bokmässan 2023-2026 är klar.")]
    assert names == ["Bokmässan"]


def test_other_entities_beside_events_survive(pipe: Language) -> None:
    mentions = _run(pipe, "Barnbiblioteksforum arrangeras den 10-11 maj i Piteå med 48 deltagare.")
    assert [(m.type, m.text) for m in mentions] == [
        ("EVENT", "Barnbiblioteksforum"),
        ("DATE", "den 10-11 maj"),
        ("LOC", "Piteå"),
        ("COUNT", "48 deltagare"),
    ]


def test_swedish_letters_survive(pipe: Language) -> None:
    assert events(pipe, "Vi ställde ut på Älvdalens Hemslöjdsmässa.") == [
        ("Älvdalens Hemslöjdsmässa", "Älvdalens Hemslöjdsmässa")
    ]


SKIP_CHECK_TEXTS = [
    "Vi besökte Bokmässan i Göteborg. Bokmässans program var fullt.",
    "Kommunerna reste till Nordic Travel Expo i Oslo och Arctic Business Summit 2022.",
    "Under maj hölls Circular Economy Talks i Piteå.",
    "Publiken kom till FESTIVALEN Urkult i augusti. UTSTÄLLNINGEN Vikingar i trä visas nu.",
    "Orkestern spelade på Kiruna musikdagar i april.",
    "Kommunen budgeterade 2 miljoner kronor för vägarna i Luleå.",
    "Region Norrbotten och Luleå kommun samverkar.",
    "",
]


@pytest.mark.parametrize("text", SKIP_CHECK_TEXTS)
def test_rule_skipping_finds_what_every_rule_would(pipe: Language, text: str, monkeypatch) -> None:
    """`find_events` runs only the rules whose trigger words occur in the text; running all of them must
    find the same events (what the skip rests on: no rule fires without its trigger)."""
    from nlp import events as module

    doc = pipe.make_doc(text)
    doc.user_data["report_date"] = date(2023, 5, 9)
    for name, component in pipe.pipeline:
        if name == "rapportkb_events":
            break
        doc = component(doc)
    skipping = module.find_events(doc)
    monkeypatch.setattr(module, "_rules_for", lambda _text: [module._compounds, module._english,
                                                             module._introduced])
    assert module.find_events(doc) == skipping


def test_rules_are_skipped_only_without_their_trigger_words() -> None:
    from nlp.events import _compounds, _english, _introduced, _rules_for

    assert _rules_for("Kommunen budgeterade 2 miljoner kronor.") == []
    assert _rules_for("Vi besökte Vårsalongen.") == [_compounds]
    assert _rules_for("Vi besökte Bokmässan.") == [_compounds, _introduced]  # `mässan` introduces too
    assert _rules_for("Nordic Travel Expo") == [_english]
    assert _rules_for("KONFERENSEN Hållbar Framtid") == [_introduced]
    assert _rules_for("konferensen Nordic Expo") == [_compounds, _english, _introduced]


def test_a_name_ending_one_token_before_a_name_run_does_not_raise(pipe: Language) -> None:
    # `Oslo` ends a place candidate one token before `Arctic`: this raised KeyError in `_name_start`.
    assert events(pipe, "Vi reste till Nordic Travel Expo i Oslo och Arctic Business Summit 2022.")
