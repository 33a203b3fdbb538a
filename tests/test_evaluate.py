"""Gold parsing and `rapportkb eval` scoring on small hand-made knowledge bases and gold files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonlines
import pytest

from rapportkb.evaluate import EvalError, entity_key, evaluate, word_errors, words
from rapportkb.gold import GoldFormatError, load_gold, parse_gold_entities, parse_gold_markdown

GOLD_MD = """# Aktuella händelser från verksamheten

## Kulturenheten

### Översyn kulturstöd

Kulturenheten genomgår en översyn i Luleå.

Arbetet blir klart i juni.

### Konserter för barn

Drygt 20 konserter gavs:

- Barnkonsert i Piteå
- Skolkonsert i Boden

## Regionbibliotek Norrbotten

### Polarbibblo

Polarbibblo fick ca 300 besökare den 8-9 maj.
"""

GOLD_ENTITIES = [
    {"path": ["Aktuella händelser från verksamheten"], "entities": []},
    {
        "path": ["Kulturenheten"],
        "entities": [{"type": "ORG", "text": "Kulturenheten", "norm": "Kulturenheten"}],
    },
    {
        "path": ["Kulturenheten", "Översyn kulturstöd"],
        "entities": [
            {"type": "ORG", "text": "Kulturenheten", "norm": "Kulturenheten"},
            {"type": "LOC", "text": "Luleå", "norm": "Luleå"},
            {
                "type": "DATE",
                "text": "juni",
                "norm": {"start": "2023-06-01", "end": "2023-06-30", "granularity": "month"},
            },
        ],
    },
    {
        "path": ["Kulturenheten", "Konserter för barn"],
        "entities": [
            {
                "type": "COUNT",
                "text": "Drygt 20 konserter",
                "norm": {"value": 20, "unit": "konserter", "qualifier": "min"},
            },
            {"type": "LOC", "text": "Piteå", "norm": "Piteå"},
            {"type": "LOC", "text": "Boden", "norm": "Boden"},
        ],
    },
    {
        "path": ["Regionbibliotek Norrbotten"],
        "entities": [
            {"type": "ORG", "text": "Regionbibliotek Norrbotten", "norm": "Regionbibliotek Norrbotten"}
        ],
    },
    {
        "path": ["Regionbibliotek Norrbotten", "Polarbibblo"],
        "entities": [
            {"type": "ORG", "text": "Polarbibblo", "norm": "Polarbibblo"},
            {"type": "ORG", "text": "Polarbibblo", "norm": "Polarbibblo"},
            {
                "type": "COUNT",
                "text": "ca 300 besökare",
                "norm": {"value": 300, "unit": "besökare", "qualifier": "approx"},
            },
            {
                "type": "DATE",
                "text": "den 8-9 maj",
                "norm": {"start": "2023-05-08", "end": "2023-05-09", "granularity": "day"},
            },
        ],
    },
]


def _gold_files(
    tmp_path: Path, markdown: str = GOLD_MD, entities: list[dict[str, Any]] | None = None
) -> tuple[Path, Path]:
    gold_md = tmp_path / "doc.gold.md"
    gold_md.write_text(markdown, encoding="utf-8")
    gold_ents = tmp_path / "doc.entities.jsonl"
    with jsonlines.open(gold_ents, "w") as writer:
        writer.write_all(GOLD_ENTITIES if entities is None else entities)
    return gold_md, gold_ents


def _records_from_gold(
    gold_md: Path, gold_ents: Path, doc_id: str = "d1", source: str = "reports/doc.txt"
) -> list[dict[str, Any]]:
    """A knowledge-base rendering of the gold: what a perfect pipeline would write."""
    gold = load_gold(gold_md, gold_ents)
    return [
        {
            "schema": 1,
            "id": f"{doc_id}:{index:04d}",
            "doc_id": doc_id,
            "source": source,
            "report": {"title": gold.title},
            "path": section.path,
            "heading": section.heading,
            "level": section.level,
            "text": section.text,
            "entities": [{"type": e.type, "text": e.text, "norm": e.norm} for e in section.entities],
        }
        for index, section in enumerate(gold.sections)
    ]


def _write_kb(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir(exist_ok=True)
    with jsonlines.open(kb / "sections.jsonl", "w") as writer:
        writer.write_all(records)
    return kb


def _find(records: list[dict[str, Any]], heading: str) -> dict[str, Any]:
    return next(r for r in records if r["heading"] == heading)


# --- gold parsing -------------------------------------------------------------------------------------


def test_gold_markdown_structure_and_text_convention() -> None:
    gold = parse_gold_markdown(GOLD_MD)
    assert gold.title == "Aktuella händelser från verksamheten"
    assert [(s.path, s.level) for s in gold.sections] == [
        (["Kulturenheten"], 1),
        (["Kulturenheten", "Översyn kulturstöd"], 2),
        (["Kulturenheten", "Konserter för barn"], 2),
        (["Regionbibliotek Norrbotten"], 1),
        (["Regionbibliotek Norrbotten", "Polarbibblo"], 2),
    ]
    assert gold.sections[1].text == "Kulturenheten genomgår en översyn i Luleå.\n\nArbetet blir klart i juni."
    # Bullets: own line, no marker, separated from the paragraph before by a blank line.
    assert gold.sections[2].text == "Drygt 20 konserter gavs:\n\nBarnkonsert i Piteå\nSkolkonsert i Boden"
    assert [b.kind for b in gold.sections[2].blocks] == ["paragraph", "bullet", "bullet"]
    assert gold.sections[0].text == ""


def test_gold_soft_wrapped_lines_join_and_deep_levels() -> None:
    gold = parse_gold_markdown(
        "# T\n\n## A\n\n### B\n\n#### C\n\nförsta raden\nandra raden\n\n- punkt\n  fortsätter\n"
    )
    deepest = gold.sections[-1]
    assert (deepest.path, deepest.level) == (["A", "B", "C"], 3)
    assert deepest.text == "första raden andra raden\n\npunkt fortsätter"


def test_gold_text_before_first_heading_is_level_zero_section() -> None:
    gold = parse_gold_markdown("# Titel\n\nInledande text.\n\n## Del\n\nBrödtext.\n")
    assert [(s.path, s.heading, s.level, s.text) for s in gold.sections] == [
        ([], "", 0, "Inledande text."),
        (["Del"], "Del", 1, "Brödtext."),
    ]


@pytest.mark.parametrize(
    "markdown",
    ["# T\n\n### Hoppar över nivå 1\n", "# T\n\n## A\n\n# Andra titeln\n", "Text\n\n# Titel efter text\n"],
)
def test_gold_markdown_format_errors(markdown: str) -> None:
    with pytest.raises(GoldFormatError):
        parse_gold_markdown(markdown)


def test_gold_entities_attach_by_path_and_title_line_is_dropped() -> None:
    gold = parse_gold_entities(GOLD_ENTITIES, parse_gold_markdown(GOLD_MD))
    assert gold.has_entities
    assert [len(s.entities) for s in gold.sections] == [1, 3, 3, 1, 4]
    assert all(s.level > 0 for s in gold.sections)


def test_gold_title_entities_go_to_a_level_zero_section() -> None:
    lines = [{"path": ["T"], "entities": [{"type": "LOC", "text": "Kiruna", "norm": "Kiruna"}]}]
    gold = parse_gold_entities(lines, parse_gold_markdown("# T\n\n## A\n\nText.\n"))
    assert (gold.sections[0].path, gold.sections[0].level, gold.sections[0].entities[0].text) == (
        [],
        0,
        "Kiruna",
    )


def test_gold_entities_may_skip_sections_but_not_reorder_or_invent() -> None:
    gold = parse_gold_markdown(GOLD_MD)
    parse_gold_entities([GOLD_ENTITIES[4]], gold)
    assert [len(s.entities) for s in gold.sections] == [0, 0, 0, 1, 0]
    with pytest.raises(GoldFormatError):
        parse_gold_entities([GOLD_ENTITIES[4], GOLD_ENTITIES[1]], parse_gold_markdown(GOLD_MD))
    with pytest.raises(GoldFormatError):
        parse_gold_entities([{"path": ["Finns inte"], "entities": []}], parse_gold_markdown(GOLD_MD))


# --- text --------------------------------------------------------------------------------------------


def test_identical_kb_scores_perfectly(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    kb = _write_kb(tmp_path, _records_from_gold(gold_md, gold_ents))
    result = evaluate(kb, gold_md, gold_ents, "reports/doc.txt")
    assert result.text.wer == 0.0 and result.body.wer == 0.0
    assert result.text.gold_words == len(words(GOLD_MD.replace("#", ""))) - len(
        words("Aktuella händelser från verksamheten")
    )
    assert result.headline() == {
        "wer": 0.0,
        "body_wer": 0.0,
        "heading_f1": 1.0,
        "level_accuracy": 1.0,
        "title_match": True,
        "entity_core_f1": 1.0,
        "entity_all_f1": 1.0,
    }


def test_known_edits_give_known_wer(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    records = _records_from_gold(gold_md, gold_ents)
    section = _find(records, "Översyn kulturstöd")
    # One substitution (Luleå -> Lulea), one deletion (Arbetet), one insertion (igen) two sections later:
    # far enough apart that only one alignment is optimal.
    section["text"] = "Kulturenheten genomgår en översyn i Lulea.\n\nblir klart i juni."
    _find(records, "Polarbibblo")["text"] += " igen"
    result = evaluate(_write_kb(tmp_path, records), gold_md, gold_ents, "reports/doc.txt")
    assert (result.text.substitutions, result.text.deletions, result.text.insertions) == (1, 1, 1)
    assert result.text.wer == pytest.approx(3 / result.text.gold_words)
    assert result.body.wer == pytest.approx(3 / result.body.gold_words)
    assert result.body.gold_words < result.text.gold_words


def test_heading_errors_count_in_text_wer_but_not_body_wer(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    records = _records_from_gold(gold_md, gold_ents)
    _find(records, "Polarbibblo")["heading"] = "Polar-bibblo"
    result = evaluate(_write_kb(tmp_path, records), gold_md, gold_ents, "reports/doc.txt")
    assert result.text.errors == 1 and result.body.errors == 0


def test_word_errors_ignore_bullet_markers_only_at_line_start() -> None:
    assert words("• Barnkonsert i Piteå\n- Skolkonsert – Boden") == [
        "Barnkonsert",
        "i",
        "Piteå",
        "Skolkonsert",
        "–",
        "Boden",
    ]
    score = word_errors(words("a b c"), words("a x c d"))
    assert (score.substitutions, score.deletions, score.insertions, score.wer) == (1, 1, 0, 0.5)


# --- headings ----------------------------------------------------------------------------------------


def test_heading_precision_recall_and_level_accuracy(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    records = _records_from_gold(gold_md, gold_ents)
    _find(records, "Konserter för barn")["heading"] = (
        "Konserter för  barn\n"  # whitespace only: still a match
    )
    _find(records, "Polarbibblo")["level"] = 1  # matched, wrong level
    _find(records, "Översyn kulturstöd")["heading"] = "Översyn kultur-stöd"  # hyphen matters: miss + extra
    extra = dict(
        _find(records, "Polarbibblo"), id="d1:0099", heading="Vilka jobbar här?", level=2, entities=[]
    )
    result = evaluate(
        _write_kb(tmp_path, [*records, extra]), gold_md, gold_ents, "reports/doc.txt", details=True
    )
    h = result.headings
    assert (h.score.tp, h.score.fp, h.score.fn) == (4, 2, 1)
    assert h.score.precision == pytest.approx(4 / 6) and h.score.recall == pytest.approx(4 / 5)
    assert h.score.f1 == pytest.approx(2 * 4 / (2 * 4 + 2 + 1))
    assert h.level_accuracy == pytest.approx(3 / 4)
    assert h.missed == ["Översyn kulturstöd"] and h.extra == ["Översyn kultur-stöd", "Vilka jobbar här?"]


def test_heading_alignment_respects_order(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    records = _records_from_gold(gold_md, gold_ents)
    records[1], records[2] = dict(records[2], id=records[1]["id"]), dict(records[1], id=records[2]["id"])
    result = evaluate(_write_kb(tmp_path, records), gold_md, gold_ents, "reports/doc.txt")
    assert result.headings.score.tp == 4 and result.headings.multiset_matched == 5


def test_title_mismatch_is_reported(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    records = _records_from_gold(gold_md, gold_ents)
    for record in records:
        record["report"] = {"title": "Aktuella  händelser från verksamheten"}
    assert evaluate(_write_kb(tmp_path, records), gold_md, gold_ents, "reports/doc.txt").headings.title_match
    for record in records:
        record["report"] = {"title": "Delårsrapport"}
    result = evaluate(_write_kb(tmp_path, records), gold_md, gold_ents, "reports/doc.txt")
    assert not result.headings.title_match and "MISMATCH" in result.format_table()


# --- entities ----------------------------------------------------------------------------------------


def test_entity_key_rules_per_type() -> None:
    day = {"start": "2023-05-08", "end": "2023-05-09", "granularity": "day"}
    assert entity_key("DATE", "8-9 maj", day) == entity_key(
        "DATE", "den 8-9 maj", dict(day, granularity="week")
    )
    assert entity_key("DATE", "den 8-9 maj", day) != entity_key(
        "DATE", "den 8-9 maj", dict(day, end="2023-05-10")
    )
    count = {"value": 300, "unit": "besökare", "qualifier": "approx"}
    assert entity_key("COUNT", "ca 300 besökare", count) == entity_key(
        "COUNT", "300 besökare", {"value": 300.0, "unit": "besökare", "qualifier": None}
    )
    assert entity_key("COUNT", "300 besökare", count) != entity_key(
        "COUNT", "300 besökare", dict(count, unit="deltagare")
    )
    money = {"value": 12500000, "currency": "SEK"}
    assert entity_key("MONEY", "12,5 mnkr", money) == entity_key("MONEY", "12 500 000 kronor", money)
    assert entity_key("MONEY", "12,5 mnkr", money) != entity_key(
        "MONEY", "12,5 mnkr", dict(money, currency="EUR")
    )
    assert entity_key("ORG", "Region Norrbotten", "x") == entity_key("ORG", "Region  Norrbotten", "y")
    assert entity_key("ORG", "Region Norrbotten", None) != entity_key("ORG", "region Norrbotten", None)
    assert entity_key("ORG", "Kiruna", None) != entity_key("LOC", "Kiruna", None)
    assert entity_key("DATE", "i höst", None) != entity_key("DATE", "i vår", None)


def test_entity_matching_counts_per_type(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    records = _records_from_gold(gold_md, gold_ents)
    polar = _find(records, "Polarbibblo")
    polar["entities"] = [
        {"type": "ORG", "text": "Polarbibblo", "norm": "Polarbibblo"},  # one of two gold mentions: 1 tp, 1 fn
        {
            "type": "COUNT",
            "text": "300 besökare",
            "norm": {"value": 300, "unit": "besökare", "qualifier": None},
        },
        {
            "type": "DATE",
            "text": "8-9 maj",
            "norm": {"start": "2023-05-08", "end": "2023-05-09", "granularity": "day"},
        },
        {"type": "LOC", "text": "Polarbibblo", "norm": "Polarbibblo"},  # wrong type: fp
    ]
    konserter = _find(records, "Konserter för barn")
    konserter["entities"][0] = dict(
        konserter["entities"][0], norm={"value": 20, "unit": "konsert", "qualifier": "min"}
    )
    result = evaluate(_write_kb(tmp_path, records), gold_md, gold_ents, "reports/doc.txt", details=True)
    scores = result.entities
    assert scores is not None
    assert (scores.per_type["ORG"].tp, scores.per_type["ORG"].fp, scores.per_type["ORG"].fn) == (4, 0, 1)
    assert (scores.per_type["LOC"].tp, scores.per_type["LOC"].fp, scores.per_type["LOC"].fn) == (3, 1, 0)
    assert (scores.per_type["DATE"].tp, scores.per_type["DATE"].fn) == (2, 0)
    assert (scores.per_type["COUNT"].tp, scores.per_type["COUNT"].fp, scores.per_type["COUNT"].fn) == (
        1,
        1,
        1,
    )
    assert (scores.core.tp, scores.core.fp, scores.core.fn) == (10, 2, 2)
    assert scores.per_type["MONEY"].precision is None and scores.per_type["MONEY"].f1 is None
    assert [e.text for e in scores.misses["COUNT"]] == ["Drygt 20 konserter"]
    assert [e.text for e in scores.false_positives["LOC"]] == ["Polarbibblo"]
    assert scores.false_positives["LOC"][0].path == ("Regionbibliotek Norrbotten", "Polarbibblo")


def test_heading_entities_count_and_unpredicted_types_score_zero(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    records = _records_from_gold(gold_md, gold_ents)
    for record in records:
        # Only the heading's own mention, flagged as the pipeline writes it.
        in_heading = [e for e in record["entities"] if e["text"] == record["heading"]][:1]
        record["entities"] = [dict(e, in_heading=True) for e in in_heading]
    scores = evaluate(_write_kb(tmp_path, records), gold_md, gold_ents, "reports/doc.txt").entities
    assert scores is not None
    assert (scores.per_type["ORG"].tp, scores.per_type["ORG"].fp, scores.per_type["ORG"].fn) == (3, 0, 2)
    assert scores.per_type["DATE"].precision is None and scores.per_type["DATE"].recall == 0.0
    assert scores.per_type["DATE"].f1 == 0.0


def test_section_level_vs_document_level(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    records = _records_from_gold(gold_md, gold_ents)
    moved = _find(records, "Översyn kulturstöd")["entities"].pop()  # the DATE juni, into another section
    _find(records, "Polarbibblo")["entities"].append(moved)
    _find(records, "Konserter för barn")["heading"] = "Konserter"  # unaligned: its entities are fp and fn
    result = evaluate(_write_kb(tmp_path, records), gold_md, gold_ents, "reports/doc.txt")
    assert result.entities is not None and result.entities_document is not None
    section, document = result.entities.all, result.entities_document.all
    assert (section.tp, section.fp, section.fn) == (12 - 1 - 3, 1 + 3, 1 + 3)
    assert (document.tp, document.fp, document.fn) == (12, 0, 0)


def test_without_gold_entities_entities_are_not_scored(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    result = evaluate(
        _write_kb(tmp_path, _records_from_gold(gold_md, gold_ents)), gold_md, None, "reports/doc.txt"
    )
    assert result.entities is None and result.entities_document is None
    assert result.headline()["entity_core_f1"] is None
    assert "not scored" in result.format_table()


# --- which records -----------------------------------------------------------------------------------


def test_source_selection_and_section_order(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    ours = _records_from_gold(gold_md, gold_ents, doc_id="d1", source="reports/2023/doc.txt")
    other = _records_from_gold(gold_md, gold_ents, doc_id="d2", source="reports/other.pdf")
    for record in other:
        record["text"] = "helt annan text"
    # Written in reverse: evaluation must restore the order from the ids.
    kb = _write_kb(tmp_path, [*reversed(ours), *other])
    for name in ("reports/2023/doc.txt", "d1", "2023/doc.txt", "doc.txt", "doc", "doc.gold.md"):
        result = evaluate(kb, gold_md, gold_ents, name)
        assert (result.doc_id, result.text.wer) == ("d1", 0.0), name
    assert evaluate(kb, gold_md, gold_ents, "other.pdf").text.wer > 0.5
    with pytest.raises(EvalError, match="no section"):
        evaluate(kb, gold_md, gold_ents, "saknas.pdf")


def test_ambiguous_source_and_duplicate_ids_are_errors(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    pdf = _records_from_gold(gold_md, gold_ents, doc_id="d1", source="a/doc.pdf")
    txt = _records_from_gold(gold_md, gold_ents, doc_id="d2", source="b/doc.txt")
    kb = _write_kb(tmp_path, [*pdf, *txt])
    with pytest.raises(EvalError, match="more than one document"):
        evaluate(kb, gold_md, gold_ents, "doc")
    assert evaluate(kb, gold_md, gold_ents, "doc.txt").doc_id == "d2"
    _write_kb(tmp_path, [*pdf, pdf[0]])
    with pytest.raises(EvalError, match="more than once"):
        evaluate(kb, gold_md, gold_ents, "a/doc.pdf")


def test_section_order_is_numeric(tmp_path: Path) -> None:
    gold = "# T\n\n" + "".join(f"## Del {i}\n\nText {i}.\n\n" for i in range(12))
    gold_md = tmp_path / "n.gold.md"
    gold_md.write_text(gold, encoding="utf-8")
    records = [
        {
            "id": f"d:{i}",
            "doc_id": "d",
            "source": "n.txt",
            "path": [f"Del {i}"],
            "heading": f"Del {i}",
            "level": 1,
            "text": f"Text {i}.",
        }
        for i in range(12)
    ]
    result = evaluate(_write_kb(tmp_path, list(reversed(records))), gold_md, None, "n.txt")
    assert result.text.wer == 0.0 and result.headings.score.tp == 12


def test_result_serialises_and_formats(tmp_path: Path) -> None:
    gold_md, gold_ents = _gold_files(tmp_path)
    records = _records_from_gold(gold_md, gold_ents)
    for record in records:
        record["entities"] = []
    result = evaluate(
        _write_kb(tmp_path, records), gold_md, gold_ents, "doc.txt", details=True, max_details=1
    )
    assert result.entities is not None
    assert [len(v) for v in result.entities.misses.values()] == [1, 1, 1, 1]
    assert result.entities.per_type["ORG"].fn == 5
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["entities"]["per_type"]["ORG"]["fn"] == 5
    assert data["headline"]["entity_core_f1"] == 0.0
    assert data["headings"]["title_gold"] == "Aktuella händelser från verksamheten"
    table = result.format_table()
    assert "section-level (headline)" in table and "document-level" in table
    assert "miss ORG 'Kulturenheten'" in table
