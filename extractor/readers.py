"""Input layer: turn files, folders, archives and stdin into decoded text documents.

Every input ends as exactly one :class:`InputDocument` or one :class:`InputFailure`;
:func:`iter_inputs` never raises for a bad input and never silently skips one.

Text normalisation (applies to every format): a leading BOM is removed and CRLF / CR line
endings become LF.  Character offsets computed downstream refer to this normalised text.

Optional third-party libraries are imported lazily, so importing this module is cheap:

* ``charset-normalizer`` – last-resort encoding detection;
* ``lxml`` + ``trafilatura`` – HTML main-text extraction;
* ``python-docx`` – DOCX;
* ``pypdfium2`` and ``pdfplumber`` – PDF (the ``pdf`` extra; :mod:`extractor.pdf`).

A missing library raises :class:`MissingExtraError` naming what to install.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import dataclasses
import fnmatch
import html.parser
import importlib
import io
import lzma
import os
import re
import stat
import sys
import tarfile
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

import regex

__all__ = [
    "DEFAULT_MAX_ARCHIVE_BYTES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RATIO",
    "ERRORS",
    "FORMATS",
    "RATIO_MIN_BYTES",
    "BinaryFileError",
    "CorruptArchiveError",
    "DecodeError",
    "InputDocument",
    "InputFailure",
    "MissingExtraError",
    "PendingInput",
    "ReaderError",
    "TooLargeError",
    "UnsafeArchiveError",
    "UnsupportedFormatError",
    "clean_pdf_text",
    "count_inputs",
    "decode_bytes",
    "detect_format",
    "html_main_text",
    "html_to_text",
    "iter_inputs",
    "iter_pending_inputs",
    "read_document",
]

DEFAULT_MAX_BYTES = 50 * 2**20
DEFAULT_MAX_ARCHIVE_BYTES = 2 * 2**30
DEFAULT_MAX_RATIO = 200.0

#: Members smaller than this are never rejected for their compression ratio alone: a tiny,
#: highly repetitive text cannot hurt, and the per-document ``max_bytes`` still applies.
RATIO_MIN_BYTES = 2**20

_CHUNK = 1 << 16

#: A tar archive is a stream: the only way past a member that is not read (too large, over the
#: budget) is to decompress it.  Members are passed over that way until they add up to this many
#: times ``max_bytes``; then one failure stands for the rest of the archive, which is not
#: decompressed (a 8 MB .tar.gz of 8 x 1 GiB of zeros would otherwise cost minutes).
_SKIP_FACTOR = 4

#: Made fresh for each document read (see ``iter_inputs``'s ``guard``).
ReadGuard = Callable[[], AbstractContextManager[object]]

#: extension -> format name
_EXTENSIONS: dict[str, str] = {
    "": "txt",
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
FORMATS: tuple[str, ...] = ("txt", "md", "html", "docx", "pdf")

_ARCHIVE_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".tar.gz", "tar"),
    (".tgz", "tar"),
    (".tar.bz2", "tar"),
    (".tbz2", "tar"),
    (".tbz", "tar"),
    (".tar.xz", "tar"),
    (".txz", "tar"),
    (".tar", "tar"),
    (".zip", "zip"),
)

# --------------------------------------------------------------------------------------------
# Errors and records
# --------------------------------------------------------------------------------------------


class ReaderError(Exception):
    """Base class of every error raised for a bad input; its class name is the error record."""


class DecodeError(ReaderError):
    """The bytes could not be decoded (unknown text encoding, malformed DOCX/PDF)."""


class UnsupportedFormatError(ReaderError):
    """The file extension is not one of the supported input formats."""


class TooLargeError(ReaderError):
    """A document is larger than ``max_bytes``."""


class UnsafeArchiveError(ReaderError):
    """An archive member is unsafe: path traversal, link, zip bomb, or over the archive budget."""


class CorruptArchiveError(ReaderError):
    """An archive (or one of its members) is truncated or corrupt (bad CRC, bad header...)."""


class BinaryFileError(ReaderError):
    """The input looks binary (NUL bytes without a UTF-16/UTF-32 BOM)."""


class MissingExtraError(ReaderError):
    """An optional dependency needed for this format is not installed."""


@dataclass(frozen=True, slots=True)
class InputDocument:
    """A decoded input.  ``text`` is BOM-free with LF line endings; ``size`` is in bytes.

    ``replaced_chars`` counts the undecodable bytes replaced by U+FFFD (``errors="replace"``);
    ``warnings`` say what reading changed or dropped, for the ``document`` record.
    """

    source: str
    text: str
    encoding: str | None
    format: str
    size: int
    replaced_chars: int = 0
    #: Seconds spent reading it (decompressing, parsing HTML/DOCX/PDF): part of its time budget.
    #: Not part of equality: the same input read twice is the same document.
    read_seconds: float = dataclasses.field(default=0.0, compare=False)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InputFailure:
    """An input that could not be read; ``error`` is the exception class name."""

    source: str
    error: str
    message: str


InputResult = InputDocument | InputFailure


@dataclass(frozen=True, slots=True)
class PendingInput:
    """An input whose bytes are read but not yet decoded or parsed (:func:`iter_pending_inputs`).

    Reading an archive is sequential, but decoding a text, parsing HTML or DOCX and above all
    taking a PDF's text apart can run anywhere: a batch sends this to a worker process, which
    calls :meth:`read` there.  It pickles as its bytes and reading options.
    """

    source: str
    data: bytes
    encoding: str | None
    max_bytes: int
    errors: str = "strict"
    pdf_engine: str = "pypdfium2"

    def read(self, guard: ReadGuard | None = None) -> InputResult:
        """The decoded document, or why it cannot be read (never raises)."""
        return _document_or_failure(
            self.source, lambda: self.data, self.encoding, self.max_bytes, self.errors, self.pdf_engine, guard
        )


# --------------------------------------------------------------------------------------------
# Optional imports
# --------------------------------------------------------------------------------------------

_INSTALL_HINTS: dict[str, str] = {
    "pdfplumber": "PDF input needs the 'pdf' extra: pip install 'extractor[pdf]'",
    "pypdfium2": "PDF input needs the 'pdf' extra: pip install 'extractor[pdf]'",
    "docx": "DOCX input needs python-docx: pip install 'python-docx>=1.1'",
    "trafilatura": "HTML input needs trafilatura: pip install 'trafilatura>=2.0' 'lxml-html-clean>=0.4'",
    "lxml.html": "HTML input needs lxml: pip install 'lxml>=5'",
    "lxml.etree": "HTML input needs lxml: pip install 'lxml>=5'",
    "charset_normalizer": "encoding detection needs charset-normalizer: pip install 'charset-normalizer>=3'",
}


def _require(module: str) -> Any:
    """Import an optional dependency, turning ImportError into :class:`MissingExtraError`.

    The message carries the underlying ImportError: the module itself may be installed while
    something it imports is not (trafilatura without ``lxml_html_clean``).
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        hint = _INSTALL_HINTS.get(module, f"missing optional dependency {module!r}")
        cause = " ".join(str(exc).split())
        raise MissingExtraError(f"{hint} (importing {module} failed: {type(exc).__name__}: {cause})") from exc


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GB_ALIASES = frozenset({"gb2312", "gbk", "cp936", "ms936", "euc-cn", "euc_cn", "x-gbk", "hz-gb-2312"})
#: Declared HTML charsets not worth trusting over GB18030: UTF-8 was already tried, and the
#: Western single-byte ones are the usual wrong default of a CMS template.
_IGNORED_HINTS = frozenset({"utf-8", "gb18030", "ascii", "iso8859-1", "cp1252"})


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _canonical_encoding(name: str) -> str:
    lowered = name.strip().lower()
    if lowered in _GB_ALIASES:
        return "gb18030"
    try:
        canonical = codecs.lookup(lowered).name
    except LookupError as exc:
        raise DecodeError(f"unknown encoding {name!r}") from exc
    return "gb18030" if canonical in {"gbk", "gb2312"} else canonical


def _finish(text: str, encoding: str) -> tuple[str, str]:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise BinaryFileError(f"decoded text ({encoding}) contains NUL characters: looks like a binary file")
    return _normalise_newlines(text), encoding


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


#: Undecodable bytes as ``surrogateescape`` leaves them: one lone surrogate per byte.
_ESCAPED_BYTE = regex.compile("[\udc80-\udcff]")
#: With ``errors="replace"`` and no ``encoding``, a candidate (UTF-8, the page's charset,
#: GB18030) that needs fewer replacements than this share of its characters is taken before
#: asking charset-normalizer: it is the right encoding with a few damaged bytes.
_MAX_REPLACED_SHARE = 0.01

ERRORS = ("strict", "replace")


def _decode_replacing(data: bytes, name: str) -> tuple[str, int]:
    """Decode with every undecodable byte replaced by U+FFFD; return the text and that count."""
    try:
        escaped = data.decode(name, "surrogateescape")
    except UnicodeDecodeError:
        # UTF-16/32 with a stray byte below 0x80, which surrogateescape cannot carry: count
        # the replacement characters instead (a text's own U+FFFD would be counted too).
        text = data.decode(name, "replace")
        return text, text.count("\ufffd")
    text, count = _ESCAPED_BYTE.subn("\ufffd", escaped)
    return text, count


def _decode(
    data: bytes, encoding: str | None, hint: str | None = None, errors: str = "strict"
) -> tuple[str, str, int]:
    """``(text, encoding used, characters replaced)``; only ``errors="replace"`` replaces any."""
    if errors not in ERRORS:
        raise ValueError(f"errors must be one of {', '.join(ERRORS)}, not {errors!r}")
    if encoding is not None:
        name = _canonical_encoding(encoding)
        try:
            text = data.decode(name)
        except UnicodeDecodeError as exc:
            if errors == "replace":
                return _finish_replaced(*_decode_replacing(data, name), name)
            raise DecodeError(
                f"bytes are not valid {name} (byte {exc.start}: {exc.reason}); check the --encoding "
                "option, or use --errors replace"
            ) from exc
        return (*_finish(text, name), 0)

    for bom, name in _BOMS:
        if data.startswith(bom):
            codec = name.removesuffix("-sig")
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                if errors == "replace":
                    text, count = _decode_replacing(data[len(bom) :], codec)
                    return _finish_replaced(text, count, name)
                raise DecodeError(
                    f"file starts with a {name} byte-order mark but is not valid {name} "
                    f"(byte {exc.start + len(bom)}: {exc.reason})"
                ) from exc
            return (*_finish(text, name), 0)

    nul = data.find(b"\x00")
    if nul >= 0:
        raise BinaryFileError(
            f"NUL byte at offset {nul} and no UTF-16 byte-order mark: looks like a binary file"
        )

    candidates = ["utf-8"]
    if hint is not None:
        try:
            hinted = _canonical_encoding(hint)
        except DecodeError:
            hinted = None
        if hinted is not None and hinted not in _IGNORED_HINTS:
            candidates.append(hinted)
    candidates.append("gb18030")
    for name in candidates:
        text_or_none = _strict(data, name)
        if text_or_none is not None:
            return (*_finish(text_or_none, name), 0)

    replaced: tuple[str, int, str] | None = None
    if errors == "replace":
        text, count, name = min(
            ((*_decode_replacing(data, name), name) for name in candidates), key=lambda found: found[1]
        )
        replaced = (text, count, name)
        if count <= _MAX_REPLACED_SHARE * len(text):
            return _finish_replaced(*replaced)
    cn = _require("charset_normalizer")
    best = cn.from_bytes(data).best()
    if best is None or best.encoding is None:
        if replaced is not None:
            return _finish_replaced(*replaced)
        raise DecodeError(
            "bytes are neither UTF-8 nor GB18030 and no encoding could be detected; pass an explicit "
            "encoding, or use --errors replace"
        )
    detected = _canonical_encoding(str(best.encoding))
    return (*_finish(str(best), detected), 0)


def _finish_replaced(text: str, count: int, encoding: str) -> tuple[str, str, int]:
    return (*_finish(text, encoding), count)


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding_used)``.

    Order: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE), then strict UTF-8, then
    GB18030 (the superset of GBK and GB2312, which are never tried alone), then
    charset-normalizer as a last resort.  ``encoding`` overrides all detection; the aliases
    ``gb2312``/``gbk``/``cp936`` are decoded as ``gb18030``, their superset.

    The text is returned unchanged except that a leading BOM is stripped and CRLF / CR are
    normalised to LF; offsets computed on the result refer to this normalised text.

    Raises :class:`BinaryFileError` for NUL bytes without a UTF-16/32 BOM and
    :class:`DecodeError` when nothing decodes.

    >>> decode_bytes("增长5.2%\\r\\n".encode("gb18030"))
    ('增长5.2%\\n', 'gb18030')
    >>> decode_bytes(b"\\xef\\xbb\\xbfok")
    ('ok', 'utf-8-sig')
    """
    text, used, _ = _decode(data, encoding)
    return text, used


# --------------------------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------------------------


def _leaf_name(source: str) -> str:
    """The file name an input's format is judged by (the archive member for ``a.zip!m.txt``)."""
    tail = source.rsplit("!", 1)[-1]
    return PurePosixPath(tail.replace("\\", "/")).name


def detect_format(source: str) -> str:
    """Format name (``txt``, ``md``, ``html``, ``docx``, ``pdf``) from the source's extension.

    >>> detect_format("reports.zip!2025/报告.HTM")
    'html'
    >>> detect_format("<stdin>")
    'txt'
    """
    name = _leaf_name(source)
    suffix = PurePosixPath(name).suffix.lower() if not name.startswith("<") else ""
    try:
        return _EXTENSIONS[suffix]
    except KeyError:
        supported = ", ".join(sorted(e for e in _EXTENSIONS if e)) + " or no extension"
        raise UnsupportedFormatError(f"unsupported file type {suffix!r} (supported: {supported})") from None


def read_document(
    source: str,
    data: bytes,
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    errors: str = "strict",
    pdf_engine: str = "pypdfium2",
) -> InputDocument:
    """Decode one document; the format is chosen from ``source``'s extension.

    ``pdf_engine`` reads a PDF: ``"pypdfium2"`` (PDFium, with pdfplumber for a page it cannot
    read) or ``"pdfplumber"``; the document's warnings name the engine (see :mod:`extractor.pdf`).

    ``encoding`` and ``errors`` apply to the text formats (txt, md, html): with
    ``errors="replace"`` an undecodable byte becomes U+FFFD instead of failing the document, and
    the document counts them.  Raises a :class:`ReaderError` subclass for a bad input.

    >>> doc = read_document("a.txt", "新增就业1.2万人。".encode("gb18030"))
    >>> (doc.text, doc.encoding, doc.format, doc.size)
    ('新增就业1.2万人。', 'gb18030', 'txt', 17)
    """
    if len(data) > max_bytes:
        raise TooLargeError(f"{len(data)} bytes is over the limit of {max_bytes} bytes")
    fmt = detect_format(source)
    used: str | None
    replaced = 0
    warnings: list[str] = []
    if fmt in ("txt", "md"):
        text, used, replaced = _decode(data, encoding, errors=errors)
    elif fmt == "html":
        text, warnings, used, replaced = _read_html(data, encoding, errors)
    elif fmt == "docx":
        text, used = _read_docx(data, max_bytes), None
    else:
        text, warnings = _read_pdf(data, pdf_engine)
        used = None
    if replaced:
        were = "character was" if replaced == 1 else "characters were"
        warnings.insert(0, f"{replaced} {were} not valid {used} and replaced by U+FFFD (--errors replace)")
    return InputDocument(
        source=source,
        text=text,
        encoding=used,
        format=fmt,
        size=len(data),
        replaced_chars=replaced,
        warnings=tuple(warnings),
    )


# ---- HTML ----------------------------------------------------------------------------------

_META_CHARSET = regex.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", regex.IGNORECASE)
_XML_DECL_BYTES = regex.compile(
    rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", regex.IGNORECASE
)
_XML_DECL = regex.compile(r"^\s*<\?xml[^>]*\?>", regex.IGNORECASE)

_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "aside", "iframe", "object", "embed",
    "select", "option", "button", "input", "textarea", "svg", "canvas", "map",
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "blockquote", "body", "center", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "html", "li", "main", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
_CONTAINER_TAGS = (
    "div",
    "section",
    "ul",
    "ol",
    "dl",
    "table",
    "tr",
    "td",
    "th",
    "p",
    "span",
    "center",
    "font",
)
_BOILERPLATE_ATTR = regex.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|menus|submenu|footer|foot|breadcrumbs?|crumbs?|sidebar|"
    r"copyright|banner|share|toolbar|topbar|login|search|friendlink|position|location|skip)(?:$|[\s_\d-])",
    regex.IGNORECASE,
)
_BOILERPLATE_TEXT = regex.compile(
    r"版权所有|ICP备|ICP证|网站标识码|公网安备|主办单位|承办单位|技术支持|联系我们|网站地图|当前位置|您现在的位置|"
    r"您的位置|Copyright|©"
)
_HIDDEN_STYLE = regex.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", regex.IGNORECASE)
_LAYOUT_CELL_XPATH = ".//table|.//div|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//ul|.//ol"
_INLINE_WS = regex.compile(r"[ \t\f\v\xa0]+")


def _sniff_html_charset(data: bytes) -> str | None:
    head = data[:4096]
    match = _XML_DECL_BYTES.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _read_html(data: bytes, encoding: str | None, errors: str) -> tuple[str, list[str], str, int]:
    text, used, replaced = _decode(data, encoding, hint=_sniff_html_charset(data), errors=errors)
    main, warnings = html_main_text(text)
    return main, list(warnings), used, replaced


#: Pages larger than this (characters of HTML) or nested deeper than ``_TREE_DEPTH`` are read by
#: the streaming walk alone: a tree of a 20 MB page takes most of a gigabyte and several seconds
#: in lxml plus trafilatura, lxml cuts off everything nested 255 levels deep or more (its
#: parser's depth limit), and the tree passes recurse.  All their text is kept.
_TREE_CHARS = 1_000_000
_TREE_DEPTH = 200
#: Content of these elements is never text.
_SKIP_CONTENT = frozenset({"script", "style", "template"})
#: Elements that are often left open (<p>, <li> …) do not count towards the nesting depth.
_OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "tbody", "thead", "tfoot"})
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)


class _TextWalker(html.parser.HTMLParser):
    """All the text of a page in one streaming pass (no tree, so no depth or size limit).

    Block elements and ``<br>`` end lines, table cells are space-separated, script and style
    content is skipped.  Also measures how deeply the page nests.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0
        self.max_depth = 0
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_CONTENT:
            self._skipping += 1
        if tag == "br" or tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        if tag not in _VOID and tag not in _OPTIONAL_END:
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT and self._skipping:
            self._skipping -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag not in _VOID and tag not in _OPTIONAL_END and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _stream_text(html_text: str) -> tuple[str, int]:
    """(all the text of the page, tidied; its nesting depth) in one streaming pass."""
    walker = _TextWalker()
    for i in range(0, len(html_text), _CHUNK):
        walker.feed(html_text[i : i + _CHUNK])
    walker.close()
    return _tidy("".join(walker.parts)), walker.max_depth


def html_main_text(html_text: str) -> tuple[str, tuple[str, ...]]:
    """The main text of a page (see :func:`html_to_text`) and warnings saying what was dropped.

    Every page is first walked as a stream for all its text.  A page of at most
    ``_TREE_CHARS`` characters nested less than ``_TREE_DEPTH`` deep then loses its menus,
    footers and other boilerplate (lxml and trafilatura), and a warning gives the number of
    characters (not counting white space) that went; a larger or deeper page keeps all its text.

    >>> text, warnings = html_main_text("<div class='nav'><a>首页</a><a>政务</a></div><p>就业1200人。</p>")
    >>> text
    '就业1200人。'
    >>> print(*warnings)
    HTML: 4 of 12 characters of page text dropped as menus, footers and other boilerplate
    """
    everything, depth = _stream_text(_XML_DECL.sub("", html_text, count=1))
    if len(html_text) > _TREE_CHARS or depth >= _TREE_DEPTH:
        return everything, ()
    main, notes = _html_to_text(html_text)  # with its fallback when the main content is empty
    if notes:
        return main, tuple(notes)
    total, kept = _compact_len(everything), _compact_len(main)
    if kept >= total:
        return main, ()
    return main, (
        f"HTML: {total - kept} of {total} characters of page text dropped as menus, footers and other "
        "boilerplate",
    )


def _compact_len(text: str) -> int:
    """Number of non-whitespace characters."""
    return sum(map(len, text.split()))


def _drop(el: Any) -> None:
    if el.getparent() is not None:
        el.drop_tree()


def _in_content(el: Any) -> bool:
    return any(a.tag in ("article", "main") for a in el.iterancestors())


def _text_stats(root: Any) -> dict[Any, tuple[int, int, bool]]:
    """For every node: (non-space characters, of which inside links, contains "。"), as
    ``text_content()`` would give, computed in one bottom-up pass instead of once per node."""
    nodes = list(root.iter())
    stats: dict[Any, tuple[int, int, bool]] = {}
    for node in reversed(nodes):  # reversed pre-order: children before their parent
        own = (node.text or "") if isinstance(node.tag, str) else ""
        size, links, period = _compact_len(own), 0, "。" in own
        for child in node:
            c_size, c_links, c_period = stats[child]
            tail = child.tail or ""
            size += c_size + _compact_len(tail)
            links += c_links
            period = period or c_period or "。" in tail
        stats[node] = (size, size if node.tag == "a" else links, period)
    return stats


def _strip_boilerplate(root: Any) -> None:
    """Remove menus, footers, hidden and link-heavy blocks; make headings/list items paragraphs."""
    for el in list(root.iter(*_DROP_TAGS)):
        _drop(el)
    for el in list(root.iter("header", "footer")):
        if not _in_content(el):
            _drop(el)
    stats = _text_stats(root)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        if _HIDDEN_STYLE.search(el.get("style") or ""):
            _drop(el)
            continue
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        size, _, period = stats[el]
        if _BOILERPLATE_ATTR.search(attrs) and not period and size < 2000:
            _drop(el)
    stats = _text_stats(root)
    for el in list(root.iter(*_CONTAINER_TAGS)):
        size, link_chars, period = stats[el]
        if size == 0 or period:
            continue
        footer_like = size < 300 and _BOILERPLATE_TEXT.search(el.text_content()) is not None
        if footer_like or link_chars / size >= 0.5:
            _drop(el)
    # Layout tables (a cell holding nested tables or several blocks) become plain divs so that
    # their paragraphs are not glued into one table row.
    for table in list(root.iter("table")):
        rows = table.xpath("./tr|./tbody/tr|./thead/tr|./tfoot/tr")
        cells = [c for r in rows for c in r.xpath("./td|./th")]
        if any(c.xpath(_LAYOUT_CELL_XPATH) or len(c.xpath(".//p")) > 1 for c in cells):
            for el in [table, *table.xpath("./tbody|./thead|./tfoot"), *rows, *cells]:
                el.tag = "div"
    # trafilatura drops headings when it cannot find a main container (adbar/trafilatura#774)
    for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd"):
        el.tag = "p"


#: Elements whose text a browser does not show.
_INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template"})
#: Dropping at least this many characters of visible text, and more than is kept, is worth a
#: warning in the document record.
_DROPPED_WARNING_MIN = 200


def _walk_text(root: Any, *, visible_only: bool = False) -> str:
    """Plain text walk: block elements and ``<br>`` end lines, table cells are space-separated.

    With ``visible_only``, what a browser would not show (scripts, styles, hidden elements) is
    left out: the page's visible text, before any boilerplate is removed.
    """
    parts: list[str] = []

    def visit(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if visible_only and (tag in _INVISIBLE_TAGS or _HIDDEN_STYLE.search(el.get("style") or "")):
            return
        if tag == "br" or tag in _BLOCK_TAGS:
            parts.append("\n")
        if tag and el.text:
            parts.append(el.text)
        for child in el:
            visit(child)
            if child.tail:
                parts.append(child.tail)
        if tag in ("td", "th"):
            parts.append(" ")
        elif tag in _BLOCK_TAGS:
            parts.append("\n")

    body = root.find("body")
    visit(body if body is not None else root)
    return "".join(parts)


def _tidy(text: str) -> str:
    lines = (_INLINE_WS.sub(" ", line).strip() for line in _normalise_newlines(text).split("\n"))
    return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    """Main text of an HTML page, one paragraph per line (menus, footers and scripts dropped).

    The page is cleaned with lxml (boilerplate blocks, link lists, hidden elements; headings and
    list items kept as paragraphs; layout tables flattened), then trafilatura picks the main
    content.  If trafilatura finds nothing, a plain text walk of the cleaned tree is used, and if
    that is empty too, the page's whole visible text.
    """
    return _html_to_text(html)[0]


def _html_to_text(html: str) -> tuple[str, list[str]]:
    """:func:`html_to_text` and warnings for the document record when boilerplate removal
    dropped most of the visible text, or all of it (then the whole visible text is used)."""
    lxml_html = _require("lxml.html")
    etree = _require("lxml.etree")
    html = _XML_DECL.sub("", html, count=1)
    if not html.strip():
        return "", []
    try:
        # huge_tree: no cut-off at 255 levels of nesting or 10 MB text nodes
        root = lxml_html.document_fromstring(html, parser=lxml_html.HTMLParser(huge_tree=True))
    except (etree.LxmlError, ValueError) as exc:
        if "empty" in str(exc).lower():
            return "", []
        raise DecodeError(f"cannot parse HTML: {exc}") from exc
    visible = _tidy(_walk_text(root, visible_only=True))
    _strip_boilerplate(root)
    trafilatura = _require("trafilatura")
    extracted = trafilatura.extract(
        copy.deepcopy(root),
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_recall=True,
        deduplicate=False,
        with_metadata=False,
    )
    text = _tidy(extracted) if isinstance(extracted, str) else ""
    if not text:
        text = _tidy(_walk_text(root))
    seen = _compact_len(visible)
    if not text and seen:
        return visible, [
            f"HTML: the main-content extraction dropped all {seen} characters of visible text as "
            "boilerplate; the whole visible text is used instead"
        ]
    dropped = seen - _compact_len(text)
    if dropped >= _DROPPED_WARNING_MIN and dropped > seen - dropped:
        return text, [
            f"HTML: {dropped} of {seen} characters of visible text were dropped as boilerplate "
            "(menus, footers, link lists)"
        ]
    return text, []


# ---- DOCX ----------------------------------------------------------------------------------


def _docx_table_lines(table: Any) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is repeated once per grid column
                continue
            seen.add(id(cell._tc))
            pieces: list[str] = []
            for block in cell.iter_inner_content():
                if hasattr(block, "rows"):
                    pieces.extend(_docx_table_lines(block))
                else:
                    pieces.append(block.text)
            cells.append(" ".join(p.strip() for p in pieces if p.strip()))
        lines.append("\t".join(cells))
    return lines


def _read_docx(data: bytes, max_bytes: int) -> str:
    """Body paragraphs and tables in document order: one paragraph per line, one table row per
    line with cells separated by tabs (headers, footers, footnotes and text boxes are not read)."""
    docx = _require("docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            expanded = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DecodeError(f"not a valid DOCX file: {exc}") from exc
    if expanded > max(20 * max_bytes, 64 * 2**20):
        raise UnsafeArchiveError(f"DOCX expands to {expanded} bytes: refusing to parse it")
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if hasattr(block, "rows"):
                lines.extend(_docx_table_lines(block))
            else:
                lines.append(block.text)
    except Exception as exc:  # python-docx/lxml raise many types on malformed packages
        raise DecodeError(f"not a valid DOCX file: {type(exc).__name__}: {exc}") from exc
    return _normalise_newlines("\n".join(lines))


# ---- PDF -----------------------------------------------------------------------------------


def _read_pdf(data: bytes, engine: str) -> tuple[str, list[str]]:
    """The cleaned text of a PDF and its reading warnings (engine, pages without text)."""
    from .pdf import read_pdf

    result = read_pdf(data, engine)
    return result.text, list(result.warnings)


# With the radicals (U+2E80–U+2FDF) that PDF fonts put for whole characters ("规模以上⼯\n业"
# is a wrapped line like any other); normalisation folds them later.
_HAN = r"\u2e80-\u2fdf\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_PUNCT = (
    r"\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
    r"\u2014\u2026\u201c\u201d\u2018\u2019\u00b7"
)
_FOOTER_LINES = (
    regex.compile(r"[-—–－−~～_]+\s*\d{1,4}\s*[-—–－−~～_]+"),
    regex.compile(r"第\s*\d{1,4}\s*页(?:\s*[,，/／、]?\s*共\s*\d{1,4}\s*页)?"),
    regex.compile(r"共\s*\d{1,4}\s*页\s*[,，/／、]?\s*第\s*\d{1,4}\s*页"),
)
_HSPACE = "[ \t\u3000\xa0]+"
_HAS_HSPACE = re.compile(_HSPACE)
_HAN_GAP = regex.compile(f"(?<=[{_HAN}]){_HSPACE}(?=[{_HAN}])")
_PUNCT_GAP = regex.compile(
    f"(?<=[{_CJK_PUNCT}]){_HSPACE}(?=[{_HAN}{_CJK_PUNCT}])|(?<=[{_HAN}]){_HSPACE}(?=[{_CJK_PUNCT}])"
)
_HAN_CHAR = regex.compile(f"[{_HAN}]")
_HEADING = regex.compile(
    r"^(?:[一二三四五六七八九十百零〇]+[、.．]"
    r"|[（(][一二三四五六七八九十百零〇]+[)）]"
    r"|[（(]\d{1,3}[)）]"
    r"|\d{1,3}[、．](?!\d)|\d{1,3}\.(?!\d)"
    r"|第[一二三四五六七八九十百零〇\d]+[章节部分篇条]"
    r"|附件\s*[一二三四五六七八九十\d]*\s*$"
    r"|[①-⑳])"
)
#: With this many lines or more, a document's full line width is known well enough to tell that
#: a line much narrower than it ended where its author ended it (a title, a table's label) and
#: was not wrapped: a wrap breaks a line at most one word (a long number) short of full width.
_WIDTH_KNOWN_LINES = 10
_WRAPPED_MIN_SHARE = 0.6
_JOIN_END = regex.compile(f"[{_HAN}{_CJK_PUNCT}]$")
#: A line ending in one of these goes on, however narrow (a list or clause broken by its author).
_CONTINUES = regex.compile(r"[、，,（(“‘《的和与及]$")
_JOIN_START = regex.compile(f"^[{_HAN}{_CJK_PUNCT}0-9]")
_ASCII_END = regex.compile(r"[0-9A-Za-z%.]$")


def _collapse_spacing(line: str) -> str:
    """Remove the gap between two Han characters when either side is an isolated character
    ("洛  阳  市" -> "洛阳市"), and any gap next to CJK punctuation."""

    def repl(match: regex.Match[str]) -> str:
        # the gap is between two Han characters; is either of them a run of exactly one?
        start, end = match.start(), match.end()
        isolated_before = start < 2 or _HAN_CHAR.match(line, start - 2) is None
        isolated_after = end + 1 >= len(line) or _HAN_CHAR.match(line, end + 1) is None
        return "" if isolated_before or isolated_after else match.group()

    if not _HAS_HSPACE.search(line):  # no gap at all: most lines
        return line
    collapsed: str = _PUNCT_GAP.sub("", _HAN_GAP.sub(repl, line))
    return collapsed


class _CharWidths(dict[str, int]):
    """Display width of each character seen, looked up in C (``sum(map(d.__getitem__, s))``)."""

    def __missing__(self, ch: str) -> int:
        width = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if len(self) < 65536:  # hostile text naming every code point does not grow it without end
            self[ch] = width
        return width


_CHAR_WIDTHS = _CharWidths()


def _width(line: str) -> int:
    """Display width: East Asian wide/full-width characters count 2, others 1.

    >>> _width("增长5%")
    6
    """
    return sum(map(_CHAR_WIDTHS.__getitem__, line))


# A line ends its sentence when it ends with one of these, then any closing marks (。” ：）).
_TERMINAL_MARKS = frozenset("。！？：；!?:;…")
_CLOSERS = '"”’」』）)】'


@dataclass(slots=True)
class _Paragraph:
    """Lines joined so far (as read and as judged, radicals folded), with what the next join
    asks of them kept up to date: asking never re-reads the whole paragraph, so joining the
    lines of a long paragraph costs time in proportion to its length, not its square."""

    parts: list[str]
    judged: list[str]
    width: int
    has_han: bool

    @classmethod
    def of(cls, line: str, judged: str) -> _Paragraph:
        return cls([line], [judged], _width(judged), _HAN_CHAR.search(judged) is not None)

    def add(self, line: str, judged: str) -> None:
        self.parts.append(line)
        self.judged.append(judged)
        self.width += _width(judged)
        self.has_han = self.has_han or _HAN_CHAR.search(judged) is not None

    def last_char(self) -> str:
        for part in reversed(self.judged):
            if part:
                return part[-1]
        return ""

    def ends_terminal(self) -> bool:
        """Does the text end with a sentence end and any closing marks (``。”``)?"""
        for part in reversed(self.judged):
            rest = part.rstrip(_CLOSERS)
            if rest:
                return rest[-1] in _TERMINAL_MARKS
            # a part of closing marks only: the mark before them is in an earlier part
        return False

    def text(self) -> str:
        return "".join(self.judged)


def _joins(prev: _Paragraph, nxt: str, full_width: float, narrowest_wrapped: float = 0.0) -> bool:
    # ``prev`` is the paragraph so far (the lines already joined), judged as one line.
    last = prev.last_char()
    if not last or not nxt or nxt[0].isspace() or prev.ends_terminal() or _HEADING.match(nxt):
        return False
    width = prev.width
    if width < 0.9 * full_width and _HEADING.match(prev.text()):
        return False  # a heading shorter than a full line was not wrapped
    if width < narrowest_wrapped and _CONTINUES.match(last) is None:
        return False  # "2026年省十件民生实事" above its first paragraph: a title, not a wrap
    if _JOIN_END.match(last):
        return _JOIN_START.match(nxt) is not None
    # "达到35.6\n亿元": a text line ending in a digit/letter, followed by Han; not for a bare
    # number (a table value) nor for a table-like row with spaces between cells
    return (
        _ASCII_END.match(last) is not None
        and _HAN_CHAR.match(nxt) is not None
        and prev.has_han
        and " " not in prev.text().strip()
    )


def clean_pdf_text(text: str) -> str:
    """Undo typical PDF text-extraction artefacts in Chinese documents.

    * page footers are dropped: lines that are only ``—3—``, ``- 3 -``, ``第3页`` or
      ``第 3 页 共 20 页`` (a bare number line is kept: it may be a table value);
    * characters spaced apart are collapsed (``洛  阳  市`` -> ``洛阳市``; two multi-character
      words such as ``指标 数值`` keep their space), as are spaces next to CJK punctuation;
    * hard-wrapped lines are joined: a line break is removed when the line ends with a CJK
      character or non-final CJK punctuation and the next starts with a CJK character, CJK
      punctuation or a digit.  Breaks are kept after ``。！？：；`` (optionally followed by a
      closing quote/bracket), before heading markers (``一、`` ``（一）`` ``1.`` ``第一章``
      ``①``), after a heading line narrower than 90 % of a full line (the 95th percentile of
      line widths), before an indented line and around blank lines;
    * CRLF/CR/form feeds become LF and trailing spaces are removed.

    >>> clean_pdf_text("全区地区生产总值增长\\n5.2%。\\n- 3 -\\n二、主要任务")
    '全区地区生产总值增长5.2%。\\n二、主要任务'
    """
    lines = _normalise_newlines(text).replace("\f", "\n").split("\n")
    kept: list[str] = []
    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if stripped and any(p.fullmatch(stripped) for p in _FOOTER_LINES):
            continue
        kept.append(_collapse_spacing(line))
    widths = sorted(_width(line) for line in kept if line)
    full_width = float(widths[(len(widths) * 19) // 20]) if widths else 0.0  # 95th percentile
    narrowest_wrapped = _WRAPPED_MIN_SHARE * full_width if len(widths) >= _WIDTH_KNOWN_LINES else 0.0
    # Lines are judged with the radicals a font put for whole characters folded ("⼆、农业" is a
    # heading like "二、农业"); folding keeps every length, and the text keeps what the PDF said.
    from .normalize import fold_ideographs

    folded = fold_ideographs("\n".join(kept)).split("\n")
    out: list[_Paragraph] = []
    for line, judged in zip(kept, folded, strict=True):
        if out and _joins(out[-1], judged, full_width, narrowest_wrapped):
            out[-1].add(line, judged)
        else:
            out.append(_Paragraph.of(line, judged))
    return "\n".join("".join(p.parts) for p in out)


# --------------------------------------------------------------------------------------------
# Iterating over inputs
# --------------------------------------------------------------------------------------------


def _failure(source: str, exc: BaseException) -> InputFailure:
    return InputFailure(source=source, error=type(exc).__name__, message=str(exc) or type(exc).__name__)


def _read_member(source: str, load: Callable[[], bytes], limits: _Limits) -> InputResult | PendingInput:
    """:func:`_document_or_failure` with the reading options of ``limits``; with
    ``limits.defer``, only the bytes are loaded (:class:`PendingInput`)."""
    if not limits.defer:
        return _document_or_failure(
            source, load, limits.encoding, limits.max_bytes, limits.errors, limits.pdf_engine, limits.guard
        )
    try:
        with limits.guard() if limits.guard is not None else contextlib.nullcontext():
            data = load()
    except Exception as exc:  # as in _document_or_failure: every failure is the input's
        return _failure(source, exc)
    return PendingInput(source, data, limits.encoding, limits.max_bytes, limits.errors, limits.pdf_engine)


def _document_or_failure(
    source: str,
    load: Callable[[], bytes],
    encoding: str | None,
    max_bytes: int,
    errors: str = "strict",
    pdf_engine: str = "pypdfium2",
    guard: ReadGuard | None = None,
) -> InputResult:
    """Read one input; every exception becomes an :class:`InputFailure` (never raised).

    ``guard`` (``iter_inputs``'s) is entered around the reading: a time limit raises
    ``TimeoutError`` there, which becomes the input's failure.
    """
    started = time.monotonic()
    try:
        with guard() if guard is not None else contextlib.nullcontext():
            doc = read_document(
                source, load(), encoding=encoding, max_bytes=max_bytes, errors=errors, pdf_engine=pdf_engine
            )
        return dataclasses.replace(doc, read_seconds=time.monotonic() - started)
    except (ReaderError, OSError, MemoryError, RecursionError) as exc:
        return _failure(source, exc)
    except Exception as exc:  # a parser bug on one input must not stop the whole run
        return _failure(source, exc)


def _read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    """Read to EOF, but raise :class:`TooLargeError` as soon as more than ``max_bytes`` arrive."""
    buf = bytearray()
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return bytes(buf)
        buf += chunk
        if len(buf) > max_bytes:
            raise TooLargeError(f"more than {max_bytes} bytes: over the limit")


def _archive_kind(name: str) -> str | None:
    lowered = name.lower()
    for suffix, kind in _ARCHIVE_SUFFIXES:
        if lowered.endswith(suffix):
            return kind
    return None


def _is_document_name(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in _EXTENSIONS


def _matches(glob: str | None, relpath: str) -> bool:
    if glob is None:
        return True
    target = relpath if "/" in glob else relpath.rsplit("/", 1)[-1]
    return fnmatch.fnmatchcase(target.lower(), glob.lower())


def _is_metadata(name: str) -> bool:
    """macOS resource forks and Finder files, which are not documents."""
    parts = name.split("/")
    return "__MACOSX" in parts or parts[-1].startswith("._") or parts[-1] == ".DS_Store"


def _unsafe_name(name: str) -> str | None:
    posix = name.replace("\\", "/")
    if posix.startswith("/") or regex.match(r"^[A-Za-z]:", posix):
        return "absolute path"
    if ".." in posix.split("/"):
        return "'..' component"
    return None


_SURROGATE = regex.compile(r"[\ud800-\udfff]")


def readable_name(name: str) -> str:
    r"""A file or member name that any UTF-8 writer can write.

    Python decodes name bytes that are not UTF-8 (a folder entry, a GNU tar member written by a
    Chinese Windows tool) to lone surrogates, which no UTF-8 output can hold.  Such a name is
    re-read as GB18030, and failing that its undecodable bytes are escaped as ``\xNN``.

    >>> readable_name("报告.txt")
    '报告.txt'
    >>> readable_name(b"\xb1\xa8\xb8\xe6.txt".decode("utf-8", "surrogateescape"))
    '报告.txt'
    >>> print(readable_name(b"\xff.txt".decode("utf-8", "surrogateescape")))
    \xff.txt
    >>> print(readable_name("\ud800.txt"))
    \ud800.txt
    """
    if _SURROGATE.search(name) is None:
        return name
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte: only escaping can keep it
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def _display_name(name: str) -> str:
    name = readable_name(name)
    while name.startswith("./"):
        name = name[2:]
    return name


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """Member name, re-decoded when the archive stored it without the UTF-8 flag (CP437 in
    zipfile's view) but really in UTF-8 or, as Chinese Windows tools do, in GBK."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return name


@dataclass(slots=True)
class _Limits:
    glob: str | None
    encoding: str | None
    max_bytes: int
    max_archive_bytes: int
    max_ratio: float
    errors: str = "strict"
    pdf_engine: str = "pypdfium2"
    guard: ReadGuard | None = None
    defer: bool = False


def _iter_zip(path: str, display: str, limits: _Limits) -> Iterator[_Read]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        yield InputFailure(display, CorruptArchiveError.__name__, f"cannot open zip archive: {exc}")
        return
    with zf:
        total = 0
        over_budget = False
        for info in zf.infolist():
            name = _zip_member_name(info)
            if info.is_dir() or _is_metadata(name) or not _matches(limits.glob, _display_name(name)):
                continue
            source = f"{display}!{_display_name(name)}"
            problem = _unsafe_name(name)
            if problem is not None:
                yield _failure(source, UnsafeArchiveError(f"unsafe member name ({problem}): not read"))
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                yield _failure(source, UnsafeArchiveError("symlink in archive: not a regular file, not read"))
                continue
            if info.flag_bits & 0x1:
                yield _failure(source, UnsupportedFormatError("encrypted zip member: not supported"))
                continue
            if info.file_size > limits.max_bytes:
                yield _failure(
                    source,
                    TooLargeError(f"{info.file_size} bytes is over the limit of {limits.max_bytes} bytes"),
                )
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size >= RATIO_MIN_BYTES and ratio > limits.max_ratio:
                yield _failure(
                    source,
                    UnsafeArchiveError(
                        f"compression ratio {ratio:.0f} is over {limits.max_ratio:g}: possible zip bomb"
                    ),
                )
                continue
            if over_budget or total + info.file_size > limits.max_archive_bytes:
                over_budget = True
                yield _failure(
                    source,
                    UnsafeArchiveError(
                        f"archive expands to more than {limits.max_archive_bytes} bytes: member not read"
                    ),
                )
                continue
            total += info.file_size

            def load(info: zipfile.ZipInfo = info) -> bytes:
                try:
                    with zf.open(info) as member:
                        return _read_limited(member, limits.max_bytes)
                except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError) as exc:
                    raise CorruptArchiveError(f"corrupt zip member: {exc}") from exc
                except NotImplementedError as exc:
                    raise UnsupportedFormatError(f"zip member: {exc}") from exc

            yield _read_member(source, load, limits)


class _CountingReader(io.RawIOBase):
    """Wraps the raw archive file to count compressed bytes consumed (for the tar ratio check)."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


def _iter_tar(path: str, display: str, limits: _Limits) -> Iterator[_Read]:
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError as exc:
        yield _failure(display, exc)
        return
    counter = _CountingReader(raw)
    corrupt = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError)
    try:
        try:
            # "r|*": a forward-only stream, one member at a time, nothing extracted to disk
            tar = tarfile.open(fileobj=counter, mode="r|*")  # noqa: SIM115 - closed with raw below
        except corrupt as exc:
            yield InputFailure(display, CorruptArchiveError.__name__, f"cannot open tar archive: {exc}")
            return
        total = 0  # bytes of the members passed so far, read or refused
        skipped = 0  # bytes decompressed only to pass over refused members
        over_budget = False
        last = "the start"
        while True:
            if skipped > _SKIP_FACTOR * limits.max_bytes:
                yield InputFailure(
                    display,
                    UnsafeArchiveError.__name__,
                    f"members after {last} were not listed: passing over the {skipped} bytes of "
                    f"members not read would mean decompressing more than "
                    f"{_SKIP_FACTOR * limits.max_bytes} bytes",
                )
                return
            try:
                member = tar.next()
            except corrupt as exc:
                yield InputFailure(
                    display,
                    CorruptArchiveError.__name__,
                    f"tar archive is corrupt or truncated after {last}: {type(exc).__name__}: {exc}",
                )
                return
            if member is None:
                return
            name = member.name
            member_name = _display_name(name)
            last = repr(member_name)
            if member.isdir() or _is_metadata(name) or not _matches(limits.glob, member_name):
                continue
            source = f"{display}!{member_name}"
            problem = _unsafe_name(name)
            if problem is not None:
                yield _failure(source, UnsafeArchiveError(f"unsafe member name ({problem}): not read"))
                continue
            if not member.isreg():
                kind = "symlink" if member.issym() else "hard link" if member.islnk() else "special file"
                yield _failure(source, UnsafeArchiveError(f"{kind} in archive: not a regular file, not read"))
                continue
            if member.size > limits.max_bytes:
                total += member.size
                skipped += member.size
                yield _failure(
                    source,
                    TooLargeError(f"{member.size} bytes is over the limit of {limits.max_bytes} bytes"),
                )
                continue
            if over_budget or total + member.size > limits.max_archive_bytes:
                over_budget = True
                skipped += member.size
                yield _failure(
                    source,
                    UnsafeArchiveError(
                        f"archive expands to more than {limits.max_archive_bytes} bytes: member not read"
                    ),
                )
                continue
            total += member.size

            def load(member: tarfile.TarInfo = member) -> bytes:
                before = counter.count
                try:
                    stream = tar.extractfile(member)
                    if stream is None:
                        raise UnsafeArchiveError("not a regular file")
                    data = _read_limited(stream, limits.max_bytes)
                except corrupt as exc:
                    raise CorruptArchiveError(
                        f"corrupt or truncated tar member: {type(exc).__name__}: {exc}"
                    ) from exc
                if len(data) != member.size:
                    raise CorruptArchiveError(f"tar member is truncated: {len(data)} of {member.size} bytes")
                compressed = max(counter.count - before, 1)
                ratio = len(data) / compressed
                if len(data) >= RATIO_MIN_BYTES and ratio > limits.max_ratio:
                    raise UnsafeArchiveError(
                        f"compression ratio {ratio:.0f} is over {limits.max_ratio:g}: possible archive bomb"
                    )
                return data

            result = _read_member(source, load, limits)
            yield result
            if isinstance(result, InputFailure) and result.error == CorruptArchiveError.__name__:
                yield InputFailure(
                    display,
                    CorruptArchiveError.__name__,
                    f"tar archive is corrupt or truncated at {last}: stopped",
                )
                return
    finally:
        raw.close()


def _iter_file(path: str, display: str, limits: _Limits) -> Iterator[_Read]:
    """One regular file given directly or found in a folder (archives are expanded)."""
    kind = _archive_kind(path)
    if kind == "zip":
        yield from _iter_zip(path, display, limits)
        return
    if kind == "tar":
        yield from _iter_tar(path, display, limits)
        return

    def load() -> bytes:
        size = os.stat(path).st_size
        if size > limits.max_bytes:
            raise TooLargeError(f"{size} bytes is over the limit of {limits.max_bytes} bytes")
        with open(path, "rb") as fh:
            return _read_limited(fh, limits.max_bytes)

    yield _read_member(display, load, limits)


def _iter_folder(folder: str, limits: _Limits) -> Iterator[_Read]:
    entries: list[tuple[tuple[str, ...], str]] = []
    errors: list[InputFailure] = []

    def on_error(exc: OSError) -> None:
        errors.append(_failure(readable_name(str(exc.filename or folder)), exc))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=on_error):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, folder)
        for dirname in dirnames:
            link = os.path.join(dirpath, dirname)
            if os.path.islink(link):  # os.walk does not follow them: say so instead of skipping
                rel = dirname if rel_dir == "." else os.path.join(rel_dir, dirname)
                entries.append((tuple(rel.replace(os.sep, "/").split("/")), link))
        for filename in filenames:
            rel = filename if rel_dir == "." else os.path.join(rel_dir, filename)
            rel_posix = rel.replace(os.sep, "/")
            if _is_metadata(rel_posix):
                continue
            full = os.path.join(folder, rel)
            if _archive_kind(filename) is None and not _matches(limits.glob, rel_posix):
                continue
            if limits.glob is None and _archive_kind(filename) is None and not _is_document_name(filename):
                # A folder of reports also holds spreadsheets, images and notes: with no --glob,
                # only document formats are inputs (archive members and named files always are).
                continue
            entries.append((tuple(rel_posix.split("/")), full))
    yield from errors
    for _, full in sorted(entries):
        display = readable_name(full)
        try:
            mode = os.stat(full).st_mode
        except OSError as exc:
            yield _failure(display, exc)
            continue
        if os.path.islink(full) and stat.S_ISDIR(mode):
            yield _failure(display, UnsupportedFormatError("symbolic link to a folder: not followed"))
            continue
        if not stat.S_ISREG(mode):
            yield _failure(display, UnsupportedFormatError("not a regular file"))
            continue
        yield from _iter_file(full, display, limits)


def iter_inputs(
    paths: Sequence[str],
    *,
    glob: str | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_archive_bytes: int = DEFAULT_MAX_ARCHIVE_BYTES,
    max_ratio: float = DEFAULT_MAX_RATIO,
    errors: str = "strict",
    pdf_engine: str = "pypdfium2",
    guard: ReadGuard | None = None,
) -> Iterator[InputDocument | InputFailure]:
    """Yield one :class:`InputDocument` or :class:`InputFailure` per input, in a deterministic order.

    ``paths`` are processed in the given order; each may be

    * ``"-"``: standard input (source ``"<stdin>"``, read as plain text);
    * a file: read by extension; ``.zip``, ``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``/``.tbz2``
      and ``.tar.xz``/``.txz`` are archives, read member by member in archive order, streamed and
      never extracted to disk; a member's source is ``archive.zip!path/in/archive.txt``;
    * a folder: walked recursively in sorted path order; archives inside it are expanded.

    ``glob`` (``fnmatch`` syntax, case-insensitive) filters the documents found in folders and
    archives by file name, or by relative path when it contains ``/``; archives found in a folder
    are always opened and their members filtered, and a file given explicitly is always read.
    Directory entries, ``__MACOSX/``, ``._*`` and ``.DS_Store`` entries are skipped.

    Guards (each failing input becomes an :class:`InputFailure`, never an exception):

    * ``max_bytes`` per document (declared size first, then reading stops at ``max_bytes + 1``);
    * members whose name is absolute or has a ``..`` component are never opened;
    * symlinks (tar and zip), hard links and devices are reported, not followed; encrypted zip
      members are reported as unsupported;
    * a member of at least :data:`RATIO_MIN_BYTES` with a compression ratio over ``max_ratio``;
    * once an archive's members add up to more than ``max_archive_bytes``, every remaining member
      is reported as a failure (in a tar, members refused for their size count toward the total);
    * a tar is a stream, so passing over a member that is not read means decompressing it: once
      such members add up to more than four times ``max_bytes``, one failure stands for the rest
      of the archive, which is not decompressed;
    * ``guard``, when given, is entered around the reading of each document (decompressing and
      parsing it); the CLI's ``--doc-timeout`` uses it to stop a read that takes too long (a
      ``TimeoutError`` it raises becomes that input's failure).  Each document records its
      ``read_seconds``;
    * a corrupt or truncated archive gives one failure for the archive (members already yielded
      stay yielded; a tar member cut short also gets its own failure, just before it); a corrupt
      zip member (bad CRC, bad data) gives a failure for that member only.

    ``encoding``, ``errors`` and ``pdf_engine`` are passed to :func:`read_document`.
    """
    limits = _Limits(glob, encoding, max_bytes, max_archive_bytes, max_ratio, errors, pdf_engine, guard)
    for item in _iter_inputs(paths, limits):
        assert not isinstance(item, PendingInput)  # not deferred
        yield item


def iter_pending_inputs(
    paths: Sequence[str],
    *,
    glob: str | None = None,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_archive_bytes: int = DEFAULT_MAX_ARCHIVE_BYTES,
    max_ratio: float = DEFAULT_MAX_RATIO,
    errors: str = "strict",
    pdf_engine: str = "pypdfium2",
    guard: ReadGuard | None = None,
) -> Iterator[PendingInput | InputFailure]:
    """:func:`iter_inputs`, each input's bytes read but not decoded: a :class:`PendingInput`
    (``read()`` gives what :func:`iter_inputs` would have given) or an :class:`InputFailure`
    (the file or archive member could not be read, or an archive guard refused it).

    A batch reads archives here, in order, and leaves decoding and parsing (PDF above all) to
    its worker processes.  ``guard`` is entered around loading each input's bytes.
    """
    limits = _Limits(
        glob, encoding, max_bytes, max_archive_bytes, max_ratio, errors, pdf_engine, guard, defer=True
    )
    for item in _iter_inputs(paths, limits):
        assert not isinstance(item, InputDocument)  # deferred
        yield item


_Read = InputDocument | InputFailure | PendingInput


def _iter_inputs(paths: Sequence[str], limits: _Limits) -> Iterator[_Read]:
    from .pdf import check_pdf_engine  # a bad engine name is a usage error, before any input

    check_pdf_engine(limits.pdf_engine)
    max_bytes = limits.max_bytes
    for path in paths:
        if path == "-":
            yield _read_member("<stdin>", lambda: _read_limited(sys.stdin.buffer, max_bytes), limits)
            continue
        display = readable_name(path)
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            yield _failure(display, exc)
            continue
        if stat.S_ISDIR(mode):
            yield from _iter_folder(path, limits)
        elif stat.S_ISREG(mode):
            yield from _iter_file(path, display, limits)
        else:
            yield _failure(display, UnsupportedFormatError("not a regular file or folder"))


# --------------------------------------------------------------------------------------------
# Counting inputs (for a progress bar's total)
# --------------------------------------------------------------------------------------------


def count_inputs(paths: Sequence[str], *, glob: str | None = None) -> int | None:
    """How many items :func:`iter_inputs` will yield for ``paths``, counted without reading any
    document: folders are walked, zip archives and uncompressed tar archives listed.

    ``None`` when that is not cheap to know: standard input, or a compressed tar archive, which
    would have to be decompressed to be listed.
    """
    total = 0
    for path in paths:
        if path == "-":
            return None
        try:
            mode = os.stat(path).st_mode
        except OSError:
            count: int | None = 1  # a failure
        else:
            if stat.S_ISDIR(mode):
                count = _count_folder(path, glob)
            elif stat.S_ISREG(mode):
                count = _count_file(path, glob)
            else:
                count = 1
        if count is None:
            return None
        total += count
    return total


def _count_file(path: str, glob: str | None) -> int | None:
    kind = _archive_kind(path)
    if kind == "zip":
        try:
            with zipfile.ZipFile(path) as zf:
                names = [_zip_member_name(info) for info in zf.infolist() if not info.is_dir()]
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            return 1  # one failure for the archive
        return sum(not _is_metadata(n) and _matches(glob, _display_name(n)) for n in names)
    if kind == "tar":
        if not path.lower().endswith(".tar"):
            return None
        try:
            with tarfile.open(path, "r:") as tf:  # headers only: the data is seeked over
                members = tf.getmembers()
        except (tarfile.TarError, OSError, EOFError, ValueError):
            return None
        return sum(
            not m.isdir() and not _is_metadata(m.name) and _matches(glob, _display_name(m.name))
            for m in members
        )
    return 1


def _count_folder(folder: str, glob: str | None) -> int | None:
    """What :func:`_iter_folder` yields, counted the same way."""
    errors = 0
    entries: list[str] = []

    def on_error(exc: OSError) -> None:
        nonlocal errors
        errors += 1

    for dirpath, dirnames, filenames in os.walk(folder, onerror=on_error):
        rel_dir = os.path.relpath(dirpath, folder)
        entries.extend(os.path.join(dirpath, d) for d in dirnames if os.path.islink(os.path.join(dirpath, d)))
        for filename in filenames:
            rel_posix = (filename if rel_dir == "." else os.path.join(rel_dir, filename)).replace(os.sep, "/")
            if _is_metadata(rel_posix):
                continue
            is_archive = _archive_kind(filename) is not None
            if not is_archive and not _matches(glob, rel_posix):
                continue
            if glob is None and not is_archive and not _is_document_name(filename):
                continue
            entries.append(os.path.join(dirpath, filename))
    total = errors
    for full in entries:
        try:
            mode = os.stat(full).st_mode
        except OSError:
            total += 1
            continue
        if not stat.S_ISREG(mode):
            total += 1
            continue
        count = _count_file(full, glob)
        if count is None:
            return None
        total += count
    return total
