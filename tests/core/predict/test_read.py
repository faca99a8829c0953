"""Delimiters and encodings people's spreadsheets write: all read to the same predictions."""
import codecs

import pytest


@pytest.fixture
def plain(store, runs):
    from core.predict import Predictor

    p = Predictor(store, runs["binary"])
    return p, p.raw_csv(p.space.test_frame()[p.needed].head(15)).decode("utf-8")


@pytest.mark.parametrize("delimiter, encoding, note", [
    (",", "utf-8", None),
    (";", "utf-8", "Read the file as UTF-8, with columns separated by semicolons."),
    ("\t", "utf-8", "Read the file as UTF-8, with columns separated by tabs."),
    (",", "utf-8-sig", None),
    ("\t", "utf-16", "Read the file as UTF-16, with columns separated by tabs."),
    # ASCII-only Windows-1252 bytes are valid UTF-8 too, and read as such.
    (";", "cp1252", "Read the file as UTF-8, with columns separated by semicolons."),
])
def test_every_variant_gives_the_same_predictions(plain, delimiter, encoding, note):
    from core.predict import READ_AS

    p, text = plain
    want = [r["prediction"] for r in p.predict_csv(text.encode("utf-8")).rows]
    raw = text.replace(",", delimiter).replace("\n", "\r\n").encode(encoding)
    result = p.predict_csv(raw)
    assert [r["prediction"] for r in result.rows] == want and not result.problems
    assert result.notes[:1] == ([note] if note else [])
    assert note is None or note.startswith(READ_AS.split("{")[0])


def test_boms_and_windows_1252_text_decode():
    from core.predict import read_table

    for raw, enc in [(codecs.BOM_UTF8 + "café,n\né,1\n".encode(), "utf-8-sig"),
                     ("café,n\né,1\n".encode("utf-16"), "utf-16"),
                     ("café,n\né,1\n".encode("utf-16-be"), None),
                     ("café,n\n€,1\n".encode("cp1252"), "cp1252")]:
        if enc is None:  # UTF-16 without a BOM is refused (tested in test_bad_input)
            continue
        table = read_table(raw, ["café", "n"])
        assert table.header == ["café", "n"] and table.encoding == enc
        assert table.records[0][0] in ("é", "€")
