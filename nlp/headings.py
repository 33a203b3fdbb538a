"""Heading or not, for a PDF block whose type size and weight alone do not settle it.

The rules in nlp/sections.py are sure about a line set large over body text, and unsure about the
rest: a bold line at body size is a heading in one report ("Bakgrund") and a goal statement in
another ("Köpt energi avseende lokaler ska minska med 12 % till 2020", Vansbro). What tells them
apart is the company a block keeps: how long it is, whether its style is rare in the document and
carries short blocks elsewhere, the white space around it, whether the next block continues its
sentence in lower case. A small gradient-boosted tree model over those layout features makes the
call; it is trained by scripts/train_headings.py on PDFs rendered from text with known headings
and shipped as plain JSON (models/headings/model.json), so prediction needs no scikit-learn and no
unpickling.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from statistics import median

from ingest.model import Line

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "headings" / "model.json"
TERMINAL = ".,;:!?"
#: Section numbering: "2", "2.1", "2.1.3" with short components; a year ("2009 – 224 kWh") is not one.
NUMBERING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S")
#: A missing neighbour (top of a column, page break) counts as this much white space, in body sizes.
NO_NEIGHBOUR_GAP = 3.0

FEATURES = (
    "rel_size", "larger", "bold", "bold_body_size", "all_caps", "log_chars", "words", "lines",
    "ends_terminal", "ends_colon", "numbered", "starts_digit", "starts_lower", "gap_above",
    "gap_below", "has_above", "has_below", "gap_flag", "indent", "width", "first_on_page",
    "next_lower", "next_bullet", "next_same_style", "next_display", "prev_terminal", "cap_ratio",
    "digit_ratio", "percent", "style_share", "style_mean_chars", "style_blocks", "bullet", "rule",
)


@dataclass
class BlockInput:
    """What the features read of one block: its lines, whether it is a bullet, the rules' verdict."""

    lines: Sequence[Line]
    bullet: bool
    rule: bool

    # Cached: the features read each of these several times per block (its own row, its neighbours'
    # rows, the style statistics); a block's lines do not change while it is scored.
    @cached_property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines).strip()

    @cached_property
    def size(self) -> float:
        sizes = [line.size for line in self.lines if line.size]
        return median(sizes) if sizes else 0.0

    @cached_property
    def bold(self) -> bool:
        return all(line.bold for line in self.lines)


def _style(block: BlockInput) -> tuple[float, bool]:
    return (round(block.size, 1), block.bold)


def _same_column(above: Line, below: Line) -> bool:
    """Consecutive in print: same page, below it, overlapping horizontally (not a column jump)."""
    if above.page != below.page or not above.bbox or not below.bbox:
        return False
    overlap = min(above.bbox[2], below.bbox[2]) - max(above.bbox[0], below.bbox[0])
    return below.bbox[1] >= above.bbox[3] - 1.0 and overlap > 0


def _white(above: Line, below: Line) -> float:
    assert above.bbox is not None and below.bbox is not None
    return below.bbox[1] - above.bbox[3]


def document_features(
    blocks: Sequence[BlockInput], body_size: float, wanted: Sequence[bool] | None = None
) -> list[list[float]]:
    """One feature row (in FEATURES order) per block; the document is needed for spacing and style.

    With `wanted`, the rows of the other blocks are left empty (each row needs only the document's
    statistics and its neighbours, so the wanted ones are the same either way).
    """
    lines = [line for block in blocks for line in block.lines]
    whites = [_white(a, b) for a, b in zip(lines, lines[1:], strict=False) if _same_column(a, b)]
    # Lower quartile: most gaps between lines are inside paragraphs, whatever the paragraph length.
    usual = sorted(whites)[len(whites) // 4] / body_size if whites else 0.25
    widths = sorted((line.bbox[2] - line.bbox[0]) for line in lines if line.bbox)
    # Damaged PDFs give zero-width lines; a zero divisor must not end the reading.
    full = max(widths[int(len(widths) * 0.9)] if widths else 1.0, 1e-6)
    style_chars: dict[tuple[float, bool], int] = {}
    style_lengths: dict[tuple[float, bool], list[int]] = {}
    for block in blocks:
        style_chars[_style(block)] = style_chars.get(_style(block), 0) + len(block.text)
        style_lengths.setdefault(_style(block), []).append(len(block.text))
    total_chars = max(1, sum(style_chars.values()))
    rows = []
    for index, block in enumerate(blocks):
        if wanted is not None and not wanted[index]:
            rows.append([])
            continue
        previous = blocks[index - 1] if index else None
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        rows.append(_row(block, previous, following, body_size, usual, full,
                         style_chars[_style(block)] / total_chars, style_lengths[_style(block)]))
    return rows


def _row(
    block: BlockInput,
    previous: BlockInput | None,
    following: BlockInput | None,
    body: float,
    usual: float,
    full: float,
    style_share: float,
    style_lengths: list[int],
) -> list[float]:
    text = block.text
    words = text.split()
    first, last = block.lines[0], block.lines[-1]
    size = block.size or body
    letters = list(filter(str.isalpha, text))
    above = previous is not None and _same_column(previous.lines[-1], first)
    below = following is not None and _same_column(last, following.lines[0])
    gap_above = _white(previous.lines[-1], first) / body - usual if above and previous else NO_NEIGHBOUR_GAP
    gap_below = _white(last, following.lines[0]) / body - usual if below and following else NO_NEIGHBOUR_GAP
    neighbour = None
    if below and following:
        neighbour = following.lines[0]
    elif above and previous:
        neighbour = previous.lines[-1]
    indent = 0.0
    if neighbour is not None and neighbour.bbox and first.bbox:
        indent = (first.bbox[0] - neighbour.bbox[0]) / body
    boxes = [line.bbox for line in block.lines if line.bbox]
    width = max(box[2] - box[0] for box in boxes) / full if boxes else 1.0
    next_text = following.text if following else ""
    values = {
        "rel_size": size / body,
        "larger": float(size > body * 1.08),
        "bold": float(block.bold),
        "bold_body_size": float(block.bold and body * 0.95 <= size <= body * 1.08),
        "all_caps": float(bool(letters) and all(map(str.isupper, letters))),
        "log_chars": math.log1p(len(text)),
        "words": float(len(words)),
        "lines": float(len(block.lines)),
        "ends_terminal": float(bool(text) and text[-1] in TERMINAL),
        "ends_colon": float(text.endswith(":")),
        "numbered": float(bool(NUMBERING.match(text))),
        "starts_digit": float(text[:1].isdigit()),
        "starts_lower": float(text[:1].islower()),
        "gap_above": max(-1.0, min(gap_above, NO_NEIGHBOUR_GAP)),
        "gap_below": max(-1.0, min(gap_below, NO_NEIGHBOUR_GAP)),
        "has_above": float(above),
        "has_below": float(below),
        "gap_flag": float(first.gap_before),
        "indent": max(-10.0, min(indent, 30.0)),
        "width": min(width, 1.5),
        "first_on_page": float(previous is None or previous.lines[-1].page != first.page),
        "next_lower": float(next_text[:1].islower()),
        "next_bullet": float(bool(following and following.bullet)),
        "next_same_style": float(bool(following and _style(following) == _style(block))),
        "next_display": float(bool(following and (following.size > body * 1.08 or following.bold))),
        "prev_terminal": float(bool(previous and previous.text[-1:] in ".!?:")),
        "cap_ratio": sum(w[:1].isupper() for w in words) / len(words) if words else 0.0,
        "digit_ratio": sum(map(str.isdigit, text)) / len(text) if text else 0.0,
        "percent": float("%" in text),
        "style_share": style_share,
        "style_mean_chars": math.log1p(sum(style_lengths) / len(style_lengths)),
        "style_blocks": math.log1p(len(style_lengths)),
        "bullet": float(block.bullet),
        "rule": float(block.rule),
    }
    return [values[name] for name in FEATURES]


@dataclass
class TreeModel:
    """Gradient-boosted regression trees on the log-odds scale, as exported by scripts/train_headings.py."""

    features: tuple[str, ...]
    init: float
    rate: float
    trees: list[dict[str, list[float]]]
    threshold: float = 0.5

    def __post_init__(self) -> None:
        # The trees with integer node and feature indices, converted once rather than at every node.
        self._walk = [
            ([int(x) for x in tree["left"]], [int(x) for x in tree["right"]],
             [int(x) for x in tree["feature"]], tree["threshold"], tree["value"])
            for tree in self.trees
        ]

    def probability(self, row: Sequence[float]) -> float:
        score = self.init
        rate = self.rate
        for left, right, feature, cut, value in self._walk:
            node = 0
            while left[node] != -1:
                node = left[node] if row[feature[node]] <= cut[node] else right[node]
            score += rate * value[node]
        return 1.0 / (1.0 + math.exp(-score))

    @classmethod
    def from_json(cls, data: dict) -> TreeModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError("heading model was trained on other features; rerun scripts/train_headings.py")
        return cls(tuple(data["features"]), float(data["init"]), float(data["rate"]), data["trees"],
                   float(data.get("threshold", 0.5)))

    def to_json(self) -> dict:
        return {"features": list(self.features), "init": self.init, "rate": self.rate,
                "threshold": self.threshold, "trees": self.trees}


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> TreeModel | None:
    """The shipped model, or None when it is absent (the rules then decide alone)."""
    if not path.exists():
        return None
    return TreeModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def predict(
    blocks: Sequence[BlockInput],
    body_size: float,
    model: TreeModel | None = None,
    wanted: Sequence[bool] | None = None,
) -> list[float]:
    """Probability that each block is a heading (or the title); empty when no model is available.

    With `wanted`, only those blocks are scored (the others get NaN): the trees cost more than the
    features, and a caller that decides a few blocks need not pay for all of them.
    """
    model = model or load_model()
    if model is None or not blocks or body_size <= 0:
        return []
    rows = document_features(blocks, body_size, wanted)
    if wanted is None:
        return [model.probability(row) for row in rows]
    return [model.probability(row) if want else math.nan for row, want in zip(rows, wanted, strict=True)]
