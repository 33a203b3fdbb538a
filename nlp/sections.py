"""From lines to blocks, headings and a section hierarchy (the searchable units of a report).

Lines are grouped into blocks at paragraph gaps, bullets, style changes and short lines; a block
is a heading when it looks like one (short, no closing punctuation, set apart by size or weight
in a PDF). Levels come from numbering ("2.1"), then from type size and weight in a PDF, and in
plain text from the one signal left: a heading directly followed by another heading is the
parent (a unit heading over its first topic). The first heading of page 1 before any body text is
the report title, which never enters a section path (spec/SCHEMA.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from rapidfuzz import fuzz

from ingest.model import BBox, Line, RawDocument
from nlp.dehyphenate import HyphenBreak, document_vocabulary, ends_with_hyphen, join_lines
from nlp.headings import NUMBERING, BlockInput, load_model, predict

TERMINAL = ".,;:!?"
MAX_HEADING_LINES = 4
MAX_HEADING_CHARS = 220
# In a style the document already uses for headings, a long heading wrapped in a narrow column
# ("Dialog med finska Arbets- och näringsministeriet (TEM) om ...", 160 chars, five lines at 12 pt in
# a two-column layout) is still a heading: the style, not the length, sets it apart from body text.
MAX_STYLED_HEADING_LINES = 8
MAX_STYLED_HEADING_CHARS = 320
# A bold body-size style is taken as a heading style when the classifier accepts at least this many of
# its heading-shaped blocks and this share of them (see _vote_styles).
STYLE_VOTE_MIN = 3
STYLE_VOTE_SHARE = 0.8
#: Which blocks the heading classifier decides: "unsure", "all" or "off" (see classify_headings).
CLASSIFIER_MODE = "unsure"


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


def _block_style(block: _RawBlock) -> tuple[float | None, bool]:
    size = block.size
    return (round(size, 1) if size else None, block.bold)


def _display_style(line: Line, body_size: float | None) -> bool:
    """Set apart from body text by size or weight: the style of headings and titles."""
    if body_size is None or not line.size:
        return False
    return line.size > body_size * 1.08 or (line.bold and line.size >= body_size * 0.95)


def _wraps_on(previous: Line, line: Line, body_size: float | None) -> bool:
    """A heading wrapped over lines: same display style, no paragraph gap, same page, next line down."""
    return (
        _display_style(line, body_size)
        and _style(line) == _style(previous)
        and not line.gap_before
        and line.page == previous.page
        and line.kind == previous.kind == "text"
    )


def _group_blocks(lines: list[Line], body_size: float | None = None) -> list[_RawBlock]:
    lengths = sorted(_line_length(line) for line in lines)
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0.0
    blocks: list[_RawBlock] = []
    standalone = _standalone_plain_headings(lines, full)
    for index, line in enumerate(lines):
        previous = blocks[-1].lines[-1] if blocks else None
        short = _line_length(line) < 0.75 * full or index in standalone
        new = previous is None or line.kind == "table" or previous.kind == "table" or (
            not line.continues
            and not _wraps_on(previous, line, body_size)
            and (
                line.gap_before
                or index - 1 in standalone
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


def _standalone_plain_headings(lines: list[Line], full: float) -> set[int]:
    """Plain-text lines that stand alone as a heading though nearly full width.

    Without fonts, a heading line is recognised by what surrounds it: a sentence ends before it,
    it ends without punctuation, is somewhat shorter than a full line, and the next line opens a
    new sentence (`Workshop med SveMin om nästa generations innovationsprogram` / `Branschorganisationen
    ...`). A wrapped body line is followed by the rest of its sentence, in lower case.
    """
    found = set()
    for index in range(1, len(lines) - 1):
        line, before, after = lines[index], lines[index - 1], lines[index + 1]
        if line.size is not None or _line_length(line) >= 0.85 * full:
            continue
        if (
            before.text.rstrip()[-1:] in ".!?"
            and _opens_heading_line(line.text)
            and not ends_with_hyphen(line.text)
            and after.text.lstrip()[:1].isupper()
        ):
            found.add(index)
    return found


def _opens_heading_line(text: str) -> bool:
    """A line that could be a one-line heading right after a sentence ends on the line before."""
    text = text.strip()
    return bool(text) and (text[0].isupper() or text[0].isdigit()) and text[-1] not in TERMINAL


def _heading_shape(
    block: _RawBlock, body_size: float | None, styles: frozenset[tuple[float | None, bool]] = frozenset()
) -> bool:
    """Could be a heading by its text alone: short, no closing punctuation, opens with a capital or digit.

    "Short" is longer for a block in one of `styles`, the document's established heading styles.
    """
    text = " ".join(line.text for line in block.lines).strip()
    # "1. Sammanfattning" set large reads as a numbered bullet to the reader, but is a heading.
    numbered_display = bool(NUMBERING.match(text)) and _display_style(block.lines[0], body_size)
    if (block.bullet and not numbered_display) or block.lines[0].kind == "table" or not text:
        return False
    max_lines, max_chars = MAX_HEADING_LINES, MAX_HEADING_CHARS
    if styles and _block_style(block) in styles:
        max_lines, max_chars = MAX_STYLED_HEADING_LINES, MAX_STYLED_HEADING_CHARS
    if len(block.lines) > max_lines or len(text) > max_chars:
        return False
    return text[-1] not in TERMINAL and (text[0].isupper() or text[0].isdigit())


def _looks_like_heading(
    block: _RawBlock, body_size: float | None, styles: frozenset[tuple[float | None, bool]] = frozenset()
) -> bool:
    if not _heading_shape(block, body_size, styles):
        return False
    if body_size is None:
        return True
    size = block.size or body_size
    return size > body_size * 1.08 or (block.bold and size >= body_size * 0.95)


def _larger_heading_styles(
    blocks: list[_RawBlock], body_size: float | None
) -> frozenset[tuple[float | None, bool]]:
    """Styles set larger than body text that carry at least two short heading-shaped blocks.

    Only larger type qualifies by itself: bold at body size is also the style of goal statements
    and lead-ins, so it becomes a heading style only by the classifier's vote (_vote_styles).
    """
    if body_size is None:
        return frozenset()
    counts: dict[tuple[float | None, bool], int] = {}
    for block in blocks:
        if (block.size or 0.0) > body_size * 1.08 and _looks_like_heading(block, body_size):
            counts[_block_style(block)] = counts.get(_block_style(block), 0) + 1
    return frozenset(style for style, count in counts.items() if count >= 2)


def _body_size(lines: list[Line]) -> float | None:
    """The type size carrying most characters: the body text's."""
    weights: dict[float, int] = {}
    for line in lines:
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


def _outline_key(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split()).casefold().rstrip(TERMINAL)


def _apply_outline(blocks: list[_RawBlock], outline: list[tuple[int, str]]) -> list[_RawBlock]:
    """Mark the blocks the PDF's bookmarks name as headings, with the bookmark's level.

    Bookmarks are the author's own statement of the hierarchy, so they beat type sizes. They are
    matched in order and fuzzily (bookmark titles drop soft hyphens, footnote marks and wrapping).
    When most bookmarks are found the outline is taken as complete and nothing else is a heading;
    a single bookmark above all others is the report title (level 0 here). Returns the marked blocks.
    """
    if len(outline) < 2:
        return []
    keys = [(_outline_key(title), level) for level, title in outline]
    marked: list[tuple[_RawBlock, int]] = []
    cursor = 0
    for block in blocks:
        # The bookmark's text is the evidence here, so a long wrapped heading may match too.
        if block.bullet or block.lines[0].kind == "table" or len(block.lines) > MAX_STYLED_HEADING_LINES:
            continue
        text = _outline_key(" ".join(line.text for line in block.lines))
        for index in range(cursor, min(cursor + 6, len(keys))):
            if text and fuzz.ratio(text, keys[index][0]) >= 90:
                marked.append((block, outline[index][0]))
                cursor = index + 1
                break
    if len(marked) < 2 or len(marked) < 0.6 * len(outline):
        return []
    top = min(level for level, _ in outline)
    has_title = [level for level, _ in outline].count(top) == 1 and outline[0][0] == top
    for block in blocks:
        block.heading = False
    for block, level in marked:
        block.heading = True
        block.level = level - top + (0 if has_title else 1)
    return [block for block, _ in marked]


def _title_block(
    blocks: list[_RawBlock], outlined: list[_RawBlock], body_size: float | None
) -> _RawBlock | None:
    """The report title: a lone top bookmark, else the largest type on page 1, else the first heading.

    The largest type counts only when nothing later in the report is set larger, so that a cover
    letter's "Handling 2024 nr 63" or a logo line does not win over the real title.
    """
    by_outline = next((block for block in outlined if block.level == 0), None)
    if by_outline is not None:
        return by_outline
    # Page-1 candidates by looks: an outline often leaves the cover title out.
    first_page = [block for block in blocks if block.page == 1 and _looks_like_heading(block, body_size)]
    if body_size is not None and first_page:
        largest = max(first_page, key=lambda block: block.size or 0.0)
        if all((block.size or 0.0) <= (largest.size or 0.0) for block in blocks if block.heading):
            return largest
    if not outlined and blocks and blocks[0].heading and blocks[0].page == 1:
        return blocks[0]
    return None


def _unsure(block: _RawBlock, body_size: float) -> bool:
    """Bold at body size: a heading in one report, a lead-in or goal statement in another."""
    size = block.size or body_size
    return block.bold and body_size * 0.95 <= size <= body_size * 1.08


def classify_headings(blocks: list[_RawBlock], body_size: float | None, mode: str | None = None) -> None:
    """Let the layout classifier (nlp/headings.py) decide the blocks the rules are unsure about.

    `mode` "unsure" (the default, CLASSIFIER_MODE) hands over only bold body-size blocks of heading
    shape; "all" every block of heading shape; "off" none. Measured on the project's gold and held-out
    renderings (models/headings/README.md): "unsure" keeps every sure rule decision and fixes the
    bold-statement false positives, which is where the rules fail. A style the classifier nearly always
    calls a heading then settles its doubted members (_vote_styles).
    """
    mode = mode or CLASSIFIER_MODE
    if not body_size or body_size <= 0 or mode == "off" or load_model() is None:
        return
    # Which blocks the classifier decides depends on neither its answers nor the verdicts it changes.
    wanted = [_heading_shape(b, body_size) and (mode == "all" or _unsure(b, body_size)) for b in blocks]
    probabilities = predict([BlockInput(b.lines, b.bullet, b.heading) for b in blocks], body_size,
                            wanted=wanted)
    if not probabilities:
        return
    threshold = load_model().threshold  # type: ignore[union-attr]
    decided = []
    for block, probability, want in zip(blocks, probabilities, wanted, strict=True):
        if want:
            block.heading = probability >= threshold
            decided.append(block)
    _vote_styles(blocks, [b for b in decided if _unsure(b, body_size)], body_size)


def _vote_styles(blocks: list[_RawBlock], decided: list[_RawBlock], body_size: float) -> None:
    """Accept the classifier's doubtful blocks in a bold body-size style it otherwise calls headings.

    The classifier judges one block at a time and doubts long ones ("Arbetet för nytt huvudmannaskap
    för Norrbotten NEO", a whole-line heading after a chapter heading) because long bold lines are
    often goal statements. But a document keeps its styles: when nearly all heading-shaped blocks of
    a style are confident headings, the style is the document's heading style, and a block in it that
    is set apart the same way (white space or a page/column top above it, a new sentence after it) is
    a heading too, up to the longer styled limits. A style the classifier splits (Vansbro's goal
    statements beside its headings, Söderköping's bold goal names) gets no vote.
    """
    by_style: dict[tuple[float | None, bool], list[_RawBlock]] = {}
    for block in decided:
        by_style.setdefault(_block_style(block), []).append(block)
    voted = frozenset(
        style for style, members in by_style.items()
        if sum(b.heading for b in members) >= STYLE_VOTE_MIN
        and sum(b.heading for b in members) >= STYLE_VOTE_SHARE * len(members)
    )
    if not voted:
        return
    for index, block in enumerate(blocks):
        if block.heading or _block_style(block) not in voted or not _unsure(block, body_size):
            continue
        if not _heading_shape(block, body_size, voted):
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        previous = blocks[index - 1] if index else None
        set_apart = (block.lines[0].gap_before or previous is None
                     or _column_top(previous.lines[-1], block.lines[0]))
        opening = following.lines[0].text.lstrip()[:1] if following else ""
        if set_apart and (following is None or following.bullet or opening.isupper() or opening.isdigit()):
            block.heading = True


def _column_top(above: Line, line: Line) -> bool:
    """The line opens a page or a column: the reader gives it no gap, so position must tell."""
    if above.page != line.page or above.bbox is None or line.bbox is None:
        return above.page != line.page
    return line.bbox[1] < above.bbox[1]


def layout_blocks(document: RawDocument) -> tuple[list[_RawBlock], float | None]:
    """The document's blocks with the rules' heading verdict, and its body size (for training)."""
    lines = [line for line in document.lines if line.text.strip()]
    body_size = _body_size(lines)
    blocks = _group_blocks(lines, body_size)
    styles = _larger_heading_styles(blocks, body_size)
    for block in blocks:
        block.heading = _looks_like_heading(block, body_size, styles)
    return blocks, body_size


def segment(document: RawDocument) -> Structure:
    """Title, sections and hyphen decisions of a document."""
    lines = [line for line in document.lines if line.text.strip()]
    vocabulary = document_vocabulary([line.text for line in lines])
    blocks, body_size = layout_blocks(document)
    classify_headings(blocks, body_size)

    title: str | None = None
    breaks: list[HyphenBreak] = []

    def joined(block: _RawBlock) -> str:
        text, found = join_lines([(line.text, line.page) for line in block.lines], vocabulary)
        breaks.extend(found)
        return text

    outlined = _apply_outline(blocks, document.outline)
    title_block = _title_block(blocks, outlined, body_size)
    if title_block is not None:
        title_block.heading = True
        title = joined(title_block)
        before = blocks.index(title_block)
        # Cover labels above the title ("Handling 2024 nr 63") are front matter, not sections.
        for block in blocks[:before]:
            block.heading = False
        if title_block in outlined and title_block.level > 0:
            for block in outlined:
                block.level -= title_block.level
        blocks = [block for block in blocks if block is not title_block]
        outlined = [block for block in outlined if block.heading and block.level > 0]
    headings = [block for block in blocks if block.heading and all(block is not o for o in outlined)]
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
        if block.lines[0].kind == "table":
            # Rows and cells are already laid out by the reader; line joining would flatten them.
            sections[-1].blocks.append(Block("table", block.lines[0].text, block.page, block.bbox()))
        else:
            kind = "bullet" if block.bullet else "paragraph"
            sections[-1].blocks.append(Block(kind, joined(block), block.page, block.bbox()))
        sections[-1].last_page = max(sections[-1].last_page, block.lines[-1].page)
    return Structure(title, sections, breaks)
