"""Content a Word document imports from another file (``w:altChunk``), read as text.

Programs that generate Word documents (report generators, test systems, document assembly) often
put HTML, a web archive (.mht), plain text or another .docx into a document as an "alternative
format chunk": the body holds only a reference, and Word converts the chunk into paragraphs when
it opens the file. A file no one has opened and saved in Word keeps the chunk as it is, and
python-docx reads none of it: a generated test report's whole body could be lost without a word.
"""

from __future__ import annotations

from html.parser import HTMLParser

from adaptline.extract.readers.base import markdown_table

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_WEB_ARCHIVE_TYPES = ("message/rfc822", "multipart/related")
_TEXT_TYPES = ("text/plain",)
_SKIPPED = {"head", "script", "style", "template", "noscript"}
_BLOCKS = {
    *("p", "div", "br", "hr", "pre", "blockquote", "section", "article", "header", "footer", "main"),
    *("ul", "ol", "li", "dl", "dt", "dd", "caption", "figure", "figcaption", "address", "center"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "table", "tr"),
}


def imported_text(content_type: str, data: bytes) -> str | None:
    """The text of an imported chunk of ``content_type`` (markdown for HTML: headings, lists and
    tables), or None for a type not read here (RTF, Flat OPC XML)."""
    content_type = content_type.split(";")[0].strip().lower()
    if content_type in _HTML_TYPES:
        return html_text(_decode(data))
    if content_type in _WEB_ARCHIVE_TYPES:
        return _web_archive_text(data)
    if content_type in _TEXT_TYPES:
        return "\n".join(line.rstrip() for line in _decode(data).splitlines()).strip()
    return None


def html_text(html: str) -> str:
    """Text of an HTML document as markdown-ish blocks: what a reader of the page sees."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return parser.text()


def _web_archive_text(data: bytes) -> str | None:
    """The page of a web archive (.mht: a MIME message whose first HTML part is the page)."""
    import email  # ~14 ms with its policies: only for web archives
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() in _HTML_TYPES:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return html_text(_decode(payload, part.get_content_charset()))
    return None


def _decode(data: bytes, charset: str | None = None) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return data.decode("cp1252", errors="replace")


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None  # the text pieces of the open cell


class _HtmlText(HTMLParser):
    """Collects blocks of text: headings and list items with their markdown markers, tables as
    markdown tables (a nested table's rows are "a; b; c" lines of its cell, as in the docx reader)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.prefix = ""
        self.item = False  # the open block is a list item
        self.in_list = False  # the last block is a list
        self.lists: list[int | None] = []  # open lists, innermost last: items so far (ol) or None (ul)
        self.skipping = 0
        self.tables: list[_Table] = []  # open tables, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif self.skipping:
            return
        elif tag == "table":
            self._end_block()
            self.in_list = False
            self.tables.append(_Table())
        elif self.tables:
            table = self.tables[-1]
            if tag == "tr":
                table.rows.append([])
            elif tag in ("td", "th"):
                if not table.rows:
                    table.rows.append([])
                table.cell = []
            elif tag in _BLOCKS and table.cell:
                table.cell.append("\n")
        elif tag == "br":
            self.line.append("\n")
        elif tag in _BLOCKS:
            self._end_block()
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.prefix = "#" * int(tag[1]) + " "
            elif tag in ("ul", "ol"):
                self.lists.append(0 if tag == "ol" else None)
            elif tag == "li":
                if self.lists and self.lists[-1] is not None:
                    self.lists[-1] += 1
                marker = f"{self.lists[-1]}." if self.lists and self.lists[-1] is not None else "-"
                self.prefix, self.item = "  " * max(0, len(self.lists) - 1) + marker + " ", True

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif self.skipping:
            return
        elif tag == "table" and self.tables:
            self._close_table()
        elif self.tables:
            if tag in ("td", "th"):
                self._end_cell(self.tables[-1])
        elif tag in _BLOCKS:
            self._end_block()
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if not self.tables:
            self.line.append(data)
        elif self.tables[-1].cell is not None:
            self.tables[-1].cell.append(data)

    def _close_table(self) -> None:
        table = self.tables.pop()
        self._end_cell(table)
        rows = [row for row in table.rows if any(row)]
        outer = self.tables[-1] if self.tables else None
        if outer is not None and outer.cell is not None:
            outer.cell += ["\n", "\n".join("; ".join(cell for cell in row if cell) for row in rows), "\n"]
        elif rows:
            self.blocks.append(markdown_table(rows))

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None:
            return
        lines = (" ".join(line.split()) for line in "".join(table.cell).split("\n"))
        table.rows[-1].append("\n".join(line for line in lines if line))
        table.cell = None

    def _end_block(self) -> None:
        lines = (" ".join(line.split()) for line in "".join(self.line).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            if self.item and self.in_list:
                self.blocks[-1] += "\n" + self.prefix + text  # one list stays one block, as in the docx reader
            else:
                self.blocks.append(self.prefix + text)
            self.in_list = self.item
        self.line, self.prefix, self.item = [], "", False

    def text(self) -> str:
        while self.tables:  # tables left open by a truncated page (even inside a script or style)
            self._close_table()
        self._end_block()
        return "\n\n".join(self.blocks)
