"""Train the PDF heading classifier (nlp/headings.py) on rendered PDFs with known headings.

Why rendered PDFs: a heading decision needs layout (size, weight, white space, what follows), and the
only way to have many layouts with certain labels is to typeset text whose headings we chose. Each
synthetic report draws a random style (font family, body size, leading, margins, one or two columns,
heading sizes, bold or not, numbered or not, all-caps top level, running footer) and random content:
paragraphs of Swedish sentences from UD Talbanken (CC BY-SA 4.0), headings written here or cut from
Talbanken sentences, bullets, and the look-alikes that make rules fail: bold goal statements at body
size, bold run-in phrases continued in lower case, figure captions, label lines ("MÅL 11"), bold
figure lines. Each PDF is read back with the project's reader, grouped into blocks by nlp/sections.py,
and blocks are labelled by matching the known headings. The project's own gold PDFs are added.

Held-out check: `--heldout DIR` renders corpus/seed.gold.md in four layouts with font families the
training never sees (Liberation Serif, DejaVu Serif Condensed, Times, DejaVu Sans Condensed).

Usage:
  python scripts/train_headings.py [--docs 160] [--seed 7] [--out models/headings]
  python scripts/train_headings.py --heldout /tmp/heldout
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import read_document  # noqa: E402
from nlp.headings import FEATURES, BlockInput, TreeModel, document_features  # noqa: E402
from nlp.sections import _heading_shape, layout_blocks  # noqa: E402

TALBANKEN = Path("/work/shared/corpora/ud-sv-talbanken")
REALDOCS = Path("/work/shared/realdocs")
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation")]

#: family -> (regular, bold); a None file means a built-in Type 1 font of that name.
TRAIN_FAMILIES = {
    "Vera": ("Vera.ttf", "VeraBd.ttf"),
    "DejaVuSans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "DejaVuSerif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "LiberationSans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    "LiberationSansNarrow": ("LiberationSansNarrow-Regular.ttf", "LiberationSansNarrow-Bold.ttf"),
    "Helvetica": (None, None),
}
HELDOUT_FAMILIES = {
    "LiberationSerif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    "DejaVuSerifCondensed": ("DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf"),
    "Times": (None, None),
    "DejaVuSansCondensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
}
BUILTIN = {"Helvetica": ("Helvetica", "Helvetica-Bold"), "Times": ("Times-Roman", "Times-Bold")}

WRITTEN_HEADINGS = """Sammanfattning|Inledning|Bakgrund|Syfte och mål|Syfte|Metod|Resultat|Diskussion
Slutsatser|Uppföljning|Ekonomi|Ekonomisk uppföljning|Bilagor|Referenser|Organisation|Ansvar och roller
Genomförande
Nulägesanalys|Vision|Mål och strategier|Åtgärder|Handlingsplan|Miljö och klimat|Energi|Transporter
Byggnader|Kollektivtrafik|Klimatanpassning|Risker och sårbarheter|Kommunens roll|Samverkan|Kommunikation
Revisorernas bedömning|Iakttagelser|Rekommendationer|Granskningens omfattning|Revisionsfrågor
Avgränsning|Finansiering|Tidplan|Projektorganisation|Verksamhetsberättelse|Personal och kompetens
Digitalisering|Barn och unga|Äldreomsorg|Skola och utbildning|Folkhälsa|Kultur och fritid
Näringsliv och arbetsmarknad|Fysisk planering|Bostadsförsörjning|Vatten och avlopp|Avfall
Biologisk mångfald|Skyfall och översvämning|Utsläpp av växthusgaser|Förnybar energi
Hållbar utveckling i Norrbotten|Regionala utvecklingsstrategin|Uppdrag från kommunfullmäktige
Årets viktigaste händelser|Förvaltningsberättelse|Driftredovisning|Investeringsredovisning
Intern kontroll|God ekonomisk hushållning|Framtida utmaningar|Agenda 2030 och de globala målen
Vad är klimatanpassning|Vem gör vad|Så arbetar vi med energieffektivisering|Ordlista""".replace("\n", "|")
WRITTEN_HEADINGS_LIST = [h.strip() for h in WRITTEN_HEADINGS.split("|") if h.strip()]
UNITS = ["MWh", "kWh", "ton CO2", "km", "st", "procent", "mnkr", "GWh"]


def talbanken_sentences() -> list[str]:
    """Sentences of UD Talbanken (CC BY-SA 4.0) that read as prose: long enough, ending a sentence."""
    sentences = []
    for path in sorted(TALBANKEN.glob("*.conllu")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# text = "):
                text = unicodedata.normalize("NFC", line[9:].strip())
                if len(text.split()) >= 6 and text[-1] in ".!?" and text[0].isupper():
                    sentences.append(text)
    return sentences


def derived_heading(rng: random.Random, sentences: list[str]) -> str:
    """A heading cut from a sentence: its first few words, no closing punctuation, capital first."""
    words = rng.choice(sentences).split()
    take = rng.choice([2, 3, 3, 4, 4, 5, 6, 8, 11])
    text = " ".join(words[:take]).rstrip(".,;:!?–-\"'”)(")
    text = re.sub(r"[.,;:!?]+$", "", text)
    return (text[:1].upper() + text[1:]) if text else "Resultat"


# --- documents ----------------------------------------------------------------------------------------


@dataclass
class Item:
    """One typeset element: kind heading/title/paragraph/bullet/bold/runin/caption/label/figures."""

    kind: str
    text: str
    level: int = 0
    extra: str = ""


@dataclass
class Style:
    family: str
    heading_family: str
    body: float
    leading: float
    justify: bool
    hyphenate: bool
    space_after: float
    first_indent: float
    margins: tuple[float, float, float, float]
    letter: bool
    columns: int
    factors: dict[int, float]
    bold: dict[int, bool]
    numbered: bool
    caps_top: bool
    space_before: dict[int, float]
    footer: bool
    title_size: float
    levels: int = 3
    extra: dict[str, float] = field(default_factory=dict)


def random_style(rng: random.Random, families: dict) -> Style:
    names = list(families)
    family = rng.choice(names)
    body = rng.choice([9, 9.5, 10, 10, 10.5, 11, 11, 12])
    f1 = rng.uniform(1.3, 2.0)
    f2 = rng.uniform(1.1, min(1.5, f1 - 0.1))
    f3 = rng.choice([1.0, 1.0, 1.0, rng.uniform(1.0, min(1.2, f2 - 0.05))])
    bold = {1: rng.random() < 0.85, 2: rng.random() < 0.85, 3: True}
    if f3 >= 1.05 and rng.random() < 0.3:
        bold[3] = False
    columns = 2 if rng.random() < 0.3 else 1
    return Style(
        family=family,
        heading_family=family if rng.random() < 0.6 else rng.choice(names),
        body=body,
        leading=body * rng.uniform(1.15, 1.5),
        justify=rng.random() < 0.5,
        hyphenate=rng.random() < 0.5,
        space_after=body * rng.choice([0.0, 0.4, 0.6, 0.8, 1.0]),
        first_indent=0.0,
        margins=tuple(rng.uniform(40, 110) for _ in range(4)),  # type: ignore[arg-type]
        letter=rng.random() < 0.2,
        columns=columns,
        factors={1: f1, 2: f2, 3: f3},
        bold=bold,
        numbered=rng.random() < 0.35,
        caps_top=rng.random() < 0.12,
        space_before={level: body * rng.uniform(0.0, 2.5) for level in (1, 2, 3)},
        extra={f"after{level}": body * rng.choice([0.0, 0.0, 0.2, 0.5, 0.8, 1.2]) for level in (1, 2, 3)}
        | {"bold_before": body * rng.choice([0.0, 0.0, 0.5, 1.0])},
        footer=rng.random() < 0.6,
        title_size=rng.uniform(18, 28),
        levels=rng.choice([2, 3, 3]),
    )


def random_document(rng: random.Random, sentences: list[str]) -> list[Item]:
    """Title, then 2-4 top sections with subsections, paragraphs, bullets and heading look-alikes."""

    def heading_text() -> str:
        if rng.random() < 0.45:
            return rng.choice(WRITTEN_HEADINGS_LIST)
        return derived_heading(rng, sentences)

    def paragraph() -> str:
        return " ".join(rng.choice(sentences) for _ in range(rng.choice([1, 2, 3, 3, 4, 5, 6])))

    def body(items: list[Item]) -> None:
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            roll = rng.random()
            if roll < 0.55:
                items.append(Item("paragraph", paragraph()))
            elif roll < 0.65:
                items += [Item("bullet", rng.choice(sentences)) for _ in range(rng.randint(2, 5))]
            elif roll < 0.75:
                statement = rng.choice(sentences)
                if rng.random() < 0.6:
                    statement = statement.rstrip(".!?")
                items.append(Item("bold", statement))
                if rng.random() < 0.6:
                    year = rng.choice([2009, 2015, 2019, 2020])
                    unit = rng.choice(UNITS)
                    items.append(
                        Item(
                            "paragraph",
                            f"{year} – {rng.randint(5, 20000)} {unit}, "
                            f"{year + 5} – {rng.randint(5, 20000)} {unit}",
                        )
                    )
            elif roll < 0.83:
                words = rng.choice(sentences).split()
                cut = rng.randint(2, min(5, len(words) - 2))
                lead = " ".join(words[:cut]).rstrip(",;:")
                rest = " ".join(words[cut:])
                items.append(Item("runin", lead[:1].upper() + lead[1:], extra=rest[:1].lower() + rest[1:]))
            elif roll < 0.9:
                label = rng.choice(["Figur", "Tabell", "Diagram", "Bild", "Källa:"])
                items.append(
                    Item("caption", f"{label} {rng.randint(1, 12)} {derived_heading(rng, sentences)}")
                )
            elif roll < 0.95:
                items.append(
                    Item("label", rng.choice(["MÅL", "Mål", "Åtgärd", "Delmål"]) + f" {rng.randint(1, 20)}")
                )
                items.append(Item("paragraph", paragraph()))
            else:
                items.append(
                    Item(
                        "figures",
                        f"{rng.choice([2009, 2012, 2020])} – {rng.randint(5, 900)} "
                        f"{rng.choice(UNITS)}, {rng.choice([2014, 2025])} – {rng.randint(5, 900)}",
                    )
                )
        if rng.random() < 0.5:
            items.append(Item("paragraph", paragraph()))

    items = [Item("title", heading_text())]
    if rng.random() < 0.5:
        items.append(Item("paragraph", paragraph()))
    for _ in range(rng.randint(2, 4)):
        items.append(Item("heading", heading_text(), 1))
        body(items)
        for _ in range(rng.randint(1, 3)):
            items.append(Item("heading", heading_text(), 2))
            body(items)
            for _ in range(rng.choice([0, 0, 1, 2, 3])):
                items.append(Item("heading", heading_text(), 3))
                items.append(Item("paragraph", paragraph()))
                body(items)
    return items


# --- rendering ----------------------------------------------------------------------------------------


def _font_file(name: str) -> Path:
    import reportlab

    for folder in [*FONT_DIRS, Path(reportlab.__file__).parent / "fonts"]:
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(name)


def _fonts(family: str, families: dict) -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if family in BUILTIN:
        return BUILTIN[family]
    regular, bold = families[family]
    names = (f"{family}-R", f"{family}-B")
    for name, file in zip(names, (regular, bold), strict=True):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(_font_file(file))))
    return names


def render(items: list[Item], style: Style, families: dict, target: Path) -> list[tuple[str, int]]:
    """Typeset the items into `target`; returns the printed headings as (text, level), title level 0."""
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    regular, bold = _fonts(style.family, families)
    h_regular, h_bold = _fonts(style.heading_family, families)
    hyphen = {"hyphenationLang": "sv_SE", "embeddedHyphenation": 1} if style.hyphenate else {}
    body = ParagraphStyle(
        "body",
        fontName=regular,
        fontSize=style.body,
        leading=style.leading,
        alignment=TA_JUSTIFY if style.justify else TA_LEFT,
        spaceAfter=style.space_after,
        **hyphen,
    )
    bold_body = ParagraphStyle(
        "bold", parent=body, fontName=bold, alignment=TA_LEFT, spaceBefore=style.extra.get("bold_before", 0.0)
    )
    runin = ParagraphStyle("runin", parent=bold_body, spaceAfter=0, spaceBefore=0)
    bullet = ParagraphStyle(
        "bullet",
        parent=body,
        leftIndent=style.body * 1.4,
        bulletIndent=2,
        spaceAfter=2,
        bulletFontName=regular,
    )
    caption = ParagraphStyle(
        "caption",
        parent=body,
        fontSize=style.body * 0.9,
        leading=style.leading * 0.9,
        fontName=bold if style.bold[3] else regular,
    )
    headings = {}
    for level in (1, 2, 3):
        size = style.body * style.factors[level]
        headings[level] = ParagraphStyle(
            f"h{level}",
            fontName=h_bold if style.bold[level] else h_regular,
            fontSize=size,
            leading=size * 1.2,
            spaceBefore=style.space_before[level],
            spaceAfter=style.extra.get(f"after{level}", style.body * 0.5),
            keepWithNext=1,
        )
    title = ParagraphStyle(
        "title",
        fontName=h_bold,
        fontSize=style.title_size,
        leading=style.title_size * 1.2,
        spaceAfter=style.body * 1.5,
    )

    printed: list[tuple[str, int]] = []
    story: list[object] = []
    counters = [0, 0, 0]
    for item in items:
        text = item.text
        if item.kind == "title":
            story.append(Paragraph(escape(text), title))
            printed.append((text, 0))
        elif item.kind == "heading":
            level = min(item.level, style.levels)
            if style.numbered:
                counters[level - 1] += 1
                counters[level:] = [0] * (3 - level)
                text = ".".join(str(c) for c in counters[:level]) + " " + text
            if level == 1 and style.caps_top:
                text = text.upper()
            story.append(Paragraph(escape(text), headings[level]))
            printed.append((text, level))
        elif item.kind == "bullet":
            story.append(Paragraph(escape(text), bullet, bulletText="•"))
        elif item.kind in ("bold", "figures"):
            story.append(Paragraph(escape(text), bold_body))
        elif item.kind == "runin":
            story.append(Paragraph(escape(text), runin))
            story.append(Paragraph(escape(item.extra), body))
        elif item.kind == "caption":
            story.append(Paragraph(escape(text), caption))
        else:
            story.append(Paragraph(escape(text), body))

    size = LETTER if style.letter else A4
    left, right, top, bottom = style.margins
    width = size[0] - left - right
    gutter = 18.0
    column = (width - gutter * (style.columns - 1)) / style.columns
    frames = [
        Frame(left + i * (column + gutter), bottom, column, size[1] - top - bottom, id=f"c{i}")
        for i in range(style.columns)
    ]

    def footer(canvas: object, doc: object) -> None:
        if style.footer:
            canvas.setFont(regular, style.body * 0.8)  # type: ignore[attr-defined]
            canvas.drawString(left, bottom / 2, f"Rapport om verksamheten   Sida {doc.page}")  # type: ignore

    doc = BaseDocTemplate(
        str(target),
        pagesize=size,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=items[0].text,
    )
    doc.addPageTemplates([PageTemplate(id="p", frames=frames, onPage=footer)])
    doc.build(story)
    return printed


# --- labelling ----------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split()).casefold()


def labelled_rows(pdf: Path, headings: list[str]) -> tuple[list[list[float]], list[int]]:
    """Feature rows and labels of one PDF's heading-shaped blocks, labelled by the known headings.

    A block that holds a heading and more (a grouping error) is left out rather than called body.
    """
    document = read_document(pdf)
    blocks, body_size = layout_blocks(document)
    if body_size is None:
        return [], []
    inputs = [BlockInput(b.lines, b.bullet, b.heading) for b in blocks]
    rows = document_features(inputs, body_size)
    keys = {_key(h) for h in headings}
    features, labels = [], []
    for block, row, item in zip(blocks, rows, inputs, strict=True):
        if not _heading_shape(block, body_size):
            continue
        key = _key(item.text)
        if key in keys:
            labels.append(1)
        elif any(key.startswith(k) or k.startswith(key) for k in keys if len(k) > 3 and len(key) > 3):
            continue
        else:
            labels.append(0)
        features.append(row)
    return features, labels


def _synthetic(args: tuple[int, int]) -> tuple[int, list[list[float]], list[int]]:
    number, seed = args
    rng = random.Random(seed * 100003 + number)
    sentences = talbanken_sentences()
    items = random_document(rng, sentences)
    style = random_style(rng, TRAIN_FAMILIES)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"doc{number}.pdf"
        printed = render(items, style, TRAIN_FAMILIES, target)
        rows, labels = labelled_rows(target, [text for text, _ in printed])
    return number, rows, labels


def gold_documents() -> list[tuple[Path, Path]]:
    """The project's gold: seed renderings in corpus/ and the annotated real documents."""
    corpus = ROOT / "corpus"
    pairs = [
        (corpus / "seed_a4_libreoffice.pdf", corpus / "seed.gold.md"),
        (corpus / "seed_narrow_reportlab.pdf", corpus / "seed.gold.md"),
    ]
    for gold in sorted((corpus / "realdocs").glob("*.gold.md")):
        pdf = REALDOCS / (gold.name.split(".")[0] + ".pdf")
        if pdf.exists():
            pairs.append((pdf, gold))
    return pairs


def gold_headings(gold: Path) -> list[str]:
    return [
        line.lstrip("#").strip()
        for line in gold.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    ]


# --- training -----------------------------------------------------------------------------------------


def export(model: object, threshold: float) -> TreeModel:
    """A fitted GradientBoostingClassifier as plain JSON trees (no pickle in the repository)."""
    trees = []
    for estimator in model.estimators_[:, 0]:  # type: ignore[attr-defined]
        tree = estimator.tree_
        trees.append(
            {
                "left": [int(v) for v in tree.children_left],
                "right": [int(v) for v in tree.children_right],
                "feature": [int(v) for v in tree.feature],
                "threshold": [round(float(v), 6) for v in tree.threshold],
                "value": [round(float(v), 6) for v in tree.value[:, 0, 0]],
            }
        )
    prior = model.init_.class_prior_[1]  # type: ignore[attr-defined]
    init = float(__import__("math").log(prior / (1 - prior)))
    return TreeModel(FEATURES, init, float(model.learning_rate), trees, threshold)  # type: ignore[attr-defined]


def fit(
    rows: list[list[float]],
    labels: list[int],
    weights: list[float] | None = None,
    trees: int = 150,
    seed: int = 7,
) -> object:
    from sklearn.ensemble import GradientBoostingClassifier

    model = GradientBoostingClassifier(
        n_estimators=trees, max_depth=3, learning_rate=0.1, subsample=0.9, random_state=seed
    )
    model.fit(rows, labels, sample_weight=weights)
    return model


def _scores(truth: list[int], predicted: list[int]) -> dict[str, float]:
    tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
    fp = sum((not t) and p for t, p in zip(truth, predicted, strict=True))
    fn = sum(t and not p for t, p in zip(truth, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "support": tp + fn,
        "blocks": len(truth),
    }


def train(docs: int, seed: int, out: Path, gold_weight: float) -> dict:
    with Pool() as pool:
        synthetic = sorted(pool.map(_synthetic, [(n, seed) for n in range(docs)]))
    groups: list[int] = []
    rows: list[list[float]] = []
    labels: list[int] = []
    weights: list[float] = []
    for number, doc_rows, doc_labels in synthetic:
        rows += doc_rows
        labels += doc_labels
        groups += [number] * len(doc_rows)
        weights += [1.0] * len(doc_rows)
    gold_rows: list[tuple[str, list[list[float]], list[int]]] = []
    for pdf, gold in gold_documents():
        doc_rows, doc_labels = labelled_rows(pdf, gold_headings(gold))
        gold_rows.append((pdf.name, doc_rows, doc_labels))

    # Held-out by document: the last fifth of the synthetic reports, never seen by this fit.
    split = int(docs * 0.8)
    train_idx = [i for i, g in enumerate(groups) if g < split]
    test_idx = [i for i, g in enumerate(groups) if g >= split]
    probe = fit([rows[i] for i in train_idx], [labels[i] for i in train_idx], seed=seed)
    test_pred = probe.predict([rows[i] for i in test_idx])  # type: ignore[attr-defined]
    rule_index = FEATURES.index("rule")
    metrics: dict = {
        "synthetic_docs": docs,
        "synthetic_blocks": len(rows),
        "synthetic_headings": sum(labels),
        "heldout_synthetic_model": _scores([labels[i] for i in test_idx], [int(p) for p in test_pred]),
        "heldout_synthetic_rules": _scores(
            [labels[i] for i in test_idx], [int(rows[i][rule_index]) for i in test_idx]
        ),
    }
    bold_index = FEATURES.index("bold_body_size")
    unsure = [i for i in test_idx if rows[i][bold_index]]
    unsure_pred = probe.predict([rows[i] for i in unsure]) if unsure else []  # type: ignore[attr-defined]
    metrics["heldout_synthetic_bold_body_size_model"] = _scores(
        [labels[i] for i in unsure], [int(p) for p in unsure_pred]
    )
    metrics["heldout_synthetic_bold_body_size_rules"] = _scores(
        [labels[i] for i in unsure], [int(rows[i][rule_index]) for i in unsure]
    )
    # Gold documents scored by the synthetic-only model: the real test of transfer.
    for name, doc_rows, doc_labels in gold_rows:
        predicted = probe.predict(doc_rows) if doc_rows else []  # type: ignore[attr-defined]
        metrics[f"gold_{name}_synthetic_only_model"] = _scores(doc_labels, [int(p) for p in predicted])

    for _, doc_rows, doc_labels in gold_rows:
        rows += doc_rows
        labels += doc_labels
        weights += [gold_weight] * len(doc_rows)
    final = fit(rows, labels, weights, seed=seed)
    model = export(final, 0.5)
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.json").write_text(
        json.dumps(model.to_json(), separators=(",", ":")) + "\n", encoding="utf-8"
    )
    importances = sorted(
        zip(FEATURES, final.feature_importances_, strict=True),  # type: ignore[attr-defined]
        key=lambda pair: -pair[1],
    )
    metrics["feature_importance"] = {name: round(float(v), 4) for name, v in importances[:15]}
    metrics["training_blocks"] = len(rows)
    (out / "metrics.json").write_text(
        json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return metrics


# --- held-out seed layouts ----------------------------------------------------------------------------

HELDOUT_LAYOUTS = [
    # family, body, leading, margins (l, r, t, b), columns, factors, bold, numbered, letter
    (
        "LiberationSerif",
        11.0,
        14.5,
        (72, 72, 72, 72),
        1,
        {1: 1.6, 2: 1.3, 3: 1.1},
        {1: True, 2: True, 3: True},
        False,
        False,
    ),
    (
        "DejaVuSerifCondensed",
        9.5,
        12.5,
        (50, 130, 60, 70),
        1,
        {1: 1.8, 2: 1.4, 3: 1.0},
        {1: True, 2: True, 3: True},
        False,
        True,
    ),
    (
        "Times",
        12.0,
        15.0,
        (90, 60, 80, 80),
        1,
        {1: 1.5, 2: 1.25, 3: 1.0},
        {1: True, 2: False, 3: True},
        False,
        False,
    ),
    (
        "DejaVuSansCondensed",
        9.0,
        11.5,
        (45, 45, 55, 60),
        2,
        {1: 1.7, 2: 1.35, 3: 1.12},
        {1: True, 2: True, 3: True},
        False,
        False,
    ),
]


def render_heldout(out: Path) -> list[Path]:
    """corpus/seed.gold.md in four layouts whose font families the training never used."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from render_corpus import parse_gold

    blocks = parse_gold((ROOT / "corpus" / "seed.gold.md").read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, (family, body, leading, margins, columns, factors, bold, numbered, letter) in enumerate(
        HELDOUT_LAYOUTS, start=1
    ):
        style = Style(
            family=family,
            heading_family=family,
            body=body,
            leading=leading,
            justify=number % 2 == 1,
            hyphenate=number != 3,
            space_after=body * 0.6,
            first_indent=0.0,
            margins=margins,
            letter=letter,
            columns=columns,
            factors=factors,
            bold=bold,
            numbered=numbered,
            caps_top=False,
            space_before={1: body * 1.5, 2: body * 1.2, 3: body},
            footer=True,
            title_size=22.0,
        )
        # The gold's "#" is the title and "##"/"###" its sections: levels 1 and 2 in print.
        items = [
            Item("title", b.text)
            if b.kind == "heading" and b.level == 1
            else Item("heading", b.text, b.level - 1)
            if b.kind == "heading"
            else Item(b.kind, b.text)
            for b in blocks
        ]
        target = out / f"seed_heldout_{number}_{family}.pdf"
        render(items, style, HELDOUT_FAMILIES, target)
        paths.append(target)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=160)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gold-weight", type=float, default=3.0, help="sample weight of the gold documents")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "headings")
    parser.add_argument("--heldout", type=Path, help="only render the held-out seed layouts into this folder")
    args = parser.parse_args(argv)
    if args.heldout:
        for path in render_heldout(args.heldout):
            print(path)
        return 0
    metrics = train(args.docs, args.seed, args.out, args.gold_weight)
    print(json.dumps(metrics, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
