"""Search ranges: parsing, checking (each bad input with its named message), applying."""
import pytest

from core.data import DatasetRef
from core.errors import LayerLabError
from core.runs import open_store
from core.search import apply_params, default_space, make_study_def, parse_param, study_def_from_run
from core.search.messages import (BAD_CHOICE, BAD_PARAM_SYNTAX, EMPTY_RANGE, FROM_FAILED_RUN,
                                  INVERTED_RANGE, LOG_NEEDS_POSITIVE, NO_FAIRNESS_COLUMN,
                                  UNKNOWN_PARAM, ZERO_BUDGET)
from core.spec import ModelSpec, get_preset
from core.train import TrainConfig, create_run

MLP = get_preset("walkthrough_mlp")
DROP = ModelSpec.model_validate({"layers": [{"type": "Dense", "units": 32},
                                            {"type": "Dropout", "rate": 0.3}]})


def test_parse_log_int_and_choice_ranges():
    lr = parse_param("lr=1e-4:1e-1:log", MLP)
    assert (lr.kind, lr.low, lr.high, lr.log, lr.plain) == ("float", 1e-4, 0.1, True, "learning rate")
    u = parse_param("units_2=8:64", MLP)
    assert (u.kind, u.low, u.high, u.log, u.plain) == ("int", 8, 64, False, "units of layer 2")
    assert parse_param("batch_size=32,64", MLP).choices == [32, 64]
    assert parse_param("optimizer=adam, sgd_momentum", MLP).choices == ["adam", "sgd_momentum"]
    assert parse_param("dropout_2=0:0.5", DROP).plain == "dropout rate of layer 2"


@pytest.mark.parametrize("text, template, values", [
    ("lr=1e-1:1e-3:log", INVERTED_RANGE, dict(name="lr", low="0.1", high="0.001")),
    ("lr=0.01:0.01", EMPTY_RANGE, dict(name="lr", low="0.01", high="0.01")),
    ("units_1=8.2:8.7", EMPTY_RANGE, dict(name="units_1", low="8.2", high="8.7")),
    ("l2=0:1e-3:log", LOG_NEEDS_POSITIVE, dict(name="l2", low="0")),
    ("momentum=0.1:0.9", UNKNOWN_PARAM,
     dict(name="momentum", known="lr, batch_size, optimizer, l2, units_1, units_2, blocks")),
    ("dropout_1=0:0.5", UNKNOWN_PARAM,
     dict(name="dropout_1", known="lr, batch_size, optimizer, l2, units_1, units_2, blocks")),
    ("optimizer=lbfgs", BAD_CHOICE, dict(value="lbfgs", name="optimizer",
                                         allowed="sgd, sgd_momentum, adam, adamw, rmsprop, adagrad")),
    ("lr=1e-3", BAD_PARAM_SYNTAX, dict(text="lr=1e-3")),
    ("lr1e-3:1", BAD_PARAM_SYNTAX, dict(text="lr1e-3:1")),
])
def test_bad_ranges_say_what_is_wrong(text, template, values):
    with pytest.raises(LayerLabError) as err:
        parse_param(text, MLP)
    assert str(err.value) == template.format(**values)


def test_inverted_range_message_reads_well():
    with pytest.raises(LayerLabError, match=r"^The range of 'lr' is inverted: 0.1 is above 0.001. "
                                            r"Put the smaller value first, e.g. lr=0.001:0.1.$"):
        parse_param("lr=0.1:0.001", MLP)


@pytest.mark.parametrize("budget, what", [(dict(trials=0), "0 trials"),
                                          (dict(trials=None, timeout_s=0), "a timeout of 0 s")])
def test_a_budget_of_zero_is_refused(budget, what):
    with pytest.raises(LayerLabError) as err:
        make_study_def(DatasetRef(name="moons"), MLP, TrainConfig(), **budget)
    assert str(err.value) == ZERO_BUDGET.format(what=what)


def test_fairness_objective_needs_a_sensitive_column():
    with pytest.raises(LayerLabError) as err:
        make_study_def(DatasetRef(name="moons"), MLP, TrainConfig(), objective="fair_accuracy")
    assert str(err.value) == NO_FAIRNESS_COLUMN.format(dataset="moons", what="no sensitive column")


def test_default_space_surrounds_the_current_settings_and_apply_writes_them():
    cfg = TrainConfig(lr=0.01, batch_size=64, optimizer="adam", nesterov=False)
    space = {p.name: p for p in default_space(DROP, cfg, n_train=350)}
    assert set(space) == {"lr", "batch_size", "optimizer", "l2", "units_1", "dropout_2", "blocks"}
    assert (space["blocks"].low, space["blocks"].high, space["blocks"].plain) == \
        (1, 3, "number of repeated hidden blocks")
    assert space["lr"].low == pytest.approx(1e-3) and space["lr"].high == pytest.approx(0.1)
    assert 64 in space["batch_size"].choices and max(space["batch_size"].choices) <= 350
    assert (space["units_1"].low, space["units_1"].high) == (8, 64)
    spec, new = apply_params(DROP, cfg, {"lr": 0.05, "units_1": 17, "dropout_2": 0.1,
                                         "optimizer": "sgd_momentum"})
    assert (new.lr, new.optimizer, new.batch_size) == (0.05, "sgd_momentum", 64)
    assert spec.layers[0].units == 17 and spec.layers[1].rate == 0.1
    assert DROP.layers[0].units == 32 and cfg.lr == 0.01  # the inputs are left alone
    deep, _ = apply_params(DROP, cfg, {"units_1": 17, "blocks": 3})
    assert [(x.type, getattr(x, "units", None)) for x in deep.layers] == [("Dense", 17), ("Dropout", None)] * 3


def test_blocks_repeat_only_the_dense_head_of_a_cnn():
    cnn = get_preset("lenet_cnn")
    spec, _ = apply_params(cnn, TrainConfig(), {"blocks": 2})
    types = [x.type for x in cnn.layers]
    assert [x.type for x in spec.layers] == types[:5] + ["Dense", "Dense"] * 2  # after Flatten
    assert "blocks" not in {p.name for p in default_space(get_preset("lstm_sequence"), TrainConfig(), 100)}


def test_a_failed_runs_settings_are_no_starting_point():
    store = open_store()
    rid = create_run(store, DatasetRef(name="moons"), MLP, TrainConfig(epochs=1))
    store.set_status(rid, "failed", error="Out of memory.")
    with pytest.raises(LayerLabError) as err:
        study_def_from_run(store, rid)
    assert str(err.value) == FROM_FAILED_RUN.format(run_id=rid, status="failed",
                                                    error="Out of memory.")
