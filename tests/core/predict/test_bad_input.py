"""Bad new data: each problem gets its own message (the constants), row problems hold back only
their row, file problems stop with one message, runs that cannot predict say why."""
import pytest

from core.errors import LayerLabError

HEADER = "age,hours,job,grade"
NEEDED = "age, hours, job, grade"


def _predict(store, runs, text: str):
    from core.predict import predict_csv

    return predict_csv(store, runs["binary"], text.encode("utf-8"))


def _only_problem(result, row):
    found = [p for p in result.problems if p["row"] == row]
    assert len(found) == 1, result.problems
    return found[0]


def test_row_problems_hold_back_only_their_row(store, runs):
    from core.predict import EMPTY_ROW, EMPTY_UNSEEN, NOT_A_NUMBER, UNSEEN_CATEGORY, WRONG_FIELDS

    text = "\n".join([HEADER, "30,40,nurse,2", "forty,40,nurse,2", ",,,", "50,40,astronaut,2",
                      "", "41,38,pilot,", "33,40,clerk", "52,45,pilot,3"]) + "\n"
    result = _predict(store, runs, text)
    assert [r["row"] for r in result.rows] == [1, 7]
    assert result.counts == {"rows": 7, "predicted": 2, "held_back": 5, "flagged": 0}
    assert _only_problem(result, 2)["message"] == NOT_A_NUMBER.format(
        row=2, line=3, column="age", value="forty", low=18, high=69)
    assert _only_problem(result, 3)["message"] == EMPTY_ROW.format(row=3, line=4)
    assert _only_problem(result, 4)["message"] == UNSEEN_CATEGORY.format(
        row=4, line=5, column="job", value="astronaut",
        seen="clerk, nurse, pilot, an empty cell")
    # The blank line 6 is skipped: row 5 is the next record, on line 7 of the file.
    assert _only_problem(result, 5)["message"] == EMPTY_UNSEEN.format(
        row=5, line=7, column="grade", seen="1, 2, 3")
    assert _only_problem(result, 6)["message"] == WRONG_FIELDS.format(row=6, line=8, got=3, want=4)
    out = result.to_frame()
    assert out["prediction"].tolist()[1:6] == [""] * 5 and out["problem"].iloc[1].startswith("Row 2")


def test_far_outside_the_training_range_is_predicted_but_flagged(store, runs):
    from core.predict import FAR_OUTSIDE, FILLED_MEDIAN

    # age was 18..69 in training (width 51): 115 is within 69 + 51 = 120, 125 is beyond it.
    result = _predict(store, runs, f"{HEADER}\n115,40,nurse,2\n125,40,nurse,2\n,40,nurse,2\n")
    assert [r["flags"] for r in result.rows] == [
        [], [FAR_OUTSIDE.format(row=2, line=3, column="age", value="125", low=18, high=69)],
        [FILLED_MEDIAN.format(row=3, line=4, column="age")]]
    assert result.counts["predicted"] == 3 and result.counts["flagged"] == 2


def test_extra_columns_are_ignored_and_named(store, runs):
    from core.predict import EXTRA_COLUMNS, TARGET_IGNORED

    result = _predict(store, runs, "name,rich,age,hours,job,grade\nAnn,yes,30,40,nurse,2\n")
    assert result.notes[0] == EXTRA_COLUMNS.format(count=2, s="s", names="'name' and 'rich'") + \
        TARGET_IGNORED.format(target="rich")
    assert result.counts["predicted"] == 1


@pytest.mark.parametrize("text, constant, values", [
    ("age,hours,grade\n30,40,2\n", "MISSING_COLUMNS",
     {"missing": "'job'", "needed": NEEDED}),
    ("age,hours,job,grade,age\n30,40,nurse,2,31\n", "DUPLICATE_COLUMN",
     {"column": "age", "first": 1, "second": 5}),
    (HEADER + "\n", "NO_ROWS", {"needed": NEEDED}),
    ("\n\n", "EMPTY_FILE", {"needed": NEEDED}),
    ("age|hours|job|grade\n30|40|nurse|2\n", "NO_DELIMITER",
     {"first": "age|hours|job|grade", "needed": NEEDED}),
    (HEADER + '\n30,40,"' + "x" * 140_000 + '",2\n', "BAD_QUOTES",
     {"line": 2, "why": "field larger than field limit (131072)"}),
])
def test_file_problems_stop_with_one_message(store, runs, text, constant, values):
    import core.predict as predict

    with pytest.raises(LayerLabError) as err:
        _predict(store, runs, text)
    message = getattr(predict, constant)
    if "run_id" in message:
        values = {**values, "run_id": runs["binary"]}
    assert str(err.value) == message.format(**values)


@pytest.mark.parametrize("raw, what", [
    ("age,hours\n".encode("utf-16-le"), ""),  # UTF-16 without its byte-order mark
    (b"\x89PNG\r\n\x1a\n\x00\x00", "; it looks like a PNG image"),
    (b"age,job\n30,\x81\x8d\xff\n", ""),  # bytes that are neither UTF-8 nor Windows-1252
])
def test_unreadable_encodings(store, runs, raw, what):
    from core.predict import UNREADABLE_ENCODING, predict_csv

    with pytest.raises(LayerLabError) as err:
        predict_csv(store, runs["binary"], raw)
    assert str(err.value) == UNREADABLE_ENCODING.format(what=what)


def test_runs_that_cannot_predict_say_why(store, runs):
    from core.predict import FOR_TABLES_ONLY, NOT_FINISHED, WHAT_INSTEAD, predict_csv

    with pytest.raises(LayerLabError) as err:
        predict_csv(store, runs["queued"], b"x1,x2\n0,0\n")
    assert str(err.value) == NOT_FINISHED.format(run_id=runs["queued"], status="queued",
                                                 what=WHAT_INSTEAD["queued"])
    with pytest.raises(LayerLabError) as err:
        predict_csv(store, runs["image"], b"p0,p1\n0,0\n")
    assert str(err.value) == FOR_TABLES_ONLY.format(run_id=runs["image"], modality="image")
