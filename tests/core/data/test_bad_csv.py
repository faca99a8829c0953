"""Bad and awkward CSV uploads: each is refused with a message naming the problem and the fix,
or (for awkward but valid files) read correctly with a note saying what was done."""
import gzip
import io

import numpy as np
import pandas as pd
import pytest

from core import settings
from core.data import NOTE_CP1252, DatasetRef, ingest_csv, load
from core.errors import DataError

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


def _rows(n: int, header: str = "a,b,y", row=lambda i: f"{i},{i * 2},{i % 2}") -> bytes:
    return (header + "\n" + "\n".join(row(i) for i in range(n)) + "\n").encode()


REFUSED = [
    ("empty", b"", "The file is empty. Upload a CSV with a header row and at least one data row."),
    ("blank lines", b"\n\n  \n", "The file is empty."),
    ("header only", b"a,b,c\n", "The file has a header row but no data rows. Upload a CSV with at "
                                "least one row of values under the header."),
    ("one column", b"a\n1\n2\n", "Found only one column ('a'). LayerLab needs at least two: inputs "
                                 "and a target."),
    ("png image", PNG, "The file is a PNG image, not a CSV text file. Export your table as a CSV "
                       "text file (comma, semicolon or tab separated) and upload that."),
    ("nul bytes", b"a,b\n1,\x00\x002\n", "The file contains binary data, not text, so it is not a CSV."),
    ("gzip", gzip.compress(b"a,b\n1,2\n"), "The file is a gzip-compressed file, not a CSV text file."),
    ("xlsx", b"PK\x03\x04rest", "The file is a ZIP archive or an Excel .xlsx workbook, not a CSV"),
    ("ragged short", b"a,b,c\n1,2,3\n4,5\n6,7,8\n",
     "Line 3 has 2 fields but the header has 3 columns. Check that line for a missing value or an "
     "extra separator (a value containing a separator must be in double quotes)."),
    ("ragged long", b"a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n", "Line 4 has 4 fields but the header has 3 columns."),
    ("duplicate names", b"a,b,a\n1,2,3\n",
     "The column name 'a' appears twice (columns 1 and 3). Rename one so every column has its own name."),
]


@pytest.mark.parametrize("raw,message", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_refused_uploads_say_what_and_how_to_fix(raw, message):
    with pytest.raises(DataError) as exc:
        ingest_csv(raw, "upload.csv")
    assert str(exc.value).startswith(message)


def test_nothing_is_stored_for_a_refused_upload():
    with pytest.raises(DataError):
        ingest_csv(b"a,b,c\n1,2\n", "bad.csv")
    assert list(settings.uploads_dir().iterdir()) == []


def test_file_over_the_cap_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(settings, "MAX_CSV_BYTES", 1024 * 1024)
    # Binary junk over the cap: the size message wins, proving the cap is checked first.
    raw = PNG + bytes(1024 * 1024)
    with pytest.raises(DataError) as exc:
        ingest_csv(raw, "huge.csv")
    assert str(exc.value).startswith("The file is 1.0 MB, over LayerLab's cap of 1.0 MB for a CSV upload.")


def test_too_many_columns_is_refused_with_the_cap_named():
    header = ",".join(f"c{i}" for i in range(5000))
    raw = (header + "\n" + ",".join("1" for _ in range(5000)) + "\n").encode()
    with pytest.raises(DataError) as exc:
        ingest_csv(raw, "wide.csv")
    cap = settings.MAX_CSV_COLUMNS
    assert str(exc.value) == (f"The file has 5,000 columns, over LayerLab's cap of {cap:,} columns. "
                              "Keep the columns you need (fewer than the cap) and upload again.")


def test_latin1_is_read_with_a_note():
    raw = "name,city,y\nJosé,Köln,1\nAna,Paris,0\n".encode("latin-1")
    bundle = load(ingest_csv(raw, "latin.csv"))
    assert bundle.frame["city"].tolist() == ["Köln", "Paris"]
    assert bundle.frame["name"].tolist() == ["José", "Ana"]
    assert NOTE_CP1252 in bundle.notes  # Windows-1252 agrees with Latin-1 on these letters


@pytest.mark.parametrize("delim,word", [(";", "semicolons"), ("\t", "tabs")])
def test_semicolon_and_tab_delimiters_are_detected(delim, word):
    raw = f"a{delim}b{delim}y\n1,5{delim}x{delim}0\n2,5{delim}z{delim}1\n".encode()
    bundle = load(ingest_csv(raw, "eu.csv"))
    assert list(bundle.frame.columns) == ["a", "b", "y"]
    assert bundle.frame["a"].tolist() == [1.5, 2.5]  # the decimal comma stays inside its cell
    assert f"Columns were separated by {word}." in bundle.notes


def test_quoted_fields_with_embedded_newlines_parse_correctly():
    raw = b'id_text,comment,y\nA,"first line\nsecond line",1\nB,"has, a comma",0\nC,plain,1\n'
    bundle = load(ingest_csv(raw, "quoted.csv"))
    assert bundle.frame["comment"].tolist() == ["first line\nsecond line", "has, a comma", "plain"]
    assert len(bundle.frame) == 3


def test_html_in_column_names_is_kept_as_plain_text():
    names = ["<script>alert('x')</script>", "<b>bold</b> & co", "y"]
    raw = ("\"" + "\",\"".join(names) + "\"\n1,2,0\n3,4,1\n").encode()
    bundle = load(ingest_csv(raw, "html.csv"))
    assert list(bundle.frame.columns) == names
    assert [c.name for c in bundle.columns] == names


def test_all_missing_column_is_dropped_with_a_note():
    raw = b"a,empty,y\n1,,0\n2,?,1\n3,,0\n"
    bundle = load(ingest_csv(raw, "gaps.csv"))
    assert "empty" not in bundle.frame.columns
    assert "'empty' had no values at all and was dropped." in bundle.notes


def test_all_missing_target_is_an_error():
    ref = ingest_csv(b"a,y\n1,\n2,?\n", "gaps.csv").model_copy(update={"target": "y"})
    with pytest.raises(DataError) as exc:
        load(ref)
    assert str(exc.value) == ("The target column 'y' has no values (every cell is empty or marks a "
                              "missing value). Pick another target column.")


def test_target_with_a_single_class_is_refused():
    ref = ingest_csv(_rows(10, row=lambda i: f"{i},{i},yes"), "one.csv")
    with pytest.raises(DataError) as exc:
        load(ref)
    assert str(exc.value) == ("The target 'y' has only one value ('yes') in every row, so there is "
                              "nothing to predict. Pick another target column.")


def test_thousand_distinct_strings_as_classes_are_refused():
    ref = ingest_csv(_rows(1000, row=lambda i: f"{i},{i % 7},name{i}"), "names.csv")
    ref = ref.model_copy(update={"task": "multiclass"})
    with pytest.raises(DataError) as exc:
        load(ref)
    assert str(exc.value) == (
        "The target 'y' has 1,000 distinct values: too many classes for classification (at most "
        "100). If it is a number to predict, pick regression; otherwise pick another column as "
        "the target.")


def test_text_target_as_regression_is_refused():
    ref = ingest_csv(_rows(10, row=lambda i: f"{i},{i},{'ab'[i % 2]}"), "t.csv")
    with pytest.raises(DataError) as exc:
        load(ref.model_copy(update={"task": "regression"}))
    assert str(exc.value).startswith("The target 'y' holds text (such as 'a'), so it cannot be "
                                     "predicted as a number.")


def test_unknown_target_and_sensitive_columns_are_named():
    ref = ingest_csv(_rows(10), "r.csv")
    with pytest.raises(DataError) as exc:
        load(ref.model_copy(update={"target": "income"}))
    assert str(exc.value) == ("The target column 'income' is not in the data. Columns: 'a', 'b', "
                              "'y'. Pick one of them as the target.")
    with pytest.raises(DataError) as exc:
        load(ref.model_copy(update={"sensitive": ["gender"]}))
    assert str(exc.value) == "The sensitive column 'gender' is not in the data. Columns: 'a', 'b', 'y'."


def test_more_than_two_sensitive_columns_are_refused():
    ref = ingest_csv(_rows(10, header="a,b,c,y", row=lambda i: f"{i},{i},{i},{i % 2}"), "s.csv")
    ref.sensitive = ["a", "b", "c"]  # a ref edited by hand skips pydantic's own check
    with pytest.raises(DataError) as exc:
        load(ref)
    assert str(exc.value) == ("Pick at most 2 sensitive columns (got 3: 'a', 'b', 'c'). Fairness "
                              "checks compare groups of one or two columns.")


def test_upload_is_stored_canonically_by_content_hash():
    ref_semicolon = ingest_csv(b"a;y\n1;0\n2;1\n", "one.csv")
    ref_comma = ingest_csv(b"a,y\n1,0\n2,1\n", "two.csv")
    assert ref_semicolon.path == ref_comma.path  # same table, same stored copy
    stored = settings.uploads_dir() / ref_comma.path.split("/")[-1]
    assert stored.read_bytes() == b'"a","y"\n"1","0"\n"2","1"\n'  # every cell text, quoted
    frame = pd.read_csv(io.BytesIO(stored.read_bytes()))
    assert frame["a"].to_numpy().tolist() == [1, 2]


def test_ref_cannot_point_outside_the_uploads_folder(tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("a,y\n1,0\n")
    with pytest.raises(DataError) as exc:
        load(DatasetRef(source="csv", name="elsewhere.csv", path=str(outside)))
    assert str(exc.value) == ("The uploaded file 'elsewhere.csv' is no longer in LayerLab's "
                              "uploads folder. Upload the CSV again.")


def test_missing_markers_become_missing_values():
    raw = b"age,job,y\n30,clerk,0\n?,?,1\n41,,0\nNA,nurse,1\n"
    bundle = load(ingest_csv(raw, "m.csv"))
    info = {c.name: c for c in bundle.columns}
    assert info["age"].kind == "numeric" and info["age"].n_missing == 2
    assert np.isnan(bundle.frame["age"].iloc[1])
    assert info["job"].n_missing == 2 and info["job"].missing_markers == ["", "?"]
