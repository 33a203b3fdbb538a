"""Gold standard files (corpus/*.gold.md, *.entities.jsonl) read into plain dataclasses.

Gold markdown, as written by annotators:

- the first ``# `` line is the report title; it is not a section heading and, as in
  spec/SCHEMA.md, it is not part of any ``path``;
- ``## `` is a level-1 heading, ``### `` level 2, ``#### `` level 3, and so on;
- body blocks are separated by blank lines; a line starting with ``- `` is a bullet.

A section's ``text`` follows the SCHEMA.md convention for ``sections.jsonl``, so gold and
knowledge base compare like with like:

- blocks (groups of lines between blank lines) are joined with ``"\\n\\n"``;
- inside a block each bullet is its own line, written *without* the ``- `` marker
  (the marker is layout, not text); consecutive paragraph lines are joined with a space
  (markdown soft wrap), and a plain line right after a bullet continues that bullet.

Text before the first ``##`` heading becomes a section with ``path == []``, ``level == 0`` and
``heading == ""``, as in SCHEMA.md; when there is none, no such section exists.

Gold entities (JSON Lines), one line per section in document order:
``{"path": [...], "entities": [{"type", "text", "norm"}, ...]}``. Entities found in the heading
are listed in that section's list. The annotators write the title's own line as
``{"path": [<title>], ...}``: only the *first* line can be that title line. Its entities (normally
none) belong to the ``path == []`` section, which is created empty if the markdown has none and
the title line has entities, because the knowledge base has no other place for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonlines

_HEADING = re.compile(r"^(#+)[ \t]+(.*)$")
_BULLET = re.compile(r"^-[ \t]+")


class GoldFormatError(ValueError):
    """A gold file that does not follow the format above; the message names file and line."""


@dataclass
class GoldEntity:
    """One gold entity; `norm` is a string for names, a dict for DATE/COUNT/MONEY (ANNOTATION.md)."""

    type: str
    text: str
    norm: Any = None


@dataclass
class GoldBlock:
    """A paragraph or a bullet of a gold section, kept so block-level checks can be added later."""

    kind: str
    text: str


@dataclass
class GoldSection:
    """A gold section in the knowledge-base shape: `level == len(path)`, title not in `path`."""

    path: list[str]
    heading: str
    level: int
    text: str
    blocks: list[GoldBlock] = field(default_factory=list)
    entities: list[GoldEntity] = field(default_factory=list)


@dataclass
class GoldReport:
    """A gold document; `has_entities` is False when no entity file was read (entities not scored)."""

    title: str
    sections: list[GoldSection]
    has_entities: bool = False


def parse_gold_markdown(markdown: str, name: str = "<gold>") -> GoldReport:
    """Parse gold markdown; `name` only appears in error messages."""
    title: str | None = None
    sections: list[GoldSection] = []
    stack: list[str] = []
    current = GoldSection(path=[], heading="", level=0, text="")
    blocks: list[list[GoldBlock]] = [[]]  # the current section's blocks; the last one is open

    def close_section() -> None:
        items = [block for block in blocks if block]
        current.blocks = [item for block in items for item in block]
        current.text = "\n\n".join("\n".join(item.text for item in block) for block in items)
        # The preface (level 0) exists only when it has text.
        if current.level > 0 or current.text:
            sections.append(current)

    for number, raw in enumerate(markdown.splitlines(), start=1):
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading:
            hashes, heading_text = len(heading.group(1)), heading.group(2).strip()
            if hashes == 1:
                if title is not None or sections or any(blocks):
                    raise GoldFormatError(f"{name}:{number}: the '# ' title must come before any other text")
                title = heading_text
                continue
            level = hashes - 1
            if level > len(stack) + 1:
                raise GoldFormatError(
                    f"{name}:{number}: level-{level} heading {heading_text!r} under a level-{len(stack)} one"
                )
            close_section()
            stack = stack[: level - 1] + [heading_text]
            current = GoldSection(path=list(stack), heading=heading_text, level=level, text="")
            blocks = [[]]
        elif not line:
            if blocks[-1]:
                blocks.append([])
        elif bullet := _BULLET.match(line):
            blocks[-1].append(GoldBlock("bullet", line[bullet.end() :]))
        elif blocks[-1]:
            blocks[-1][-1].text += " " + line
        else:
            blocks[-1].append(GoldBlock("paragraph", line))
    close_section()
    return GoldReport(title=title or "", sections=sections)


def parse_gold_entities(lines: list[dict[str, Any]], report: GoldReport, name: str = "<gold>") -> GoldReport:
    """Attach entity lines to `report`'s sections (in place; also returned) and set `has_entities`.

    Lines are matched to sections in document order by path, so a file may skip sections that have no
    entities, but may not reorder them: a line whose path is not found after the previous one is an error.
    """
    position = 0
    for number, line in enumerate(lines, start=1):
        path = line.get("path")
        if not isinstance(path, list) or not isinstance(line.get("entities"), list):
            raise GoldFormatError(f"{name}:{number}: each line needs a 'path' list and an 'entities' list")
        entities = [_entity(raw, name, number) for raw in line["entities"]]
        if number == 1 and path == [report.title]:
            if entities:
                _preface(report).entities.extend(entities)
            continue
        for index in range(position, len(report.sections)):
            if report.sections[index].path == path:
                report.sections[index].entities.extend(entities)
                position = index + 1
                break
        else:
            raise GoldFormatError(
                f"{name}:{number}: path {path!r} is not a later section of the gold markdown"
            )
    report.has_entities = True
    return report


def load_gold(gold_md: Path, gold_ents: Path | None = None) -> GoldReport:
    """Read a gold markdown file and, when given, its entity JSON Lines file."""
    report = parse_gold_markdown(Path(gold_md).read_text(encoding="utf-8"), name=str(gold_md))
    if gold_ents is not None:
        with jsonlines.open(gold_ents) as reader:
            parse_gold_entities(list(reader), report, name=str(gold_ents))
    return report


def _entity(raw: Any, name: str, number: int) -> GoldEntity:
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("type"), str)
        or not isinstance(raw.get("text"), str)
    ):
        raise GoldFormatError(f"{name}:{number}: entity {raw!r} needs string 'type' and 'text'")
    return GoldEntity(type=raw["type"], text=raw["text"], norm=raw.get("norm"))


def _preface(report: GoldReport) -> GoldSection:
    """The `path == []` section, created empty when the markdown has no text before its first heading."""
    if report.sections and report.sections[0].level == 0:
        return report.sections[0]
    preface = GoldSection(path=[], heading="", level=0, text="")
    report.sections.insert(0, preface)
    return preface
