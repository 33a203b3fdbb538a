"""Readers for the Swedish NER corpora, turned into spaCy DocBins with PER/ORG/LOC only.

Each corpus has its own quirks, handled here so that training and evaluation see one shape:
- klintan swedish-ner-corpus: `token<whitespace>label`, labels without B-/I- prefixes (consecutive tokens
  with the same label are one entity), `0` for outside, one line without a label, and test sentences that
  also occur in train (removed from test so that test scores are held out).
- UNER (Talbanken, PUD): iob2 columns `id token tag ...`, `# text =` comments giving the raw sentence.
- corpus/ner/*.jsonl: the project's own administrative sentences, entities given by their text in order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

#: The entity types the trained model learns; ANNOTATION.md's other name type (EVENT) comes from rules.
LABELS = ("PER", "ORG", "LOC")

# Tokens that attach to the previous/next token without a space, to rebuild plausible raw text from
# token lists that carry no spacing (klintan); the spaCy tokenizer re-splits this text at training time.
_NO_SPACE_BEFORE = set(",.;:!?)]}%”’»…") | {"...", "'s"}
_NO_SPACE_AFTER = set("([{“‘«")


@dataclass
class Sentence:
    """A tokenised sentence with entity spans as (start_token, end_token_exclusive, label)."""

    words: list[str]
    entities: list[tuple[int, int, str]]
    text: str | None = None


@dataclass
class ReadStats:
    """What a reader skipped, so that a data problem is visible instead of silently absorbed."""

    malformed_lines: list[int] = field(default_factory=list)
    dropped_labels: dict[str, int] = field(default_factory=dict)


def _map_label(label: str, stats: ReadStats) -> str | None:
    if label in LABELS:
        return label
    stats.dropped_labels[label] = stats.dropped_labels.get(label, 0) + 1
    return None


def read_klintan(path: Path, stats: ReadStats | None = None) -> list[Sentence]:
    """Sentences of a klintan corpus file; a run of equal labels is one entity (no B-/I- in this format)."""
    stats = stats if stats is not None else ReadStats()
    sentences: list[Sentence] = []
    words: list[str] = []
    labels: list[str] = []

    def flush() -> None:
        if words:
            sentences.append(Sentence(list(words), _runs_to_spans(labels, stats)))
        words.clear()
        labels.clear()

    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.split()
            if not parts:
                flush()
                continue
            if len(parts) != 2:
                # One line in train is a bare "bn" with no label: guessing a label would invent data.
                stats.malformed_lines.append(number)
                continue
            words.append(parts[0])
            labels.append(parts[1])
    flush()
    return sentences


def _runs_to_spans(labels: list[str], stats: ReadStats) -> list[tuple[int, int, str]]:
    spans = []
    start = 0
    while start < len(labels):
        end = start + 1
        while end < len(labels) and labels[end] == labels[start]:
            end += 1
        if labels[start] != "0" and labels[start] != "O":
            label = _map_label(labels[start], stats)
            if label:
                spans.append((start, end, label))
        start = end
    return spans


def read_iob2(path: Path, stats: ReadStats | None = None) -> list[Sentence]:
    """Sentences of a UNER iob2 file; an I- tag without a matching B- opens a new entity (lenient)."""
    stats = stats if stats is not None else ReadStats()
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    text: str | None = None

    def flush() -> None:
        nonlocal text
        if words:
            sentences.append(Sentence(list(words), _iob_to_spans(tags, stats), text))
        words.clear()
        tags.clear()
        text = None

    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n")
            if line.startswith("# text = "):
                text = line[len("# text = ") :]
                continue
            if line.startswith("#"):
                continue
            if not line.strip():
                flush()
                continue
            columns = line.split("\t")
            if len(columns) < 3:
                stats.malformed_lines.append(number)
                continue
            words.append(columns[1])
            tags.append(columns[2])
    flush()
    return sentences


def _iob_to_spans(tags: list[str], stats: ReadStats) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    start: int | None = None
    current = ""
    for index, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        continues = prefix == "I" and label == current and start is not None
        if continues:
            continue
        if start is not None:
            mapped = _map_label(current, stats)
            if mapped:
                spans.append((start, index, mapped))
            start = None
        if prefix in ("B", "I") and label:
            start, current = index, label
    return spans


def read_annotated_jsonl(path: Path) -> list[Sentence]:
    """The project's own sentences: `{"text", "entities": [{"type", "text"}...]}`, entities in text order.

    Entities are located by their text (on word boundaries, left to right) so that the file stays easy to
    write and review by hand; a text that cannot be found is an error, not a silent omission.
    """
    sentences = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            text = record["text"]
            char_spans = []
            position = 0
            for entity in record["entities"]:
                pattern = r"(?<!\w)" + re.escape(entity["text"]) + r"(?!\w)"
                match = re.compile(pattern).search(text, position)
                if match is None:
                    raise ValueError(f"{path}:{number}: entity {entity['text']!r} not found in order")
                position = match.end()
                if entity["type"] in LABELS:
                    char_spans.append((match.start(), match.end(), entity["type"]))
            sentences.append(_from_char_spans(text, char_spans))
    return sentences


def _from_char_spans(text: str, char_spans: list[tuple[int, int, str]]) -> Sentence:
    # Tokenised with the same blank Swedish tokenizer the pipeline uses, so spans align with run time.
    doc = _tokenizer()(text)
    entities = []
    for start, end, label in char_spans:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            entities.append((span.start, span.end, label))
    return Sentence([t.text for t in doc], entities, text)


_TOKENIZER: Language | None = None


def _tokenizer() -> Language:
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = spacy.blank("sv")
    return _TOKENIZER


def spaces_for(words: list[str], text: str | None) -> list[bool]:
    """Whether each word is followed by a space: from the raw text when given, else by punctuation rules."""
    if text is not None:
        spaces = []
        position = 0
        for word in words:
            found = text.find(word, position)
            if found < 0:
                break
            position = found + len(word)
            spaces.append(position < len(text) and text[position].isspace())
        if len(spaces) == len(words):
            return spaces
    spaces = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else None
        spaces.append(
            following is not None and following not in _NO_SPACE_BEFORE and word not in _NO_SPACE_AFTER
        )
    return spaces


def to_doc(vocab: Vocab, sentence: Sentence) -> Doc:
    """A gold Doc: the words, their spacing and the entity spans."""
    doc = Doc(vocab, words=sentence.words, spaces=spaces_for(sentence.words, sentence.text))
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in sentence.entities]
    return doc


def to_docbin(sentences: Iterable[Sentence], repeat: int = 1) -> DocBin:
    """A DocBin of gold Docs; `repeat` weights a small in-domain corpus against the large general ones."""
    vocab = _tokenizer().vocab
    docbin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    docs = [to_doc(vocab, sentence) for sentence in sentences]
    for _ in range(repeat):
        for doc in docs:
            docbin.add(doc)
    return docbin


def deduplicate(test: list[Sentence], train: list[Sentence]) -> list[Sentence]:
    """Test sentences whose words do not occur as a sentence in train (klintan shares 17 of them)."""
    seen = {tuple(sentence.words) for sentence in train}
    return [sentence for sentence in test if tuple(sentence.words) not in seen]


@dataclass
class CorpusPaths:
    """Where each corpus file lives under the shared corpora folder."""

    root: Path

    @property
    def klintan_train(self) -> Path:
        return self.root / "klintan-swedish-ner" / "train_corpus.txt"

    @property
    def klintan_test(self) -> Path:
        return self.root / "klintan-swedish-ner" / "test_corpus.txt"

    def talbanken(self, split: str) -> Path:
        return self.root / "uner-sv-talbanken" / f"sv_talbanken-ud-{split}.iob2"

    @property
    def pud_test(self) -> Path:
        return self.root / "uner-sv-pud" / "sv_pud-ud-test.iob2"


def load_all(root: Path, stats: ReadStats | None = None) -> dict[str, list[Sentence]]:
    """Every split the training command uses, keyed by a stable name used in metrics.json."""
    paths = CorpusPaths(root)
    missing = [
        str(p)
        for p in (paths.klintan_train, paths.klintan_test, paths.talbanken("train"), paths.pud_test)
        if not p.is_file()
    ]
    if missing:
        raise FileNotFoundError(f"corpus files not found: {', '.join(missing)}")
    klintan_train = read_klintan(paths.klintan_train, stats)
    return {
        "klintan_train": klintan_train,
        "klintan_test": deduplicate(read_klintan(paths.klintan_test, stats), klintan_train),
        "uner_talbanken_train": read_iob2(paths.talbanken("train"), stats),
        "uner_talbanken_dev": read_iob2(paths.talbanken("dev"), stats),
        "uner_talbanken_test": read_iob2(paths.talbanken("test"), stats),
        "uner_pud_test": read_iob2(paths.pud_test, stats),
    }


def iter_entities(sentence: Sentence) -> Iterator[tuple[str, str]]:
    """(label, text) of each entity, for inspection and tests."""
    for start, end, label in sentence.entities:
        yield label, " ".join(sentence.words[start:end])
