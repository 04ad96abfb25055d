"""Read an article file into text plus metadata (title, outlet, author, URL, date, opinion).

Plain text and Markdown: title on the first line, then optional header lines
(``Source:``, ``URL:``, ``Date:``, ``By ...``, a bare date line). HTML: trafilatura finds
the main text and the metadata. Bad input raises ``BadInput`` with the reason.
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import BadInput, shown
from .limits import MAX_TITLE_CHARS

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
OPINION = re.compile(r"^\s*(?:opinion|op-ed|comment|analysis|editorial)\s*[-–—:|]\s*", re.I)
# a site files its opinion pieces under a section of their own: /opinion/, /op-ed/, /columns/,
# /editorials/, /commentisfree/ (The Guardian's), /commentary/
OPINION_SECTION = re.compile(r"/(?:opinions?|op-?eds?|columns?|editorials?|commentisfree|commentary)(?:/|$)", re.I)
HEADER = re.compile(r"^\s*(?P<key>source|outlet|publisher|url|link|date|published|by|author)\s*:\s*(?P<value>.+)$", re.I)
BYLINE = re.compile(r"^\s*[Bb]y\s+(?P<value>[A-Z][\w.’'-]+(?:\s+(?:and\s+)?[A-Z][\w.’'-]+){0,5})\s*$")
DATE_LINE = re.compile(
    r"^\s*(?:(?:published|updated|posted)\s*:?\s*)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}|"
    r"\d{4}-\d{2}-\d{2})(?:[ ,T]+\d{1,2}:\d{2}.*)?\s*$"
)
# "Robert Fox is the Evening Standard’s defence editor", "Joshua Arnold is a senior writer at The Washington Stand."
BIO = re.compile(
    r"^(?P<name>[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){1,3}) is (?:a|an|the)\s+"
    r"(?:(?P<outlet1>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,4})[’']s\s+[\w\s-]{2,40}?"
    r"|[\w\s-]{2,40}?\s(?:at|for|with|of)\s+(?P<outlet2>(?:The\s+)?[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,4}))\.?\s*$"
)


def is_opinion(title: str, url: str | None) -> bool:
    """An opinion piece: its title says so ("Opinion: ..."), or its address files it in a section
    for them."""
    if OPINION.match(title):
        return True
    if not url:
        return False
    return bool(OPINION_SECTION.search(urlsplit(url.strip()).path))


@dataclass(frozen=True)
class RawDocument:
    """An article read from a file, before claims are extracted."""

    path: str
    text: str
    title: str
    body_start: int  # offset in ``text`` where the article body begins
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: date | None = None
    opinion: bool = False
    bio_span: tuple[int, int] | None = None  # the author line, not a claim

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def doc_id(self) -> str:
        return self.content_hash[:16]


def parse_date(value: str) -> date | None:
    """A date written any common way, or None."""
    value = value.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    import dateparser  # slow to import; only ingest needs it

    parsed = dateparser.parse(value, languages=["en"], settings={"STRICT_PARSING": False, "REQUIRE_PARTS": ["year"]})
    return parsed.date() if parsed else None


# Byte-order marks, longest first: a UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_BINARY = "binary file, not an article (expected text, Markdown or HTML)"


def decode(path: str | Path, data: bytes, max_bytes: int) -> str:
    """The text of an article file's bytes: by its byte-order mark (UTF-8, UTF-16, UTF-32), else
    UTF-8, else the encoding charset-normalizer finds (cp1252, latin-1, cp1251, ...). NUL bytes
    without a mark, or bytes no encoding makes sense of, are a binary file."""
    name = shown(path)
    if len(data) > max_bytes:
        raise BadInput(f"{name}: too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as e:
                raise BadInput(f"{name}: starts with a {label} byte-order mark but is not {label} text "
                               f"(byte {e.start + len(bom)})") from None
            break
    else:
        if b"\x00" in data:
            raise BadInput(f"{name}: {_BINARY}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            text = _detected(data)
            if text is None:
                raise BadInput(f"{name}: not text in UTF-8 (byte {e.start}) or any encoding charset-normalizer "
                               "recognises; convert it with iconv first") from None
    if not text.strip():
        raise BadInput(f"{name}: empty file")
    control = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\n\r\t\f")
    if control > 8 or "\x00" in text:
        raise BadInput(f"{name}: {_BINARY}")
    return text


def _detected(data: bytes) -> str | None:
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding.startswith(("utf_16", "utf_32")):  # those only with their mark
        return None
    return str(best)


def file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "not a file"


def read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """A regular file's bytes; ``BadInput`` for anything else. Opened without blocking and
    checked after opening, so a FIFO cannot hang ingest and a swapped file cannot slip by."""
    name = shown(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise BadInput(f"{name}: symlink loop ({e.strerror})") from None
        raise BadInput(f"{name}: cannot read ({e.strerror or e})") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise BadInput(f"{name}: not a regular file ({file_kind(st.st_mode)})")
        if st.st_size > max_bytes:
            raise BadInput(f"{name}: too large ({st.st_size:,} bytes; the limit is {max_bytes:,})")
        try:
            return f.read(max_bytes + 1)
        except OSError as e:
            raise BadInput(f"{name}: cannot read ({e.strerror or e})") from None


def read_document(path: str | Path, max_bytes: int = 5_000_000) -> RawDocument:
    """Read one article file; raise ``BadInput`` saying why it cannot be used."""
    p = Path(path)
    text = decode(path, read_bytes(path, max_bytes), max_bytes)
    head = text.lstrip()[:500].lower()
    if p.suffix.lower() in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html")):
        return from_html(str(path), text)
    return from_text(str(path), text)


def cap_title(title: str, limit: int = MAX_TITLE_CHARS) -> str:
    """``title`` if it fits in ``limit`` characters, else cut at the last space that leaves at
    least half of it, with "…" (which counts towards the limit)."""
    if len(title) <= limit:
        return title
    cut = title.rfind(" ", 0, limit)
    head = title[:cut] if cut >= limit // 2 else title[:limit - 1]
    return head.rstrip(" ,;:-–—") + "…"


def from_text(path: str, text: str) -> RawDocument:
    """Metadata from a plain-text or Markdown article."""
    lines = text.splitlines(keepends=True)
    pos, title, title_found = 0, "", False
    meta: dict[str, object] = {}
    body_start = 0
    for line in lines:
        stripped = line.strip().lstrip("#").strip()
        if not title_found:
            if stripped:
                title, title_found = stripped, True
            pos += len(line)
            body_start = pos
            continue
        if not stripped:
            pos += len(line)
            body_start = pos
            continue
        m = HEADER.match(stripped)
        b = BYLINE.match(stripped)
        if m:
            key, value = m.group("key").lower(), m.group("value").strip()
            if key in ("source", "outlet", "publisher"):
                meta["outlet"] = value
            elif key in ("url", "link"):
                meta["url"] = value
            elif key in ("date", "published"):
                meta["published"] = parse_date(value)
            else:
                meta["author"] = value
        elif b:
            meta["author"] = b.group("value")
        elif DATE_LINE.match(stripped) and parse_date(stripped):
            meta["published"] = parse_date(stripped)
        else:
            break
        pos += len(line)
        body_start = pos
    opinion = is_opinion(title, meta.get("url"))  # type: ignore[arg-type]
    if OPINION.match(title):
        title = OPINION.sub("", title).strip()
    bio_span = None
    for m in re.finditer(r"[^\n]+", text[body_start:]):
        line = m.group(0).strip()
        b = BIO.match(line)
        if b and len(line) < 160:
            meta.setdefault("author", b.group("name"))
            outlet = b.group("outlet1") or b.group("outlet2")
            if outlet:
                meta.setdefault("outlet", outlet.strip().rstrip("."))
            s = body_start + m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            bio_span = (s, s + len(line))
    return RawDocument(path=path, text=text, title=cap_title(title or Path(path).stem), body_start=body_start,
                       opinion=opinion, bio_span=bio_span, **meta)  # type: ignore[arg-type]


def from_html(path: str, html: str) -> RawDocument:
    """Main text and metadata of an HTML page, through trafilatura."""
    import trafilatura

    result = trafilatura.bare_extraction(html, include_comments=False, include_tables=False, with_metadata=True)
    if result is None:
        raise BadInput(f"{shown(path)}: no article text found in this HTML page")
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    body = (data.get("text") or "").strip()
    if not body:
        raise BadInput(f"{shown(path)}: no article text found in this HTML page")
    title = (data.get("title") or "").strip()
    repeated = title and body.splitlines()[0].strip() == title
    text = f"{title}\n\n{body}\n" if title and not repeated else body + "\n"
    doc = from_text(path, text)
    published = parse_date(data["date"]) if data.get("date") else doc.published
    url = data.get("url") or doc.url
    return replace(
        doc,
        outlet=data.get("sitename") or doc.outlet,
        author=data.get("author") or doc.author,
        url=url,
        published=published,
        opinion=doc.opinion or is_opinion(title, url),
    )
