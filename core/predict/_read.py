"""Reading a CSV of new rows: encoding and delimiter found, every cell kept as text.

Unlike a training upload (core.data), a prediction file may have a single column, has no
target, and a bad line must not sink the whole file: each record keeps its file line number
and its own field count, so the checks can hold back one row and predict the rest.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from core import settings
from core.errors import LayerLabError

EMPTY_FILE = ("The file is empty. Upload a CSV whose first line names the columns ({needed}) "
              "and with one row per case below it.")
NO_ROWS = ("The file has a header line but no rows to predict. Add one row per case under the "
           "header ({needed}).")
TOO_BIG = ("The file is {size}, over LayerLab's cap of {cap} for a CSV. Split it into smaller "
           "files, or ask the administrator to raise LAYERLAB_MAX_CSV_MB.")
UNREADABLE_ENCODING = ("The file is not text LayerLab can read (it was neither UTF-8, UTF-16 with "
                       "a byte-order mark, nor Windows-1252{what}). Save it from your spreadsheet "
                       "as 'CSV UTF-8' and upload it again.")
NO_DELIMITER = ("LayerLab could not find the columns in the first line ('{first}'): values must be "
                "separated by commas, semicolons or tabs. Save the file as CSV with one of those, "
                "with a header line naming the columns ({needed}).")
BAD_QUOTES = ("The file could not be read near line {line}: {why}. Check the double quotes on "
              "that line.")
DELIMITER_WORDS = {",": "commas", ";": "semicolons", "\t": "tabs"}
_BINARY = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"%PDF": "a PDF document",
           b"PK\x03\x04": "a ZIP archive or an Excel workbook", b"\x1f\x8b": "a gzip file",
           b"\xd0\xcf\x11\xe0": "an old Excel workbook"}


@dataclass
class RawTable:
    """A CSV as read: the header, the records (text cells) and the file line each starts on."""

    header: list[str]
    records: list[list[str]]
    lines: list[int]  # file line (1 = header) where each record starts
    encoding: str
    delimiter: str


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding name): a BOM decides UTF-16/UTF-8; else UTF-8, else Windows-1252."""
    what = next((f"; it looks like {w}" for magic, w in _BINARY.items() if raw.startswith(magic)), "")
    if what:
        raise LayerLabError(UNREADABLE_ENCODING.format(what=what))
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(name), name
            except UnicodeDecodeError:
                raise LayerLabError(UNREADABLE_ENCODING.format(what="")) from None
    for name in ("utf-8", "cp1252"):
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # UTF-16 without a BOM decodes "fine" into NULs: refuse it
            return text, name
    raise LayerLabError(UNREADABLE_ENCODING.format(what=""))


def _records(text: str, delim: str) -> tuple[list[list[str]], list[int]]:
    """Non-blank records and the line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    records, lines, start = [], [], 1
    try:
        for row in reader:
            if row and not (len(row) == 1 and not row[0].strip()):  # skip blank lines
                records.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LayerLabError(BAD_QUOTES.format(line=reader.line_num, why=exc)) from None
    return records, lines


def _pick_delimiter(text: str, wanted: list[str]) -> str:
    """The delimiter whose header holds the most wanted columns (then: the most fields)."""
    head = text.split("\n", 1)[0]
    best, best_key = ",", (-1, -1)
    for delim in DELIMITER_WORDS:
        fields = [f.strip() for f in next(csv.reader(io.StringIO(head), delimiter=delim), [])]
        key = (len(set(fields) & set(wanted)), len(fields))
        if key > best_key:
            best, best_key = delim, key
    return best


def read_table(source, wanted: list[str]) -> RawTable:
    """Bytes or a path to a `RawTable`; file-level problems raise a `LayerLabError`."""
    raw = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    needed = ", ".join(wanted)
    if len(raw) > settings.MAX_CSV_BYTES:
        raise LayerLabError(TOO_BIG.format(size=_size(len(raw)), cap=_size(settings.MAX_CSV_BYTES)))
    text, encoding = decode(raw)
    if not text.strip():
        raise LayerLabError(EMPTY_FILE.format(needed=needed))
    delim = _pick_delimiter(text.lstrip("\r\n"), wanted)
    records, lines = _records(text, delim)
    header = [h.strip() for h in records[0]]
    if len(header) == 1 and len(wanted) > 1:
        raise LayerLabError(NO_DELIMITER.format(first=header[0][:80], needed=needed))
    if len(records) == 1:
        raise LayerLabError(NO_ROWS.format(needed=needed))
    return RawTable(header, records[1:], lines[1:], encoding, delim)
