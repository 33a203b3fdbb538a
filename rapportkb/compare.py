"""Two periods side by side: which entities are new, gone, up or down, and COUNT totals per unit.

A report belongs to the period that contains the middle of the time it reports on (its stated
period), or its date when it states no period: a tertial-1 report issued in May is about
January-April and is compared as such.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rapportkb.index import connect
from rapportkb.search import parse_date_bound

#: Types compared by default; DATE, COUNT and MONEY keys carry their values, so "new" would say little.
NAMED_TYPES = ("ORG", "LOC", "PER", "EVENT")
CHANGES = ("new", "gone", "up", "down")

Period = tuple[str | date, str | date]


@dataclass
class EntityChange:
    type: str
    key: str
    name: str
    counts: tuple[int, int]

    @property
    def delta(self) -> int:
        return self.counts[1] - self.counts[0]

    @property
    def change(self) -> str | None:
        before, after = self.counts
        if before == 0 and after > 0:
            return "new"
        if before > 0 and after == 0:
            return "gone"
        if after > before:
            return "up"
        if after < before:
            return "down"
        return None


@dataclass
class UnitTotal:
    """Sum of COUNT values for one unit (as written, lower-cased) per period, and how many mentions."""

    unit: str
    totals: tuple[float, float]
    mentions: tuple[int, int]


@dataclass
class Comparison:
    periods: tuple[tuple[str, str], tuple[str, str]]
    reports: tuple[int, int]
    mentions: dict[str, tuple[int, int]]
    changes: dict[str, dict[str, list[EntityChange]]]
    totals: list[UnitTotal] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Flat JSON-ready rows: one per entity change, then one per unit total."""
        out: list[dict[str, Any]] = []
        for type_, by_change in self.changes.items():
            for change, items in by_change.items():
                for item in items:
                    out.append(
                        {
                            "kind": "entity",
                            "type": type_,
                            "change": change,
                            "key": item.key,
                            "name": item.name,
                            "before": item.counts[0],
                            "after": item.counts[1],
                            "delta": item.delta,
                        }
                    )
        for total in self.totals:
            out.append({"kind": "count_total", **asdict(total)})
        return out


def _reference_date(report_date: str | None, start: str | None, end: str | None) -> str | None:
    if start and end:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        return date.fromordinal((first.toordinal() + last.toordinal()) // 2).isoformat()
    return report_date


def _period_of(reference: str | None, periods: Sequence[tuple[str, str]]) -> int | None:
    if reference is None:
        return None
    for number, (start, end) in enumerate(periods):
        if start <= reference <= end:
            return number
    return None


def compare(kb_dir: Path, periods: Sequence[Period], types: Sequence[str] = NAMED_TYPES) -> Comparison:
    """Compare the reports of two periods (each a (start, end) pair; YYYY or YYYY-MM allowed)."""
    if len(periods) != 2:
        raise ValueError(f"compare needs exactly two periods, got {len(periods)}")
    bounds = tuple((parse_date_bound(start), parse_date_bound(end, end=True)) for start, end in periods)
    for start, end in bounds:
        if start > end:
            raise ValueError(f"period {start}..{end} ends before it starts")
    connection = connect(Path(kb_dir))
    try:
        doc_period: dict[str, int] = {}
        for doc_id, report_date, start, end in connection.execute(
            "SELECT DISTINCT doc_id, report_date, period_start, period_end FROM sections"
        ):
            number = _period_of(_reference_date(report_date, start, end), bounds)
            if number is not None:
                doc_period[doc_id] = number
        entity_rows = connection.execute(
            "SELECT doc_id, type, key, name, count(*) FROM entities GROUP BY doc_id, type, key, name"
        ).fetchall()
        unit_rows = connection.execute(
            "SELECT doc_id, lower(unit), sum(value), count(*) FROM entities "
            "WHERE type = 'COUNT' AND unit IS NOT NULL AND value IS NOT NULL GROUP BY doc_id, lower(unit)"
        ).fetchall()
    finally:
        connection.close()

    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    names: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    mentions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc_id, type_, key, name, n in entity_rows:
        number = doc_period.get(doc_id)
        if number is None:
            continue
        mentions[type_][number] += n
        if type_ in types:
            counts[(type_, key)][number] += n
            names[(type_, key)][name] += n
    changes: dict[str, dict[str, list[EntityChange]]] = {t: {c: [] for c in CHANGES} for t in types}
    for (type_, key), pair in counts.items():
        # The most frequent spelling names the entity; ties go to the alphabetically first, for stable output.
        name = min(names[(type_, key)].items(), key=lambda item: (-item[1], item[0]))[0]
        item = EntityChange(type_, key, name, (pair[0], pair[1]))
        if item.change:
            changes[type_][item.change].append(item)
    for by_change in changes.values():
        for items in by_change.values():
            items.sort(key=lambda c: (-abs(c.delta), -max(c.counts), c.name, c.key))

    unit_sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    unit_mentions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc_id, unit, total, n in unit_rows:
        number = doc_period.get(doc_id)
        if number is not None:
            unit_sums[unit][number] += total
            unit_mentions[unit][number] += n
    totals = [
        UnitTotal(unit, (_tidy(unit_sums[unit][0]), _tidy(unit_sums[unit][1])), tuple(unit_mentions[unit]))
        for unit in sorted(unit_sums, key=lambda u: (-sum(unit_sums[u]), u))
    ]
    reports = [0, 0]
    for number in doc_period.values():
        reports[number] += 1
    return Comparison(
        bounds,  # type: ignore[arg-type]
        (reports[0], reports[1]),
        {t: (m[0], m[1]) for t, m in sorted(mentions.items())},
        changes,
        totals,  # type: ignore[arg-type]
    )


def _tidy(value: float) -> float:
    return int(value) if float(value).is_integer() else round(value, 2)


def _reports(count: int) -> str:
    return f"{count} report" + ("" if count == 1 else "s")


def format_table(result: Comparison, top: int = 10) -> str:
    """A terminal report: per type the biggest changes of each kind, then COUNT totals per unit."""
    (s0, e0), (s1, e1) = result.periods
    lines = [
        f"A = {s0}..{e0} ({_reports(result.reports[0])})   B = {s1}..{e1} ({_reports(result.reports[1])})",
        "",
        "mentions per type: " + ", ".join(f"{t} {a}→{b}" for t, (a, b) in result.mentions.items()),
    ]
    for type_, by_change in result.changes.items():
        lines += ["", f"{type_}"]
        for change in CHANGES:
            items = by_change[change]
            shown = ", ".join(f"{c.name} ({c.counts[0]}→{c.counts[1]})" for c in items[:top])
            more = f" … and {len(items) - top} more" if len(items) > top else ""
            lines.append(f"  {change:<5} {len(items):>4}  {shown}{more}".rstrip())
    if result.totals:
        width = max(len(t.unit) for t in result.totals[: top * 2])
        lines += ["", "COUNT totals per unit", f"  {'unit':<{width}}  {'A':>10}  {'B':>10}"]
        for total in result.totals[: top * 2]:
            lines.append(f"  {total.unit:<{width}}  {total.totals[0]:>10}  {total.totals[1]:>10}")
    return "\n".join(lines)


_COLOURS = ("#4e79a7", "#f28e2b")


def _bars_svg(
    title: str, labels: list[str], pairs: list[tuple[float, float]], legend: tuple[str, str]
) -> str:
    """Horizontal grouped bars, one pair (A, B) per label, as inline SVG."""
    row, label_width, chart_width = 26, 220, 420
    top = max((max(a, b) for a, b in pairs), default=0) or 1
    height = 40 + row * len(labels)
    parts = [
        f'<svg role="img" aria-label="{html.escape(title)}" width="{label_width + chart_width + 80}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12">',
        f'<rect x="{label_width}" y="4" width="12" height="12" fill="{_COLOURS[0]}"/>'
        f'<text x="{label_width + 16}" y="14">{html.escape(legend[0])}</text>'
        f'<rect x="{label_width + 200}" y="4" width="12" height="12" fill="{_COLOURS[1]}"/>'
        f'<text x="{label_width + 216}" y="14">{html.escape(legend[1])}</text>',
    ]
    for i, (label, (a, b)) in enumerate(zip(labels, pairs, strict=True)):
        y = 28 + i * row
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end">{html.escape(label)}</text>'
        )
        for j, value in enumerate((a, b)):
            width = chart_width * value / top
            parts.append(
                f'<rect x="{label_width}" y="{y + j * 10}" width="{width:.1f}" height="9" '
                f'fill="{_COLOURS[j]}">'
                f"<title>{html.escape(label)}: {value}</title></rect>"
                f'<text x="{label_width + width + 4:.1f}" y="{y + j * 10 + 8}" font-size="9">{value}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _movers_svg(items: list[EntityChange]) -> str:
    """Diverging bars of the change in mentions: growth to the right, decline to the left."""
    row, label_width, half = 22, 260, 200
    top = max((abs(c.delta) for c in items), default=0) or 1
    centre = label_width + half
    parts = [
        f'<svg role="img" aria-label="top movers" width="{label_width + 2 * half + 40}" '
        f'height="{10 + row * len(items)}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" '
        f'font-size="12"><line x1="{centre}" y1="0" x2="{centre}" y2="{row * len(items) + 10}" '
        'stroke="#999"/>'
    ]
    for i, item in enumerate(items):
        y = 6 + i * row
        width = half * abs(item.delta) / top
        x = centre if item.delta >= 0 else centre - width
        colour = _COLOURS[1] if item.delta >= 0 else _COLOURS[0]
        label = f"{item.name} ({item.type})"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end">{html.escape(label)}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="14" fill="{colour}">'
            f"<title>{html.escape(label)}: {item.counts[0]} → {item.counts[1]}</title></rect>"
            f'<text x="{centre + (width + 4 if item.delta >= 0 else -width - 4):.1f}" y="{y + 11}" '
            f'text-anchor="{"start" if item.delta >= 0 else "end"}" font-size="10">{item.delta:+d}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_html(result: Comparison, top: int = 15) -> str:
    """A self-contained HTML report (inline CSS and SVG, no scripts, no external files): opens offline."""
    (s0, e0), (s1, e1) = result.periods
    legend = (f"A {s0}..{e0}", f"B {s1}..{e1}")
    esc = html.escape
    movers = sorted(
        (c for by_change in result.changes.values() for items in by_change.values() for c in items),
        key=lambda c: (-abs(c.delta), c.name, c.key),
    )[:top]
    sections = [
        "<!DOCTYPE html>",
        '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>rapportkb compare {esc(s0)}..{esc(e0)} / {esc(s1)}..{esc(e1)}</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
        "td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}"
        "td.n{text-align:right}h2{margin-top:2rem}</style>",
        "</head><body>",
        "<h1>Period comparison</h1>",
        f"<p>A = {esc(s0)}..{esc(e0)} ({_reports(result.reports[0])}); "
        f"B = {esc(s1)}..{esc(e1)} ({_reports(result.reports[1])}).</p>",
        '<h2 id="mentions">Mentions per entity type</h2>',
        _bars_svg("mentions per entity type", list(result.mentions), list(result.mentions.values()), legend),
        '<h2 id="movers">Top movers</h2>',
        _movers_svg(movers) if movers else "<p>No entity changed.</p>",
    ]
    if result.totals:
        shown = result.totals[:top]
        sections += [
            '<h2 id="counts">COUNT totals per unit</h2>',
            _bars_svg("COUNT totals per unit", [t.unit for t in shown], [t.totals for t in shown], legend),
            "<table><tr><th>unit</th><th>A</th><th>B</th><th>mentions A</th><th>mentions B</th></tr>",
            *(
                f"<tr><td>{esc(t.unit)}</td><td class=n>{t.totals[0]}</td><td class=n>{t.totals[1]}</td>"
                f"<td class=n>{t.mentions[0]}</td><td class=n>{t.mentions[1]}</td></tr>"
                for t in result.totals
            ),
            "</table>",
        ]
    for type_, by_change in result.changes.items():
        sections.append(f'<h2 id="type-{esc(type_)}">{esc(type_)}</h2><table>')
        sections.append("<tr><th>change</th><th>count</th><th>entities (A → B)</th></tr>")
        for change in CHANGES:
            items = by_change[change]
            names = ", ".join(f"{esc(c.name)} ({c.counts[0]} → {c.counts[1]})" for c in items)
            sections.append(f"<tr><td>{change}</td><td class=n>{len(items)}</td><td>{names}</td></tr>")
        sections.append("</table>")
    sections.append("</body></html>")
    return "\n".join(sections)
