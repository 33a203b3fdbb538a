"""NER training: corpus readers on inline samples, a tiny end-to-end training run, and the shipped model."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
import spacy

from nlp.mention import doc_mentions
from nlp.ner import add_trained_ner
from nlp.training.cli import register
from nlp.training.corpora import (
    ReadStats,
    Sentence,
    deduplicate,
    iter_entities,
    read_annotated_jsonl,
    read_iob2,
    read_klintan,
    spaces_for,
    to_docbin,
)
from nlp.training.pipeline_eval import gold_char_spans, score_spans
from nlp.training.train_ner import train_ner

SHIPPED = Path(__file__).resolve().parent.parent / "models" / "ner"

KLINTAN = """Anna\tPER
Karlsson\tPER
besökte 0
Umeå\tLOC
universitet\tLOC
och\t0
Ikea\tORG
.\t0

bn
Svenska\tMISC
Hockeyligan\tMISC
spelas\t0
i\t0
Luleå\tLOC
.\t0
"""

IOB2 = """# sent_id = s1
# text = Region Norrbotten bjöd in Tillväxtverket, inte SSAB.
1\tRegion\tB-ORG\t-\t-
2\tNorrbotten\tI-ORG\t-\t-
3\tbjöd\tO\t-\t-
4\tin\tO\t-\t-
5\tTillväxtverket\tB-ORG\t-\t-
6\t,\tO\t-\t-
7\tinte\tO\t-\t-
8\tSSAB\tB-OTH\t-\t-
9\t.\tO\t-\t-

# text = Åsa Öberg i Kalmar
1\tÅsa\tI-PER\t-\t-
2\tÖberg\tI-PER\t-\t-
3\ti\tO\t-\t-
4\tKalmar\tB-LOC\t-\t-
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_klintan_runs_of_equal_labels_are_one_entity_and_misc_is_dropped(tmp_path: Path) -> None:
    stats = ReadStats()
    sentences = read_klintan(_write(tmp_path / "k.txt", KLINTAN), stats)
    assert len(sentences) == 2
    assert list(iter_entities(sentences[0])) == [
        ("PER", "Anna Karlsson"),
        ("LOC", "Umeå universitet"),
        ("ORG", "Ikea"),
    ]
    # The bare "bn" line is skipped, not glued onto the next sentence as a token.
    assert sentences[1].words[0] == "Svenska"
    assert list(iter_entities(sentences[1])) == [("LOC", "Luleå")]
    assert stats.malformed_lines == [10]
    assert stats.dropped_labels == {"MISC": 1}


def test_iob2_reads_text_spans_and_drops_other_labels(tmp_path: Path) -> None:
    stats = ReadStats()
    first, second = read_iob2(_write(tmp_path / "u.iob2", IOB2), stats)
    assert list(iter_entities(first)) == [("ORG", "Region Norrbotten"), ("ORG", "Tillväxtverket")]
    assert first.text == "Region Norrbotten bjöd in Tillväxtverket, inte SSAB."
    assert stats.dropped_labels == {"OTH": 1}
    # An I- tag that opens an entity is read leniently as its start.
    assert list(iter_entities(second)) == [("PER", "Åsa Öberg"), ("LOC", "Kalmar")]


def test_spacing_comes_from_the_raw_text_or_punctuation_rules() -> None:
    words = ["Tillväxtverket", ",", "inte", "SSAB", "."]
    # The raw text wins over the rules: here it has no space after the comma.
    assert spaces_for(words, "Tillväxtverket,inte SSAB.") == [False, False, True, False, False]
    assert spaces_for(words, None) == [False, True, True, False, False]


def test_deduplicate_removes_test_sentences_seen_in_train(tmp_path: Path) -> None:
    train = read_klintan(_write(tmp_path / "train.txt", KLINTAN))
    test = read_klintan(_write(tmp_path / "test.txt", "Hej\t0\n.\t0\n\n" + KLINTAN.split("\n\n")[0]))
    kept = deduplicate(test, train)
    assert [s.words for s in kept] == [["Hej", "."]]


def test_annotated_jsonl_keeps_genitive_inside_and_rejects_missing_text(tmp_path: Path) -> None:
    good = {
        "text": "Region Norrbottens kulturplan nämner Luleå och regionen.",
        "entities": [{"type": "ORG", "text": "Region Norrbottens"}, {"type": "LOC", "text": "Luleå"}],
    }
    sentence = read_annotated_jsonl(_write(tmp_path / "a.jsonl", json.dumps(good, ensure_ascii=False)))[0]
    assert list(iter_entities(sentence)) == [("ORG", "Region Norrbottens"), ("LOC", "Luleå")]
    bad = {"text": "Kiruna kommun", "entities": [{"type": "ORG", "text": "Gällivare kommun"}]}
    with pytest.raises(ValueError, match="Gällivare kommun"):
        read_annotated_jsonl(_write(tmp_path / "b.jsonl", json.dumps(bad, ensure_ascii=False)))


def test_docbin_round_trip_keeps_entities_and_text(tmp_path: Path) -> None:
    sentences = read_iob2(_write(tmp_path / "u.iob2", IOB2))
    docs = list(to_docbin(sentences, repeat=2).get_docs(spacy.blank("sv").vocab))
    assert len(docs) == 4
    assert docs[0].text == "Region Norrbotten bjöd in Tillväxtverket, inte SSAB."
    assert [(e.text, e.label_) for e in docs[1].ents] == [("Åsa Öberg", "PER"), ("Kalmar", "LOC")]


def _tiny_corpora(root: Path) -> None:
    klintan = "\n".join([KLINTAN.split("\n\n")[0]] * 6 + [KLINTAN.split("\n\n")[1]] * 4) + "\n"
    _write(root / "klintan-swedish-ner" / "train_corpus.txt", klintan)
    _write(root / "klintan-swedish-ner" / "test_corpus.txt", "Per\tPER\nreste\t0\n.\t0\n")
    for split in ("train", "dev", "test"):
        _write(root / "uner-sv-talbanken" / f"sv_talbanken-ud-{split}.iob2", IOB2)
    _write(root / "uner-sv-pud" / "sv_pud-ud-test.iob2", IOB2)


TINY = {
    "components.ner.model.tok2vec.embed.width": 16,
    "components.ner.model.tok2vec.embed.rows": [100, 50, 50, 20],
    "components.ner.model.tok2vec.encode.width": 16,
    "components.ner.model.tok2vec.encode.depth": 1,
    "components.ner.model.hidden_width": 8,
    "training.eval_frequency": 1,
}


def test_train_ner_smoke_writes_a_loadable_model_with_metrics_and_card(tmp_path: Path) -> None:
    _tiny_corpora(tmp_path / "corpora")
    domain = _write(
        tmp_path / "admin.jsonl",
        json.dumps(
            {"text": "Kulturenheten besökte Kiruna.", "entities": [{"type": "LOC", "text": "Kiruna"}]}
        ),
    )
    out = tmp_path / "ner"
    metrics = train_ner(tmp_path / "corpora", out, max_steps=2, domain=domain, overrides=TINY)
    assert set(metrics["test"]) == {"uner_pud_test", "uner_talbanken_test", "klintan_test"}
    assert set(metrics["test"]["uner_pud_test"]) == {"PER", "ORG", "LOC", "ALL"}
    assert metrics["data"]["domain_sentences"] == 1
    assert metrics["size_bytes"] > 0 and metrics["words_per_second_one_core"] > 0
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["test"] == metrics["test"]
    assert "CC BY-SA 4.0" in (out / "README.md").read_text(encoding="utf-8")
    assert spacy.load(out).get_pipe("ner").labels == ("LOC", "ORG", "PER")
    # The same test sets through the whole pipeline (gazetteer + this model + resolver), in the card too.
    assert set(metrics["pipeline_test"]) == set(metrics["test"])
    gold_counts = {name: result["ALL"]["n_gold"] for name, result in metrics["test"].items()}
    assert {name: result["ALL"]["n_gold"] for name, result in metrics["pipeline_test"].items()} == gold_counts
    assert "In the rapportkb pipeline" in (out / "README.md").read_text(encoding="utf-8")


def test_pipeline_scoring_uses_character_offsets_of_the_rebuilt_text() -> None:
    sentence = Sentence(["Anna", "Öberg", "bor", "i", "Kalmar", "."], [(0, 2, "PER"), (4, 5, "LOC")])
    text, gold = gold_char_spans(sentence)
    assert text == "Anna Öberg bor i Kalmar."
    assert {text[s:e] for s, e, _ in gold} == {"Anna Öberg", "Kalmar"}
    predicted = {(0, 10, "PER"), (0, 4, "LOC")}
    scores = score_spans([(gold, predicted)])
    assert scores["PER"] == {"p": 1.0, "r": 1.0, "f": 1.0}
    assert scores["LOC"] == {"p": 0.0, "r": 0.0, "f": 0.0}
    assert scores["ALL"] == {"p": 0.5, "r": 0.5, "f": 0.5, "n_gold": 2}


def test_cli_registers_train_ner_with_its_options() -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["train", "ner", "--corpora", "/data/c", "--max-steps", "7"])
    assert (args.corpora, args.max_steps, args.out.name) == (Path("/data/c"), 7, "ner")


def test_shipped_model_tags_persons_and_places() -> None:
    model = spacy.load(SHIPPED)
    doc = model("Elisabeth Backteman besökte Luleå i maj tillsammans med Anders Nilsson från Kiruna.")
    found = {(e.text, e.label_) for e in doc.ents}
    assert {("Elisabeth Backteman", "PER"), ("Luleå", "LOC"), ("Anders Nilsson", "PER")} <= found


def test_add_trained_ner_runs_before_the_resolver_and_marks_model_spans() -> None:
    import nlp.resolve  # noqa: F401  (registers the resolver factory)

    pipeline = spacy.blank("sv")
    pipeline.add_pipe("rapportkb_resolve", config={"model_labels": ["PER", "LOC", "ORG"]})
    add_trained_ner(pipeline, SHIPPED)
    assert pipeline.pipe_names == ["ner", "rapportkb_resolve"]
    mentions = {
        (m.text, m.type, m.source) for m in doc_mentions(pipeline("Elisabeth Backteman besökte Luleå."))
    }
    assert {("Elisabeth Backteman", "PER", "model"), ("Luleå", "LOC", "model")} <= mentions


def test_add_trained_ner_reports_a_missing_model(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="trained NER model"):
        add_trained_ner(spacy.blank("sv"), tmp_path / "nothing")


def test_model_card_describes_the_embedding_from_the_config(tmp_path: Path) -> None:
    from nlp.training.train_ner import DEFAULT_CONFIG, embedding_description

    assert "NORM (20,000 rows)" in embedding_description(DEFAULT_CONFIG)
    character = '@architectures = "spacy.CharacterEmbed.v2"\nnM = 64\nnC = 8'
    multi = '@architectures = "spacy.MultiHashEmbed.v2"'
    char = DEFAULT_CONFIG.read_text(encoding="utf-8").replace(multi, character)
    char = char.replace("rows = [20000, 5000, 10000, 1000]", "rows = 40000")
    path = _write(tmp_path / "char.cfg", char)
    assert embedding_description(path) == (
        "each word's NORM in a hash table (40,000 rows) and its first and last 4 characters, case kept"
    )
