"""From lines to blocks, headings and a section hierarchy (the searchable units of a report).

Lines are grouped into blocks at paragraph gaps, bullets, style changes and short lines; a block
is a heading when it looks like one (short, no closing punctuation, set apart by size or weight
in a PDF). Levels come from numbering ("2.1"), then from type size and weight in a PDF, and in
plain text from the one signal left: a heading directly followed by another heading is the
parent (a unit heading over its first topic). The first heading of page 1 before any body text is
the report title, which never enters a section path (spec/SCHEMA.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from ingest.model import BBox, Line, RawDocument
from nlp.dehyphenate import HyphenBreak, document_vocabulary, ends_with_hyphen, join_lines

TERMINAL = ".,;:!?"
NUMBERING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
MAX_HEADING_LINES = 3
MAX_HEADING_CHARS = 220


@dataclass
class Block:
    kind: str
    text: str
    page: int
    bbox: BBox | None = None


@dataclass
class Section:
    heading: str
    level: int
    path: list[str]
    blocks: list[Block] = field(default_factory=list)
    first_page: int = 1
    last_page: int = 1

    @property
    def text(self) -> str:
        return compose_text(self.blocks)[0]


@dataclass
class Structure:
    """A report's title, its sections in reading order, and every line-end hyphen decision."""

    title: str | None
    sections: list[Section]
    hyphen_breaks: list[HyphenBreak]


@dataclass
class _RawBlock:
    lines: list[Line]
    bullet: bool
    heading: bool = False
    level: int = 0

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def size(self) -> float | None:
        sizes = [line.size for line in self.lines if line.size]
        return median(sizes) if sizes else None

    @property
    def bold(self) -> bool:
        return all(line.bold for line in self.lines)

    def bbox(self) -> BBox | None:
        boxes = [line.bbox for line in self.lines if line.bbox and line.page == self.page]
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )


def compose_text(blocks: list[Block]) -> tuple[str, list[tuple[int, int]]]:
    """Section text per SCHEMA.md: blocks separated by a blank line, consecutive bullets by a newline."""
    text, spans = "", []
    for index, block in enumerate(blocks):
        if index:
            both_bullets = block.kind == "bullet" and blocks[index - 1].kind == "bullet"
            text += "\n" if both_bullets else "\n\n"
        spans.append((len(text), len(text) + len(block.text)))
        text += block.text
    return text, spans


def _line_length(line: Line) -> float:
    if line.bbox:
        return line.bbox[2] - line.bbox[0]
    return float(len(line.text))


def _style(line: Line) -> tuple[float | None, bool]:
    return (round(line.size, 1) if line.size else None, line.bold)


def _group_blocks(lines: list[Line]) -> list[_RawBlock]:
    lengths = sorted(_line_length(line) for line in lines)
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0.0
    blocks: list[_RawBlock] = []
    for line in lines:
        previous = blocks[-1].lines[-1] if blocks else None
        short = _line_length(line) < 0.75 * full
        new = previous is None or (
            not line.continues
            and (
                line.gap_before
                or line.bullet
                or _style(line) != _style(previous)
                or (_line_length(previous) < 0.75 * full and not ends_with_hyphen(previous.text))
                or (short and _opens_heading_line(line.text) and previous.text.rstrip()[-1:] in ".!?")
            )
        )
        if new:
            blocks.append(_RawBlock([line], bullet=line.bullet))
        else:
            blocks[-1].lines.append(line)
    return blocks


def _opens_heading_line(text: str) -> bool:
    """A line that could be a one-line heading right after a sentence ends on the line before."""
    text = text.strip()
    return bool(text) and (text[0].isupper() or text[0].isdigit()) and text[-1] not in TERMINAL


def _looks_like_heading(block: _RawBlock, body_size: float | None) -> bool:
    text = " ".join(line.text for line in block.lines).strip()
    if block.bullet or not text or len(block.lines) > MAX_HEADING_LINES or len(text) > MAX_HEADING_CHARS:
        return False
    if text[-1] in TERMINAL or not (text[0].isupper() or text[0].isdigit()):
        return False
    if body_size is None:
        return True
    size = block.size or body_size
    return size > body_size * 1.08 or (block.bold and size >= body_size * 0.95)


def _body_size(blocks: list[_RawBlock]) -> float | None:
    weights: dict[float, int] = {}
    for block in blocks:
        for line in block.lines:
            if line.size:
                key = round(line.size, 1)
                weights[key] = weights.get(key, 0) + len(line.text)
    return max(weights, key=weights.__getitem__) if weights else None


def _assign_levels(headings: list[_RawBlock], blocks: list[_RawBlock], body_size: float | None) -> None:
    if body_size is not None:
        styles = sorted({(-(h.size or 0.0), not h.bold) for h in headings})
        for heading in headings:
            heading.level = styles.index((-(heading.size or 0.0), not heading.bold)) + 1
    else:
        order = {id(block): index for index, block in enumerate(blocks)}
        for heading in headings:
            following = order[id(heading)] + 1
            heading.level = 1 if following < len(blocks) and blocks[following].heading else 2
        if all(heading.level == 2 for heading in headings):
            for heading in headings:
                heading.level = 1
    for heading in headings:
        numbered = NUMBERING.match(heading.lines[0].text)
        if numbered:
            heading.level = numbered.group(1).count(".") + 1


def segment(document: RawDocument) -> Structure:
    """Title, sections and hyphen decisions of a document."""
    lines = [line for line in document.lines if line.text.strip()]
    vocabulary = document_vocabulary([line.text for line in lines])
    blocks = _group_blocks(lines)
    body_size = _body_size(blocks)
    for block in blocks:
        block.heading = _looks_like_heading(block, body_size)

    title: str | None = None
    breaks: list[HyphenBreak] = []

    def joined(block: _RawBlock) -> str:
        text, found = join_lines([(line.text, line.page) for line in block.lines], vocabulary)
        breaks.extend(found)
        return text

    if blocks and blocks[0].heading and blocks[0].page == 1:
        title = joined(blocks.pop(0))
    headings = [block for block in blocks if block.heading]
    _assign_levels(headings, blocks, body_size)

    sections: list[Section] = []
    path: list[str] = []
    for block in blocks:
        if block.heading:
            text = joined(block)
            path = path[: block.level - 1] + [text]
            sections.append(Section(text, len(path), list(path), first_page=block.page, last_page=block.page))
            continue
        if not sections:
            sections.append(Section("", 0, [], first_page=block.page, last_page=block.page))
        kind = "bullet" if block.bullet else "paragraph"
        sections[-1].blocks.append(Block(kind, joined(block), block.page, block.bbox()))
        sections[-1].last_page = max(sections[-1].last_page, block.lines[-1].page)
    return Structure(title, sections, breaks)
