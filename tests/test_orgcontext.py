"""Organisation names found by their context (nlp/orgcontext.py), on sentences written for these tests.

Each rule follows spec/ANNOTATION.md (companies, ensembles, choirs and bands, committees and named units
are ORG; a place used as an organisation follows its use); the sentences are not from the seed report.
Run through the shipped gazetteer and the resolver, without the trained model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import nlp.gazetteer  # noqa: F401  (registers the factory)
import nlp.resolve  # noqa: F401
from nlp.mention import doc_mentions

SHIPPED = Path(__file__).resolve().parent.parent / "models" / "gazetteer"


@pytest.fixture(scope="module")
def tagger() -> spacy.language.Language:
    pipe = spacy.blank("sv")
    pipe.add_pipe("rapportkb_gazetteer", config={"path": str(SHIPPED)})
    pipe.add_pipe("rapportkb_resolve")
    return pipe


def ents(pipe: spacy.language.Language, text: str) -> list[tuple[str, str, str]]:
    return [(m.type, m.text, m.norm) for m in doc_mentions(pipe(text))]


def orgs(pipe: spacy.language.Language, text: str) -> list[str]:
    return [text for label, text, _ in ents(pipe, text) if label == "ORG"]


def test_capitalised_words_joined_by_an_ampersand_are_an_organisation(tagger) -> None:
    assert orgs(tagger, "Kursen ges av Nordic Arts & Design i Kiruna.") == ["Nordic Arts & Design"]


def test_a_name_in_apposition_with_a_group_noun_is_an_organisation(tagger) -> None:
    found = ents(tagger, "I våras turnerade Northern Voices, kören från Gällivare, i hela länet.")
    assert ("ORG", "Northern Voices", "Northern Voices") in found  # no genitive cut from an English name
    # A place in apposition with a description stays a place.
    assert ("LOC", "Kiruna", "Kiruna") in ents(tagger, "Vi reste till Kiruna, staden i norr, i maj.")
    assert orgs(tagger, "Vi reste till Kiruna, staden i norr, i maj.") == []


def test_the_name_band_in_english_is_one_organisation(tagger) -> None:
    assert orgs(tagger, "I höst spelar the Moonwalkers band i Luleå.") == ["the Moonwalkers band"]


def test_company_forms_after_a_name(tagger) -> None:
    found = orgs(tagger, "Uppdraget gick till Vindel konsult i Umeå och till Nord Bygg AB.")
    assert found == ["Vindel konsult", "Nord Bygg AB"]
    # `konsult` after a sentence-initial word is the ordinary noun.
    assert orgs(tagger, "Som konsult har hon arbetat i Umeå.") == []


def test_a_science_park_in_lower_case(tagger) -> None:
    assert "Umeå science park" in orgs(tagger, "Umeå science park och Almi ordnade en träff.")


def test_a_committee_with_a_relational_adjective_also_in_lower_case(tagger) -> None:
    found = ents(tagger, "Ärendet går vidare till kulturella utbildningsnämndens möte i juni.")
    assert ("ORG", "kulturella utbildningsnämndens", "kulturella utbildningsnämnden") in found
    # An ordinary adjective (`nya`) does not make a committee name.
    assert orgs(tagger, "Ärendet går vidare till den nya utbildningsnämnden.") == []


def test_a_capitalised_plain_noun_before_i_place_is_an_organisation(tagger) -> None:
    assert orgs(tagger, "Mötet för Museerna i Västerbotten hölls i Umeå.") == ["Museerna i Västerbotten"]
    # A rare compound is a name of its own (a place), not an organisation made of a common noun.
    assert orgs(tagger, "Vi talade med Fjällregionen i Jämtland om saken.") == []
    # A singular one names one institution or an event held at the place.
    assert orgs(tagger, "Vi besökte Bokmässan i Göteborg i höstas.") == []


def test_a_second_place_after_region_and_och_stands_for_its_region(tagger) -> None:
    found = ents(tagger, "Projektet drivs i samarbete mellan Region Västerbotten och Jämtland.")
    assert ("ORG", "Jämtland", "Jämtland") in found and ("LOC", "Jämtland", "Jämtland") not in found
    # Without the coordination the place is a place.
    assert ("LOC", "Jämtland", "Jämtland") in ents(tagger, "Region Västerbotten arbetar också i Jämtland.")


def test_definite_compounds_and_acronyms_coordinated_with_an_organisation(tagger) -> None:
    assert orgs(tagger, "Tillväxtverket och Hållbarhetsinitiativet bjuder in till ett möte.") == [
        "Tillväxtverket",
        "Hållbarhetsinitiativet",
    ]
    # A list chains: BDX next to Handelskammaren, NLC between BDX and Tillväxtverket.
    found = orgs(tagger, "Företrädare för Almi, Handelskammaren, BDX, NLC och Tillväxtverket deltog.")
    assert {"BDX", "NLC"} <= set(found)
    # An acronym with no organisation beside it is not one.
    assert orgs(tagger, "Filen sparas som PDF och skickas till oss.") == []


def test_an_abbreviation_between_commas_that_spells_the_initials(tagger) -> None:
    found = orgs(tagger, "Luleå Innovation Centre Sweden, LICS, har genomfört en workshop med LICS partner.")
    assert found == ["Luleå Innovation Centre Sweden", "LICS", "LICS"]
    # Digits in an abbreviation are not initials.
    found = orgs(tagger, "Centre for battery research Norrbotten, CB2RN, höll ett möte.")
    assert found == ["Centre for battery research Norrbotten", "CB2RN"]
    # Between commas after a known name it is a list item, not that name's abbreviation (no shared id).
    mentions = {m.text: m for m in doc_mentions(tagger("Deltog gjorde Umeå kommun, SVT, och flera andra."))}
    assert mentions["Umeå kommun"].id is not None and mentions["SVT"].id != mentions["Umeå kommun"].id
