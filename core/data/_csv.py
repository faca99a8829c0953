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
import uuid
from pathlib import Path
from typing import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core import settings
from core.data import _sniff
from core.data._types import DatasetRef
from core.errors import DataError

log = logging.getLogger(__name__)


def _hand_back_freed_memory() -> None:
    """Arrow's default allocator (mimalloc) keeps freed pages for later: reading and checking a
    52 MB CSV peaked at 432-470 MB though about 120 MB was live at any time. jemalloc with a
    decay of 0 gives freed pages back at once: 326 MB, in the same time (bench/ingest.py).
    Left alone when the operator chose a pool (ARROW_DEFAULT_MEMORY_POOL) or pyarrow was built
    without jemalloc."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, pa.ArrowNotImplementedError):
        pass


_hand_back_freed_memory()

# Text that means "no value" in the CSVs people export (spreadsheets, R, SQL dumps, the UCI sets),
# compared without regard to case.
MISSING_MARKERS = frozenset({"", "?", "-", "--", "na", "n/a", "nan", "null", "none", "#n/a",
                             "missing", "nil"})
MAX_CELL_CHARS = 100_000  # longer is a pasted document or a broken export, never a feature
LONG_CELL = ("Row {row}, column '{column}' holds a cell of {length:,} characters, over LayerLab's "
             "limit of {limit:,} characters per cell. Shorten or remove that cell (a table cell "
             "is a value, not a document) and upload again.")
RAGGED = ("Line {line} has {got} fields but the header has {want} columns. Check that line for a "
          "missing value or an extra separator (a value containing a separator must be in double "
          "quotes).")
UNREADABLE = "The CSV could not be read near line {line}: {error}. Check the quotes on that line."
NO_ROWS = ("The file has a header row but no data rows. Upload a CSV with at least one row of "
           "values under the header.")
TOO_MANY_COLUMNS = ("The file has {n:,} columns, over LayerLab's cap of {cap:,} columns. Keep the "
                    "columns you need (fewer than the cap) and upload again.")
ONE_COLUMN = ("Found only one column ('{name}'). LayerLab needs at least two: inputs and a target. "
              "If your file separates values with another character (such as '|'), save it with "
              "commas, semicolons or tabs.")
DUPLICATE_NAME = ("The column name '{name}' appears twice (columns {first} and {second}). Rename "
                  "one so every column has its own name.")
# The table of the last upload, until `load` takes it (one entry: never more than one table).
_JUST_PARSED: dict[Path, pa.Table] = {}
_BLOCK = 1 << 22  # pyarrow parses in blocks; a record longer than a block is a too-long cell


def _check_header(header: list[str], notes: list[str]) -> list[str]:
    names = []
    for i, name in enumerate(header, start=1):
        name = name.replace("\ufeff", "").strip()
        if not name:
            name = f"column_{i}"
            notes.append(f"Column {i} had no name; called it '{name}'.")
        names.append(name)
    cap = settings.MAX_CSV_COLUMNS
    if len(names) > cap:
        raise DataError(TOO_MANY_COLUMNS.format(n=len(names), cap=cap))
    if len(names) < 2:
        raise DataError(ONE_COLUMN.format(name=names[0]))
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if name in seen:
            raise DataError(DUPLICATE_NAME.format(name=name, first=seen[name], second=i))
        seen[name] = i
    return names


def _diagnose(data: bytes, delim: str, names: list[str]) -> None:
    """Find, row by row, why the fast parser refused the file; only runs on that failure."""
    text = io.StringIO(data.decode("utf-8"), newline=None)  # CR, CRLF and LF all end a line
    old = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # see a long cell whole, to name it instead of the quotes
    reader = csv.reader(text, delimiter=delim)
    try:
        next(reader, None)
        row_no = 0
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            row_no += 1
            for col, cell in enumerate(row):
                if len(cell) > MAX_CELL_CHARS and col < len(names):
                    raise DataError(LONG_CELL.format(row=row_no, column=names[col], length=len(cell),
                                                     limit=MAX_CELL_CHARS))
            if len(row) != len(names):
                raise DataError(RAGGED.format(line=reader.line_num, got=len(row), want=len(names)))
    except csv.Error as exc:
        raise DataError(UNREADABLE.format(line=reader.line_num, error=exc)) from None
    finally:
        csv.field_size_limit(old)


def _skip_blank(row) -> str:
    return "skip" if not (row.text or "").strip(" \t\r\n") else "error"


def _parse(data: bytes, delim: str, names: list[str]) -> pa.Table:
    """Every cell as text, parsed once by pyarrow's multi-threaded C++ reader."""
    from pyarrow import csv as pacsv

    read = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=_BLOCK)
    parse = pacsv.ParseOptions(delimiter=delim, newlines_in_values=True,
                               invalid_row_handler=_skip_blank)
    # large_string: the type pandas keeps text in, so handing the table over copies nothing.
    convert = pacsv.ConvertOptions(column_types={n: pa.large_string() for n in names}, null_values=[],
                                   strings_can_be_null=False, quoted_strings_can_be_null=False)
    try:
        return pacsv.read_csv(pa.py_buffer(data), read_options=read, parse_options=parse,
                              convert_options=convert)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        _diagnose(data, delim, names)
        raise DataError(UNREADABLE.format(line="?", error=str(exc).split("\n")[0])) from None


def _check_cells(table: pa.Table) -> None:
    """The longest cell of each column, vectorised; the first too-long one is named."""
    for name, column in zip(table.column_names, table.columns):
        if column.nbytes <= MAX_CELL_CHARS:  # no cell can be longer than its whole column
            continue  # (a wide file's short columns: skips two Arrow calls per column)
        lengths = pc.utf8_length(column)
        if len(column) and pc.max(lengths).as_py() > MAX_CELL_CHARS:
            row = pc.index(pc.greater(lengths, MAX_CELL_CHARS), True).as_py()
            raise DataError(LONG_CELL.format(row=row + 1, column=name,
                                             length=lengths[row].as_py(), limit=MAX_CELL_CHARS))


def parse_csv_table(raw: bytes) -> tuple[pa.Table, list[str]]:
    """Check and parse uploaded bytes into a table of text columns, plus notes on what was done."""
    _sniff.check_format(raw)
    notes: list[str] = []
    data = _sniff.to_utf8(raw, notes)
    _sniff.check_text(data)
    sample = _sniff.sample_text(data)
    delim = _sniff.sniff_delimiter(sample, notes)
    try:
        first = next((r for r in csv.reader(io.StringIO(sample), delimiter=delim) if r), None)
    except csv.Error as exc:
        raise DataError(UNREADABLE.format(line=1, error=exc)) from None
    if not first:
        raise DataError(_sniff.EMPTY)
    names = _check_header(first, notes)
    table = _parse(data, delim, names)
    if table.num_rows == 0:
        raise DataError(NO_ROWS)
    _check_cells(table)
    return table, notes


def parse_csv_text(raw: bytes) -> tuple[pd.DataFrame, list[str]]:
    """`parse_csv_table` as a pandas frame of text columns."""
    table, notes = parse_csv_table(raw)
    return table.to_pandas(), notes


def canonical_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8, comma-separated, '\\n' line ends, no index (the format of a stored upload)."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _write_canonical(table: pa.Table, folder: Path) -> Path:
    """Write the table as UTF-8 comma-separated text, hash the bytes, store under the hash."""
    from pyarrow import csv as pacsv

    tmp = folder / f".{uuid.uuid4().hex}.tmp"
    pacsv.write_csv(table, str(tmp), pacsv.WriteOptions(quoting_style="needed"))
    digest = hashlib.sha256()
    with tmp.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    path = folder / f"{digest.hexdigest()}.csv"
    tmp.replace(path)  # atomic: a second upload of the same file never sees half a copy
    return path


# Uploads on a server store (several machines): core.data sits below core.runs (the store) and
# cannot import it, so the store installs two functions here when a server store is opened
# (core.runs.files.register_upload_sharing): put the canonical bytes; get them back by hash.
# With a SQLite store nothing is installed and uploads stay only in the uploads folder.
_SHARED_UPLOADS: dict[str, Callable] = {}


def set_shared_uploads(put: Callable[[bytes], None], get: Callable[[str], bytes | None]) -> None:
    _SHARED_UPLOADS.update(put=put, get=get)


def ingest_csv(raw: bytes, filename: str) -> DatasetRef:
    """Validate an upload, store its canonical copy in the uploads folder, return its ref."""
    table, notes = parse_csv_table(raw)
    path = _write_canonical(table, settings.uploads_dir())
    _JUST_PARSED.clear()
    _JUST_PARSED[path] = table  # `load` usually follows at once: parse once, not twice
    meta = {"filename": filename, "notes": notes}
    path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    if _SHARED_UPLOADS:
        _SHARED_UPLOADS["put"](path.read_bytes())  # stored by the same SHA-256 that names the file
    log.info("stored upload %s as %s (%d rows)", filename, path.name, table.num_rows)
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


def read_stored_text_table(path: Path) -> pa.Table:
    """Read a canonical (or shipped, gzip) CSV as an Arrow table of text; cleaning is `load`'s."""
    from pyarrow import csv as pacsv

    cached = _JUST_PARSED.pop(Path(path), None)
    if cached is not None:
        return cached
    with pacsv.open_csv(str(path)) as head:  # reads only the first block, for the names
        names = head.schema.names
    convert = pacsv.ConvertOptions(null_values=[], strings_can_be_null=False,
                                   quoted_strings_can_be_null=False,
                                   column_types={n: pa.large_string() for n in names})
    return pacsv.read_csv(str(path), read_options=pacsv.ReadOptions(block_size=_BLOCK),
                          parse_options=pacsv.ParseOptions(newlines_in_values=True),
                          convert_options=convert)


def read_stored_text_frame(path: Path) -> pd.DataFrame:
    """`read_stored_text_table` as a pandas frame of text columns."""
    return read_stored_text_table(path).to_pandas()


def stored_notes(path: Path) -> list[str]:
    meta = path.with_suffix(".json")
    if not meta.is_file():
        return []
    try:
        return list(json.loads(meta.read_text(encoding="utf-8")).get("notes", []))
    except (ValueError, OSError):
        return []
