import math
import random
import sys
from pathlib import Path

import pytest

from ingest.model import Line, Page, RawDocument
from nlp import sections
from nlp.headings import FEATURES, NUMBERING, BlockInput, TreeModel, document_features, load_model, predict

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
sys.path.insert(0, str(SCRIPTS))
import train_headings  # noqa: E402  (a script, importable once scripts/ is on the path)

BODY = (
    "Kommunen har under året arbetat vidare med energieffektivisering i de egna lokalerna och "
    "följer upp förbrukningen varje månad."
)


def _document(rows: list[tuple[str, float, bool, float]]) -> RawDocument:
    """Lines (text, size, bold, white space above in points) on one A4 page, left edge at x=70."""
    page = Page(1, width=595.0, height=842.0)
    y = 60.0
    for text, size, bold, space in rows:
        y += space
        box = (70.0, y, 70.0 + min(5.2 * len(text), 450.0), y + size)
        page.lines.append(
            Line(text, 1, "Font-Bold" if bold else "Font", size, bold, box, gap_before=space > 4)
        )
        y += size * 1.2
    return RawDocument("x.pdf", "pdf", [page])


def _halves(text: str) -> tuple[str, str]:
    """Wrap in two lines at the last space before character 80."""
    cut = text.rfind(" ", 0, 80)
    return text[:cut], text[cut + 1 :]


def _report(statement: str) -> RawDocument:
    head, tail = _halves(BODY)
    body = [(head, 11.0, False, 0.0), (tail, 11.0, False, 0.0)]
    first, second = _halves(statement)
    rows = [("Energiplan för Exempelby kommun", 22.0, True, 0.0), ("1 Inledning", 16.0, True, 14.0), *body]
    rows += [("Bakgrund", 11.0, True, 14.0), *body]
    rows += [
        (first, 11.0, True, 8.0),
        (second, 11.0, True, 0.0),
        ("2009 – 13508 MWh, 2014 – 11887 MWh, 2020 – 10131 MWh", 11.0, False, 0.0),
        *body,
    ]
    return _document(rows)


STATEMENT = "Köpt energi avseende lokaler ska minska med 12 % till 2014 och 25 % till 2020 jämfört med 2009"


def test_shipped_model_loads_with_the_current_features():
    model = load_model()
    assert model is not None and model.features == FEATURES and model.trees


def test_bold_goal_statement_is_body_but_bold_heading_stays():
    structure = sections.segment(_report(STATEMENT))
    headings = [s.heading for s in structure.sections]
    assert "Bakgrund" in headings and "1 Inledning" in headings
    assert not any(h.startswith("Köpt energi") for h in headings)
    assert any("Köpt energi avseende lokaler" in s.text for s in structure.sections)


def test_rules_alone_took_the_statement_for_a_heading(monkeypatch):
    # The case the classifier exists for: without it the statement opens a section.
    monkeypatch.setattr(sections, "CLASSIFIER_MODE", "off")
    headings = [s.heading for s in sections.segment(_report(STATEMENT)).sections]
    assert any(h.startswith("Köpt energi") for h in headings)


def test_unsure_mode_never_overrules_a_larger_heading(monkeypatch):
    monkeypatch.setattr(sections, "predict", lambda blocks, body, **_: [0.0] * len(blocks))
    headings = [s.heading for s in sections.segment(_report(STATEMENT)).sections]
    # Everything bold at body size is gone (the stub says no), the larger "1 Inledning" is kept.
    assert headings == ["1 Inledning"]


def test_plain_text_is_not_classified(monkeypatch):
    called = []
    monkeypatch.setattr(sections, "predict", lambda *a, **_: called.append(1) or [])
    lines = [Line("Bakgrund", 1, gap_before=True), Line(BODY, 1, gap_before=True)]
    sections.segment(RawDocument("x.txt", "text", [Page(1, lines)]))
    assert not called


def test_numbering_is_section_numbers_not_years():
    assert NUMBERING.match("2.1 Mål och strategier")
    assert NUMBERING.match("3 Åtgärder")
    assert not NUMBERING.match("2009 – 224 kWh/m2, 2014 – 197 kWh/m2")


def test_features_see_lowercase_continuation_and_width():
    blocks, body = sections.layout_blocks(_report(STATEMENT))
    inputs = [BlockInput(b.lines, b.bullet, b.heading) for b in blocks]
    rows = dict(zip((i.text for i in inputs), document_features(inputs, body), strict=True))
    heading, statement = rows["Bakgrund"], rows[STATEMENT]
    assert heading[FEATURES.index("words")] == 1 and statement[FEATURES.index("lines")] == 2
    assert statement[FEATURES.index("width")] > 0.9 > heading[FEATURES.index("width")]
    assert heading[FEATURES.index("bold_body_size")] == 1.0
    assert heading[FEATURES.index("rel_size")] == pytest.approx(1.0)
    probabilities = predict(inputs, body)
    assert all(0.0 <= p <= 1.0 for p in probabilities)


def test_predict_scores_only_the_wanted_blocks():
    blocks, body = sections.layout_blocks(_report(STATEMENT))
    inputs = [BlockInput(b.lines, b.bullet, b.heading) for b in blocks]
    everything = predict(inputs, body)
    wanted = [index % 2 == 0 for index in range(len(inputs))]
    some = predict(inputs, body, wanted=wanted)
    assert len(inputs) > 1 and len(some) == len(everything)
    for want, full, partial in zip(wanted, everything, some, strict=True):
        assert partial == full if want else math.isnan(partial)
    rows, some_rows = document_features(inputs, body), document_features(inputs, body, wanted)
    assert [row for row, want in zip(rows, wanted, strict=True) if want] == [
        row for row, want in zip(some_rows, wanted, strict=True) if want]
    assert all(row == [] for row, want in zip(some_rows, wanted, strict=True) if not want)


def test_classifier_decides_exactly_the_unsure_heading_shaped_blocks(monkeypatch):
    seen = []

    def spy(blocks, body, wanted=None):
        seen.append(wanted)
        return [0.0] * len(blocks)

    monkeypatch.setattr(sections, "predict", spy)
    blocks, body = sections.layout_blocks(_report(STATEMENT))
    expected = [sections._heading_shape(b, body) and sections._unsure(b, body) for b in blocks]
    sections.classify_headings(blocks, body)
    assert seen == [expected] and any(expected) and not all(expected)


def test_tree_model_walks_its_trees():
    tree = {
        "left": [1, -1, -1],
        "right": [2, -1, -1],
        "feature": [0, -2, -2],
        "threshold": [1.5, -2.0, -2.0],
        "value": [0.0, -2.0, 3.0],
    }
    model = TreeModel(FEATURES, 0.5, 0.5, [tree])
    row = [0.0] * len(FEATURES)
    assert model.probability(row) == pytest.approx(1 / (1 + pow(2.718281828459045, 0.5)))
    row[0] = 2.0
    assert model.probability(row) == pytest.approx(1 / (1 + pow(2.718281828459045, -2.0)))
    with pytest.raises(ValueError):
        TreeModel.from_json({"features": ["other"], "init": 0, "rate": 1, "trees": []})


def test_exported_trees_match_scikit_learn():
    rng = random.Random(3)
    rows = [[rng.uniform(0, 3) for _ in FEATURES] for _ in range(120)]
    labels = [int(row[0] + row[5] > 3.0) for row in rows]
    fitted = train_headings.fit(rows, labels, trees=12)
    exported = train_headings.export(fitted, 0.5)
    expected = fitted.predict_proba(rows)[:, 1]
    assert [exported.probability(row) for row in rows] == pytest.approx(list(expected), abs=1e-5)


def test_rendered_training_pdf_is_labelled_by_its_headings(tmp_path):
    items = [
        train_headings.Item("title", "Klimatplan för Exempelby"),
        train_headings.Item("heading", "Inledning", 1),
        train_headings.Item("paragraph", BODY * 3),
        train_headings.Item("heading", "Mål för energi", 2),
        train_headings.Item("bold", STATEMENT),
        train_headings.Item("paragraph", BODY * 2),
    ]
    style = train_headings.random_style(random.Random(1), train_headings.TRAIN_FAMILIES)
    style.family = style.heading_family = "Vera"
    style.columns, style.numbered, style.caps_top, style.levels = 1, False, False, 3
    printed = train_headings.render(items, style, train_headings.TRAIN_FAMILIES, tmp_path / "doc.pdf")
    assert [text for text, _ in printed] == ["Klimatplan för Exempelby", "Inledning", "Mål för energi"]
    rows, labels = train_headings.labelled_rows(tmp_path / "doc.pdf", [text for text, _ in printed])
    assert sum(labels) == 3 and 0 in labels and len(rows) == len(labels)


def test_degenerate_geometry_does_not_break_reading():
    # Fuzzed PDFs: zero sizes and zero-width boxes.
    lines = [
        Line("Rubrik", 1, "F", 0.0, True, (5.0, 5.0, 5.0, 5.0)),
        Line("Text", 1, "F", 0.0, False, (5.0, 9.0, 5.0, 9.0)),
    ]
    sections.segment(RawDocument("x.pdf", "pdf", [Page(1, lines)]))
    inputs = [BlockInput([line], False, False) for line in lines]
    assert len(document_features(inputs, 10.0)) == 2 and predict(inputs, 0.0) == []
