"""Render a gold markdown report into the two sample PDF layouts kept in corpus/.

Why: the reader, furniture removal, de-hyphenation and heading detection need PDFs whose true text and
structure are known. Rendering our own gold gives that with two different typesetters:

- corpus/seed_a4_libreoffice.pdf: LibreOffice Writer, A4, Swedish automatic hyphenation, justified text,
  a title, styled headings and a running footer "Sida N" (needs `soffice` and the hyphen-sv patterns:
  `apt-get install -y libreoffice-writer-nogui hyphen-sv`).
- corpus/seed_narrow_reportlab.pdf: reportlab, a serif font in a narrow column, "•" bullets, pyphen sv_SE
  hyphenation at line ends and the footer "Region Norrbotten – Aktuella händelser   N (M)".

Usage: python scripts/render_corpus.py [GOLD_MD] [--out corpus] [--only libreoffice|reportlab]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

DEFAULT_GOLD = Path("/work/shared/seed/000_7d9ae6abab1af2d8.gold.md")
LIBREOFFICE_PDF = "seed_a4_libreoffice.pdf"
REPORTLAB_PDF = "seed_narrow_reportlab.pdf"
FOOTER_TEXT = "Region Norrbotten – Aktuella händelser"
AUTHOR = "Region Norrbotten"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Block:
    """One markdown block: kind is "heading" (with level 1-3), "paragraph" or "bullet"."""

    kind: str
    text: str
    level: int = 0


def parse_gold(markdown: str) -> list[Block]:
    """The gold markdown uses only #-headings, "- " bullets and blank-line separated paragraphs."""
    blocks: list[Block] = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            marks = len(line) - len(line.lstrip("#"))
            blocks.append(Block("heading", line[marks:].strip(), marks))
        elif line.startswith("- "):
            blocks.append(Block("bullet", line[2:].strip()))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def _title(blocks: list[Block]) -> str:
    return next((b.text for b in blocks if b.kind == "heading" and b.level == 1), "Rapport")


# --- LibreOffice --------------------------------------------------------------------------------------

_FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>
  <meta:initial-creator>{author}</meta:initial-creator>
  <dc:subject>Aktuella händelser</dc:subject><dc:language>sv-SE</dc:language></office:meta>
 <office:font-face-decls>
  <style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'"
   style:font-family-generic="roman"/>
  <style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'"
   style:font-family-generic="swiss"/>
 </office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:hyphenation-ladder-count="no-limit"/>
   <style:text-properties style:font-name="Liberation Serif" fo:font-size="11pt" fo:language="sv"
    fo:country="SE" fo:hyphenate="true" fo:hyphenation-remain-char-count="2"
    fo:hyphenation-push-char-count="2"/>
  </style:default-style>
  <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
  <style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph"
   style:parent-style-name="Standard" style:class="text">
   <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.25cm" fo:text-align="justify"
    fo:line-height="115%"/>
  </style:style>
  <style:style style:name="List_20_Paragraph" style:display-name="List Paragraph" style:family="paragraph"
   style:parent-style-name="Text_20_body" style:class="list">
   <style:paragraph-properties fo:margin-bottom="0.1cm"/>
  </style:style>
  <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard"
   style:default-outline-level="1" style:class="chapter">
   <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.6cm" fo:keep-with-next="always"/>
   <style:text-properties style:font-name="Liberation Sans" fo:font-size="22pt" fo:font-weight="bold"
    fo:hyphenate="false"/>
  </style:style>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"
   style:parent-style-name="Standard" style:default-outline-level="2" style:class="text">
   <style:paragraph-properties fo:margin-top="0.6cm" fo:margin-bottom="0.25cm" fo:keep-with-next="always"/>
   <style:text-properties style:font-name="Liberation Sans" fo:font-size="15pt" fo:font-weight="bold"
    fo:hyphenate="false"/>
  </style:style>
  <style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph"
   style:parent-style-name="Standard" style:default-outline-level="3" style:class="text">
   <style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.15cm" fo:keep-with-next="always"/>
   <style:text-properties style:font-name="Liberation Sans" fo:font-size="12pt" fo:font-weight="bold"
    fo:hyphenate="false"/>
  </style:style>
  <style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard"
   style:class="extra">
   <style:paragraph-properties fo:text-align="center"/>
   <style:text-properties fo:font-size="9pt" fo:hyphenate="false"/>
  </style:style>
  <text:list-style style:name="Bullets">
   <text:list-level-style-bullet text:level="1" text:bullet-char="•">
    <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
     <style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.75cm"
      fo:text-indent="-0.5cm" fo:margin-left="0.75cm"/>
    </style:list-level-properties>
   </text:list-level-style-bullet>
  </text:list-style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm"
    fo:margin-bottom="1.2cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>
   <style:footer-style>
    <style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.5cm"/>
   </style:footer-style>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:footer><text:p text:style-name="Footer">Sida <text:page-number text:select-page="current"/></text:p>
   </style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body>
  <office:text>
"""

_FODT_TAIL = """  </office:text>
 </office:body>
</office:document>
"""


def to_fodt(blocks: list[Block]) -> str:
    """Flat ODT XML for the blocks; consecutive bullets share one list."""
    parts = [_FODT_HEAD.format(title=escape(_title(blocks)), author=escape(AUTHOR))]
    in_list = False
    for block in blocks:
        if in_list and block.kind != "bullet":
            parts.append("   </text:list>\n")
            in_list = False
        text = escape(block.text)
        if block.kind == "heading":
            style = "Title" if block.level == 1 else f"Heading_20_{min(block.level, 3)}"
            parts.append(f'   <text:h text:style-name="{style}" text:outline-level="{block.level}">'
                         f"{text}</text:h>\n")
        elif block.kind == "bullet":
            if not in_list:
                parts.append('   <text:list text:style-name="Bullets">\n')
                in_list = True
            parts.append(f'    <text:list-item><text:p text:style-name="List_20_Paragraph">{text}</text:p>'
                         "</text:list-item>\n")
        else:
            parts.append(f'   <text:p text:style-name="Text_20_body">{text}</text:p>\n')
    if in_list:
        parts.append("   </text:list>\n")
    parts.append(_FODT_TAIL)
    return "".join(parts)


def render_libreoffice(blocks: list[Block], out: Path) -> Path:
    """Convert the blocks to PDF with headless LibreOffice; returns the written path."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer-nogui hyphen-sv")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / (Path(LIBREOFFICE_PDF).stem + ".fodt")
        source.write_text(to_fodt(blocks), encoding="utf-8")
        # A private profile keeps the run independent of (and from locking) the user's LibreOffice.
        profile = Path(tmp) / "profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=300,
        )
        target = out / LIBREOFFICE_PDF
        shutil.move(str(source.with_suffix(".pdf")), target)
    return target


# --- reportlab ----------------------------------------------------------------------------------------

def render_reportlab(blocks: list[Block], out: Path) -> Path:
    """A narrow serif layout with pyphen Swedish hyphenation and a "N (M)" running footer."""
    from reportlab import rl_config
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    # Same input, same bytes: no timestamps or random ids in the committed file.
    rl_config.invariant = 1
    pdfmetrics.registerFont(TTFont("DejaVuSerif", str(FONT_DIR / "DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSerif-Bold", str(FONT_DIR / "DejaVuSerif-Bold.ttf")))

    body = ParagraphStyle("body", fontName="DejaVuSerif", fontSize=10, leading=13, alignment=TA_JUSTIFY,
                          spaceAfter=6, hyphenationLang="sv_SE", embeddedHyphenation=1, uriWasteReduce=0.3)
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=14, bulletIndent=2, spaceAfter=3,
                            bulletFontName="DejaVuSerif")
    headings = {
        1: ParagraphStyle("h1", fontName="DejaVuSerif-Bold", fontSize=17, leading=21, spaceAfter=14),
        2: ParagraphStyle("h2", fontName="DejaVuSerif-Bold", fontSize=13, leading=16, spaceBefore=12,
                          spaceAfter=6, keepWithNext=1),
        3: ParagraphStyle("h3", fontName="DejaVuSerif-Bold", fontSize=10.5, leading=13, spaceBefore=8,
                          spaceAfter=4, keepWithNext=1),
    }

    class FooterCanvas(Canvas):
        """Defers page output so the footer can say "N (M)" with the final page count."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, object]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for number, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                self.setFont("DejaVuSerif", 8)
                self.drawString(4.5 * cm, 1.5 * cm, f"{FOOTER_TEXT}   {number} ({total})")
                super().showPage()
            super().save()

    story: list[object] = []
    for block in blocks:
        text = escape(block.text)
        if block.kind == "heading":
            story.append(Paragraph(text, headings[min(block.level, 3)]))
        elif block.kind == "bullet":
            story.append(Paragraph(text, bullet, bulletText="•"))
        else:
            story.append(Paragraph(text, body))
    story.append(Spacer(1, 1))
    target = out / REPORTLAB_PDF
    doc = SimpleDocTemplate(
        str(target), pagesize=A4, leftMargin=4.5 * cm, rightMargin=5.5 * cm, topMargin=2.2 * cm,
        bottomMargin=2.5 * cm, title=_title(blocks), author=AUTHOR, subject="Aktuella händelser",
        creator="rapportkb scripts/render_corpus.py", lang="sv-SE",
    )
    doc.build(story, canvasmaker=FooterCanvas)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD, help="gold markdown file")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "corpus")
    parser.add_argument("--only", choices=["libreoffice", "reportlab"])
    args = parser.parse_args(argv)
    blocks = parse_gold(args.gold.read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    renderers = {"libreoffice": render_libreoffice, "reportlab": render_reportlab}
    for name, render in renderers.items():
        if args.only in (None, name):
            path = render(blocks, args.out)
            print(f"{path}: {path.stat().st_size // 1024} KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
