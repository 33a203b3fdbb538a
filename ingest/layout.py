"""Page geometry: words into rows, and rows into reading-order segments (one column, two columns, mixed).

Swedish reports mix layouts on one page: a full-width heading over two columns, a two-column body
with a full-width table or summary below. A single gutter test over the whole page fails on all of
those, so the page is read as a vertical sequence of bands: rows that cross the gutter are read as
they come; a run of rows that leaves the gutter free is read left column first, then right.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

#: Two columns need a vertical strip at least this wide, near the middle, that most rows leave free.
MIN_GUTTER = 9.0
GUTTER_ZONE = (0.25, 0.75)
#: At most this share of rows may cross the gutter (full-width headings, tables, footers) on a 2-column page.
MAX_CROSSING = 0.3
#: Each column must hold at least this share of the words that do not cross the gutter.
MIN_SIDE_SHARE = 0.15


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    font: str
    size: float


def group_rows(words: list[Word]) -> list[list[Word]]:
    """Words sharing a baseline band form a row; rows top to bottom, words left to right."""
    rows: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if rows:
            top, bottom = bands[-1]
            overlap = min(bottom, word.bottom) - max(top, word.top)
            # Half the smaller height: superscripts join their line, the next line does not.
            if overlap >= 0.5 * min(bottom - top, word.bottom - word.top):
                rows[-1].append(word)
                bands[-1] = (min(top, word.top), max(bottom, word.bottom))
                continue
        rows.append([word])
        bands.append((word.top, word.bottom))
    return [sorted(row, key=lambda w: w.x0) for row in rows]


def reading_segments(words: list[Word]) -> list[list[Word]]:
    """The page's words as segments in reading order; each segment is one column stretch of text.

    A new segment starts where the flow jumps (to the top of the right column, or back to full
    width), so that the caller can treat a segment's first line as a possible continuation rather
    than as a paragraph start.
    """
    rows = group_rows(words)
    gutter = _find_gutter(rows, words)
    if gutter is None:
        return [words] if words else []
    segments: list[list[Word]] = []
    band: list[list[Word]] = []

    def flush() -> None:
        left = [w for row in band for w in row if w.x1 <= gutter]
        right = [w for row in band for w in row if w.x1 > gutter]
        segments.extend(side for side in (left, right) if side)
        band.clear()

    spanning: list[Word] = []
    for row in rows:
        if _crosses(row, gutter):
            if band:
                flush()
            spanning.extend(row)
            continue
        if spanning:
            segments.append(spanning)
            spanning = []
        band.append(row)
    if band:
        flush()
    if spanning:
        segments.append(spanning)
    return segments


def _crosses(row: list[Word], x: float) -> bool:
    lo, hi = x - MIN_GUTTER / 2, x + MIN_GUTTER / 2
    return any(w.x0 < hi and w.x1 > lo for w in row)


def _find_gutter(rows: list[list[Word]], words: list[Word]) -> float | None:
    """The x of a column gutter, or None for a one-column page.

    Candidates are 1-pt steps across the middle half of the span; the gutter is the middle of the
    first run of adjacent candidates that the fewest rows cross.
    """
    if len(words) < 20 or len(rows) < 6:
        return None
    left_edge = min(w.x0 for w in words)
    right_edge = max(w.x1 for w in words)
    span = right_edge - left_edge
    if span <= 0:
        return None
    lo, hi = left_edge + span * GUTTER_ZONE[0], left_edge + span * GUTTER_ZONE[1]
    steps: list[float] = []
    x = lo
    while x <= hi:
        steps.append(x)
        x += 1.0  # accumulated, not lo + i: the steps stay bit-identical to the tested behaviour
    best: list[float] = []
    best_count = len(rows) + 1
    for x, count in zip(steps, _crossing_counts(rows, steps), strict=True):
        if count < best_count:
            best, best_count = [x], count
        elif count == best_count and best and x - best[-1] <= 1.0:
            best.append(x)
    if not best or best_count > MAX_CROSSING * len(rows):
        return None
    gutter = (best[0] + best[-1]) / 2
    free = [row for row in rows if not _crosses(row, gutter)]
    left_rows = [row for row in free if any(w.x1 <= gutter for w in row)]
    right_rows = [row for row in free if any(w.x1 > gutter for w in row)]
    free_words = sum(len(row) for row in free)
    left_words = sum(1 for row in free for w in row if w.x1 <= gutter)
    # A few stray words on one side (a page number, a marginal note) do not make a column.
    if min(left_words, free_words - left_words) < MIN_SIDE_SHARE * free_words:
        return None
    if min(len(left_rows), len(right_rows)) < 3:
        return None
    return gutter


def _crossing_counts(rows: list[list[Word]], steps: list[float]) -> list[int]:
    """For each candidate x in `steps` (ascending), how many rows `_crosses` it.

    Testing every step against every word was the layout hot spot. A word crosses a contiguous
    range of steps, found by bisection on the strip edges, so each row's words become merged
    ranges of step indices and one running sum counts the rows per step: O(words log steps).
    The edges are computed exactly as `_crosses` computes them, so the counts are the same.
    """
    half = MIN_GUTTER / 2
    strip_lo = [x - half for x in steps]
    strip_hi = [x + half for x in steps]
    delta = [0] * (len(steps) + 1)
    for row in rows:
        ranges = []
        for w in row:
            # _crosses: w.x0 < x + half and w.x1 > x - half.
            first = bisect_right(strip_hi, w.x0)
            last = bisect_left(strip_lo, w.x1) - 1
            if first <= last:
                ranges.append((first, last))
        ranges.sort()
        end = -1
        for first, last in ranges:
            # A row counts once per step, however many of its words cross there.
            first = max(first, end + 1)
            if first <= last:
                delta[first] += 1
                delta[last + 1] -= 1
                end = last
    counts, running = [], 0
    for change in delta[:-1]:
        running += change
        counts.append(running)
    return counts
