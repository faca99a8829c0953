"""What an upload is before it is parsed: its size, its real format, its text encoding, its separator.

Cheapest checks first and the size cap before anything is decoded, so a huge or non-CSV file is
refused with its real cause (a ZIP, a PDF, a web page saved as .csv) and the way to fix it.
Every text encoding that spreadsheet tools write is turned into UTF-8 bytes here, so the parser
only ever sees one encoding.
"""
from __future__ import annotations

import codecs
import csv
import io

from core import settings
from core.errors import DataError

FIX = "Export your table as a CSV text file (comma, semicolon or tab separated) and upload that."
TOO_BIG = ("The file is {size}, over LayerLab's cap of {cap} for a CSV upload. Use a sample of the "
           "rows, or ask the administrator to raise LAYERLAB_MAX_CSV_MB.")
EMPTY = "The file is empty. Upload a CSV with a header row and at least one data row."
NOT_CSV = "The file is {what}, not a CSV text file. {fix}"
BINARY = ("The file contains binary data, not text, so it is not a CSV. " + FIX + " (UTF-16 text "
          "without a byte-order mark cannot be told apart: save it as 'CSV UTF-8'.)")
NOTE_CP1252 = "The file was not UTF-8; read it as Windows-1252 (Western European, Excel's default)."
NOTE_LATIN1 = "The file was not UTF-8; read it as Latin-1."
NOTE_UTF16 = "The file was UTF-16 text (Excel's 'Unicode text'); read it as such."
NOTE_BOM = "The file began with a UTF-8 byte-order mark; it was removed."
NOTE_DELIMITER = "Columns were separated by {word}."
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}

_XLSX_FIX = "Open it in Excel or LibreOffice and save it with File > Save As > CSV UTF-8, then upload that."
_MAGIC = {  # file signatures people upload by mistake, with the fix for each
    b"\x89PNG": ("a PNG image", FIX), b"\xff\xd8\xff": ("a JPEG image", FIX),
    b"GIF8": ("a GIF image", FIX),
    b"%PDF": ("a PDF document", "Export the table as CSV from the program that made the PDF "
              "(a PDF cannot be read as a table), then upload that."),
    b"PK\x03\x04": ("a ZIP archive or an Excel .xlsx workbook", "If it is a workbook, o"
                    + _XLSX_FIX[1:] + " If it is a ZIP, unzip it and upload the CSV inside."),
    b"\x1f\x8b": ("a gzip-compressed file", "Decompress it and upload the CSV inside."),
    b"\xd0\xcf\x11\xe0": ("an old Excel .xls workbook", _XLSX_FIX),
}
_HTML_STARTS = (b"<!doctype", b"<html", b"<?xml", b"<head", b"<table")
_CHUNK = 1 << 20


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def check_format(raw: bytes) -> None:
    """Refuse what is too big, empty, or another kind of file named .csv."""
    cap = settings.MAX_CSV_BYTES
    if len(raw) > cap:  # before any parsing: never half-read a file we cannot hold
        raise DataError(TOO_BIG.format(size=_mb(len(raw)), cap=_mb(cap)))
    if not raw[:65536].strip() and not raw.strip():
        raise DataError(EMPTY)
    for magic, (what, fix) in _MAGIC.items():
        if raw.startswith(magic):
            raise DataError(NOT_CSV.format(what=what, fix=fix))
    head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_STARTS):
        raise DataError(NOT_CSV.format(what="a web page (HTML)", fix="Download the table itself as "
                                       "CSV (not the page showing it), or copy the table into a "
                                       "spreadsheet and save it as CSV UTF-8."))


def _is_utf8(raw: bytes) -> bool:
    """Validate in chunks: decoding a big file at once would hold a second copy of it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(raw), _CHUNK):
            decoder.decode(raw[start:start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def to_utf8(raw: bytes, notes: list[str]) -> bytes:
    """The file as UTF-8 bytes without a byte-order mark, whatever tool wrote it."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError(BINARY) from None
        notes.append(NOTE_UTF16)
        return text.encode("utf-8")
    if raw.startswith(codecs.BOM_UTF8):
        notes.append(NOTE_BOM)
        raw = raw[len(codecs.BOM_UTF8):]
    if _is_utf8(raw):
        return raw
    try:  # Windows-1252 leaves 5 bytes undefined; Latin-1 maps every byte, so it cannot fail
        text, note = raw.decode("cp1252"), NOTE_CP1252
    except UnicodeDecodeError:
        text, note = raw.decode("latin-1"), NOTE_LATIN1
    notes.append(note)
    return text.encode("utf-8")


def check_text(data: bytes) -> None:
    head = data[:8192]
    controls = sum(b < 32 and b not in (9, 10, 12, 13) for b in head)
    if b"\x00" in head or controls > len(head) * 0.01:
        raise DataError(BINARY)


def sample_text(data: bytes) -> str:
    """The first 64 KB as text (a character cut in half at the end is dropped)."""
    text = data[:65536].decode("utf-8", errors="ignore")
    return text.replace("\r\n", "\n").replace("\r", "\n")  # old Mac exports end lines with CR


def sniff_delimiter(text: str, notes: list[str]) -> str:
    """The candidate giving the most columns with the same count on the first rows."""
    best, best_key = ",", (-1, -1)
    for delim in DELIMITERS:
        rows = []
        try:
            for row in csv.reader(io.StringIO(text), delimiter=delim):
                if row:
                    rows.append(len(row))
                if len(rows) >= 30:
                    break
        except csv.Error:
            continue
        if not rows:
            continue
        # The last sampled row may be cut off by the 64 KB sample: leave it out of the check.
        sample = rows[:-1] if len(rows) > 2 else rows
        key = (int(all(n == rows[0] for n in sample)), rows[0])
        if rows[0] > 1 and key > best_key:
            best, best_key = delim, key
    if best != ",":
        notes.append(NOTE_DELIMITER.format(word=DELIMITERS[best]))
    return best
