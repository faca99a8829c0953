"""CSV uploads: checked, parsed as text, stored as a canonical copy named by its content hash.

Checks run cheapest first, and the size cap before anything is read, so a huge or binary
upload is refused with a reason instead of being half-read. The stored copy is UTF-8 and
comma-separated; what was done to get there (encoding, delimiter, renamed columns) is kept
in a JSON note beside it, so `load` can tell the user later.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
from pathlib import Path
from typing import Callable

import pandas as pd

from core import settings
from core.data._types import DatasetRef
from core.errors import DataError

log = logging.getLogger(__name__)

# Text that means "no value" in the CSVs people export (spreadsheets, R, the UCI sets).
MISSING_MARKERS = frozenset({"", "?", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "#N/A"})
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}
_MAGIC = {  # file signatures people upload by mistake, with the fix for each
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"%PDF": "a PDF document", b"PK\x03\x04": "a ZIP archive or an Excel .xlsx workbook",
    b"\x1f\x8b": "a gzip-compressed file", b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook",
}
_FIX = "Export your table as a CSV text file (comma, semicolon or tab separated) and upload that."


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def _check_bytes(raw: bytes) -> None:
    cap = settings.MAX_CSV_BYTES
    if len(raw) > cap:  # before any parsing: never half-read a file we cannot hold
        raise DataError(f"The file is {_mb(len(raw))}, over LayerLab's cap of {_mb(cap)} for a CSV "
                        "upload. Use a sample of the rows, or ask the administrator to raise "
                        "LAYERLAB_MAX_CSV_MB.")
    if not raw.strip():
        raise DataError("The file is empty. Upload a CSV with a header row and at least one data row.")
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            raise DataError(f"The file is {what}, not a CSV text file. {_FIX}")
    head = raw[:8192]
    controls = sum(b < 32 and b not in (9, 10, 12, 13) for b in head)
    if b"\x00" in head or controls > len(head) * 0.01:
        raise DataError(f"The file contains binary data, not text, so it is not a CSV. {_FIX}")


def _decode(raw: bytes, notes: list[str]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Latin-1 maps every byte, so it cannot fail; older Excel exports often use it.
        notes.append("The file was not UTF-8; read it as Latin-1.")
        return raw.decode("latin-1")


def _sniff_delimiter(text: str, notes: list[str]) -> str:
    """The candidate giving the most columns with the same count on the first rows."""
    best, best_key = ",", (-1, -1)
    for delim in DELIMITERS:
        rows = []
        try:
            for row in csv.reader(io.StringIO(text[:65536]), delimiter=delim):
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
        notes.append(f"Columns were separated by {DELIMITERS[best]}.")
    return best


def _check_header(header: list[str], notes: list[str]) -> list[str]:
    names = []
    for i, name in enumerate(header, start=1):
        name = name.strip()
        if not name:
            name = f"column_{i}"
            notes.append(f"Column {i} had no name; called it '{name}'.")
        names.append(name)
    cap = settings.MAX_CSV_COLUMNS
    if len(names) > cap:
        raise DataError(f"The file has {len(names):,} columns, over LayerLab's cap of {cap:,} "
                        "columns. Keep the columns you need (fewer than the cap) and upload again.")
    if len(names) < 2:
        raise DataError(f"Found only one column ('{names[0]}'). LayerLab needs at least two: inputs "
                        "and a target. If your file separates values with another character "
                        "(such as '|'), save it with commas, semicolons or tabs.")
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name in seen:
            raise DataError(f"The column name '{name}' appears twice (columns {seen[name]} and {i}). "
                            "Rename one so every column has its own name.")
        seen[name] = i
    return names


def _check_rows(text: str, delim: str, n_cols: int) -> int:
    """Count data rows; refuse the first ragged one, naming its line and field count."""
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    n_rows, header_seen = 0, False
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if not header_seen:
                header_seen = True
                continue
            if len(row) != n_cols:
                raise DataError(
                    f"Line {reader.line_num} has {len(row)} fields but the header has {n_cols} "
                    "columns. Check that line for a missing value or an extra separator (a value "
                    "containing a separator must be in double quotes).")
            n_rows += 1
    except csv.Error as exc:
        raise DataError(f"The CSV could not be read near line {reader.line_num}: {exc}. Check the "
                        "quotes on that line.") from None
    if n_rows == 0:
        raise DataError("The file has a header row but no data rows. Upload a CSV with at least "
                        "one row of values under the header.")
    return n_rows


def parse_csv_text(raw: bytes) -> tuple[pd.DataFrame, list[str]]:
    """Check and parse uploaded bytes into a frame of text columns, plus notes on what was done."""
    _check_bytes(raw)
    notes: list[str] = []
    text = _decode(raw, notes)
    delim = _sniff_delimiter(text, notes)
    first = next((r for r in csv.reader(io.StringIO(text), delimiter=delim) if r), [])
    names = _check_header(first, notes)
    _check_rows(text, delim, len(names))
    frame = pd.read_csv(io.StringIO(text), sep=delim, header=0, names=names, dtype=str,
                        keep_default_na=False, na_filter=False, skip_blank_lines=True)
    return frame, notes


def canonical_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8, comma-separated, '\\n' line ends, no index: the bytes a content hash is taken of."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


# Uploads on a server store (several machines): core.data sits below core.runs (the store) and
# cannot import it, so the store installs two functions here when a server store is opened
# (core.runs.files.register_upload_sharing): put the canonical bytes; get them back by hash.
# With a SQLite store nothing is installed and uploads stay only in the uploads folder.
_SHARED_UPLOADS: dict[str, Callable] = {}


def set_shared_uploads(put: Callable[[bytes], None], get: Callable[[str], bytes | None]) -> None:
    _SHARED_UPLOADS.update(put=put, get=get)


def ingest_csv(raw: bytes, filename: str) -> DatasetRef:
    """Validate an upload, store its canonical copy in the uploads folder, return its ref."""
    frame, notes = parse_csv_text(raw)
    data = canonical_bytes(frame)
    digest = hashlib.sha256(data).hexdigest()
    folder = settings.uploads_dir()
    path = folder / f"{digest}.csv"
    if not path.exists():
        tmp = folder / f".{digest}.tmp"
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a second upload of the same file never sees half a copy
    meta = {"filename": filename, "notes": notes}
    (folder / f"{digest}.json").write_text(json.dumps(meta), encoding="utf-8")
    if _SHARED_UPLOADS:
        _SHARED_UPLOADS["put"](data)
    log.info("stored upload %s as %s (%d rows)", filename, path.name, len(frame))
    return DatasetRef(source="csv", name=filename[:200] or "upload.csv", path=str(path))


def stored_path(ref: DatasetRef) -> Path:
    """The stored copy of an upload; always inside the uploads folder, whatever the ref says."""
    if not ref.path:
        raise DataError("This CSV dataset has no stored file. Upload the CSV again.")
    # Only the file name is trusted: a ref from an imported JSON cannot point elsewhere.
    path = settings.uploads_dir() / Path(ref.path).name
    if not path.is_file() and _SHARED_UPLOADS and path.suffix == ".csv":
        data = _SHARED_UPLOADS["get"](path.stem)  # uploaded on another node
        if data is not None and hashlib.sha256(data).hexdigest() == path.stem:
            tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
    if not path.is_file():
        raise DataError(f"The uploaded file '{ref.name}' is no longer in LayerLab's uploads "
                        "folder. Upload the CSV again.")
    return path


def read_stored_text_frame(path: Path) -> pd.DataFrame:
    """Read a canonical (or shipped) CSV as text columns; cleaning happens in `load`."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")


def stored_notes(path: Path) -> list[str]:
    meta = path.with_suffix(".json")
    if not meta.is_file():
        return []
    try:
        return list(json.loads(meta.read_text(encoding="utf-8")).get("notes", []))
    except (ValueError, OSError):
        return []
