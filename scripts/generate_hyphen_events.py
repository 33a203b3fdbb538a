"""Generate labelled line-end hyphen events by rendering known Swedish text with LibreOffice.

Why: the de-hyphenation classifier (nlp/dehyphenate.py) needs line-end hyphens whose truth is
known. We typeset prose whose exact text we have, at many widths, fonts and sizes, with Swedish
automatic hyphenation (hyphen-sv, which also breaks lines after real hyphens), read the lines back
with pdfplumber and align them to the source: a line-end hyphen that is not in the source is a
`join`; one that is in the source is `keep` (inside a word), `suspended` (followed by a space and
a coordinator: `barn- och ungdomspersonal`) or `dash` (followed by a space and anything else:
`län- ett samarbete`).

Sources (never the seed report, which is the held-out check):
- train: UNER Swedish-Talbanken train sentences, UD Talbanken dev sentences (CC BY-SA 4.0),
  klintan swedish-ner train corpus (CC BY 4.0), four of the real PDFs' text;
- eval:  UD Talbanken test sentences, klintan test corpus, the other three real PDFs' text;
- fresh: UNER Swedish-PUD test sentences (CC BY-SA 4.0; translated news and Wikipedia, a corpus
  no hyphen rule or model was trained or tuned on), rendered with fonts, sizes and widths the
  other splits never use (`--split fresh --seed N`): a blind check after the rules were tuned
  (no longer blind: its errors were read to design the name-compound evidence);
- blind2: corpus/hyphen/blind2_prose.txt (administrative prose written for this purpose before any
  result on it was seen; shipped) and the seed's gold text corpus/seed.gold.md (the seed report is
  otherwise only the end-to-end check), rendered with fonts, sizes and page widths no other split
  uses, injecting only forms mined from these two texts (`--split blind2 --seed 4242 --renders 16`);
- blind3: corpus/hyphen/blind3_prose.txt (a municipal activity report written for round 2 of issue 4
  before any blind2 error was read), rendered with the last unused fonts, sizes and widths
  (`--split blind3 --seed 31337 --renders 24`), injecting only forms mined from it;
- blind4: corpus/hyphen/blind4_prose.txt (a regional culture/health/growth report written for round 3
  before any blind3 error was read), rendered in sizes no other split uses (7.75, 9.75, 11.75, 12.25,
  15 pt) with a mix of the other splits' fonts, so every font/size pair is new
  (`--split blind4 --seed 4444 --renders 30`), injecting only forms mined from it;
- blind5: corpus/hyphen/blind5_prose.txt (a region's report on international co-operation and EU
  projects, foreign names and English project names, written for round 4), rendered in sizes no other
  split uses (8.4, 9.6, 10.6, 11.4, 12.8 pt) with a mix of the other splits' fonts
  (`--split blind5 --seed 5555 --renders 24`), injecting only forms mined from it;
- blind6, blind7: corpus/hyphen/blind6_prose.txt (a region's health-care interim report) and
  blind7_prose.txt (a municipality's education and social services annual report), written for
  round 5 by writers who read none of the de-hyphenation code, rules or errors, before any code of
  the round changed; rendered in sizes no other split uses with a mix of the other splits' fonts
  (`--split blind6 --seed 6666 --renders 24`, `--split blind7 --seed 7777 --renders 24`);
- blind8, blind9: corpus/hyphen/blind8_prose.txt (a municipality's planning, environment and
  technical services annual report) and blind9_prose.txt (a county administrative board's annual
  report), written like blind6/7 and rendered after round 5's code was final, as a second check
  (`--split blind8 --seed 8888 --renders 24`, `--split blind9 --seed 9999 --renders 24`).
Real hyphens, number ranges, suspended compounds and dashes without a space are rare in that
prose, so they are injected from inventories mined from the same split's texts plus a short
hand list (split between train and eval by a stable hash so eval never sees a training phrase).
The train split also gets name compounds (`Tesco-konton`): mined from the train texts and
synthesised from their foreign names and common nouns (`name_compounds`), so the classifier sees
how Swedish hyphenates after a name; no other split's text contributes to them.

Output: one JSON object per rendered document: {"doc", "split", "render", "lines": [[text, page]],
"labels": {line index: label}}; the training and evaluation scripts rebuild the features from
the lines with the same code the pipeline uses.

Usage: python scripts/generate_hyphen_events.py --out /tmp/hyphen_events.jsonl [--renders 4]
(needs `apt-get install -y libreoffice-writer-nogui hyphen-sv`; takes a few minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPORA = SHARED / "corpora"
REALDOCS = SHARED / "realdocs"
TRAIN_REAL = ["gbg_arsredogorelse_2023.pdf", "haparanda_klimatstrategi_2013.pdf", "msb_msbfs_2020_1.pdf",
              "gbg_revisionsberattelse_2023.pdf"]
EVAL_REAL = ["soderkoping_miljo_klimat_2022.pdf", "vansbro_energi_klimatplan_2015.pdf",
             "gbg_rapportsammandrag_skyfall_2023.pdf"]
COORDINATORS = ("och", "eller", "samt", "respektive")
DASH_OPENERS = ("ett", "en", "om", "som", "för", "med", "att", "i", "på", "det", "den", "där", "när", "från")
FONTS = ["Liberation Serif", "Liberation Sans", "DejaVu Sans", "DejaVu Serif", "DejaVu Sans Condensed"]
#: Fonts the train and eval splits never use, for the fresh split.
FRESH_FONTS = ["Liberation Sans Narrow", "DejaVu Serif Condensed", "DejaVu Sans Light", "Liberation Mono"]
#: Fonts no other split uses, for the blind2 split (apt-get install fonts-crosextra-carlito
#: fonts-crosextra-caladea fonts-linuxlibertine).
BLIND2_FONTS = ["Carlito", "Caladea", "Linux Libertine O", "Linux Biolinum O", "DejaVu Sans Mono"]
ROOT = Path(__file__).resolve().parents[1]
BLIND2_TEXTS = [ROOT / "corpus" / "hyphen" / "blind2_prose.txt", ROOT / "corpus" / "seed.gold.md"]
#: Fonts no other split uses, for the blind3 split (the last unused text fonts of fonts-linuxlibertine and
#: fonts-dejavu: Libertine's display and monospaced cuts, DejaVu's TeX Gyre math companion).
BLIND3_FONTS = ["Linux Libertine Display O", "Linux Libertine Mono O", "DejaVu Math TeX Gyre"]
BLIND3_TEXTS = [ROOT / "corpus" / "hyphen" / "blind3_prose.txt"]
#: Every text font is taken by now, so blind4 mixes the fonts of all splits (with Carlito and Caladea,
#: the Calibri and Cambria look-alikes of real reports, twice as likely) in sizes no split uses.
BLIND4_FONTS = ["Liberation Serif", "DejaVu Sans", "Liberation Sans Narrow", "DejaVu Serif Condensed",
                "Carlito", "Carlito", "Caladea", "Caladea", "Linux Libertine O", "Linux Libertine Display O"]
BLIND4_TEXTS = [ROOT / "corpus" / "hyphen" / "blind4_prose.txt"]
#: blind5 again mixes the other splits' fonts (sans faces, common in regions' reports, more often) in
#: sizes no split uses, so every font/size pair is new.
BLIND5_FONTS = ["Carlito", "Carlito", "Liberation Sans", "Liberation Sans", "DejaVu Sans Condensed",
                "Linux Biolinum O", "Caladea", "Liberation Serif", "DejaVu Serif", "Linux Libertine O"]
BLIND5_TEXTS = [ROOT / "corpus" / "hyphen" / "blind5_prose.txt"]
#: blind6 and blind7 (round 5): a mix of every split's fonts, in sizes no split uses.
BLIND6_FONTS = ["Carlito", "Carlito", "Caladea", "Liberation Sans", "Liberation Serif", "DejaVu Sans",
                "DejaVu Serif Condensed", "Linux Biolinum O", "Linux Libertine O", "Liberation Sans Narrow"]
BLIND8_FONTS = ["Carlito", "Carlito", "Liberation Sans", "DejaVu Sans Condensed", "Caladea",
                "Liberation Serif", "DejaVu Serif", "Linux Libertine O", "Linux Biolinum O",
                "Liberation Sans Narrow"]
BLIND7_FONTS = ["Carlito", "Caladea", "Caladea", "Liberation Serif", "Liberation Sans", "DejaVu Serif",
                "DejaVu Sans Condensed", "Linux Libertine O", "Linux Biolinum O", "Liberation Sans Narrow"]
#: Each blind split renders only its own texts and injects only forms mined from them.
BLIND_TEXTS: dict[str, list[Path]] = {
    "blind2": BLIND2_TEXTS, "blind3": BLIND3_TEXTS, "blind4": BLIND4_TEXTS, "blind5": BLIND5_TEXTS,
    "blind6": [ROOT / "corpus" / "hyphen" / "blind6_prose.txt"],
    "blind7": [ROOT / "corpus" / "hyphen" / "blind7_prose.txt"],
    "blind8": [ROOT / "corpus" / "hyphen" / "blind8_prose.txt"],
    "blind9": [ROOT / "corpus" / "hyphen" / "blind9_prose.txt"],
}
HAND_HYPHENATED = [
    "EU-projekt", "SFI-grupper", "VA-enheten", "e-tjänster", "IT-stöd", "e-post", "KS-beslut", "FN-dagen",
    "covid-19", "ESF-rådet", "GIS-data", "PM-nivå", "LSS-boende", "CO2-utsläpp", "A-kassan", "T-banan",
    "Tornedals-Finland", "Sverige-Finland", "Kiruna-Narvik", "sms-tjänst", "hbtq-frågor", "EU-medel",
    "e-handel", "IoT-lösningar", "SCB-statistik", "x-led", "KPI-mått", "ÖP-arbetet", "RUS-projektet",
    "ISO-certifiering", "GDPR-krav", "NIS-direktivet", "SMHI-data", "ERUF-medel", "HVO-diesel",
    "LED-belysning",
    "Norrbotten-Västerbotten", "Stockholm-Göteborg", "Luleå-Boden", "e-hälsa", "öst-väst", "nord-syd",
]
HAND_SUSPENDED = [
    "barn- och ungdomspersonal", "Norr- och Västerbotten", "stöd- och utvecklingsinsatser",
    "mineral- och metallproducenter", "studie- och planeringsdagarna", "medie- och informationskunnighet",
    "slöjd- och formkonsulenterna", "Arbets- och näringsministeriet", "Projekt- och företagsstöd",
    "kultur- och fritidsnämnden", "miljö- och hälsoskydd", "vatten- och avloppsfrågor",
    "el- och värmeproduktion", "gång- och cykelvägar", "bygg- och miljönämnden", "hälso- och sjukvården",
    "skol- eller förskoleverksamhet",
    "energi- samt klimatarbetet", "kommun- respektive regionnivå", "planerings- och uppföljningsarbetet",
    "företags- och organisationsstöd", "natur- och kulturmiljöer", "trafik- och transportfrågor",
    "kollektiv- och färdtjänst", "sjö- och vattendrag", "skog- och jordbruk", "bostads- och lokalförsörjning",
]


def stable_half(text: str) -> str:
    return "train" if hashlib.sha1(text.encode()).digest()[0] % 2 == 0 else "eval"


# --- sources --------------------------------------------------------------------------------------------

def conllu_docs(path: Path) -> list[list[str]]:
    """Sentences grouped by document (`# newdoc`), cut into paragraphs of a few sentences."""
    docs: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc") or not docs:
            docs.append([])
        if line.startswith("# text = "):
            docs[-1].append(line[9:].strip())
    return [doc for doc in docs if doc]


def detokenize(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r" ([.,:;!?)\]»”])", r"\1", text)
    text = re.sub(r"([(\[«“]) ", r"\1", text)
    return text.replace(" ' ", "'").replace(' " ', ' "')


def klintan_sentences(path: Path) -> list[str]:
    """The corpus is one token per line; a sentence ends at `.`, `!` or `?`."""
    sentences, tokens = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        token = line.split()[0] if line.split() else ""
        if not token:
            continue
        tokens.append(token)
        if token in {".", "!", "?"} and len(tokens) > 3:
            sentences.append(detokenize(tokens))
            tokens = []
    return sentences


def realdoc_paragraphs(path: Path) -> list[str]:
    """Text of a real PDF without its own line-end hyphenations (their truth is unknown: drop both halves)."""
    import pdfplumber

    words: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            lines = [line.strip() for line in (page.extract_text() or "").splitlines()]
            for index, line in enumerate(lines):
                tokens = line.split()
                if not tokens or "\ufffd" in line or len(tokens) < 6:
                    continue  # headings, tables, footers: short lines are not prose
                if index > 0 and lines[index - 1].endswith(("-", "\u00ad")):
                    tokens = tokens[1:]
                if tokens and tokens[-1].endswith(("-", "\u00ad")):
                    tokens = tokens[:-1]
                words.extend(tokens)
    # Any token that still ends in a hyphen (a break the line test missed, or a dash whose kind is
    # unknown) goes with the token after it: the source must hold no hyphen of unknown truth.
    kept: list[str] = []
    skip = False
    for token in words:
        if skip:
            skip = False
            continue
        if token[-1:] in HYPHEN_CHARS or "\u00ad" in token:
            skip = True
            continue
        kept.append(token)
    text = " ".join(kept)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", text)
    return [" ".join(sentences[i:i + 5]) for i in range(0, len(sentences), 5)]


def chunk(sentences: list[str], rng: random.Random) -> list[str]:
    paragraphs, index = [], 0
    while index < len(sentences):
        size = rng.randint(2, 7)
        paragraphs.append(" ".join(sentences[index:index + size]))
        index += size
    return paragraphs


def mine_inventories(texts: list[str]) -> tuple[list[str], list[str]]:
    pattern = r"(?<![\w-])(?:[A-ZÅÄÖa-zåäö]{1,12}|\d{1,4})-[A-ZÅÄÖa-zåäö0-9]{2,20}(?![\w-])"
    hyphenated = set(re.findall(pattern, " ".join(texts)))
    suspended = set()
    for text in texts:
        for match in re.finditer(r"(?<![\w-])(\w{2,20})- (och|eller|samt) (\w{3,25})", text):
            suspended.add(match.group(0))
    return sorted(hyphenated), sorted(suspended)


def text_paragraphs(path: Path) -> list[str]:
    """Prose paragraphs of a plain-text or Markdown file: headings' `#` and bullets' `- ` dropped."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        text = " ".join(line.strip().lstrip("#").strip().removeprefix("- ") for line in block.splitlines())
        if text.strip():
            paragraphs.append(text.strip())
    return paragraphs


def sources(split: str, rng: random.Random) -> dict[str, list[str]]:
    """name -> paragraphs for one split."""
    found: dict[str, list[str]] = {}
    if split in BLIND_TEXTS:
        # Whole documents, so each rendering has a real report's vocabulary.
        return {path.stem.replace(".", "-"): text_paragraphs(path) for path in BLIND_TEXTS[split]}
    if split == "fresh":
        # PUD documents are two or three sentences: ten at a time make a document with a vocabulary.
        pud = conllu_docs(CORPORA / "uner-sv-pud/sv_pud-ud-test.iob2")
        for start in range(0, len(pud), 10):
            found[f"pud-test-{start}"] = chunk([s for doc in pud[start:start + 10] for s in doc], rng)
        return found
    if split == "train":
        for index, doc in enumerate(conllu_docs(CORPORA / "uner-sv-talbanken/sv_talbanken-ud-train.iob2")):
            found[f"talbanken-train-{index}"] = chunk(doc, rng)
        for index, doc in enumerate(conllu_docs(CORPORA / "ud-sv-talbanken/sv_talbanken-ud-dev.conllu")):
            found[f"talbanken-dev-{index}"] = chunk(doc, rng)
        klintan = klintan_sentences(CORPORA / "klintan-swedish-ner/train_corpus.txt")
        real = TRAIN_REAL
    else:
        for index, doc in enumerate(conllu_docs(CORPORA / "ud-sv-talbanken/sv_talbanken-ud-test.conllu")):
            found[f"talbanken-test-{index}"] = chunk(doc, rng)
        klintan = klintan_sentences(CORPORA / "klintan-swedish-ner/test_corpus.txt")
        real = EVAL_REAL
    for start in range(0, len(klintan), 150):
        found[f"klintan-{split}-{start}"] = chunk(klintan[start:start + 150], rng)
    for name in real:
        paragraphs = realdoc_paragraphs(REALDOCS / name)
        for start in range(0, len(paragraphs), 25):
            found[f"{name}-{start}"] = paragraphs[start:start + 25]
    return found


# --- injection ------------------------------------------------------------------------------------------

TEMPLATES = [
    "Det gäller även {x}.", "Arbetet med {x} fortsätter under året.", "Här ingår {x} och liknande insatser.",
    "Frågan om {x} diskuterades på mötet.", "Ansvaret för {x} ligger kvar.", "Vi har sett över {x} i år.",
    "Uppföljningen av {x} redovisas senare.", "Dessutom ingår {x}.", "Rapporten tar upp {x} i korthet.",
]


_NAME_COMPOUND = re.compile(r"(?<![\w-])[A-ZÅÄÖ][a-zåäöéüáí]{2,14}-[a-zåäö]{3,20}(?![\w-])")
#: Definite and plural noun forms (`krisen`, `avtalet`, `titlarna`); not -ar/-er, mostly verbs in the present.
_NOUN_ENDINGS = ("en", "et", "na", "ingen", "heten", "ning", "ningar", "iteten")


def name_compounds(texts: list[str], rng: random.Random, synthesised: int = 400) -> list[str]:
    """Name + hyphen + Swedish word (`Tesco-konton`), mined from `texts` and synthesised from them.

    Swedish hyphenates a compound after a foreign or unusual name; without many such keeps in
    training the classifier learns that a capitalised first part before a common word is a
    hyphenated word. Names: words written capitalised after a lower-case word that are no Swedish
    word (wordfreq knows them better in English, or hardly at all); nouns: common Swedish words in
    noun forms. Only the texts of one split go in, so no other split's words are ever injected.
    """
    from wordfreq import zipf_frequency

    mined = {m for text in texts for m in _NAME_COMPOUND.findall(text)}
    names: set[str] = set()
    nouns: set[str] = set()
    for text in texts:
        tokens = re.findall(r"[\w-]+|[.!?:]", text)
        for before, word in zip(tokens, tokens[1:], strict=False):
            if not word.isalpha():
                continue
            name_like = word[:1].isupper() and word[1:].islower() and not word.endswith("s")  # no genitive
            if name_like and 3 <= len(word) <= 12 and before[:1].islower():
                sv, en = zipf_frequency(word, "sv"), zipf_frequency(word, "en")
                if en >= 1.5 and en > sv + 0.3:  # a foreign name, not a Swedish compound name (`Kämpegatan`)
                    names.add(word)
            # Not adverbs in -ligen (`bokstavligen`).
            elif word.islower() and 4 <= len(word) <= 14 and word.endswith(_NOUN_ENDINGS) and not (
                word.endswith("ligen") or zipf_frequency(word, "sv") < 3.5
                or zipf_frequency(word, "en") >= 2.0
            ):
                nouns.add(word)
    names_sorted, nouns_sorted = sorted(names), sorted(nouns)
    made: set[str] = set()
    for _ in range(synthesised * 3):
        if len(made) >= synthesised or not names_sorted or not nouns_sorted:
            break
        name, noun = rng.choice(names_sorted), rng.choice(nouns_sorted)
        if zipf_frequency(name + noun, "sv") < 1.0:  # a compound nobody writes joined
            made.add(f"{name}-{noun}")
    return sorted(mined | made)


def inject(
    paragraph: str, hyphenated: list[str], suspended: list[str], rng: random.Random,
    named: list[str] | None = None,
) -> str:
    """Add real hyphens, ranges, suspended compounds and dashes without a space to a paragraph.

    `named`: name compounds to add as well (train split only); without it the random stream is
    the same as before, so the eval and fresh splits regenerate identically from their seeds.
    """
    sentences = re.split(r"(?<=[.!?])\s+", paragraph)
    out: list[str] = []
    for sentence in sentences:
        roll = rng.random()
        if roll < 0.06:
            # A dash written without a space before a clause: `länet- ett samarbete`.
            words = sentence.split(" ")
            spots = [i for i in range(1, len(words) - 2)
                     if words[i + 1] in DASH_OPENERS and words[i].isalpha() and len(words[i]) >= 3]
            if spots:
                spot = rng.choice(spots)
                words[spot] += "-"
                sentence = " ".join(words)
        out.append(sentence)
        roll = rng.random()
        if roll < 0.12:
            out.append(rng.choice(TEMPLATES).format(x=rng.choice(suspended)))
        elif roll < 0.24:
            out.append(rng.choice(TEMPLATES).format(x=rng.choice(hyphenated)))
        elif roll < 0.28:
            start = rng.randint(1990, 2030)
            out.append(rng.choice([f"Perioden {start}-{start + rng.randint(1, 10)} är viktig.",
                                   f"Mötet hölls {rng.randint(1, 20)}-{rng.randint(21, 28)} maj.",
                                   f"Det skedde på {rng.choice([19, 20])}{rng.randint(0, 9)}0-talet.",
                                   f"Beslutet gäller {rng.randint(2, 40)}-{rng.randint(41, 90)} procent."]))
        if named and rng.random() < 0.1:
            out.append(rng.choice(TEMPLATES).format(x=rng.choice(named)))
    return " ".join(out)


# --- rendering ------------------------------------------------------------------------------------------

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:font-face-decls>
  <style:font-face style:name="F" svg:font-family="'{font}'"/>
 </office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:hyphenation-ladder-count="no-limit" fo:text-align="{align}"
    fo:margin-bottom="0.2cm"/>
   <style:text-properties style:font-name="F" fo:font-size="{size}pt" fo:language="sv" fo:country="SE"
    fo:hyphenate="true" fo:hyphenation-remain-char-count="{remain}" fo:hyphenation-push-char-count="{push}"/>
  </style:default-style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="{width}cm" fo:page-height="29.7cm" fo:margin-top="1.5cm"
    fo:margin-bottom="1.5cm" fo:margin-left="1.5cm" fo:margin-right="1.5cm"/>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/>
 </office:master-styles>
 <office:body><office:text>
{body}
 </office:text></office:body>
</office:document>
"""


class RenderSpec(NamedTuple):
    """How one split draws its renderings. The blind splits draw a narrow column with probability
    `narrow_share` (from `narrow` cm, else `wide` cm); the others draw one width from `wide`."""

    fonts: tuple[str, ...]
    sizes: tuple[float, ...]
    wide: tuple[float, float]
    aligns: tuple[str, ...]
    remain: tuple[int, ...]
    push: tuple[int, ...]
    narrow_share: float | None = None
    narrow: tuple[float, float] = (0.0, 0.0)


RENDER_SPECS: dict[str, RenderSpec] = {
    # Round 5: sizes no other split uses, so every font/size pair is new; report-like pages and some
    # narrow columns.
    "blind6": RenderSpec(tuple(BLIND6_FONTS), (8.2, 9.4, 10.2, 11.6, 13.2), (8.0, 21.0),
                         ("justify", "start"), (2, 3), (2, 3), 0.3, (6.5, 8.0)),
    "blind7": RenderSpec(tuple(BLIND7_FONTS), (7.9, 8.9, 9.9, 10.9, 12.1), (8.0, 21.0),
                         ("justify", "justify", "start"), (2, 3), (2, 3), 0.25, (6.5, 8.0)),
    # Round 5 confirmation sets, generated after the round's code was final: again sizes no split uses.
    "blind8": RenderSpec(tuple(BLIND8_FONTS), (8.1, 9.1, 10.1, 11.1, 12.4), (8.0, 21.0),
                         ("justify", "start"), (2, 3), (2, 3), 0.3, (6.5, 8.0)),
    "blind9": RenderSpec(tuple(BLIND6_FONTS), (8.3, 9.3, 10.3, 11.3, 12.6), (8.0, 21.0),
                         ("justify", "justify", "start"), (2, 3), (2, 3), 0.25, (6.5, 8.0)),
    # Sizes no other split uses; A4/A5-like pages (8-21 cm) and one in four 6.5-8 cm columns.
    "blind5": RenderSpec(tuple(BLIND5_FONTS), (8.4, 9.6, 10.6, 11.4, 12.8), (8.0, 21.0),
                         ("justify", "start", "start"), (2, 3), (2, 3), 0.25, (6.5, 8.0)),
    # Sizes no other split uses, in report-like page widths (8-21 cm, 5-18 cm of text) and a few
    # columns of 6.5-8 cm pages; every font/size pair is new.
    "blind4": RenderSpec(tuple(BLIND4_FONTS), (7.75, 9.75, 11.75, 12.25, 15), (8.0, 21.0),
                         ("justify", "justify", "start"), (2, 3), (2, 3), 0.3, (6.5, 8.0)),
    # Widths outside every other split's ranges (columns of 2.3-2.9 cm, or pages of 24.2-27 cm),
    # sizes and fonts no other split uses, remain/push counts of 2-4.
    "blind3": RenderSpec(tuple(BLIND3_FONTS), (8.75, 10.25, 11.25, 13.5), (24.2, 27.0),
                         ("justify", "start"), (2, 3, 4), (2, 3, 4), 0.6, (5.3, 5.9)),
    # Columns narrower and pages wider than any other split's, in sizes no other split uses.
    "blind2": RenderSpec(tuple(BLIND2_FONTS), (8, 9.25, 10.75, 12.5, 14), (21.1, 24.0),
                         ("justify", "start"), (2, 3), (2, 3), 0.7, (6.0, 7.4)),
    "fresh": RenderSpec(tuple(FRESH_FONTS), (8.5, 9.5, 11.5, 13), (7.5, 21.0),
                        ("justify", "start", "start"), (2, 3, 4), (2, 3, 4)),
    "train": RenderSpec(tuple(FONTS), (9, 10, 10.5, 11, 12), (8.0, 19.0),
                        ("justify", "justify", "start"), (2, 2, 3), (2, 2, 3)),
}


def random_render(rng: random.Random, split: str = "train") -> dict[str, object]:
    """A rendering drawn for `split` (train and eval share one spec; the others have their own)."""
    spec = RENDER_SPECS.get(split, RENDER_SPECS["train"])
    narrow = spec.narrow_share is not None and rng.random() < spec.narrow_share
    font, size = rng.choice(spec.fonts), rng.choice(spec.sizes)
    return {
        "font": font, "size": size,
        "width": round(rng.uniform(*spec.narrow) if narrow else rng.uniform(*spec.wide), 1),
        "align": rng.choice(spec.aligns), "remain": rng.choice(spec.remain), "push": rng.choice(spec.push),
    }


def to_fodt(paragraphs: list[str], render: dict[str, object]) -> str:
    body = "\n".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    return FODT.format(body=body, **render)


def convert(fodts: dict[str, str], workdir: Path) -> dict[str, Path]:
    """Convert many documents in one LibreOffice start (start-up dominates the cost)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer-nogui hyphen-sv")
    paths = []
    for name, content in fodts.items():
        path = workdir / f"{name}.fodt"
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    profile = workdir / "profile"
    for start in range(0, len(paths), 200):
        command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(workdir), *map(str, paths[start:start + 200])]
        subprocess.run(command, check=True, capture_output=True, timeout=1800)
    return {name: workdir / f"{name}.pdf" for name in fodts}


def extract_lines(pdf_path: Path) -> list[tuple[str, int]]:
    import pdfplumber

    lines: list[tuple[str, int]] = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            lines += [(line, number) for line in (page.extract_text() or "").splitlines() if line.strip()]
    return lines


# --- alignment ------------------------------------------------------------------------------------------

HYPHEN_CHARS = "-\u2010\u2011\u00ad"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def label_lines(lines: list[tuple[str, int]], source: str) -> dict[int, str] | None:
    """Label each line that ends in a hyphen after a letter or digit; None when alignment fails."""
    src = _norm(source)
    chars = [(i, c) for i, c in enumerate(src) if not c.isspace()]
    pointer = 0
    labels: dict[int, str] = {}
    for index, (text, _page) in enumerate(lines):
        raw = _norm(text).rstrip()
        line = "".join(raw.split())
        hyphen_end = len(raw) > 1 and raw[-1] in HYPHEN_CHARS and raw[-2].isalnum()
        body = line[:-1] if hyphen_end else line
        for char in body:
            if pointer >= len(chars) or chars[pointer][1] != char:
                return None
            pointer += 1
        if not hyphen_end:
            continue
        if index + 1 == len(lines):
            return labels
        if pointer < len(chars) and chars[pointer][1] == "-":
            position = chars[pointer][0]
            pointer += 1
            after = src[position + 1:position + 2]
            if after.isspace():
                following = src[position + 1:].split()[0] if src[position + 1:].split() else ""
                labels[index] = "suspended" if following in COORDINATORS else "dash"
            else:
                labels[index] = "keep"
        else:
            labels[index] = "join"
    return labels


# --- main -----------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--renders", type=int, default=3, help="renderings per source document")
    parser.add_argument("--split", choices=["train", "eval", "both", "fresh", *BLIND_TEXTS],
                        default="both")
    parser.add_argument("--limit", type=int, default=0, help="at most this many source documents per split")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-name-compounds", dest="name_compounds", action="store_false",
                        help="do not inject name compounds (`Tesco-konton`) into the train split")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    splits = ["train", "eval"] if args.split == "both" else [args.split]
    failed = written = events = 0
    with args.out.open("w", encoding="utf-8") as out:
        for split in splits:
            docs = sources(split, rng)
            if args.limit:
                docs = dict(list(docs.items())[: args.limit])
            hyphenated, suspended = mine_inventories([p for ps in docs.values() for p in ps])
            # The blind splits inject only forms of their own texts, never a hand-listed one.
            if split not in BLIND_TEXTS:
                # The fresh split injects only forms of the eval half: none was ever injected in training.
                half = "eval" if split == "fresh" else split
                hyphenated = [h for h in hyphenated + HAND_HYPHENATED if stable_half(h) == half]
                suspended = [s for s in suspended + HAND_SUSPENDED if stable_half(s) == half]
            print(f"{split}: {len(docs)} documents, {len(hyphenated)} hyphenated and {len(suspended)} "
                  "suspended forms to inject", file=sys.stderr)
            named = None
            if split == "train" and args.name_compounds:
                named = name_compounds([p for ps in docs.values() for p in ps], random.Random(args.seed))
                print(f"train: {len(named)} name compounds to inject", file=sys.stderr)
            jobs: dict[str, tuple[str, dict[str, object], str]] = {}
            fodts: dict[str, str] = {}
            for name, paragraphs in docs.items():
                for copy in range(args.renders):
                    injected = [inject(p, hyphenated, suspended, rng, named) for p in paragraphs]
                    render = random_render(rng, split)
                    key = re.sub(r"[^\w-]", "_", f"{name}-r{copy}")
                    jobs[key] = (name, render, "\n".join(injected))
                    fodts[key] = to_fodt(injected, render)
            with tempfile.TemporaryDirectory() as tmp:
                pdfs = convert(fodts, Path(tmp))
                for key, (name, render, source) in jobs.items():
                    if not pdfs[key].exists():
                        failed += 1
                        continue
                    lines = extract_lines(pdfs[key])
                    labels = label_lines(lines, source)
                    if labels is None:
                        failed += 1
                        continue
                    written += 1
                    events += len(labels)
                    out.write(json.dumps({"doc": key, "source": name, "split": split, "render": render,
                                          "lines": lines, "labels": labels}, ensure_ascii=False) + "\n")
    print(f"{written} documents, {events} events, {failed} renderings not aligned", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
