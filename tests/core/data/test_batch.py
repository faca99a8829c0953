"""Wide tables read and summarised all at once (`_batch`), checked against the per-column path
(`convert_text`, pandas' unique/nunique and `infer_kind`) as the reference."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from core.data import _batch, _infer
from core.data._values import convert_text

ROWS = 30


def _text_table() -> pa.Table:
    plain = [str(v) for v in np.random.default_rng(0).random(ROWS).round(3)]
    cols = {
        "floats": plain, "ints": [str(i) for i in range(ROWS)],
        "signed": ["+1", "-2.5", ".5", "5."] * 7 + ["1e3", "-0"],
        "whole_floats": ["1.0", "2.00"] * 15, "huge": ["9007199254740993"] * ROWS,
        "marker": plain[:-1] + ["?"], "dash": ["-"] + plain[1:], "empty": plain[:-1] + [""],
        "spaced": [" 1", "2 "] * 15, "nan_text": plain[:-1] + ["nan"], "inf": plain[:-1] + ["inf"],
        "thousands": ["1,234", "12"] * 15, "unit": ["12 kg", "3 kg"] * 15,
        "label": ["a", "b"] * 15, "first_numeric": ["1"] + ["x"] * (ROWS - 1),
        "date": [f"2024-01-{d:02d}" for d in range(1, ROWS + 1)],
    }
    return pa.table({k: pa.array(v, pa.large_string()) for k, v in cols.items()})


def test_plain_number_columns_read_as_convert_text_reads_them():
    table = _text_table()
    numbers = _batch.plain_number_columns(table)
    assert set(numbers) == {"floats", "ints", "signed", "whole_floats", "huge"}
    for name, values in numbers.items():
        done = convert_text(table.column(name).to_pandas().rename(name))
        assert (done.markers, done.note, done.extra) == ([], "", {})
        assert values.dtype == done.series.dtype
        np.testing.assert_array_equal(values, done.series.to_numpy())


def test_clean_frame_of_a_table_equals_clean_frame_of_its_frame():
    table = _text_table()
    batched = _infer.clean_frame(table)
    per_column = _infer.clean_frame(table.to_pandas())
    pd.testing.assert_frame_equal(batched[0], per_column[0])
    assert batched[1:] == per_column[1:]


def _number_frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(rows)
    with_nan = rng.random(rows).round(2)
    with_nan[::3] = np.nan
    zero_one_nan = rng.integers(0, 2, rows).astype(float)
    zero_one_nan[1::4] = np.nan
    return pd.DataFrame({
        "height": rng.normal(size=rows), "rounded": rng.random(rows).round(1), "gaps": with_nan,
        "counter": np.arange(1, rows + 1), "customer_id": rng.permutation(10 * rows)[:rows],
        "shuffled": rng.permutation(rows).astype(float), "smoker": rng.integers(0, 2, rows),
        "flag": zero_one_nan, "zeros": np.where(np.arange(rows) % 2, 0.0, -0.0),
        "constant": np.full(rows, 7), "empty": np.full(rows, np.nan),
        "late": np.r_[np.full(max(rows - 2, 0), 5.0), 6.0, 7.0][-rows:],  # new values at the end
        "twos": np.arange(rows) * 2.0, "text": ["a"] * rows})


@pytest.mark.parametrize("rows", [1, 2, 5, 25, 200])
def test_number_stats_match_pandas_and_infer_kind(rows):
    frame = _number_frame(rows)
    stats = _batch.number_stats(frame)
    assert "text" not in stats
    for name, got in stats.items():
        s = frame[name]
        uniques = s.dropna().unique()
        assert got.n_unique == s.nunique()
        assert got.n_missing == s.isna().sum()
        assert list(map(str, got.examples)) == list(map(str, uniques[:3]))
        assert _infer._number_kind(name, rows, got) == _infer.infer_kind(s), name


def test_column_infos_are_the_same_counted_at_once_or_column_by_column(monkeypatch):
    frame = _number_frame(40)
    markers, notes = {"gaps": ["?"]}, {"rounded": "a note"}
    batched = _infer.column_infos(frame, markers, {"counter": "numeric"}, notes)
    monkeypatch.setattr(_infer, "number_stats", lambda frame: {})
    per_column = _infer.column_infos(frame, markers, {"counter": "numeric"}, notes)
    assert batched == per_column


def test_arrow_hands_freed_memory_back(monkeypatch):
    """Reading a big CSV through Arrow's default mimalloc pool kept freed pages and peaked
    ~140 MB higher (bench/ingest.py); LayerLab switches to jemalloc with no decay, unless the
    operator chose a pool."""
    import pyarrow as pa

    from core.data._csv import _hand_back_freed_memory

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    _hand_back_freed_memory()
    assert pa.default_memory_pool().backend_name == "jemalloc"
    pa.set_memory_pool(pa.system_memory_pool())
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    _hand_back_freed_memory()
    assert pa.default_memory_pool().backend_name == "system"
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
    _hand_back_freed_memory()  # leave the process as LayerLab runs
