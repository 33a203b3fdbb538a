"""Score one document of a knowledge base against its gold: text, headings, entities.

`evaluate()` is the library behind ``rapportkb eval``; every reported number comes from here, so the
rules are spelled out once, in this docstring.

Which records: the ``sections.jsonl`` records of one document, chosen by ``source``. The first of these
rules that selects anything wins: (1) ``source`` equals the name exactly; (2) ``doc_id`` equals it;
(3) the record's source path ends with the name's path components (``seed.txt`` matches
``corpus/seed.txt``); (4) the file names agree up to their first dot (``seed``, ``seed.pdf`` and
``seed.gold.md`` all match ``corpus/seed.txt``). If the winning rule selects records of more than one
``doc_id``, or a document has two records with one ``id``, evaluation stops with an `EvalError` rather
than guess. Records are ordered by the section index in their ``id``.

Text (word error rate): word-level Levenshtein distance (substitutions + deletions + insertions) divided
by the number of gold words. ``text`` WER compares the whole document, heading then body of every
section in order, against the gold's; ``body`` WER compares bodies only. Words are whitespace-separated
tokens, compared exactly (case, punctuation, hyphens, soft hyphens, Unicode form: a decomposed ``å`` is an
error a user would hit in search). The only thing ignored is a bullet marker (``-``, ``•``, ``–`` ...)
at the start of a line, because the gold writes bullets without one. The report title is not included.

Headings: the headings of predicted sections with ``level >= 1`` against the gold's section headings
(the title excluded), after collapsing whitespace; case, hyphens and soft hyphens count. They are matched
by longest common subsequence, so order matters: precision = matched / predicted, recall = matched /
gold; level accuracy = matched headings whose level equals the gold level / matched. ``multiset_matched``
(order ignored) is reported alongside to show how much is lost to order alone. The title is compared
separately (``title_match``, whitespace collapsed).

Entities: an entity matches a gold entity with the same key:
ORG/LOC/PER/EVENT (and any other type) by (type, text); DATE by (type, norm start, norm end);
COUNT by (type, value, unit); MONEY by (type, value, currency). Numbers compare by value (29 == 29.0).
Entities in headings (``in_heading``) are included, as the gold lists heading entities in the section.
Two scores are computed:

- **section-level (the headline)**: predicted and gold sections are paired by the heading alignment
  above (the ``level 0`` sections pair with each other); within a pair, keys are matched as multisets;
  all entities of an unpaired section are false positives or misses;
- **document-level**: keys matched as multisets over the whole document, ignoring sections.

Per type and micro-averaged over the core types (ORG, LOC, DATE, COUNT) and over all types. A score with
nothing to divide by (no predictions for precision, no gold for recall) is None, shown as ``-``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import jsonlines
from rapidfuzz.distance import Levenshtein

from rapportkb.gold import GoldReport, GoldSection, load_gold

CORE_TYPES = ("ORG", "LOC", "DATE", "COUNT")
ALL_TYPES = ("ORG", "LOC", "PER", "DATE", "COUNT", "MONEY", "EVENT")

_BULLET_MARKER = re.compile(r"^[ \t]*[-•▪◦‣●∙*–—][ \t]+", re.MULTILINE)
_SPACE = re.compile(r"\s+")


class EvalError(ValueError):
    """The knowledge base and the request do not identify one document unambiguously."""


@dataclass
class Score:
    """Counts of one comparison; precision/recall/F1 are None when their denominator is zero."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        # 2tp/(2tp+fp+fn) is the harmonic mean where both exist, and 0 when nothing was predicted.
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass
class WerScore:
    """Word edit counts of predicted against gold text."""

    gold_words: int
    predicted_words: int
    substitutions: int
    deletions: int
    insertions: int

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self) -> float | None:
        if self.gold_words:
            return self.errors / self.gold_words
        return 0.0 if not self.predicted_words else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "wer": self.wer,
            "errors": self.errors,
            "gold_words": self.gold_words,
            "predicted_words": self.predicted_words,
            "substitutions": self.substitutions,
            "deletions": self.deletions,
            "insertions": self.insertions,
        }


@dataclass
class HeadingScore:
    """Heading detection (`score`: tp = matched headings) and hierarchy (`level_correct` of tp)."""

    score: Score
    level_correct: int
    multiset_matched: int
    title_predicted: str
    title_gold: str
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def level_accuracy(self) -> float | None:
        return self.level_correct / self.score.tp if self.score.tp else None

    @property
    def title_match(self) -> bool:
        return _collapse(self.title_predicted) == _collapse(self.title_gold)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.score.to_dict(),
            "predicted": self.score.tp + self.score.fp,
            "gold": self.score.tp + self.score.fn,
            "level_correct": self.level_correct,
            "level_accuracy": self.level_accuracy,
            "multiset_matched": self.multiset_matched,
            "title_match": self.title_match,
            "title_predicted": self.title_predicted,
            "title_gold": self.title_gold,
            "missed": self.missed,
            "extra": self.extra,
        }


@dataclass(frozen=True)
class EntityError:
    """A missed gold entity or a false positive, with the section it was in (for debugging)."""

    type: str
    text: str
    key: tuple[Any, ...]
    path: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "text": self.text, "key": list(self.key), "path": list(self.path)}


@dataclass
class EntityScores:
    """Entity scores per type and micro-averaged; `misses`/`false_positives` filled when details asked."""

    per_type: dict[str, Score]
    misses: dict[str, list[EntityError]] = field(default_factory=dict)
    false_positives: dict[str, list[EntityError]] = field(default_factory=dict)

    def micro(self, types: tuple[str, ...] | None = None) -> Score:
        """Summed counts over `types` (all types when None)."""
        total = Score()
        for entity_type, score in self.per_type.items():
            if types is None or entity_type in types:
                total.add(score)
        return total

    @property
    def core(self) -> Score:
        return self.micro(CORE_TYPES)

    @property
    def all(self) -> Score:
        return self.micro()

    def to_dict(self) -> dict[str, Any]:
        return {
            "per_type": {name: score.to_dict() for name, score in self.per_type.items()},
            "core": self.core.to_dict(),
            "all": self.all.to_dict(),
            "misses": {name: [e.to_dict() for e in errors] for name, errors in self.misses.items()},
            "false_positives": {
                name: [e.to_dict() for e in errors] for name, errors in self.false_positives.items()
            },
        }


@dataclass
class EvalResult:
    """Everything `rapportkb eval` reports for one document. Headline: `headline()`."""

    source: str
    doc_id: str
    sources: list[str]
    sections_predicted: int
    sections_gold: int
    text: WerScore
    body: WerScore
    headings: HeadingScore
    entities: EntityScores | None
    entities_document: EntityScores | None

    def headline(self) -> dict[str, float | bool | None]:
        """The numbers later issues quote: text WER, heading F1, level accuracy, core entity F1."""
        return {
            "wer": self.text.wer,
            "body_wer": self.body.wer,
            "heading_f1": self.headings.score.f1,
            "level_accuracy": self.headings.level_accuracy,
            "title_match": self.headings.title_match,
            "entity_core_f1": self.entities.core.f1 if self.entities else None,
            "entity_all_f1": self.entities.all.f1 if self.entities else None,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "doc_id": self.doc_id,
            "sources": self.sources,
            "sections_predicted": self.sections_predicted,
            "sections_gold": self.sections_gold,
            "headline": self.headline(),
            "text": self.text.to_dict(),
            "body": self.body.to_dict(),
            "headings": self.headings.to_dict(),
            "entities": self.entities.to_dict() if self.entities else None,
            "entities_document": self.entities_document.to_dict() if self.entities_document else None,
        }

    def format_table(self) -> str:
        """A plain-text report; lists misses and false positives when evaluated with details."""
        h = self.headings
        lines = [
            f"source     {', '.join(self.sources)}  (doc {self.doc_id[:12]})",
            f"sections   {self.sections_predicted} predicted, {self.sections_gold} gold",
            f"title      {'match' if h.title_match else 'MISMATCH'}"
            + ("" if h.title_match else f": predicted {h.title_predicted!r}, gold {h.title_gold!r}"),
            _wer_line("text WER", self.text),
            _wer_line("body WER", self.body),
            f"headings   P {_num(h.score.precision)}  R {_num(h.score.recall)}  F1 {_num(h.score.f1)}"
            f"  ({h.score.tp} matched, {h.score.tp + h.score.fp} predicted, {h.score.tp + h.score.fn} gold;"
            f" {h.multiset_matched} ignoring order)",
            f"levels     accuracy {_num(h.level_accuracy)}  ({h.level_correct} of {h.score.tp} matched)",
        ]
        for label, headings in (("missed heading", h.missed), ("extra heading", h.extra)):
            lines += [f"  {label}: {heading!r}" for heading in headings]
        for title, scores in (
            ("entities, section-level (headline)", self.entities),
            ("entities, document-level", self.entities_document),
        ):
            if scores is None:
                continue
            lines += ["", title, _entity_table(scores)]
            for kind, errors in (("miss", scores.misses), ("false positive", scores.false_positives)):
                for entity_type, items in errors.items():
                    lines += [
                        f"  {kind} {entity_type} {e.text!r} {list(e.key[1:])} in {' > '.join(e.path) or '[]'}"
                        for e in items
                    ]
        if self.entities is None:
            lines += ["", "entities   not scored (no gold entity file)"]
        return "\n".join(lines)


def evaluate(
    kb_dir: Path,
    gold_md: Path,
    gold_ents: Path | None,
    source: str,
    *,
    details: bool = False,
    max_details: int = 10,
) -> EvalResult:
    """Score the document `source` of the knowledge base in `kb_dir` against its gold files.

    With `details`, the first `max_details` missed / false-positive entities per type, and all missed /
    extra headings, are kept in the result.
    """
    records = select_records(read_sections(Path(kb_dir)), source)
    return evaluate_records(
        records, load_gold(gold_md, gold_ents), source, details=details, max_details=max_details
    )


def read_sections(kb_dir: Path) -> list[dict[str, Any]]:
    """All records of `kb_dir/sections.jsonl`."""
    path = kb_dir / "sections.jsonl"
    if not path.is_file():
        raise EvalError(f"{path} not found: is {kb_dir} a knowledge base?")
    with jsonlines.open(path) as reader:
        return list(reader)


def select_records(records: list[dict[str, Any]], source: str) -> list[dict[str, Any]]:
    """The records of the one document `source` names (rules in the module docstring), in section order."""
    wanted = PurePath(source)

    def suffix(record_source: str) -> bool:
        parts = PurePath(record_source).parts
        return len(parts) >= len(wanted.parts) and parts[-len(wanted.parts) :] == wanted.parts

    def stem(record_source: str) -> bool:
        return PurePath(record_source).name.split(".")[0] == wanted.name.split(".")[0]

    rules = (
        lambda r: r.get("source") == source,
        lambda r: r.get("doc_id") == source,
        lambda r: suffix(str(r.get("source", ""))),
        lambda r: stem(str(r.get("source", ""))),
    )
    chosen: list[dict[str, Any]] = []
    for rule in rules:
        chosen = [r for r in records if rule(r)]
        if chosen:
            break
    if not chosen:
        known = sorted({str(r.get("source")) for r in records})
        raise EvalError(f"no section of source {source!r} in the knowledge base; sources: {known[:20]}")
    doc_ids = sorted({str(r.get("doc_id")) for r in chosen})
    if len(doc_ids) > 1:
        found = sorted({(str(r.get("doc_id")), str(r.get("source"))) for r in chosen})
        raise EvalError(f"{source!r} names more than one document: {found}; give the exact source or doc_id")
    ids = Counter(str(r.get("id")) for r in chosen)
    duplicates = sorted(i for i, n in ids.items() if n > 1)
    if duplicates:
        raise EvalError(f"section ids occur more than once in the knowledge base: {duplicates[:5]}")
    return sorted(chosen, key=_section_index)


def evaluate_records(
    records: list[dict[str, Any]],
    gold: GoldReport,
    source: str,
    *,
    details: bool = False,
    max_details: int = 10,
) -> EvalResult:
    """Score already selected, ordered records against a parsed gold (the core of `evaluate`)."""
    predicted = [_Section.from_record(r) for r in records]
    gold_sections = [_Section.from_gold(s) for s in gold.sections]
    pairs = align_sections(predicted, gold_sections)
    headings = _heading_score(predicted, gold_sections, pairs, _title(records), gold.title, details)
    entities = entities_document = None
    if gold.has_entities:
        paired_predicted = {p for p, _ in pairs}
        paired_gold = {g for _, g in pairs}
        groups = [(predicted[p].entities, gold_sections[g].entities) for p, g in pairs]
        groups += [(s.entities, []) for i, s in enumerate(predicted) if i not in paired_predicted]
        groups += [([], s.entities) for i, s in enumerate(gold_sections) if i not in paired_gold]
        limit = max_details if details else 0
        entities = _entity_scores(groups, limit)
        entities_document = _entity_scores(
            [([e for s in predicted for e in s.entities], [e for s in gold_sections for e in s.entities])],
            limit,
        )
    return EvalResult(
        source=source,
        doc_id=str(records[0].get("doc_id", "")) if records else "",
        sources=sorted({str(r.get("source")) for r in records}),
        sections_predicted=len(predicted),
        sections_gold=len(gold_sections),
        text=word_errors(_document_words(predicted, True), _document_words(gold_sections, True)),
        body=word_errors(_document_words(predicted, False), _document_words(gold_sections, False)),
        headings=headings,
        entities=entities,
        entities_document=entities_document,
    )


def words(text: str) -> list[str]:
    """Whitespace tokens of `text`, without a bullet marker at the start of a line."""
    return _BULLET_MARKER.sub("", text).split()


def word_errors(predicted: list[str], gold: list[str]) -> WerScore:
    """Word-level Levenshtein counts of `predicted` against `gold`."""
    counts = Counter(op.tag for op in Levenshtein.editops(gold, predicted))
    return WerScore(
        gold_words=len(gold),
        predicted_words=len(predicted),
        substitutions=counts["replace"],
        deletions=counts["delete"],
        insertions=counts["insert"],
    )


def align_headings(predicted: list[str], gold: list[str]) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of two heading lists (compared as given)."""
    n, m = len(predicted), len(gold)
    # lengths[i][j] = LCS length of predicted[i:] and gold[j:]
    lengths = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if predicted[i] == gold[j]:
                lengths[i][j] = lengths[i + 1][j + 1] + 1
            else:
                lengths[i][j] = max(lengths[i + 1][j], lengths[i][j + 1])
    pairs = []
    i = j = 0
    while i < n and j < m:
        if predicted[i] == gold[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def align_sections(predicted: list[_Section], gold: list[_Section]) -> list[tuple[int, int]]:
    """Pairs (predicted index, gold index): level-0 sections with each other, the rest by heading LCS."""
    pairs = []
    predicted_zero = [i for i, s in enumerate(predicted) if s.level == 0]
    gold_zero = [i for i, s in enumerate(gold) if s.level == 0]
    if predicted_zero and gold_zero:
        pairs.append((predicted_zero[0], gold_zero[0]))
    predicted_headed = [i for i, s in enumerate(predicted) if s.level >= 1]
    gold_headed = [i for i, s in enumerate(gold) if s.level >= 1]
    matched = align_headings(
        [_collapse(predicted[i].heading) for i in predicted_headed],
        [_collapse(gold[i].heading) for i in gold_headed],
    )
    pairs += [(predicted_headed[p], gold_headed[g]) for p, g in matched]
    return pairs


def entity_key(entity_type: str, text: str, norm: Any) -> tuple[Any, ...]:
    """What must agree for a predicted entity to match a gold one (rules in the module docstring)."""
    if entity_type in ("DATE", "COUNT", "MONEY"):
        fields = {"DATE": ("start", "end"), "COUNT": ("value", "unit"), "MONEY": ("value", "currency")}
        if not isinstance(norm, dict):
            # A malformed norm can only match the same malformed norm on the same text.
            return (entity_type, "<no norm>", _collapse(text))
        return (entity_type, *(_canonical(norm.get(name)) for name in fields[entity_type]))
    return (entity_type, _collapse(text))


@dataclass
class _Entity:
    key: tuple[Any, ...]
    text: str
    path: tuple[str, ...]


@dataclass
class _Section:
    """The fields evaluation reads, whether from a knowledge-base record or from the gold."""

    path: list[str]
    heading: str
    level: int
    text: str
    entities: list[_Entity]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> _Section:
        path = [str(p) for p in record.get("path") or []]
        level = record.get("level")
        return cls(
            path=path,
            heading=str(record.get("heading") or ""),
            level=int(level) if isinstance(level, int) else len(path),
            text=str(record.get("text") or ""),
            entities=[
                _Entity(
                    entity_key(str(e.get("type")), str(e.get("text", "")), e.get("norm")),
                    str(e.get("text")),
                    tuple(path),
                )
                for e in record.get("entities") or []
            ],
        )

    @classmethod
    def from_gold(cls, section: GoldSection) -> _Section:
        path = tuple(section.path)
        return cls(
            path=list(path),
            heading=section.heading,
            level=section.level,
            text=section.text,
            entities=[_Entity(entity_key(e.type, e.text, e.norm), e.text, path) for e in section.entities],
        )


def _heading_score(
    predicted: list[_Section],
    gold: list[_Section],
    pairs: list[tuple[int, int]],
    title_predicted: str,
    title_gold: str,
    details: bool,
) -> HeadingScore:
    headed = [(p, g) for p, g in pairs if predicted[p].level >= 1]
    predicted_headings = [_collapse(s.heading) for s in predicted if s.level >= 1]
    gold_headings = [_collapse(s.heading) for s in gold if s.level >= 1]
    matched_predicted = {p for p, _ in headed}
    matched_gold = {g for _, g in headed}
    return HeadingScore(
        score=Score(
            tp=len(headed), fp=len(predicted_headings) - len(headed), fn=len(gold_headings) - len(headed)
        ),
        level_correct=sum(predicted[p].level == gold[g].level for p, g in headed),
        multiset_matched=sum((Counter(predicted_headings) & Counter(gold_headings)).values()),
        title_predicted=title_predicted,
        title_gold=title_gold,
        missed=[s.heading for i, s in enumerate(gold) if s.level >= 1 and i not in matched_gold]
        if details
        else [],
        extra=[s.heading for i, s in enumerate(predicted) if s.level >= 1 and i not in matched_predicted]
        if details
        else [],
    )


def _entity_scores(groups: list[tuple[list[_Entity], list[_Entity]]], max_details: int) -> EntityScores:
    """Multiset matching of keys inside each (predicted, gold) group, summed over groups."""
    per_type = {name: Score() for name in ALL_TYPES}
    misses: dict[str, list[EntityError]] = {}
    false_positives: dict[str, list[EntityError]] = {}
    for predicted, gold in groups:
        available = Counter(e.key for e in predicted)
        for entity in gold:
            score = per_type.setdefault(entity.key[0], Score())
            if available[entity.key] > 0:
                available[entity.key] -= 1
                score.tp += 1
            else:
                score.fn += 1
                _note(misses, entity, max_details)
        wanted = Counter(e.key for e in gold)
        for entity in predicted:
            if wanted[entity.key] > 0:
                wanted[entity.key] -= 1
            else:
                per_type.setdefault(entity.key[0], Score()).fp += 1
                _note(false_positives, entity, max_details)
    return EntityScores(per_type=per_type, misses=misses, false_positives=false_positives)


def _note(errors: dict[str, list[EntityError]], entity: _Entity, limit: int) -> None:
    if limit <= 0:
        return
    items = errors.setdefault(entity.key[0], [])
    if len(items) < limit:
        items.append(EntityError(type=entity.key[0], text=entity.text, key=entity.key, path=entity.path))


def _document_words(sections: list[_Section], with_headings: bool) -> list[str]:
    tokens: list[str] = []
    for section in sections:
        if with_headings:
            tokens += words(section.heading)
        tokens += words(section.text)
    return tokens


def _section_index(record: dict[str, Any]) -> int:
    identifier = str(record.get("id", ""))
    _, _, index = identifier.rpartition(":")
    if not index.isdigit():
        raise EvalError(f"section id {identifier!r} is not '<doc_id>:<section index>'")
    return int(index)


def _title(records: list[dict[str, Any]]) -> str:
    for record in records:
        report = record.get("report")
        if isinstance(report, dict) and report.get("title"):
            return str(report["title"])
    return ""


def _canonical(value: Any) -> Any:
    """Numbers by value (29 == 29.0), strings with whitespace collapsed; anything else as is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, str):
        return _collapse(value)
    return value


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _wer_line(label: str, score: WerScore) -> str:
    return (
        f"{label:<10} {_num(score.wer)}  ({score.errors} errors: {score.substitutions} substituted, "
        f"{score.deletions} deleted, {score.insertions} inserted; {score.gold_words} gold words, "
        f"{score.predicted_words} predicted)"
    )


def _entity_table(scores: EntityScores) -> str:
    rows = [f"  {'type':<8}{'tp':>6}{'fp':>6}{'fn':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    named = [*scores.per_type.items(), ("core", scores.core), ("all", scores.all)]
    for name, s in named:
        rows.append(
            f"  {name:<8}{s.tp:>6}{s.fp:>6}{s.fn:>6}{_num(s.precision):>8}{_num(s.recall):>8}{_num(s.f1):>8}"
        )
    return "\n".join(rows)


@dataclass
class Compared:
    """One knowledge base's result in a side-by-side comparison (`rapportkb eval --kb A --kb B`)."""

    kb: str
    model: str | None
    seconds: float | None
    result: EvalResult

    def to_dict(self) -> dict[str, Any]:
        return {"kb": self.kb, "model": self.model, "seconds": self.seconds, "result": self.result.to_dict()}


def compare_knowledge_bases(
    kb_dirs: list[Path], gold_md: Path, gold_ents: Path | None, source: str, *, details: bool = False
) -> list[Compared]:
    """Score the same document in several knowledge bases (e.g. one per NER backend) on the same gold."""
    gold = load_gold(gold_md, gold_ents)
    compared = []
    for kb_dir in kb_dirs:
        result = evaluate_records(select_records(read_sections(Path(kb_dir)), source), gold, source,
                                  details=details)  # fmt: skip
        model, seconds = _pipeline_of(Path(kb_dir), result.doc_id)
        compared.append(Compared(str(kb_dir), model, seconds, result))
    return compared


def _pipeline_of(kb_dir: Path, doc_id: str) -> tuple[str | None, float | None]:
    # documents.jsonl says which pipeline (and so which backend) tagged the document, and how long it took.
    path = kb_dir / "documents.jsonl"
    if not path.is_file():
        return None, None
    with jsonlines.open(path) as reader:
        for record in reader.iter(skip_invalid=True):
            if isinstance(record, dict) and record.get("doc_id") == doc_id and record.get("status") == "ok":
                return (record.get("pipeline") or {}).get("model"), record.get("seconds")
    return None, None


def format_comparison(compared: list[Compared]) -> str:
    """Side by side, one column per knowledge base: structure scores, then entity P R F1 per type."""
    names = [chr(ord("A") + i) if i < 26 else str(i) for i in range(len(compared))]
    lines = ["knowledge bases"]
    for name, item in zip(names, compared, strict=True):
        seconds = "-" if item.seconds is None else f"{item.seconds:.2f} s"
        lines.append(f"  {name}  {item.kb}  {item.model or '(model unknown)'}  ({seconds} for the document)")
    width = 22
    lines += ["", (f"{'':<13}" + "".join(f"{name:<{width}}" for name in names)).rstrip()]

    def row(label: str, cells: list[str]) -> None:
        lines.append((f"{label:<13}" + "".join(f"{cell:<{width}}" for cell in cells)).rstrip())

    row("text WER", [_num(item.result.text.wer) for item in compared])
    row("heading F1", [_num(item.result.headings.score.f1) for item in compared])
    row("sections", [str(item.result.sections_predicted) for item in compared])
    if any(item.result.entities for item in compared):
        lines += ["", "entities, section-level: P R F1"]
        for entity_type in (*ALL_TYPES, "core", "all"):
            cells = []
            for item in compared:
                scores = item.result.entities
                if scores is None:
                    cells.append("-")
                    continue
                if entity_type in ("core", "all"):
                    score = scores.core if entity_type == "core" else scores.all
                else:
                    score = scores.per_type.get(entity_type, Score())
                cells.append(f"{_num(score.precision)} {_num(score.recall)} {_num(score.f1)}")
            row(f"  {entity_type}", cells)
    return "\n".join(lines)
