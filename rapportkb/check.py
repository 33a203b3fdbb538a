"""`check`: is a knowledge base whole and valid? Repairs what a crash can leave, reports the rest."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapportkb.lock import writer_lock
from rapportkb.schema import check_knowledge_base
from rapportkb.store import DOCUMENTS, SECTIONS, KnowledgeBase


@dataclass
class CheckResult:
    repaired: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _unreadable_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    problems = []
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict):
                problems.append(f"{path.name} line {number}: not a JSON object")
    return problems


def check(kb_dir: Path, repair: bool = True) -> CheckResult:
    """Validate DIR's two files against the schema, with exactly-once checks on top.

    With `repair`, first fix what an interrupted writer leaves (a torn last line, sections of an
    unfinished document): it takes the writer lock, so it never races a running `add`.
    """
    if not (kb_dir / DOCUMENTS).exists() and not (kb_dir / SECTIONS).exists():
        return CheckResult(problems=[f"{kb_dir}: no {DOCUMENTS} or {SECTIONS}; not a knowledge base"])
    result = CheckResult()
    kb = KnowledgeBase(kb_dir)
    if repair:
        with writer_lock(kb_dir):
            result.repaired = kb.repair().notes()
    for path in (kb.documents_path, kb.sections_path):
        result.problems += _unreadable_lines(path)
    result.problems += check_knowledge_base(kb_dir)
    documents = kb.documents()
    recorded = Counter(r.get("doc_id") for r in documents if r.get("doc_id"))
    result.problems += [
        f"{DOCUMENTS}: document {doc_id} is recorded {n} times" for doc_id, n in recorded.items() if n > 1
    ]
    committed = {r.get("doc_id") for r in documents if r.get("status") == "ok"}
    ids: Counter[str] = Counter()
    orphans: Counter[str] = Counter()
    for section in kb.sections():
        ids[section.get("id", "")] += 1
        if section.get("doc_id") not in committed:
            orphans[section.get("doc_id", "")] += 1
    result.problems += [f"{SECTIONS}: section id {i} occurs {n} times" for i, n in ids.items() if n > 1]
    result.problems += [
        f"{SECTIONS}: {n} section(s) of document {doc_id} which has no ok record"
        for doc_id, n in orphans.items()
    ]
    return result

