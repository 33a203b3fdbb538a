"""PDF reader on pypdfium2: the same words, lines and errors as the pdfplumber reader, about 20x faster.

pdfplumber interprets content streams in Python (5-7 pages/s); pdfium does it in C++, so all that is
left in Python is one pass over the characters of a page. Words are cut exactly as pdfplumber's
`extract_words(extra_attrs=["fontname", "size"])` cuts them (runs of one font and size, lines by
`top` within 3 pt, a new word at white space, at a gap over 3 pt or a step back), and from words on
everything is shared with ingest/pdf.py through ingest/lines.py.

Known differences from pdfplumber, none of which changes text: a glyph's `top`/`bottom` use the
font program's descent where pdfminer uses the font descriptor's (LibreOffice writes 0 there), so
line boxes can sit up to 0.3 of the font size lower; ruled tables are not detected (their cells stay
text lines).
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest import lines as shared
from ingest.layout import Word
from ingest.model import RawDocument

# pdfplumber's extract_words defaults, which the pdfplumber reader uses.
_X_TOLERANCE = 3.0
_Y_TOLERANCE = 3.0
# pdfplumber expands these presentation ligatures when it builds words.
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"})
_FONT_NAME_BUFFER = 256

T = TypeVar("T")


def read_pdfium(path: Path, source: str) -> RawDocument:
    """Read `path` into a RawDocument (kind "pdf") with pdfium; raise IngestError for anything unreadable."""
    shared.check_header(path)
    pdf = _pdfium_call(path, "open", lambda: pdfium.PdfDocument(str(path)))
    try:
        metadata = _pdfium_call(path, "read", lambda: _metadata(pdf))
        outline = _outline(pdf)
        page_count = _pdfium_call(path, "read", lambda: len(pdf))
        shared.check_pages(path, page_count)
        # Glyph widths by (font handle, code point): handles live as long as the document.
        widths: dict[tuple[int, int], float] = {}
        sheets = [_pdfium_call(path, "read", lambda i=i: _read_sheet(pdf, i, widths))
                  for i in range(page_count)]
    finally:
        pdf.close()
    return shared.assemble_document(path, source, sheets, metadata, outline)


def _pdfium_call(path: Path, action: str, call: Callable[[], T]) -> T:
    return shared.guarded(path, action, call, _diagnose)


def _diagnose(exc: Exception) -> tuple[bool, str]:
    """(password protection?, underlying error) of a pdfium failure: PdfiumError carries pdfium's code."""
    encrypted = getattr(exc, "err_code", None) in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)
    return encrypted, type(exc).__name__


def _metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    info = pdf.get_metadata_dict(skip_empty=True)
    metadata = {key: str(info[key]).strip() for key in shared.METADATA_KEYS if str(info.get(key, "")).strip()}
    if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
        # Opened with the empty user password: readable, but worth knowing (printing/copy limits).
        metadata["Encrypted"] = "yes"
    return metadata


def _outline(pdf: pdfium.PdfDocument) -> list[tuple[int, str]]:
    """Bookmarks, level 1 at the top as pdfminer counts; a broken outline just means layout decides."""
    try:
        return shared.clean_outline((item.level + 1, item.get_title()) for item in pdf.get_toc())
    except Exception:
        return []


def _read_sheet(pdf: pdfium.PdfDocument, index: int, widths: dict[tuple[int, int], float]) -> shared.Sheet:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            words = _page_words(textpage.raw, page.get_mediabox(), widths)
        finally:
            textpage.close()
        images = _count_images(page)
        return shared.make_sheet(float(page.get_width()), float(page.get_height()), words, images=images)
    finally:
        page.close()


def _count_images(page: pdfium.PdfPage) -> int:
    raw = page.raw
    return sum(
        pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(raw, i)) == pdfium_c.FPDF_PAGEOBJ_IMAGE
        for i in range(pdfium_c.FPDFPage_CountObjects(raw))
    )


class _CharCalls:
    """The three per-character pdfium calls (text object, code point, origin), made as cheaply as possible.

    They run once per character, so call overhead dominates the reader: through cffi (when installed)
    a call costs about a third of what it costs through ctypes. Both paths share one calling
    convention: `handle(textpage)`, `text_object(h, i)` (comparable, falsy for generated characters),
    `unicode(h, i)` and `origin(h, i, x_ptr, y_ptr)` writing into `xy[0]`, `xy[1]`.
    """

    def __init__(self) -> None:
        try:
            from cffi import FFI
            from pypdfium2_raw import bindings


            ffi = FFI()
            ffi.cdef(
                "void* FPDFText_GetTextObject(void* page, int index);"
                "unsigned int FPDFText_GetUnicode(void* page, int index);"
                "int FPDFText_GetCharOrigin(void* page, int index, double* x, double* y);"
                "int FPDFText_CountRects(void* page, int start, int count);"
                "int FPDFText_GetText(void* page, int start, int count, unsigned short* result);"
            )
            # The very library pypdfium2 loaded (dlopen returns the same one), so handles are shared.
            lib = ffi.dlopen(bindings._libs["pdfium"]._name)
            self.text_object, self.unicode, self.origin = (
                lib.FPDFText_GetTextObject, lib.FPDFText_GetUnicode, lib.FPDFText_GetCharOrigin)
            self.count_rects = lib.FPDFText_CountRects
            self._get_text = lib.FPDFText_GetText
            self._text_buffer: Callable[[int], Any] = lambda n: ffi.new("unsigned short[]", n)
            self._buffer_bytes: Callable[[Any, int], bytes] = lambda buf, n: ffi.buffer(buf, 2 * n)[:]
            self.xy: Any = ffi.new("double[2]")
            self.x_ptr, self.y_ptr = self.xy, self.xy + 1
            self.handle: Callable[[Any], Any] = lambda raw: ffi.cast("void *", _address(raw))
            self.backend = "cffi"
        except Exception:  # no cffi, or no library path: ctypes works everywhere
            void_p, c_int, double_p = ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_double)

            def prototype(function: Any, restype: Any, *argtypes: Any) -> Any:
                return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, void_p).value)

            # Handles come back as plain ints: comparing those is far cheaper than ctypes pointers.
            self.text_object = prototype(pdfium_c.FPDFText_GetTextObject, void_p, void_p, c_int)
            self.unicode = prototype(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, void_p, c_int)
            self.origin = prototype(pdfium_c.FPDFText_GetCharOrigin, c_int, void_p, c_int, double_p, double_p)
            self.count_rects = prototype(pdfium_c.FPDFText_CountRects, c_int, void_p, c_int, c_int)
            self._get_text = prototype(pdfium_c.FPDFText_GetText, c_int, void_p, c_int, c_int,
                                       ctypes.POINTER(ctypes.c_ushort))
            self._text_buffer = lambda n: (ctypes.c_ushort * n)()
            self._buffer_bytes = lambda buf, n: bytes(buf)[: 2 * n]
            self.xy = (ctypes.c_double * 2)()
            self.x_ptr, self.y_ptr = ctypes.byref(self.xy, 0), ctypes.byref(self.xy, 8)
            self.handle = _address
            self.backend = "ctypes"


    def page_text(self, handle: Any, count: int) -> str | None:
        """All characters of the page in one call, or None when the result does not align with indices.

        pdfium drops U+0000 characters here (and would need surrogates above U+FFFF), which shifts
        every later index: the written count tells.
        """
        buffer = self._text_buffer(count + 1)
        written = self._get_text(handle, 0, count, buffer)
        if written != count + 1:
            return None
        text = self._buffer_bytes(buffer, count).decode("utf-16-le", errors="surrogatepass")
        return text if len(text) == count else None


def _address(raw: Any) -> int:
    return ctypes.cast(raw, ctypes.c_void_p).value or 0


_CALLS = _CharCalls()

_Char = tuple[str, float, float, float, float]  # text, x0, x1, top, bottom (top-left origin)


class _Run:
    """What all characters of one pdfium text object share: font, size, uprightness, scale, descent."""

    __slots__ = ("key", "upright", "font", "size", "font_handle", "font_key", "font_size", "x_scale", "low",
                 "widths")

    def __init__(self, textpage: Any, index: int, widths: dict[tuple[int, int], float]) -> None:
        matrix = pdfium_c.FS_MATRIX()
        pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
        a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
        # pdfminer's test: rotated text (chart labels, photo credits) is dropped by the shared stage.
        self.upright = a * d > 0 and b * c <= 0
        name = ctypes.create_string_buffer(_FONT_NAME_BUFFER)
        pdfium_c.FPDFText_GetFontInfo(textpage, index, name, _FONT_NAME_BUFFER, None)
        self.font = shared.SUBSET_PREFIX.sub("", name.value.decode("utf-8", errors="replace"))
        self.font_size = pdfium_c.FPDFText_GetFontSize(textpage, index)
        axis_aligned = b == 0 and c == 0
        # pdfminer's size is the height of the transformed glyph box: font size times the y scale.
        y_scale = abs(d) if axis_aligned else math.hypot(c, d)
        self.x_scale = abs(a) if axis_aligned else math.hypot(a, b)
        self.size = self.font_size * y_scale
        font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(textpage, index))
        self.font_handle = font
        self.font_key = _address(font) if font else 0
        descent = ctypes.c_float(0.0)
        if font:
            pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(self.font_size), descent)
        # Height of the glyph box's bottom above the baseline (<= 0), in page units.
        self.low = min(descent.value, 0.0) * y_scale
        self.key = (self.upright, self.font, round(self.size, 4))
        self.widths = widths

    def advance(self, code: int) -> float:
        """The glyph's advance in page units, as pdfminer measures a character's box.

        Widths are cached per document by (font, code point); pdfium maps the code point back to the
        font's character code. Half the size stands in when the font cannot tell.
        """
        width = self.widths.get((self.font_key, code))
        if width is None:
            width = -1.0
            if self.font_handle:
                out = ctypes.c_float(0.0)
                if pdfium_c.FPDFFont_GetGlyphWidth(self.font_handle, code, ctypes.c_float(1.0), out):
                    width = out.value
            self.widths[(self.font_key, code)] = width
        return width * self.font_size * self.x_scale if width >= 0 else 0.5 * self.size


_WORD = re.compile(r"\S+")
# pdfium's line-end hyphen markers: U+0002 from GetUnicode, U+FFFE from GetText. Which hyphen it
# was (U+002D or U+00AD) is lost; the hard hyphen is by far the common case in Swedish reports.
_HYPHEN_MARKERS = str.maketrans({"\x02": "-", "\ufffe": "-"})
# A word's measured width may differ from the sum of its advances by kerning and letter spacing;
# beyond this (points) it may hide a gap that splits it, and it is read character by character.
_WIDTH_SLACK = 1.5
# pdfium drops a space glyph drawn as its own text object and generates one instead; a generated
# space narrower than this share of the font's space and of its size was never printed.
_DROPPED_SPACE = 0.8
_DROPPED_GAP = 0.15
_HYPHENS = "-\u2010\u00ad"


class _Collector:
    """Pieces (words or characters, and the spaces between them) in groups of one font and size.

    pdfplumber groups consecutive characters of one font and size before it finds lines and words;
    a group ends where the font or size changes.
    """

    def __init__(self) -> None:
        self.words: list[Word] = []
        self.group: list[_Char] = []
        self.run: _Run | None = None

    def use(self, run: _Run) -> list[_Char]:
        if self.run is None or run.key != self.run.key:
            self.close()
            self.group, self.run = [], run
        return self.group

    def space_after(self) -> None:
        if self.group and self.group[-1][0] != " ":
            _, _, x1, top, bottom = self.group[-1]
            self.group.append((" ", x1, x1, top, bottom))

    def close(self) -> None:
        if self.group and self.run is not None and self.run.upright:
            self.words.extend(_group_words(self.group, self.run))
        self.group = []


def _page_words(textpage: Any, mediabox: tuple[float, float, float, float],
                widths: dict[tuple[int, int], float]) -> list[Word]:
    """Upright words of a page, cut the way pdfplumber's extract_words cuts them.

    Word by word, not character by character: the page text comes in one call and each run of
    non-space characters costs about four pdfium calls (its text object, a count of text objects
    it spans, the origins of its first and last character). A word that spans two text objects
    (a font change inside it), or whose width does not match its glyph advances (a gap inside it),
    is read character by character instead, so that pdfplumber's word rules still apply.
    """
    calls = _CALLS
    get_object, get_origin, count_rects, xy = calls.text_object, calls.origin, calls.count_rects, calls.xy
    x_ptr, y_ptr = calls.x_ptr, calls.y_ptr
    handle = calls.handle(textpage)
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count <= 0:
        return []
    text = calls.page_text(handle, count)
    if text is None:
        text = "".join(chr(calls.unicode(handle, i)) for i in range(count))
    text = text.translate(_HYPHEN_MARKERS)
    page = _PageGeometry(textpage, handle, text, widths, mediabox[0], mediabox[3])
    out = _Collector()
    run: _Run | None = None
    current_object = None
    group: list[_Char] = []
    previous_end = -2
    for match in _WORD.finditer(text):
        start, end = match.span()
        text_object = get_object(handle, start)
        if not text_object:
            continue  # not a printed character
        if text_object != current_object:
            current_object = text_object
            run = _Run(textpage, start, widths)
            group = out.use(run)
        assert run is not None
        word = match.group()
        simple = end - start == 1 or count_rects(handle, start, end - start) == 1
        get_origin(handle, start, x_ptr, y_ptr)
        x0, y0 = xy[0], xy[1]
        advance = run.advance
        if simple and end - start > 1:
            get_origin(handle, end - 1, x_ptr, y_ptr)
            expected = sum([advance(ord(c)) for c in word[:-1]])
            simple = abs(xy[0] - x0 - expected) <= _WIDTH_SLACK and xy[1] == y0
        if (word[0] in _HYPHENS and start - previous_end == 1 and group and group[-1][0] == " "
                and x0 - page.left - group[-1][1] < min(_DROPPED_SPACE * advance(0x20),
                                                        _DROPPED_GAP * run.size)
                and not get_object(handle, previous_end)):
            # pdfium put a space of its own before a line-end hyphen that justification set a little
            # apart (LibreOffice does): pdfplumber sees no space there, so no word break. Elsewhere a
            # narrow generated space can stand for a real space glyph pdfium dropped, so it stays.
            group.pop()
        previous_end = end
        if not simple:
            run, current_object = page.add_chars(start, end, run, current_object, out)
            group = out.group
            out.space_after()
            continue
        x1 = xy[0] + advance(ord(word[-1])) - page.left
        bottom = page.top - y0 - run.low
        group.append((word, x0 - page.left, x1, bottom - run.size, bottom))
        # The white space after the word, as pdfplumber sees a space character there.
        group.append((" ", x1, x1, bottom - run.size, bottom))
    out.close()
    return out.words


class _PageGeometry:
    """What the character-by-character path needs of a page."""

    def __init__(self, textpage: Any, handle: Any, text: str, widths: dict[tuple[int, int], float],
                 left: float, top: float) -> None:
        self.textpage, self.handle, self.text, self.widths = textpage, handle, text, widths
        self.left, self.top = left, top

    def add_chars(self, start: int, end: int, run: _Run, current_object: Any,
                  out: _Collector) -> tuple[_Run, Any]:
        """Add text[start:end] character by character, starting a new run where the text object changes."""
        calls, xy = _CALLS, _CALLS.xy
        group = out.use(run)
        for index in range(start, end):
            text_object = calls.text_object(self.handle, index)
            if not text_object:
                continue
            if text_object != current_object:
                current_object = text_object
                run = _Run(self.textpage, index, self.widths)
                group = out.use(run)
            calls.origin(self.handle, index, calls.x_ptr, calls.y_ptr)
            x0 = xy[0] - self.left
            bottom = self.top - xy[1] - run.low
            char = self.text[index]
            group.append((char, x0, x0 + run.advance(ord(char)), bottom - run.size, bottom))
        return run, current_object


def _group_words(chars: list[_Char], run: _Run) -> list[Word]:
    """Words of one run of same-font characters: lines by `top`, then pdfplumber's word rules."""
    words: list[Word] = []
    for line in _cluster_by_top(chars):
        line.sort(key=lambda ch: ch[1])
        current: list[_Char] = []
        for ch in line:
            if ch[0].isspace():
                _flush(current, run, words)
                current = []
                continue
            if current:
                prev = current[-1]
                if ch[1] < prev[1] or ch[1] > prev[2] + _X_TOLERANCE or abs(ch[3] - prev[3]) > _Y_TOLERANCE:
                    _flush(current, run, words)
                    current = []
            current.append(ch)
        _flush(current, run, words)
    return words


def _cluster_by_top(chars: list[_Char]) -> list[list[_Char]]:
    """pdfplumber's cluster_objects on `top`: sorted distinct tops chained within the tolerance."""
    tops = sorted({ch[3] for ch in chars})
    cluster_of: dict[float, int] = {}
    cluster, last = 0, None
    for top in tops:
        if last is not None and top > last + _Y_TOLERANCE:
            cluster += 1
        cluster_of[top] = cluster
        last = top
    lines: list[list[_Char]] = [[] for _ in range(cluster + 1)]
    for ch in chars:
        lines[cluster_of[ch[3]]].append(ch)
    return lines


def _flush(chars: list[_Char], run: _Run, words: list[Word]) -> None:
    if not chars:
        return
    text = "".join([ch[0] for ch in chars]).translate(_LIGATURES)
    if not text.strip():
        return
    # Characters come sorted by x0; x1 need not grow (a ligature's parts share one origin).
    x1, top, bottom = chars[0][2], chars[0][3], chars[0][4]
    for ch in chars:
        if ch[2] > x1:
            x1 = ch[2]
        if ch[3] < top:
            top = ch[3]
        if ch[4] > bottom:
            bottom = ch[4]
    words.append(Word(text=text, x0=chars[0][1], top=top, x1=x1, bottom=bottom, font=run.font, size=run.size))
