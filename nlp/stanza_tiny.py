"""Train tiny Stanza models (tokenizer, lemmatizer, NER) from the sentences the project ships.

Stanza's official Swedish models cannot be downloaded here or in CI, so the stanza backend
(nlp/stanza_backend.py) is tested on models made by Stanza's own trainers from
corpus/ner/admin_sv.jsonl and saved in Stanza's directory layout, with a resources.json in the
official format, so the real loading code (stanza.Pipeline with download_method=None) reads them
exactly as it reads `stanza.download("sv")`'s. The models are deliberately tiny (a few seconds of
CPU): they prove the plumbing, not accuracy. Run by hand:

    python -m nlp.stanza_tiny OUT_DIR      # then: rapportkb add ... --backend stanza --stanza-dir OUT_DIR

Labels are written as Stanza's Swedish (SUC 3.0) model writes them: PER -> PRS, ORG, LOC.
Lemmas for the dictionary lemmatizer come from our lookup table (nlp/wordclass.py); vectors are
random (seeded) for the training vocabulary: no download anywhere.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from nlp.training.corpora import Sentence, read_annotated_jsonl, spaces_for
from nlp.wordclass import lemma

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO / "corpus" / "ner" / "admin_sv.jsonl"
LANG = "sv"
PACKAGE = "tiny"
#: Our training labels as Stanza's Swedish NER model (SUC 3.0) names them.
TO_SUC = {"PER": "PRS", "ORG": "ORG", "LOC": "LOC"}
#: Sentences per paragraph of tokenizer training text, so it also learns sentence ends mid-paragraph.
PARAGRAPH = 6
VECTOR_DIM = 16


def model_path(root: Path, processor: str) -> Path:
    """Where Stanza's resources.json says a processor's model lies: DIR/sv/PROCESSOR/PACKAGE.pt."""
    return root / LANG / processor / f"{PACKAGE}.pt"


def _tokens_with_offsets(sentence: Sentence) -> tuple[str, list[tuple[int, int]]]:
    text = sentence.text or " ".join(sentence.words)
    offsets = []
    position = 0
    for word in sentence.words:
        start = text.find(word, position)
        if start < 0:  # cannot happen for text tokenised from `text`; guard against a changed reader
            raise ValueError(f"token {word!r} not found in {text!r}")
        position = start + len(word)
        offsets.append((start, position))
    return text, offsets


def write_tokenizer_data(sentences: list[Sentence], txt: Path, labels: Path) -> None:
    """Stanza's character-label format: 1 ends a token, 2 ends a sentence, 0 elsewhere; paragraphs
    are separated by a blank line in both files."""
    paragraphs_text, paragraphs_labels = [], []
    for first in range(0, len(sentences), PARAGRAPH):
        text_parts, label_parts = [], []
        for sentence in sentences[first : first + PARAGRAPH]:
            text, offsets = _tokens_with_offsets(sentence)
            marks = ["0"] * len(text)
            for _, end in offsets:
                marks[end - 1] = "1"
            marks[offsets[-1][1] - 1] = "2"
            # Trailing text after the last token (none in practice) would carry no label.
            text_parts.append(text[: offsets[-1][1]])
            label_parts.append("".join(marks[: offsets[-1][1]]))
        paragraphs_text.append(" ".join(text_parts))
        paragraphs_labels.append("0".join(label_parts))
    txt.write_text("\n\n".join(paragraphs_text) + "\n", encoding="utf-8")
    labels.write_text("\n\n".join(paragraphs_labels) + "\n", encoding="utf-8")


def bio_tags(sentence: Sentence) -> list[str]:
    tags = ["O"] * len(sentence.words)
    for start, end, label in sentence.entities:
        suc = TO_SUC[label]
        tags[start] = f"B-{suc}"
        for index in range(start + 1, end):
            tags[index] = f"I-{suc}"
    return tags


def write_ner_data(sentences: list[Sentence], path: Path) -> None:
    """Stanza's NER JSON: a list of sentences, each a list of {"text", "ner"} tokens."""
    document = [
        [{"text": word, "ner": tag} for word, tag in zip(sentence.words, bio_tags(sentence), strict=True)]
        for sentence in sentences
    ]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def write_lemma_conllu(sentences: list[Sentence], path: Path) -> None:
    """CoNLL-U with lemmas from our lookup table; the tree is a flat placeholder the scorer accepts."""
    lines = []
    for sentence in sentences:
        spaces = spaces_for(sentence.words, sentence.text)
        for index, word in enumerate(sentence.words, start=1):
            head, rel = (0, "root") if index == 1 else (1, "dep")
            misc = "_" if spaces[index - 1] else "SpaceAfter=No"
            found = lemma(word.lower()) if word.isalpha() else None
            lines.append(f"{index}\t{word}\t{found or word}\tX\t_\t_\t{head}\t{rel}\t_\t{misc}")
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_vectors(sentences: list[Sentence], txt: Path, seed: int) -> None:
    """Random word vectors for the (lower-cased) training vocabulary, in word2vec text format."""
    rng = random.Random(seed)
    vocab = sorted({word.lower() for sentence in sentences for word in sentence.words if " " not in word})
    lines = [f"{len(vocab)} {VECTOR_DIM}"]
    for word in vocab:
        lines.append(word + " " + " ".join(f"{rng.gauss(0, 0.5):.4f}" for _ in range(VECTOR_DIM)))
    txt.write_text("\n".join(lines) + "\n", encoding="utf-8")


def resources(with_lemma: bool) -> dict:
    """A resources.json in the official format, listing only our tiny models."""
    default = {"tokenize": PACKAGE, "ner": PACKAGE}
    if with_lemma:
        default["lemma"] = PACKAGE
    language = {
        "lang_name": "Swedish",
        "packages": {"default": dict(default)},
        "default_processors": dict(default),
        "default_dependencies": {},
        "tokenize": {PACKAGE: {}},
        "ner": {PACKAGE: {"dependencies": [{"model": "pretrain", "package": PACKAGE}]}},
        "pretrain": {PACKAGE: {}},
    }
    if with_lemma:
        language["lemma"] = {PACKAGE: {}}
    return {LANG: language}


def _quietly(main: Callable[[list[str]], object], args: list[str]) -> None:
    # Stanza's trainers log every step; a test fixture wants their result, not their chatter.
    stanza_logger = logging.getLogger("stanza")
    level = stanza_logger.level
    stanza_logger.setLevel(logging.WARNING)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            main(args)
    finally:
        stanza_logger.setLevel(level)


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    # Tiny models gain nothing from threads, and on a shared 2-core machine torch's spinning threads made
    # the training 7x slower.
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def train_tiny_models(
    out: Path, corpus: Path = DEFAULT_CORPUS, *, with_lemma: bool = True, seed: int = 1234,
    ner_steps: int = 200, tokenizer_steps: int = 150,
) -> Path:  # fmt: skip
    """Train and save the tiny models under `out` (Stanza's layout); returns `out`."""
    with _one_thread():
        return _train(out, corpus, with_lemma, seed, ner_steps, tokenizer_steps)


def _train(
    out: Path, corpus: Path, with_lemma: bool, seed: int, ner_steps: int, tokenizer_steps: int
) -> Path:
    from stanza.models import lemmatizer, ner_tagger, tokenizer
    from stanza.models.common.pretrain import Pretrain

    sentences = read_annotated_jsonl(corpus)
    random.Random(seed).shuffle(sentences)
    dev, train = sentences[:32], sentences[32:]
    work = out / "_training_data"
    work.mkdir(parents=True, exist_ok=True)
    for processor in ("tokenize", "ner", "pretrain") + (("lemma",) if with_lemma else ()):
        (out / LANG / processor).mkdir(parents=True, exist_ok=True)

    vectors = work / "vectors.txt"
    write_vectors(train + dev, vectors, seed)
    pretrain = Pretrain(str(model_path(out, "pretrain")), str(vectors), save_to_file=True)
    pretrain.load()

    write_tokenizer_data(train, work / "tok.train.txt", work / "tok.train.labels")
    write_tokenizer_data(dev, work / "tok.dev.txt", work / "tok.dev.labels")
    (work / "mwt.json").write_text("[]", encoding="utf-8")  # Swedish has no multi-word tokens
    # eval_steps past the last step: no dev evaluation (it needs a CoNLL-U gold), the final model is saved.
    _quietly(tokenizer.main, [
        "--mode", "train", "--lang", LANG, "--shorthand", f"{LANG}_{PACKAGE}",
        "--txt_file", str(work / "tok.train.txt"), "--label_file", str(work / "tok.train.labels"),
        "--dev_txt_file", str(work / "tok.dev.txt"), "--dev_label_file", str(work / "tok.dev.labels"),
        "--mwt_json_file", str(work / "mwt.json"),
        "--steps", str(tokenizer_steps), "--eval_steps", str(tokenizer_steps + 1),
        "--emb_dim", "16", "--hidden_dim", "32", "--batch_size", "16", "--lr0", "0.01", "--no_use_mwt",
        "--save_dir", str(out / LANG / "tokenize"), "--save_name", f"{PACKAGE}.pt", "--seed", str(seed),
        "--cpu",
    ])  # fmt: skip

    write_ner_data(train, work / "ner.train.json")
    write_ner_data(dev, work / "ner.dev.json")
    _quietly(ner_tagger.main, [
        "--mode", "train", "--shorthand", f"{LANG}_{PACKAGE}",
        "--train_file", str(work / "ner.train.json"), "--eval_file", str(work / "ner.dev.json"),
        "--wordvec_pretrain_file", str(model_path(out, "pretrain")),
        "--hidden_dim", "32", "--char_hidden_dim", "16", "--char_emb_dim", "16",
        "--max_steps", str(ner_steps), "--eval_interval", str(ner_steps + 1), "--batch_size", "16",
        "--optim", "adam", "--lr", "0.01", "--dropout", "0.1", "--word_dropout", "0.0",
        "--save_dir", str(out / LANG / "ner"), "--save_name", f"{PACKAGE}.pt", "--seed", str(seed),
        "--cpu",
    ])  # fmt: skip

    if with_lemma:
        write_lemma_conllu(train, work / "lemma.train.conllu")
        write_lemma_conllu(dev, work / "lemma.dev.conllu")
        _quietly(lemmatizer.main, [
            "--mode", "train", "--shorthand", f"{LANG}_{PACKAGE}", "--dict_only",
            "--train_file", str(work / "lemma.train.conllu"), "--eval_file", str(work / "lemma.dev.conllu"),
            "--save_dir", str(out / LANG / "lemma"), "--save_name", f"{PACKAGE}.pt", "--cpu",
        ])  # fmt: skip

    (out / "resources.json").write_text(json.dumps(resources(with_lemma), indent=1), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write resources.json and sv/ into")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--no-lemma", action="store_true", help="leave the lemmatizer out")
    args = parser.parse_args(argv)
    train_tiny_models(args.out, args.corpus, with_lemma=not args.no_lemma)
    print(f"tiny Stanza models in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
