"""The Stanza backend (nlp/stanza_backend.py) end to end, on tiny Stanza models trained here.

Stanza's official Swedish models cannot be downloaded here or in CI, so a session fixture trains tiny
ones with Stanza's own trainers (nlp/stanza_tiny.py) from corpus/ner/admin_sv.jsonl and saves them in
Stanza's layout with a resources.json; the backend then loads them through stanza.Pipeline exactly as
it would load `stanza.download("sv")`'s. Every test runs with the network closed (sockets other than
Unix ones raise). Without the `stanza` extra these tests skip, except in CI (CI set), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import spacy

if os.environ.get("CI"):
    import stanza  # CI installs the extra: a missing stanza must fail there, not skip
else:
    stanza = pytest.importorskip("stanza", reason="the stanza extra is missing: pip install -e '.[stanza]'")

from nlp import stanza_backend  # noqa: E402
from nlp.pipeline import build_pipeline, tag_texts  # noqa: E402
from nlp.stanza_backend import (  # noqa: E402
    LABELS,
    USER_DATA_ENTITIES,
    StanzaModelsMissing,
    annotate,
    locate_models,
)
from nlp.stanza_tiny import resources, train_tiny_models  # noqa: E402
from nlp.wordclass import lemma as lookup_lemma  # noqa: E402
from rapportkb.cli import main  # noqa: E402
from rapportkb.schema import check_knowledge_base  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "corpus" / "seed.txt"
TEXT = (
    "Region Norrbotten och Luleå kommun har under våren 2023 genomfört 29 möten med Anna Svensson.\n\n"
    "Projektet leds av Per Andersson på Kulturenheten i Kiruna."
)


class NetworkUsed(AssertionError):
    pass


def _guarded(original):
    def connect(self: socket.socket, address: object) -> object:
        if self.family == socket.AF_UNIX:  # process pools talk over Unix sockets
            return original(self, address)
        raise NetworkUsed(f"network access to {address!r} during a stanza test")

    return connect


@pytest.fixture(scope="module", autouse=True)
def no_network() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _guarded(socket.socket.connect))
        patch.setattr(socket.socket, "connect_ex", _guarded(socket.socket.connect_ex))
        yield


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, no_network: None) -> Path:
    """Tiny tokenizer, lemmatizer and NER (with its pretrain), no POS model: pos is optional."""
    return train_tiny_models(tmp_path_factory.mktemp("stanza_resources"))


@pytest.fixture(scope="module")
def tiny_without_lemma(tiny: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stanza_no_lemma")
    shutil.copytree(tiny / "sv", folder / "sv")
    shutil.rmtree(folder / "sv" / "lemma")
    (folder / "resources.json").write_text(json.dumps(resources(with_lemma=False)), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pipeline(tiny: Path) -> spacy.language.Language:
    with pytest.warns(UserWarning, match="running without pos"):
        return build_pipeline(backend="stanza", stanza_dir=tiny)


@pytest.fixture(scope="module")
def stanza_kb(tiny: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = tmp_path_factory.mktemp("kb_stanza")
    args = ["add", str(SEED), "--kb", str(kb), "--report-date", "2023-05-09", "-q", "--workers", "0",
            "--backend", "stanza", "--stanza-dir", str(tiny)]  # fmt: skip
    with pytest.warns(UserWarning, match="running without pos"):
        assert main(args) == 0
    return kb


def _entities(kb: Path) -> list[dict]:
    rows = [json.loads(line) for line in (kb / "sections.jsonl").read_text(encoding="utf-8").splitlines()]
    return [entity for row in rows for entity in row["entities"]]


def test_add_with_stanza_backend_end_to_end(stanza_kb: Path) -> None:
    assert check_knowledge_base(stanza_kb) == []
    (document,) = [json.loads(line) for line in (stanza_kb / "documents.jsonl").read_text().splitlines()]
    assert document["status"] == "ok"
    assert document["pipeline"]["model"].startswith("rapportkb_sv_stanza@")
    model = document["pipeline"]["model"]
    assert "+stanza.1." in model and model.endswith(".ner.tiny")
    entities = _entities(stanza_kb)
    # This pipeline has no spaCy NER: every "model" entity is Stanza's, carried over by the adapter.
    from_stanza = [entity for entity in entities if entity["source"] == "model"]
    assert from_stanza, "the adapter handed no Stanza entity to the knowledge base"
    assert {entity["type"] for entity in from_stanza} <= set(LABELS.values())
    assert {"ORG", "LOC"} <= {entity["type"] for entity in from_stanza}
    # The rules still run in this backend: dates and counts with their norms.
    assert any(e["type"] == "DATE" and e["source"] == "rule" for e in entities)
    assert any(e["type"] == "COUNT" and e["norm"]["value"] for e in entities)
    assert any(e["source"] == "gazetteer" and e.get("id") for e in entities)


def test_stanza_entities_reach_the_doc_mapped(pipeline: spacy.language.Language) -> None:
    tagger = pipeline.get_pipe(stanza_backend.COMPONENT)
    raw = tagger.stanza(TEXT)
    raw_types = {(ent.start_char, ent.end_char): ent.type for ent in raw.ents}
    assert "PRS" in raw_types.values()  # the tiny model speaks SUC, like Stanza's Swedish model
    doc = pipeline(TEXT)
    carried = doc.user_data[USER_DATA_ENTITIES]
    assert carried and all(LABELS[raw_types[(start, end)]] == label for label, start, end in carried)
    mentions = {(m.text, m.type, m.source) for m in next(tag_texts(pipeline, [TEXT], date(2023, 5, 9)))}
    assert ("Anna Svensson", "PER", "model") in mentions
    assert ("Per Andersson", "PER", "model") in mentions
    assert ("våren 2023", "DATE", "rule") in mentions
    assert ("29 möten", "COUNT", "rule") in mentions
    # A registry name the model also finds keeps the registry's source and id.
    assert ("Luleå kommun", "ORG", "gazetteer") in mentions


def _fake(text: str, ents: list[tuple[str, str]], lemmas: dict[str, str]) -> SimpleNamespace:
    """A stand-in for a Stanza Document: the attributes annotate() reads."""
    entities = []
    for surface, label in ents:
        start = text.index(surface)
        entities.append(SimpleNamespace(type=label, start_char=start, end_char=start + len(surface)))
    tokens, position = [], 0
    for word in text.split():
        start = text.index(word, position)
        position = start + len(word)
        words = [SimpleNamespace(lemma=lemmas.get(word), upos="NOUN" if word in lemmas else None, xpos=None)]
        tokens.append(SimpleNamespace(start_char=start, end_char=position, words=words))
    return SimpleNamespace(ents=entities, sentences=[SimpleNamespace(tokens=tokens)])


def test_label_mapping_keeps_ours_and_drops_times_and_measures() -> None:
    text = "Anna Berg från SSAB i Luleå var på Almedalsveckan i maj med 30 deltagare och en Volvo"
    ents = [("Anna Berg", "PRS"), ("SSAB", "ORG"), ("Luleå", "LOC"), ("Almedalsveckan", "EVN"),
            ("maj", "TME"), ("30 deltagare", "MSR"), ("Volvo", "OBJ")]  # fmt: skip
    doc = annotate(spacy.blank("sv")(text), _fake(text, ents, {}))
    assert [(ent.text, ent.label_) for ent in doc.ents] == [
        ("Anna Berg", "PER"), ("SSAB", "ORG"), ("Luleå", "LOC"), ("Almedalsveckan", "EVENT")
    ]  # fmt: skip


def test_entity_offsets_widen_to_our_tokens() -> None:
    text = "Besök på Luleåkontoret idag"
    fake = _fake(text, [], {})
    fake.ents = [SimpleNamespace(type="LOC", start_char=text.index("Luleå"), end_char=text.index("kontoret"))]
    doc = annotate(spacy.blank("sv")(text), fake)
    assert [(ent.text, ent.label_) for ent in doc.ents] == [("Luleåkontoret", "LOC")]


def test_lemmas_and_pos_from_stanza_else_our_lookup() -> None:
    text = "Kommunerna bokade möten"
    doc = annotate(spacy.blank("sv")(text), _fake(text, [], {"möten": "STANZA-möte"}))
    assert doc[2].lemma_ == "STANZA-möte" and doc[2].pos_ == "NOUN"
    # No Stanza lemma for these words: our lookup lemmas.
    assert doc[0].lemma_ == (lookup_lemma("kommunerna") or "Kommunerna")
    assert doc[1].lemma_ == (lookup_lemma("bokade") or "bokade")
    assert doc[0].lemma_ != "Kommunerna"


def test_real_lemmatizer_lemmas_land_on_tokens(pipeline: spacy.language.Language) -> None:
    tagger = pipeline.get_pipe(stanza_backend.COMPONENT)
    raw = tagger.stanza(TEXT)
    stanza_lemmas = {(t.start_char, t.end_char): t.words[0].lemma for s in raw.sentences for t in s.tokens}
    doc = pipeline(TEXT)
    aligned = [token for token in doc if (token.idx, token.idx + len(token)) in stanza_lemmas]
    assert len(aligned) > len(doc) // 2
    assert all(token.lemma_ == stanza_lemmas[(token.idx, token.idx + len(token))] for token in aligned)


def test_without_lemma_model_our_lookup_lemmas(tiny_without_lemma: Path) -> None:
    with pytest.warns(UserWarning, match="running without lemma \\(our lookup lemmas are used\\)"):
        nlp = build_pipeline(backend="stanza", stanza_dir=tiny_without_lemma)
    doc = nlp(TEXT)
    assert doc.user_data[USER_DATA_ENTITIES]  # the NER still ran
    for token in doc:
        if not token.is_space:
            expected = (lookup_lemma(token.lower_) if token.is_alpha else None) or token.text
            assert token.lemma_ == expected


def test_missing_models_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "no_models"
    empty.mkdir()
    kb = tmp_path / "kb"
    args = ["add", str(SEED), "--kb", str(kb), "-q", "--backend", "stanza", "--stanza-dir", str(empty)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert str(empty) in err
    assert f"stanza.download('sv', model_dir='{empty}')" in err
    assert not (kb / "documents.jsonl").exists()


def test_missing_ner_model_is_an_error_missing_pos_is_not(tiny: Path, tmp_path: Path) -> None:
    folder = tmp_path / "partial"
    shutil.copytree(tiny, folder)
    models = locate_models(folder)
    assert set(models.packages) == {"tokenize", "lemma", "ner"} and "pos" in models.skipped
    (folder / "sv" / "ner" / "tiny.pt").unlink()
    with pytest.raises(StanzaModelsMissing, match="ner model 'tiny' is missing") as error:
        locate_models(folder)
    assert str(folder) in str(error.value)
    shutil.copy(tiny / "sv" / "ner" / "tiny.pt", folder / "sv" / "ner" / "tiny.pt")
    (folder / "sv" / "pretrain" / "tiny.pt").unlink()  # a dependency of the NER model
    with pytest.raises(StanzaModelsMissing, match="pretrain"):
        locate_models(folder)


def test_default_models_dir_is_stanzas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path / "elsewhere"))
    with pytest.raises(StanzaModelsMissing, match="elsewhere"):
        locate_models(None)


def test_without_the_stanza_package_a_clear_error(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "stanza", None)  # what `import stanza` meets without the extra
    kb = tmp_path / "kb"
    args = ["add", str(SEED), "--kb", str(kb), "-q", "--backend", "stanza", "--stanza-dir", str(tiny)]
    assert main(args) == 2
    assert "pip install -e '.[stanza]'" in capsys.readouterr().err
    assert not (kb / "documents.jsonl").exists()


def test_stanza_dir_needs_the_stanza_backend(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", str(SEED), "--kb", str(tmp_path / "kb"), "--stanza-dir", str(tmp_path)]) == 2
    assert "--backend stanza" in capsys.readouterr().err


def test_workers_load_the_stanza_pipeline(tiny: Path, tmp_path: Path) -> None:
    """Through a worker process, as `add` runs by default; proxies that go nowhere catch a download."""
    short = tmp_path / "kort.txt"
    short.write_text(TEXT + "\n", encoding="utf-8")
    kb = tmp_path / "kb"
    env = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "HF_HUB_OFFLINE": "1"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "rapportkb.cli", "add", str(short), "--kb", str(kb), "-q", "--workers", "1",
         "--backend", "stanza", "--stanza-dir", str(tiny)],
        capture_output=True, text=True, cwd=REPO, timeout=300, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert check_knowledge_base(kb) == []
    document = json.loads((kb / "documents.jsonl").read_text().splitlines()[0])
    assert document["pipeline"]["model"].startswith("rapportkb_sv_stanza@")
    assert ("Anna Svensson", "PER", "model") in {(e["text"], e["type"], e["source"]) for e in _entities(kb)}


def test_eval_compares_backends_side_by_side(
    stanza_kb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spacy_kb = tmp_path / "kb_spacy"
    assert main(["add", str(SEED), "--kb", str(spacy_kb), "--report-date", "2023-05-09", "-q",
                 "--workers", "0"]) == 0  # fmt: skip
    capsys.readouterr()
    gold = ["--gold-md", str(REPO / "corpus" / "seed.gold.md"), "--gold-ents",
            str(REPO / "corpus" / "seed.entities.jsonl"), "--source", "corpus/seed.txt"]  # fmt: skip
    assert main(["eval", "--kb", str(spacy_kb), "--kb", str(stanza_kb), *gold]) == 0
    table = capsys.readouterr().out
    assert "rapportkb_sv@" in table and "rapportkb_sv_stanza@" in table
    rows = {line.split()[0]: line.split()[1:] for line in table.splitlines() if line.startswith("  ")}
    assert len(rows["ORG"]) == 6 and len(rows["DATE"]) == 6  # P R F1 for each knowledge base
    assert main(["eval", "--kb", str(spacy_kb), "--kb", str(stanza_kb), *gold, "--format", "json"]) == 0
    compared = json.loads(capsys.readouterr().out)
    assert [item["kb"] for item in compared] == [str(spacy_kb), str(stanza_kb)]
    # The rules are the same in both backends, so dates score the same.
    dates = [item["result"]["entities"]["per_type"]["DATE"] for item in compared]
    assert dates[0] == dates[1]


def test_tiny_tokenizer_data_marks_token_and_sentence_ends(tmp_path: Path) -> None:
    from nlp.stanza_tiny import write_tokenizer_data
    from nlp.training.corpora import Sentence

    sentences = [Sentence(["Möte", "i", "Luleå", "."], [], "Möte i Luleå."),
                 Sentence(["Två", "år", "."], [], "Två år.")]  # fmt: skip
    write_tokenizer_data(sentences, tmp_path / "t.txt", tmp_path / "t.labels")
    text = (tmp_path / "t.txt").read_text(encoding="utf-8").rstrip("\n")
    labels = (tmp_path / "t.labels").read_text(encoding="utf-8").rstrip("\n")
    assert text == "Möte i Luleå. Två år."
    assert labels == "0001" "0" "1" "0" "00001" "2" "0" "001" "0" "01" "2"  # Möte i Luleå. Två år.
