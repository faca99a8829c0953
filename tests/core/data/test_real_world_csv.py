"""CSV files as real tools write them: one row per kind, the file's bytes and the expected outcome
(the column kinds and values read, with the note saying so, or the refusal message constant)."""
import codecs
import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from core.data import (KEPT_AMBIGUOUS, KEPT_DATE_AMBIGUOUS, KEPT_MIXED_UNITS, LONG_CELL,
                       MAX_CELL_CHARS, NOT_CSV, NOTE_BOM, NOTE_CP1252, NOTE_CURRENCY, NOTE_DATE,
                       NOTE_DECIMAL_COMMA, NOTE_DELIMITER, NOTE_PERCENT, NOTE_THOUSANDS, NOTE_UNIT,
                       NOTE_UTF16, RARE_CLASS, ingest_csv, load, prepare)
from core.errors import DataError

REPO = Path(__file__).resolve().parents[3]
ROWS = 8


def _table(header: list[str], columns: list[list[str]], sep: str = ",", end: str = "\n") -> str:
    lines = [sep.join(header)] + [sep.join(row) for row in zip(*columns)]
    return end.join(lines) + end


def _y(n: int = ROWS) -> list[str]:
    return ["a", "b"] * (n // 2)


_BASIC = _table(["name", "x", "y"], [[f"n{i}" for i in range(ROWS)], [str(i) for i in range(ROWS)], _y()])
_LONG = "z" * 2_000_000
_PDF_FIX = ("Export the table as CSV from the program that made the PDF (a PDF cannot be read as a "
            "table), then upload that.")
_XLSX_FIX = ("If it is a workbook, open it in Excel or LibreOffice and save it with File > Save As > "
             "CSV UTF-8, then upload that. If it is a ZIP, unzip it and upload the CSV inside.")
_HTML_FIX = ("Download the table itself as CSV (not the page showing it), or copy the table into a "
             "spreadsheet and save it as CSV UTF-8.")
_MISSING = ["1", "n/a", "N/A", "-", "?", "missing", "NULL", ""]
_DATES = ["2024-01-05", "2023-06-17", "2024-11-30", "2022-02-01", "2024-01-06", "2021-07-04",
          "2024-03-09", "2020-12-25"]
_DMY = ["25/12/2023", "01/02/2024", "13/03/2024", "05/05/2024", "30/06/2024", "07/07/2024",
        "18/08/2024", "09/09/2024"]
_AMBIG_DATES = ["01/02/2024", "03/04/2024", "05/06/2024", "07/08/2024"] * 2


# (id, file bytes, expected): expected holds "error" (the exact message), or any of "kinds",
# "values" (column -> list), "notes" (sentences in the data report), "first_column", "prepare_error".
CASES = [
    ("utf16 bom tabs (Excel Unicode text)",
     codecs.BOM_UTF16_LE + _table(["name", "x", "y"], [["é"] * ROWS, [str(i) for i in range(ROWS)], _y()],
                                  sep="\t", end="\r\n").encode("utf-16-le"),
     {"kinds": {"x": "numeric"}, "values": {"name": ["é"] * ROWS},
      "notes": [NOTE_UTF16, NOTE_DELIMITER.format(word="tabs")]}),
    ("windows-1252", _table(["dish", "x", "y"], [["Crème – brûlée “fin”"] * ROWS, [str(i) for i in range(ROWS)],
                                                  _y()]).encode("cp1252"),
     {"values": {"dish": ["Crème – brûlée “fin”"] * ROWS}, "notes": [NOTE_CP1252]}),
    ("utf8 bom", codecs.BOM_UTF8 + _BASIC.encode(), {"first_column": "name", "notes": [NOTE_BOM]}),
    ("crlf", _BASIC.replace("\n", "\r\n").encode(), {"values": {"x": list(range(ROWS))}}),
    ("lone cr", _BASIC.replace("\n", "\r").encode(), {"values": {"x": list(range(ROWS))}}),
    ("cell of 2 million characters, quoted", f'a,b,y\n1,2,a\n3,"{_LONG}",b\n'.encode(),
     {"error": LONG_CELL.format(row=2, column="b", length=2_000_000, limit=MAX_CELL_CHARS)}),
    ("cell of 2 million characters, bare", f"a,b,y\n1,2,a\n3,{_LONG},b\n".encode(),
     {"error": LONG_CELL.format(row=2, column="b", length=2_000_000, limit=MAX_CELL_CHARS)}),
    ("cell of 200,000 characters", f"a,b,y\n1,{'z' * 200_000},a\n3,4,b\n".encode(),
     {"error": LONG_CELL.format(row=1, column="b", length=200_000, limit=MAX_CELL_CHARS)}),
    ("class with one example", _table(["x", "y"], [[str(i) for i in range(13)], ["a"] * 6 + ["b"] * 6 + ["c"]]).encode(),
     {"prepare_error": RARE_CLASS.format(cls="c", target="y", n=1, rows="row", need=3, more="")}),
    ("thousands separators", _table(["x", "y"], [['"1,234"', "5", '"12,000"', '"1,000,000"'] * 2, _y()]).encode(),
     {"kinds": {"x": "numeric"}, "values": {"x": [1234, 5, 12000, 1000000] * 2},
      "notes": [NOTE_THOUSANDS.format(col="x", ex="1,234")]}),
    ("decimal commas, semicolons", _table(["x", "y"], [["3,5", "2", "0,25", "10,0"] * 2, _y()], sep=";").encode(),
     {"values": {"x": [3.5, 2.0, 0.25, 10.0] * 2},
      "notes": [NOTE_DECIMAL_COMMA.format(col="x", ex="3,5", val=3.5)]}),
    ("thousands or decimal comma", _table(["x", "y"], [['"1,234"', '"5,678"'] * 4, _y()]).encode(),
     {"kinds": {"x": "categorical"}, "notes": [KEPT_AMBIGUOUS.format(col="x", ex="1,234", a=1234, b=1.234)]}),
    ("unit kg", _table(["w", "y"], [["12 kg", "3.5 kg", "80kg", "7 kg"] * 2, _y()]).encode(),
     {"values": {"w": [12, 3.5, 80, 7] * 2}, "notes": [NOTE_UNIT.format(col="w", unit="kg", ex="12 kg")]}),
    ("currency", _table(["p", "y"], [['"$1,200"', "$5", "$99.50", "$0"] * 2, _y()]).encode(),
     {"values": {"p": [1200, 5, 99.5, 0] * 2}, "notes": [NOTE_CURRENCY.format(col="p", unit="dollars", ex="$1,200")]}),
    ("percent", _table(["r", "y"], [["45%", "3.5%", "100%", "0%"] * 2, _y()]).encode(),
     {"values": {"r": [45, 3.5, 100, 0] * 2}, "notes": [NOTE_PERCENT.format(col="r", ex="45%", val=45)]}),
    ("mixed units", _table(["w", "y"], [["12 kg", "300 g"] * 4, _y()]).encode(),
     {"kinds": {"w": "categorical"}, "notes": [KEPT_MIXED_UNITS.format(col="w", units="'g', 'kg'")]}),
    ("missing markers", _table(["x", "y"], [_MISSING, _y()]).encode(),
     {"kinds": {"x": "numeric"}, "missing": {"x": 7}}),
    ("booleans", _table(["a", "b", "c", "y"], [["true", "false"] * 4, ["yes", "no"] * 4, ["Y", "N"] * 4, _y()]).encode(),
     {"kinds": {"a": "boolean", "b": "boolean", "c": "boolean"}}),
    ("iso dates", _table(["d", "y"], [_DATES, _y()]).encode(),
     {"kinds": {"d": "date", "d_year": "numeric"}, "values": {"d_month": [1, 6, 11, 2, 1, 7, 3, 12]},
      "notes": [NOTE_DATE.format(col="d", fmt="year-month-day", names="'d_year', 'd_month', 'd_weekday'")]}),
    ("day/month/year dates", _table(["d", "y"], [_DMY, _y()]).encode(),
     {"values": {"d_month": [12, 2, 3, 5, 6, 7, 8, 9]}}),
    ("ambiguous slash dates", _table(["d", "x", "y"], [_AMBIG_DATES, [str(i) for i in range(ROWS)], _y()]).encode(),
     {"kinds": {"d": "date"}, "notes": [KEPT_DATE_AMBIGUOUS.format(col="d", ex="01/02/2024")]}),
    ("zip", b"PK\x03\x04\x14\x00\x00\x00rest",
     {"error": NOT_CSV.format(what="a ZIP archive or an Excel .xlsx workbook", fix=_XLSX_FIX)}),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", {"error": NOT_CSV.format(what="a PDF document", fix=_PDF_FIX)}),
    ("html", b"\n<!DOCTYPE html>\n<html><body><table><tr><td>1</td></tr></table>",
     {"error": NOT_CSV.format(what="a web page (HTML)", fix=_HTML_FIX)}),
    ("html without doctype", b"<html><head><title>x</title></head>",
     {"error": NOT_CSV.format(what="a web page (HTML)", fix=_HTML_FIX)}),
]


@pytest.mark.parametrize("raw,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_real_world_csv(raw, expected, layerlab_home):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no Python warning may reach a user
        if "error" in expected:
            with pytest.raises(DataError) as exc:
                ingest_csv(raw, "upload.csv")
            assert str(exc.value) == expected["error"]
            return
        bundle = load(ingest_csv(raw, "upload.csv"))
        if "prepare_error" in expected:
            with pytest.raises(DataError) as exc:
                prepare(bundle)
            assert str(exc.value) == expected["prepare_error"]
            return
        prepare(bundle)
    kinds = bundle.kinds
    for col, kind in expected.get("kinds", {}).items():
        assert kinds[col] == kind, col
    for col, values in expected.get("values", {}).items():
        assert bundle.frame[col].tolist() == values, col
    for note in expected.get("notes", []):
        assert note in bundle.notes
    if "first_column" in expected:
        assert bundle.frame.columns[0] == expected["first_column"]
    info = {c.name: c for c in bundle.columns}
    for col, n in expected.get("missing", {}).items():
        assert info[col].n_missing == n and np.isnan(bundle.frame[col]).sum() == n
        assert set(info[col].missing_markers) == set(_MISSING[1:])


CLI_CASES = {"pdf": 2, "cell of 2 million characters, bare": 2, "class with one example": 2,
             "utf16 bom tabs (Excel Unicode text)": 0, "currency": 0, "ambiguous slash dates": 0}


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_exit_codes_and_json_last_line(case, tmp_path, layerlab_home):
    raw = next(c[1] for c in CASES if c[0] == case)
    path = tmp_path / "upload.csv"
    path.write_bytes(raw)
    proc = subprocess.run([sys.executable, "-m", "core", "inspect", str(path), "--json"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == CLI_CASES[case], proc.stderr
    both = proc.stdout + proc.stderr
    assert "Warning" not in both and "Traceback" not in both
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    if CLI_CASES[case]:
        assert last["exit_code"] == 2 and proc.stderr.strip() == f"error: {last['error']}"
    else:
        assert last["rows"] == ROWS
