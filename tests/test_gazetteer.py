"""The gazetteer component: list matching with case/genitive rules, name-shape rules, shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

import nlp.gazetteer  # noqa: F401  (registers the factory)
import nlp.resolve  # noqa: F401
from nlp.mention import doc_mentions

SHIPPED = Path(__file__).resolve().parent.parent / "models" / "gazetteer"

TINY = [
    {"text": "Kiruna", "type": "LOC", "norm": "Kiruna", "id": "kommun:2584", "match": "exact"},
    {"text": "Norrbotten", "type": "LOC", "norm": "Norrbotten", "id": "lan:25", "match": "exact"},
    {"text": "Norrbottens län", "type": "LOC", "norm": "Norrbottens län", "id": "lan:25", "match": "exact"},
    {"text": "Västerbotten", "type": "LOC", "norm": "Västerbotten", "id": "lan:24", "match": "exact"},
    {"text": "Mark", "type": "LOC", "norm": "Mark", "id": "kommun:1463", "match": "context"},
    {"text": "Region Norrbotten", "type": "ORG", "norm": "Region Norrbotten", "id": "region:25",
     "match": "title"},
    {"text": "Tillväxtverket", "type": "ORG", "norm": "Tillväxtverket", "id": "myndighet:1", "match": "any"},
    {"text": "Luleå tekniska universitet", "type": "ORG", "norm": "Luleå tekniska universitet",
     "id": "myndighet:2", "match": "title"},
    {"text": "Kungliga biblioteket", "type": "ORG", "norm": "Kungl. biblioteket", "id": "myndighet:3",
     "match": "title"},
    {"text": "Skogsindustrierna", "type": "ORG", "norm": "Skogsindustrierna", "id": "org:si",
     "match": "exact"},
    {"text": "Överkalix", "type": "LOC", "norm": "Överkalix", "id": "kommun:2513", "match": "exact"},
    {"text": "Riksarkivet", "type": "ORG", "norm": "Riksarkivet", "id": "myndighet:4", "match": "any"},
    {"text": "Härnösand", "type": "LOC", "norm": "Härnösand", "id": "kommun:2280", "match": "exact"},
]


def _pipeline(path: Path, **config: object) -> spacy.language.Language:
    pipe = spacy.blank("sv")
    pipe.add_pipe("rapportkb_gazetteer", config={"path": str(path), **config})
    pipe.add_pipe("rapportkb_resolve")
    return pipe


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> spacy.language.Language:
    folder = tmp_path_factory.mktemp("gaz")
    with (folder / "entries.jsonl").open("w", encoding="utf-8") as handle:
        for entry in TINY:
            handle.write(json.dumps({**entry, "source": "test"}, ensure_ascii=False) + "\n")
    return _pipeline(folder)


@pytest.fixture(scope="module")
def shipped() -> spacy.language.Language:
    return _pipeline(SHIPPED)


def ents(pipe: spacy.language.Language, text: str) -> list[tuple[str, str, str]]:
    return [(m.type, m.text, m.norm) for m in doc_mentions(pipe(text))]


# --- tiny gazetteer: the matching rules themselves ---------------------------------------------------

def test_longest_name_wins_no_loc_inside(tiny):
    assert ents(tiny, "Hon arbetar på Region Norrbotten sedan i fjol.") == [
        ("ORG", "Region Norrbotten", "Region Norrbotten")]


def test_genitive_keeps_span_and_drops_from_norm(tiny):
    assert ents(tiny, "Aktörer för Norrbottens skogsnäring.") == [("LOC", "Norrbottens", "Norrbotten")]
    assert ents(tiny, "Sedan bjöd Skogsindustriernas VD in.") == [
        ("ORG", "Skogsindustriernas", "Skogsindustrierna")]


def test_lowercase_only_for_entries_marked_any(tiny):
    assert ents(tiny, "Besök från tillväxtverket i går.") == [("ORG", "tillväxtverket", "tillväxtverket")]
    assert ents(tiny, "Vi åkte till kiruna och norrbotten.") == []


def test_context_entries_need_capital_and_mid_sentence(tiny):
    assert ents(tiny, "Konferensen hölls i Mark i maj.") == [("LOC", "Mark", "Mark")]
    assert ents(tiny, "Mark är ett ord. Marken var blöt och mark såldes.") == []


def test_title_variant_of_multiword_name(tiny):
    assert ents(tiny, "Forskare vid Luleå Tekniska Universitet deltog.") == [
        ("ORG", "Luleå Tekniska Universitet", "Luleå Tekniska Universitet")]


def test_canonical_norms_option(tmp_path):
    (tmp_path / "entries.jsonl").write_text(
        json.dumps({**TINY[8], "source": "test"}, ensure_ascii=False) + "\n", encoding="utf-8")
    pipe = _pipeline(tmp_path, canonical_norms=True)
    assert ents(pipe, "Med Kungliga biblioteket.") == [("ORG", "Kungliga biblioteket", "Kungl. biblioteket")]


def test_abbreviation_in_parentheses_and_later_mentions(tiny):
    found = ents(tiny, "Samverkan med Kungliga biblioteket (KB). Senare besökte KB:s personal oss.")
    assert found == [("ORG", "Kungliga biblioteket", "Kungliga biblioteket"), ("ORG", "KB", "KB"),
                     ("ORG", "KB:s", "KB")]


def test_abbreviation_spelled_by_initials_of_unknown_name(tiny):
    found = ents(tiny, "Ett möte med Föreningen för regional biblioteksverksamhet (FRB) hölls.")
    name = "Föreningen för regional biblioteksverksamhet"
    assert ("ORG", name, name) in found
    assert ("ORG", "FRB", "FRB") in found
    assert ents(tiny, "Arbetet med medie- och informationskunnighet (MIK) fortsätter.") == []


def test_kommun_pattern_is_org_and_place_alone_is_loc(tiny):
    assert ents(tiny, "Möte med Överkalix kommun och Tåga i Kiruna.") == [
        ("ORG", "Överkalix kommun", "Överkalix kommun"), ("LOC", "Kiruna", "Kiruna")]


def test_region_and_lansstyrelsen_patterns(tiny):
    assert ents(tiny, "Tillsammans med Länsstyrelsen i Norrbotten och Region Västerbotten.") == [
        ("ORG", "Länsstyrelsen i Norrbotten", "Länsstyrelsen i Norrbotten"),
        ("ORG", "Region Västerbotten", "Region Västerbotten")]


def test_unit_names_when_capitalised(tiny):
    assert ents(tiny, "Kulturenheten och Regionala utvecklingsavdelningen bjöd in.") == [
        ("ORG", "Kulturenheten", "Kulturenheten"),
        ("ORG", "Regionala utvecklingsavdelningen", "Regionala utvecklingsavdelningen")]
    assert ents(tiny, "Avdelningen och enheten och kulturenheten ansvarar.") == []


def test_unit_heading_line(tiny):
    assert ents(tiny, "Enheten för näringsliv och samhälle\n\nText om annat.") == [
        ("ORG", "Enheten för näringsliv och samhälle", "Enheten för näringsliv och samhälle")]


def test_institution_shapes(tiny):
    assert ents(tiny, "Utställning på Norrbottens museum i år.")[0][0] == "LOC"  # the building
    assert ents(tiny, "Norrbottens museum arrangerar, liksom Norrbottens Kammarorkester.") == [
        ("ORG", "Norrbottens museum", "Norrbottens museum"),
        ("ORG", "Norrbottens Kammarorkester", "Norrbottens Kammarorkester")]
    assert ents(tiny, "Norrbottensmusikens ensembler spelar.") == [
        ("ORG", "Norrbottensmusikens", "Norrbottensmusiken")]


def test_organisation_in_place_is_one_name(tiny):
    assert ents(tiny, "Besök från Riksarkivet i Härnösand.") == [
        ("ORG", "Riksarkivet i Härnösand", "Riksarkivet i Härnösand")]


def test_ministry_with_suspended_compound(tiny):
    assert ents(tiny, "Finska Arbets- och näringsministeriet (TEM) bjöd in.") == [
        ("ORG", "Arbets- och näringsministeriet", "Arbets- och näringsministeriet"), ("ORG", "TEM", "TEM")]


def test_suspended_place_compound(tiny):
    assert ents(tiny, "Bokbussar i Norr- och Västerbotten.") == [
        ("LOC", "Norr-", "Norrbotten"), ("LOC", "Västerbotten", "Västerbotten")]


def test_common_nouns_are_never_names(tiny):
    assert ents(tiny, "regionen, kommunerna och länet samt museet och Regionen deltog.") == []


def test_factory_caches_per_path(tiny, tmp_path):
    first = tiny.get_pipe("rapportkb_gazetteer").gazetteer
    pipe = spacy.blank("sv")
    pipe.add_pipe("rapportkb_gazetteer", config={"path": str(Path(first_path(tiny)))})
    assert pipe.get_pipe("rapportkb_gazetteer").gazetteer is first


def first_path(pipe: spacy.language.Language) -> str:
    return pipe.get_pipe_config("rapportkb_gazetteer")["path"]


def test_missing_entries_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="entries.jsonl"):
        _pipeline(tmp_path)


# --- the shipped, compiled gazetteer -----------------------------------------------------------------

def test_shipped_entries_are_well_formed():
    lines = (SHIPPED / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert {"text", "type", "norm", "id", "source", "match"} <= set(entries[0])
    assert {e["type"] for e in entries} == {"ORG", "LOC"}
    assert len({e["text"] for e in entries}) == len(entries)
    kommun_ids = {e["id"] for e in entries if e["id"].startswith("kommun:")}
    assert len(kommun_ids) == 290
    assert (SHIPPED / "README.md").is_file()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Möte med Region Norrbotten i dag.", ("ORG", "Region Norrbotten", "Region Norrbotten")),
        ("Erfarenhetsutbyte med Överkalix kommun.", ("ORG", "Överkalix kommun", "Överkalix kommun")),
        ("Tåga konsult i Kiruna deltog.", ("LOC", "Kiruna", "Kiruna")),
        ("Gruvsamhällen som Gällivare växer.", ("LOC", "Gällivare", "Gällivare")),
        ("Aktörer för Norrbottens skogsnäring.", ("LOC", "Norrbottens", "Norrbotten")),
        ("Generaldirektören för Tillväxtverket kom.", ("ORG", "Tillväxtverket", "Tillväxtverket")),
        ("Besök av tillväxtverket i maj.", ("ORG", "tillväxtverket", "tillväxtverket")),
        ("Samråd med Länsstyrelsen i Norrbotten.", ("ORG", "Länsstyrelsen i Norrbotten",
                                                    "Länsstyrelsen i Norrbotten")),
        ("Konsert i Övertorneå och Örnsköldsvik.", ("LOC", "Övertorneå", "Övertorneå")),
        ("Turné till Östersund.", ("LOC", "Östersund", "Östersund")),
        ("Resa till Åre.", ("LOC", "Åre", "Åre")),
        ("Fastighetsägarna och Vinnova bidrar.", ("ORG", "Vinnova", "Vinnova")),
    ],
)
def test_shipped_real_names(shipped, text, expected):
    assert expected in ents(shipped, text)


def test_shipped_kungliga_biblioteket_with_abbreviation(shipped):
    found = ents(shipped, "Kungliga biblioteket (KB) samordnar. KB ansvarar.")
    assert found == [("ORG", "Kungliga biblioteket", "Kungliga biblioteket"), ("ORG", "KB", "KB"),
                     ("ORG", "KB", "KB")]


def test_shipped_negatives(shipped):
    text = ("Regionen och kommunerna i länet har ett bo och ett berg; vi bor vid en å, "
            "mark och ed nämns, och regionen träffade kommunerna.")
    assert ents(shipped, text) == []


def test_shipped_ambiguous_locality_at_sentence_start_is_not_tagged(shipped):
    assert ents(shipped, "Berg av papper. Mark ägs av staten.") == []


def test_place_after_a_capitalised_word_is_not_tagged_alone(tiny):
    assert ents(tiny, "Enligt Anna Kiruna är det klart, sa hon i Kiruna.") == [("LOC", "Kiruna", "Kiruna")]


def test_shipped_countries_and_world_regions_come_from_cldr(shipped) -> None:
    found = ents(shipped, "Delegationer från Albanien, Papua Nya Guinea och Burma reste via Sydostasien.")
    assert [(label, text) for label, text, _ in found] == [
        ("LOC", "Albanien"), ("LOC", "Papua Nya Guinea"), ("LOC", "Burma"), ("LOC", "Sydostasien")
    ]  # fmt: skip
    # `Myanmar (Burma)` gives both names, with the first as the register's name.
    entries = [json.loads(line) for line in (SHIPPED / "entries.jsonl").open(encoding="utf-8")]
    cldr = {e["text"]: e for e in entries if e["source"] == "unicode-cldr/babel"}
    assert cldr["Burma"]["norm"] == "Myanmar" and cldr["Burma"]["id"] == "land:MM"
    # Descriptions in lower case and organisations (the EU) are not places.
    assert "södra Afrika" not in cldr and "Europeiska unionen" not in cldr


def test_word_lists_read_the_token_attributes_the_rules_used() -> None:
    """`_Words` stands in for Token.text, lower_, is_alpha and `_is_capitalised_word` in the rule loops."""
    from nlp.gazetteer import _is_capitalised_word, _Words

    doc = spacy.blank("sv")(
        "Åsa Öberg (KB) och NORRBOTTENS Läns-styrelse 2023: ärenden, Ölands ÅÄÖ e-post İstanbul ǅemal "
        "x2 Mc Donald's  \n Kungl. iPhone Straße ß 3,5 % ½ ª º ."
    )
    words = _Words.of(doc)
    assert words.texts == [t.text for t in doc]
    assert words.lowers == [t.lower_ for t in doc]
    assert words.alpha == [t.is_alpha for t in doc]
    assert words.caps == [_is_capitalised_word(t) for t in doc]
    assert any(words.caps) and not all(words.caps)
