"""Bad input never stops the run: each case ends as one clear line in the report."""

from __future__ import annotations

import codecs
import faulthandler
import io
import json
import mmap
import os
import signal
import time
import zipfile
from pathlib import Path

import pytest
from extract_builders import C_SOURCE, make_docx, make_pdf, make_pptx, make_xlsx
from reportlab.lib.pdfencrypt import StandardEncryption

from adaptline.extract import ExtractParams, run_extract
from adaptline.extract.early import EarlyWorker
from adaptline.extract.readers import READERS, Extraction
from adaptline.records import read_records

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def extract(tmp_path: Path, files: dict[str, bytes], early: bool = False, **params) -> tuple[dict, dict]:
    """Run the real stage over ``files`` (with an early worker, as the stage entry starts one, if
    ``early``); return (report entries by path, report)."""
    raw = tmp_path / "raw"
    for name, data in files.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_bytes(data)
    options = {"workers": 2, **params}
    early_worker = EarlyWorker.start(str(raw), str(tmp_path / "cache")) if early else None
    report = run_extract(
        raw, tmp_path / "records.jsonl", tmp_path / "report.json", tmp_path / "cache", ExtractParams(**options),
        early_worker,
    )  # fmt: skip
    assert sorted(entry["path"] for entry in report["files"]) == sorted(files)  # every file exactly once
    return {entry["path"]: entry for entry in report["files"]}, report


def zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_with({n: (content if n == name else source.read(n)) for n in source.namelist()})


def test_truncated_files_of_each_kind_fail_and_the_run_goes_on(tmp_path: Path) -> None:
    files = {
        "t.docx": make_docx()[:4000],
        "t.pptx": make_pptx()[:5000],
        "t.xlsx": make_xlsx()[:3000],
        "t.pdf": make_pdf()[:700],
        "t.c": C_SOURCE.encode()[:500],
        "good.pdf": make_pdf(),
    }
    entries, report = extract(tmp_path, files)
    for name in ("t.docx", "t.pptx", "t.xlsx", "t.pdf"):
        assert entries[name]["status"] == "failed", name
        assert entries[name]["reason"].startswith("corrupt or unreadable " + name[2:]), entries[name]["reason"]
        assert "\n" not in entries[name]["reason"]
    # truncated C is still C: extracted, with the syntax error noted
    assert entries["t.c"]["status"] == "extracted" and "C syntax errors" in entries["t.c"]["reason"]
    assert entries["good.pdf"]["status"] == "extracted"
    assert report["totals"]["failed"] == 4


def test_corrupt_zip_member_fails(tmp_path: Path) -> None:
    entries, _ = extract(tmp_path, {"x.docx": replace_member(make_docx(), "word/document.xml", b"<w:document><oops")})
    assert entries["x.docx"]["status"] == "failed" and "corrupt or unreadable docx" in entries["x.docx"]["reason"]


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("bomb.docx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (24 << 20)}),
        ("bomb.xlsx", {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (24 << 20)}),
    ],
)
def test_zip_bomb_refused_before_parsing(tmp_path: Path, name: str, members: dict[str, bytes]) -> None:
    bomb = zip_with(members)
    assert len(bomb) < 100_000  # 24 MB of zeros inflating from a few KB
    started = time.perf_counter()
    entries, _ = extract(tmp_path, {name: bomb}, zip_max_member_mb=16.0)
    assert time.perf_counter() - started < 3
    assert entries[name]["status"] == "failed"
    assert entries[name]["reason"].startswith("zip bomb suspected: member ")
    assert "declares 24 MB (limit 16 MB)" in entries[name]["reason"]


def test_zip_bomb_refused_on_compression_ratio(tmp_path: Path) -> None:
    bomb = zip_with({"word/document.xml": b"\0" * (4 << 20)})  # under the size limit, ratio ~1000
    entries, _ = extract(tmp_path, {"ratio.docx": bomb})
    assert entries["ratio.docx"]["status"] == "failed"
    assert "compression ratio" in entries["ratio.docx"]["reason"] and "(limit 200)" in entries["ratio.docx"]["reason"]


def billion_laughs(root: bytes) -> bytes:
    """An XML document whose DTD expands one entity to 10**9 characters inside ``root``."""
    laughs = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    laughs += b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    return laughs + b"]>\n" + root


def test_billion_laughs_in_document_xml_refused(tmp_path: Path) -> None:
    laughs = billion_laughs(
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol9;</w:document>'
    )
    entries, _ = extract(tmp_path, {"laughs.docx": replace_member(make_docx(), "word/document.xml", laughs)})
    assert entries["laughs.docx"]["status"] == "failed"
    assert entries["laughs.docx"]["reason"] == (
        "XML with a DTD/entity declarations refused in word/document.xml (entity expansion risk)"
    )


_SHEET_ROOT = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def xlsx_with_first_sheet(part: str, content: bytes | None = None) -> bytes:
    """make_xlsx() with its first sheet stored at ``part`` (holding ``content``, if given): openpyxl
    finds a sheet through the workbook's relationships, so it reads whatever the part is named."""
    source = zipfile.ZipFile(io.BytesIO(make_xlsx()))
    members = {}
    for name in source.namelist():
        data = source.read(name).replace(b"worksheets/sheet1.xml", part.removeprefix("xl/").encode())
        if name == "xl/worksheets/sheet1.xml":
            name, data = part, source.read(name) if content is None else content
        members[name] = data
    return zip_with(members)


def test_dtd_refused_in_a_sheet_whatever_its_part_is_named(tmp_path: Path) -> None:
    """openpyxl reads sheets with the standard library's parser, which expands internal entities:
    the zip check is the defence, so it must cover a sheet part not named .xml too."""
    files = {
        "renamed.xlsx": xlsx_with_first_sheet("xl/worksheets/sheet1.dat"),
        "laughs.xlsx": xlsx_with_first_sheet("xl/worksheets/sheet1.dat", billion_laughs(_SHEET_ROOT + b"</worksheet>")),
        "utf16.xlsx": xlsx_with_first_sheet(
            "xl/worksheets/sheet1.bin",
            codecs.BOM_UTF16_BE + billion_laughs(_SHEET_ROOT + b"</worksheet>").decode().encode("utf-16-be"),
        ),
    }
    entries, _ = extract(tmp_path, files)
    assert entries["renamed.xlsx"]["status"] == "extracted"  # the part is read as the sheet
    assert entries["laughs.xlsx"]["reason"] == (
        "XML with a DTD/entity declarations refused in xl/worksheets/sheet1.dat (entity expansion risk)"
    )
    assert entries["utf16.xlsx"]["reason"] == (
        "XML with a DTD/entity declarations refused in xl/worksheets/sheet1.bin (entity expansion risk)"
    )


def test_dtd_after_a_prologue_longer_than_what_is_checked_refused(tmp_path: Path) -> None:
    """Only a member's first 64 KB are read for a DTD, which must come before the root element: a
    root element that does not start there is refused. A long sheet whose root starts at once is
    read (the check runs on every member of every office document)."""
    padding = b"<!--" + b" " * (70 << 10) + b"-->\n"
    late = padding + billion_laughs(_SHEET_ROOT + b"</worksheet>").replace(b'<?xml version="1.0"?>\n', b"")
    sheet = zipfile.ZipFile(io.BytesIO(make_xlsx())).read("xl/worksheets/sheet1.xml")
    root_end = sheet.index(b">", sheet.index(b"<worksheet")) + 1
    long_sheet = sheet[:root_end] + padding + sheet[root_end:]
    entries, _ = extract(
        tmp_path,
        {
            "late.xlsx": replace_member(make_xlsx(), "xl/worksheets/sheet1.xml", late),
            "long.xlsx": replace_member(make_xlsx(), "xl/worksheets/sheet1.xml", long_sheet),
        },
    )
    assert entries["late.xlsx"]["reason"] == (
        "XML whose root element does not start in its first 64 KB refused in xl/worksheets/sheet1.xml "
        "(a DTD could follow unchecked)"
    )
    assert entries["long.xlsx"]["status"] == "extracted"


def test_encrypted_pdf_with_password_fails_and_empty_password_opens(tmp_path: Path) -> None:
    locked = make_pdf(encrypt_password="s3cret")
    buffer = io.BytesIO()
    owner_only = make_pdf_with(StandardEncryption(userPassword="", ownerPassword="owner", canPrint=0), buffer)
    entries, _ = extract(tmp_path, {"locked.pdf": locked, "owner_only.pdf": owner_only})
    assert entries["locked.pdf"]["status"] == "failed"
    assert entries["locked.pdf"]["reason"] == "encrypted pdf (a password is required)"
    assert entries["owner_only.pdf"]["status"] == "extracted"
    assert entries["owner_only.pdf"]["reason"] == "encrypted pdf opened with the empty password"


def make_pdf_with(encryption: StandardEncryption, buffer: io.BytesIO) -> bytes:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(buffer, invariant=1, encrypt=encryption)
    pdf.drawString(72, 700, "Encrypted but openable")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_password_protected_office_file_ole_container(tmp_path: Path) -> None:
    encrypted = OLE_MAGIC + b"\0" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 500
    legacy = OLE_MAGIC + b"\0" * 1000
    entries, _ = extract(tmp_path, {"protected.docx": encrypted, "old.xlsx": legacy})
    assert entries["protected.docx"]["status"] == "failed"
    assert entries["protected.docx"]["reason"] == "encrypted office file (password-protected OLE container)"
    assert entries["old.xlsx"]["reason"] == "encrypted or legacy OLE office file (.doc/.xls/.ppt are not supported)"


def test_wrong_extension_is_extracted_by_content(tmp_path: Path) -> None:
    entries, _ = extract(tmp_path, {"spec.docx": make_pdf()})
    assert entries["spec.docx"]["status"] == "extracted" and entries["spec.docx"]["kind"] == "pdf"
    assert entries["spec.docx"]["reason"] == "extension .docx but content is pdf; extracted as pdf"
    records = list(read_records(tmp_path / "records.jsonl"))
    assert {r.kind for r in records} == {"pdf"} and records[0].context.startswith("spec.docx · pdf")


def test_garbage_with_office_extension_fails(tmp_path: Path) -> None:
    entries, _ = extract(tmp_path, {"fake.pptx": b"this is not a presentation"})
    assert entries["fake.pptx"]["status"] == "failed"
    assert entries["fake.pptx"]["reason"] == "not a pptx file (content does not match the extension)"


def test_empty_file_skipped(tmp_path: Path) -> None:
    entries, _ = extract(tmp_path, {"empty.pdf": b"", "ok.c": b"int x;\n"})
    assert entries["empty.pdf"] == {**entries["empty.pdf"], "status": "skipped", "reason": "empty file"}
    assert entries["ok.c"]["status"] == "extracted"


def test_file_over_size_limit_skipped_unread(tmp_path: Path) -> None:
    entries, _ = extract(tmp_path, {"big.pdf": make_pdf(pages=3)}, max_file_mb=0.001)
    assert entries["big.pdf"]["status"] == "skipped"
    assert (
        entries["big.pdf"]["reason"].startswith("file over size limit (")
        and "> 0.001 MB)" in entries["big.pdf"]["reason"]
    )
    assert entries["big.pdf"]["doc_id"] is None


class SleepingReader:
    """A parser that hangs (runs in the real worker, inherited through fork)."""

    kind = "c"
    version = "sleepy-1"

    def read(self, data: bytes, params: ExtractParams) -> Extraction:
        if b"hang" in data:
            time.sleep(60)
        return READERS_ORIGINAL["c"].read(data, params)


class CrashingReader(SleepingReader):
    def read(self, data: bytes, params: ExtractParams) -> Extraction:
        if b"crash" in data:
            faulthandler.disable()  # pytest's fault handler would print the crash of this child
            os.kill(os.getpid(), signal.SIGSEGV)
        if b"balloon" in data:
            hog = bytearray(1 << 30)  # 1 GiB against a 512 MB cap
            return Extraction(chunks=[], notes=[str(len(hog))])
        return READERS_ORIGINAL["c"].read(data, params)


READERS_ORIGINAL = dict(READERS)


@pytest.mark.parametrize("early", [False, True], ids=["pool", "early-worker"])
def test_hanging_parser_is_killed_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, early: bool
) -> None:
    """The hanging document sorts first, so with an early worker it is the early worker's task."""
    monkeypatch.setitem(READERS, "c", SleepingReader())
    files = {"0-hang.c": b"/* hang */ int a;\n", "b.c": b"int b;\n", "c.c": b"int c;\n", "d.c": b"int d;\n"}
    started = time.perf_counter()
    entries, report = extract(tmp_path, files, early, timeout_s=0.5)
    assert time.perf_counter() - started < 5
    assert entries["0-hang.c"]["status"] == "failed"
    assert entries["0-hang.c"]["reason"] == "timed out after 0.5 s (parser killed)"
    assert all(entries[name]["status"] == "extracted" for name in ("b.c", "c.c", "d.c"))
    assert report["totals"]["cache_misses"] == 4
    # a timeout depends on the machine, not on the bytes: it is not cached, the next run tries again
    _, again = extract(tmp_path, files, early, timeout_s=0.5)
    assert (again["totals"]["cache_hits"], again["totals"]["cache_misses"]) == (3, 1)


@pytest.mark.parametrize("early", [False, True], ids=["pool", "early-worker"])
def test_crashing_and_memory_hungry_parsers_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, early: bool
) -> None:
    monkeypatch.setitem(READERS, "c", CrashingReader())
    files = {"crash.c": b"/* crash */\n", "balloon.c": b"/* balloon */\n", "fine.c": b"int fine;\n"}
    entries, _ = extract(tmp_path, files, early, memory_limit_mb=512)
    assert entries["crash.c"]["status"] == "failed"
    assert entries["crash.c"]["reason"] == "worker died on signal 11 while parsing"
    assert entries["balloon.c"]["reason"] == "memory limit exceeded (512 MB)"
    assert entries["fine.c"]["status"] == "extracted"


@pytest.mark.parametrize("early", [False, True], ids=["pool", "early-worker"])
def test_memory_cap_counts_from_what_the_worker_inherits(tmp_path: Path, early: bool) -> None:
    """A parent that already maps more than the cap (a notebook with torch loaded, a test run that
    imported spaCy) must not make every worker fail its first import or allocation: the cap is
    what a worker may map on top of the address space it was forked with."""
    reserved = mmap.mmap(-1, 1 << 30)  # 1 GiB of address space in the parent, never touched
    try:
        files = {"a.c": b"int a;\n", "big.c": b"/*\n" + b"x" * 2_000_000 + b"\n*/\nint a;\n"}  # a fresh mapping
        entries, _ = extract(tmp_path, files, early, memory_limit_mb=256)
    finally:
        reserved.close()
    assert [entries[name]["status"] for name in ("a.c", "big.c")] == ["extracted", "extracted"], entries


def test_c_in_latin1_and_utf16_with_bom(tmp_path: Path) -> None:
    latin1 = "/* Température maximale: 85 °C */\nint t_max = 85;\n".encode("latin-1")
    utf16 = codecs.BOM_UTF16_LE + "/* Spannung µV */\nint u;\n".encode("utf-16-le")
    entries, _ = extract(tmp_path, {"latin.c": latin1, "wide.h": utf16})
    assert entries["latin.c"]["reason"] == "not valid UTF-8; decoded as cp1252"
    assert entries["wide.h"]["reason"] == "decoded as UTF-16 (byte order mark)"
    texts = {r.source_path: r.text for r in read_records(tmp_path / "records.jsonl")}
    assert texts["latin.c"] == "/* Température maximale: 85 °C */\nint t_max = 85;"
    assert texts["wide.h"] == "/* Spannung µV */\nint u;"


def test_missing_input_folder_is_a_pipeline_error(tmp_path: Path) -> None:
    from adaptline.extract import ExtractStageError

    with pytest.raises(ExtractStageError, match="does not exist"):
        run_extract(tmp_path / "nope", tmp_path / "r.jsonl", tmp_path / "rep.json", tmp_path / "c", ExtractParams())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX links, pipes and byte file names")
def test_entries_that_are_not_files_are_reported_not_lost(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    raw, elsewhere = tmp_path / "raw", tmp_path / "elsewhere"
    (raw / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    (raw / "sub/a.c").write_bytes(b"int a;\n")
    (elsewhere / "b.c").write_bytes(b"int b;\n")
    (raw / "linked").symlink_to(elsewhere, target_is_directory=True)
    (raw / "to_a.c").symlink_to(raw / "sub/b.c")  # the target does not exist
    (raw / "two\nlines.c").symlink_to(raw / "sub/b.c")
    os.mkfifo(raw / "pipe.c")  # reading it would block the stage forever
    (raw / os.fsdecode(b"caf\xe9.c")).write_bytes(b"int c;\n")  # a Latin-1 name from an old share
    (raw / os.fsdecode(b"Pr\xfcfung")).mkdir()
    (raw / os.fsdecode(b"Pr\xfcfung") / "d.c").write_bytes(b"int d;\n")

    with caplog.at_level("WARNING", logger="adaptline.extract"):
        report = run_extract(raw, tmp_path / "r.jsonl", tmp_path / "report.json", tmp_path / "cache", ExtractParams())
    entries = {entry["path"]: (entry["status"], entry["reason"]) for entry in report["files"]}
    not_utf8 = "name is not valid UTF-8 (DVC cannot track it either; rename it, e.g. with convmv): not extracted"
    linked = "link to a folder: not followed (DVC does not track what it links to either); not extracted"
    assert entries == {
        "sub/a.c": ("extracted", ""),
        "linked/": ("skipped", linked),
        "to_a.c": ("failed", "broken link (its target is missing): not extracted"),
        "two\nlines.c": ("failed", "broken link (its target is missing): not extracted"),
        "pipe.c": ("skipped", "not a regular file (named pipe): not extracted"),
        "caf\\xe9.c": ("failed", not_utf8),
        "Pr\\xfcfung/": ("failed", not_utf8),
    }  # fmt: skip
    json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))  # written, and valid UTF-8
    failures = [record.getMessage() for record in caplog.records]
    assert len(failures) == 4 and all("\n" not in message for message in failures)  # one line per file
    assert "failed: two\\nlines.c: broken link (its target is missing): not extracted" in failures


def test_file_changed_between_hashing_and_parsing_is_not_cached(tmp_path: Path) -> None:
    from adaptline.extract.worker import extract_document

    path = tmp_path / "a.c"
    path.write_bytes(b"int a;\n")
    result = extract_document(str(path), "c", ExtractParams(), sha256="0" * 64)
    assert result == {"status": "failed", "reason": "file changed while the stage ran", "transient": True}


def test_document_without_text_is_extracted_with_a_note(tmp_path: Path) -> None:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    entries, _ = extract(tmp_path, {"blank.docx": buffer.getvalue()})
    assert entries["blank.docx"] | {"doc_id": None} == {
        "path": "blank.docx", "status": "extracted", "reason": "no text found", "doc_id": None,
        "kind": "docx", "n_records": 0,
    }  # fmt: skip


def test_parser_messages_are_one_line_without_quoted_document_bytes() -> None:
    from adaptline.extract.worker import _describe

    assert _describe(ValueError("Invalid object starting with b'Jane Roe, +1 555 0100'\n@ 42")) == (
        "ValueError: Invalid object starting with '…' @ 42"
    )
    assert _describe(KeyError("There is no item named 'word/document.xml' in the archive")) == (
        "KeyError: There is no item named '…' in the archive"
    )


def test_parser_warnings_are_report_notes_without_their_text(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    """openpyxl warns about what it leaves out, at times quoting the document (here a custom
    property named after a person). The warnings went to the stage's log; they are now notes on
    the document's report entry, their text withheld."""
    custom = (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="%d" name="Approved by Jane Roe">'
        b"<vt:blob>AAAA</vt:blob></property></Properties>"
    )

    def with_custom_property(pid: int) -> bytes:
        with zipfile.ZipFile(io.BytesIO(make_xlsx())) as source:
            members = {name: source.read(name) for name in source.namelist()}
        return zip_with({**members, "docProps/custom.xml": custom % pid})

    entries, report = extract(tmp_path, {"bom.xlsx": with_custom_property(2), "twice.xlsx": with_custom_property(3)})
    for name in ("bom.xlsx", "twice.xlsx"):  # one worker reads both: each document has its own warning
        assert entries[name]["status"] == "extracted"
        assert entries[name]["n_records"] > 0
        assert entries[name]["reason"].startswith("parser warning: UserWarning from openpyxl/packaging/custom.py:")
        assert entries[name]["reason"].endswith("(text withheld: it can quote the document)")
    assert "Jane Roe" not in json.dumps(report)
    assert "Jane Roe" not in "".join(capfd.readouterr())


def _with_relationship(data: bytes, rels_member: str, relationship: bytes) -> bytes:
    rels = zipfile.ZipFile(io.BytesIO(data)).read(rels_member)
    return replace_member(data, rels_member, rels.replace(b"</Relationships>", relationship + b"</Relationships>"))


_IMAGE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


@pytest.mark.parametrize(
    ("name", "make", "rels_member", "target"),
    [
        ("report.docx", make_docx, "word/_rels/document.xml.rels", b"NULL"),  # left by add-ins
        ("bookmark.docx", make_docx, "word/_rels/document.xml.rels", b"#_top"),  # a bookmark written as a target
        ("deck.pptx", make_pptx, "ppt/slides/_rels/slide1.xml.rels", b"../drawings/NULL"),
        ("bom.xlsx", make_xlsx, "xl/_rels/workbook.xml.rels", b"NULL"),
    ],
)
def test_relationships_to_missing_parts_are_dropped_not_the_document(
    tmp_path: Path, name: str, make, rels_member: str, target: bytes
) -> None:
    """Office opens such files; python-docx and python-pptx refused them whole ("There is no item
    named 'word/NULL' in the archive"). The document is now read, with a note."""
    dangling = b'<Relationship Id="rId990" Type="' + _IMAGE + b'" Target="' + target + b'"/>'
    data = _with_relationship(make(), rels_member, dangling)
    entries, _ = extract(tmp_path, {name: data})
    expected, _ = extract(tmp_path / "plain", {name: make()})
    assert entries[name]["status"] == "extracted"
    assert entries[name]["n_records"] == expected[name]["n_records"] > 0
    if name.endswith(".docx"):  # python-docx refuses the file; python-pptx 1.0 and openpyxl read around it
        assert (
            entries[name]["reason"]
            == "1 relationship(s) to parts missing from the package dropped (Office opens such files)"
        )
    else:
        assert entries[name]["reason"] == ""


def _cut_member(data: bytes, name: str, at: bytes) -> bytes:
    """The package with member ``name`` cut short just before ``at``, as by a tool that crashed
    while saving."""
    content = zipfile.ZipFile(io.BytesIO(data)).read(name)
    assert at in content, at
    return replace_member(data, name, content[: content.index(at)])


def _with_bytes_replaced(data: bytes, name: str, old: bytes, new: bytes) -> bytes:
    content = zipfile.ZipFile(io.BytesIO(data)).read(name)
    assert old in content, old
    return replace_member(data, name, content.replace(old, new, 1))


def test_damaged_xml_parts_are_recovered_not_the_document_lost(tmp_path: Path) -> None:
    """python-docx and python-pptx parse every part when they open a file, so one control character
    a generator copied into the text, or one part cut short, failed the whole document
    ("XMLSyntaxError: PCDATA invalid Char value 11"). Word and LibreOffice recover such files; the
    reader now does too, reads what the damaged part still holds, and names the part in a note."""
    files = {
        # a vertical tab (Word's manual line break, pasted raw by a report generator) in the body
        "control.docx": _with_bytes_replaced(
            make_docx(), "word/document.xml", b"This review covers", b"This review\x0b covers"
        ),
        # the running header cut short inside its root tag: nothing in it is readable
        "header.docx": _cut_member(make_docx(), "word/header1.xml", b"xmlns:w="),
        "control.pptx": _with_bytes_replaced(make_pptx(), "ppt/slides/slide1.xml", b"Dead time", b"Dead\x01 time"),
        # slide 1 cut inside its second shape: the title stays, the shape python-pptx cannot read goes
        "cut.pptx": _cut_member(
            make_pptx(), "ppt/slides/slide1.xml", b"<p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>Gate"
        ),
        "results.xlsx": _cut_member(make_xlsx(), "xl/worksheets/sheet2.xml", b"</sheetData>"),
        # the package's own relationships cut before the first: the one to the document is put back
        "package.docx": _cut_member(make_docx(), "_rels/.rels", b"<Relationship "),
        # the list of content types cut before its first Override: each part is typed again from
        # the relationship that points to it (a header is a header)
        "types.docx": _cut_member(make_docx(), "[Content_Types].xml", b"<Override "),
        "types.pptx": _cut_member(make_pptx(), "[Content_Types].xml", b"<Override "),
        "types.xlsx": _cut_member(make_xlsx(), "[Content_Types].xml", b"<Override "),
        # the core properties (author, title) cut inside the root tag: the document has none
        "properties.pptx": _cut_member(make_pptx(), "docProps/core.xml", b"xmlns:cp="),
    }
    entries, report = extract(tmp_path, files)
    plain, _ = extract(tmp_path / "plain", {"d.docx": make_docx(), "d.pptx": make_pptx(), "d.xlsx": make_xlsx()})
    assert report["totals"]["failed"] == 0
    assert entries["control.docx"]["reason"] == (
        "word/document.xml recovered as far as it could be read (damaged XML): text there may be missing"
    )
    assert entries["header.docx"]["reason"].startswith("word/header1.xml recovered as far as it could be read")
    assert entries["control.pptx"]["reason"].startswith("ppt/slides/slide1.xml recovered")
    assert entries["results.xlsx"]["reason"].startswith("xl/worksheets/sheet2.xml recovered")
    assert entries["package.docx"]["reason"].startswith("_rels/.rels recovered")
    assert entries["package.docx"]["n_records"] == plain["d.docx"]["n_records"]
    assert entries["properties.pptx"]["reason"].startswith("docProps/core.xml recovered")
    for kind in ("docx", "pptx", "xlsx"):
        assert entries[f"types.{kind}"]["reason"].startswith("[Content_Types].xml recovered"), kind
        assert entries[f"types.{kind}"]["n_records"] == plain[f"d.{kind}"]["n_records"], kind
    assert entries["properties.pptx"]["n_records"] == plain["d.pptx"]["n_records"]
    assert entries["cut.pptx"]["reason"] == (
        "ppt/slides/slide1.xml recovered as far as it could be read (damaged XML): text there may be missing; "
        "slide 1: 1 damaged shape(s) left out"
    )
    for name in ("control.docx", "control.pptx", "results.xlsx"):
        assert entries[name]["n_records"] == plain["d." + name.rsplit(".", 1)[1]]["n_records"], name
    texts = {}
    for record in read_records(tmp_path / "records.jsonl"):
        texts.setdefault(record.source_path, []).append(record.text)
    # the text around the bad byte
    assert "This review covers the 3V3 buck converter." in "\n".join(texts["control.docx"])
    assert "Dead time 200 ns" in "\n".join(texts["control.pptx"])
    assert texts["cut.pptx"][0].endswith("# Motor Driver Status")  # slide 1 keeps its title
    assert "Test Matrix" in "\n".join(texts["cut.pptx"])  # and slide 2 is read whole
    assert "This review covers the 3V3 buck converter." in "\n".join(texts["header.docx"])
    assert "ACME Confidential" not in "\n".join(texts["header.docx"])  # the header was cut before its text
    assert "Erika" not in json.dumps(report)


def test_recovered_xml_is_well_formed_and_keeps_nothing_a_strict_parser_refuses() -> None:
    """The recovering parser keeps a repeated attribute and a reference to an undefined entity;
    the part written back must parse strictly, or python-docx would refuse it again."""
    from lxml import etree

    from adaptline.extract.readers.package import recovered_note, with_damaged_xml_recovered

    damaged = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        b'<w:p w:rsidR="1" w:rsidR="2"><w:r><w:t>10 &micro;F cap</w:t></w:r></w:p><w:p><w:r><w:t>cut'
    )
    data = zip_with({"word/document.xml": damaged, "word/styles.xml": b"<w:styles/>", "customXml/item1.xml": b"<a/>"})
    repaired, parts = with_damaged_xml_recovered(data)
    assert parts == ["word/document.xml", "word/styles.xml"]  # the undeclared prefix is Word's own
    document = etree.fromstring(zipfile.ZipFile(io.BytesIO(repaired)).read("word/document.xml"))
    assert [t.text for t in document.iter("{*}t")] == ["10 F cap", "cut"]
    assert zipfile.ZipFile(io.BytesIO(repaired)).read("customXml/item1.xml") == b"<a/>"  # well-formed: untouched
    assert with_damaged_xml_recovered(zip_with({"word/document.xml": b"<a/>"}))[1] == []
    # a relationships part cut inside its root tag has no relationships; a namespace name with a
    # control character in it is the namespace it was meant to be
    cut = zip_with({"word/_rels/document.xml.rels": b'<?xml version="1.0"?>\n<Relation'})
    rels = zipfile.ZipFile(io.BytesIO(with_damaged_xml_recovered(cut)[0])).read("word/_rels/document.xml.rels")
    assert etree.fromstring(rels).tag == "{http://schemas.openxmlformats.org/package/2006/relationships}Relationships"
    namespace = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    bad_namespace = zip_with({"word/header1.xml": b'<w:hdr xmlns:w="' + namespace.replace(b"//", b"//\x01") + b'"/>'})
    header = zipfile.ZipFile(io.BytesIO(with_damaged_xml_recovered(bad_namespace)[0])).read("word/header1.xml")
    assert etree.fromstring(header).tag == "{" + namespace.decode() + "}hdr"
    # the document properties cut inside the XML declaration: none, as in a file without them
    properties = zip_with({"docProps/core.xml": b'<?xml version="1.0" encod'})
    core = zipfile.ZipFile(io.BytesIO(with_damaged_xml_recovered(properties)[0])).read("docProps/core.xml")
    assert etree.fromstring(core).tag.endswith("}coreProperties") and len(etree.fromstring(core)) == 0
    # a part name that is not one a package generates is not echoed into the report
    note = recovered_note(["word/document.xml", "customXml/Jane Roe's notes.xml"])
    assert note.startswith("word/document.xml and 1 more part(s) recovered") and "Jane" not in note


@pytest.mark.parametrize(
    ("name", "module", "function", "make"),
    [
        ("notes.docx", "docx", "_notes_text", make_docx),  # footnotes, endnotes, comments
        ("comments.xlsx", "xlsx", "_comment_lines", make_xlsx),
        ("shapes.xlsx", "xlsx", "_shape_lines", make_xlsx),
        ("outline.pdf", "pdf", "_outline_entries", make_pdf),
    ],
)
def test_running_out_of_memory_in_one_part_fails_the_document_as_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, module: str, function: str, make
) -> None:
    """A damaged part costs only that part, but memory running out is no damage: it must reach the
    worker, which reports the memory limit and keeps the result out of the cache (a rerun with more
    memory reads the file). The part handlers used to turn it into a note about a damaged part."""
    import importlib

    from adaptline.extract.worker import extract_document

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(importlib.import_module(f"adaptline.extract.readers.{module}"), function, out_of_memory)
    (tmp_path / name).write_bytes(make())
    result = extract_document(str(tmp_path / name), name.rsplit(".", 1)[1], ExtractParams(memory_limit_mb=512))
    assert result == {"status": "failed", "reason": "memory limit exceeded (512 MB)", "transient": True}


def test_header_reference_to_a_missing_relationship_costs_the_header_not_the_document(tmp_path: Path) -> None:
    """A section that names its header by a relationship the file lacks (a generator that dropped
    the part and its relationship but not the reference): Word shows no header; python-docx
    raises ``KeyError: 'rId9'`` when the header is read, which failed the whole document."""
    source = make_docx()
    rels = zipfile.ZipFile(io.BytesIO(source)).read("word/_rels/document.xml.rels")
    from lxml import etree

    root = etree.fromstring(rels)
    for relationship in list(root):
        if relationship.get("Type", "").endswith("/header"):
            root.remove(relationship)
    data = replace_member(source, "word/_rels/document.xml.rels", etree.tostring(root))
    entries, _ = extract(tmp_path, {"report.docx": data})
    assert entries["report.docx"]["status"] == "extracted"
    assert entries["report.docx"]["reason"] == "section 1: a header could not be read (KeyError)"
    texts = [record.text for record in read_records(tmp_path / "records.jsonl")]
    assert any("This review covers the 3V3 buck converter." in text for text in texts)
    assert any("Printed copies are uncontrolled" in text for text in texts)  # the footer is still read


def test_pdf_cut_short_is_read_from_the_objects_still_there(tmp_path: Path) -> None:
    """A PDF cut short (an aborted download or copy) has lost its cross-reference table at the
    end: pypdf and MarkItDown read nothing ("Stream has ended unexpectedly"). The pages whose
    content is still in the file are now read, with a note; a file with no page left fails."""
    full = make_pdf(pages=3)
    third_page_content = full.index(b"11 0 obj")  # reportlab stores the content streams last, in page order
    page_tree = full.index(b"8 0 obj")
    files = {
        "cut.pdf": full[:third_page_content],
        # the page tree damaged as well: the pages are found among the objects
        "no_tree.pdf": full[:page_tree] + b"8 0 ojb" + full[page_tree + 7 : third_page_content],
        "nothing_left.pdf": full[:page_tree],  # no page content at all
        "full.pdf": full,
    }
    entries, _ = extract(tmp_path, files)
    note = "damaged pdf (cut short?): read from its objects, text of lost pages missing"
    assert entries["cut.pdf"]["reason"] == note
    tree_gone = "its page tree is gone too: 3 page(s) found, in the order stored"
    assert entries["no_tree.pdf"]["reason"] == f"{note}; {tree_gone}"
    assert entries["nothing_left.pdf"]["status"] == "failed"
    assert entries["nothing_left.pdf"]["reason"] == (
        "corrupt or unreadable pdf file (damaged, cut short?: no page's text could be recovered)"
    )
    pages: dict[str, dict[int, str]] = {}
    for record in read_records(tmp_path / "records.jsonl"):
        if record.location.part == "body":
            pages.setdefault(record.source_path, {})[record.location.page] = record.text
    assert sorted(pages["cut.pdf"]) == sorted(pages["no_tree.pdf"]) == [1, 2]  # page 3's content is gone
    for number in (1, 2):
        body = pages["full.pdf"][number].split("\n", 1)[1]  # past the context header
        assert body in pages["cut.pdf"][number] and body in pages["no_tree.pdf"][number]


def test_parser_log_lines_are_report_notes_without_their_text(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    """pypdf logs at ERROR level a font encoding it does not know, naming it as the file does.
    With no handler set, Python printed that line to the stage's stderr, where a name from the
    document does not belong. It is now a note on the document's report entry, text withheld."""
    data = make_pdf()
    assert b"/Encoding /WinAnsiEncoding" in data
    data = data.replace(b"/Encoding /WinAnsiEncoding", b"/Encoding /JaneRoeEncoding")  # same length: offsets kept
    entries, report = extract(tmp_path, {"spec.pdf": data})
    assert entries["spec.pdf"]["status"] == "extracted"
    assert entries["spec.pdf"]["reason"].startswith("parser log: ERROR from pypdf._cmap (")
    assert entries["spec.pdf"]["reason"].endswith("text withheld: it can quote the document)")
    assert "JaneRoe" not in json.dumps(report)
    assert "JaneRoe" not in "".join(capfd.readouterr())
