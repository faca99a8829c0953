"""The one conversion from raw outputs to probabilities, labels and values, against hand math."""
import math

import numpy as np
import pytest
import torch

from core.errors import LayerLabError
from core.metrics import (DRAW_SEED, NO_PROBA_FOR_REGRESSION, NO_VALUES_FOR_CLASSIFIER,
                          UNKNOWN_TASK, labels_from_outputs, labels_from_proba, outputs_to_proba,
                          outputs_to_values, probability_head, readable_outputs)

LOGITS = [[-2.0], [-0.1], [0.0], [0.3], [4.0]]
MULTI = [[1.0, 2.0, 0.5], [0.0, 0.0, 3.0], [-1.0, 2.5, 2.4]]


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def _softmax(row):
    e = [math.exp(v) for v in row]
    return [v / sum(e) for v in e]


@pytest.mark.parametrize("make", [np.array, lambda x: torch.tensor(x, dtype=torch.float32)])
def test_binary_is_the_sigmoid_of_one_logit(make):
    out = make(LOGITS)
    p = outputs_to_proba(out, "binary")
    assert type(p) is type(out) and tuple(p.shape) == (5,)
    assert np.allclose(np.asarray(p), [_sigmoid(r[0]) for r in LOGITS], atol=1e-7)
    assert np.asarray(labels_from_outputs(out, "binary")).tolist() == [0, 0, 0, 1, 1]  # logit > 0
    assert np.asarray(readable_outputs(out, "binary")).tolist() == np.asarray(p).tolist()


@pytest.mark.parametrize("make", [np.array, lambda x: torch.tensor(x, dtype=torch.float32)])
def test_multiclass_is_the_softmax_of_k_logits(make):
    out = make(MULTI)
    P = np.asarray(outputs_to_proba(out, "multiclass"))
    assert P.shape == (3, 3)
    assert np.allclose(P, [_softmax(r) for r in MULTI], atol=1e-7)
    assert np.allclose(P.sum(axis=1), 1.0)
    assert np.asarray(labels_from_outputs(out, "multiclass")).tolist() == [1, 2, 1]
    assert labels_from_proba(P, "multiclass").tolist() == [1, 2, 1]


@pytest.mark.parametrize("make", [np.array, lambda x: torch.tensor(x, dtype=torch.float32)])
def test_regression_gives_values_and_no_probabilities(make):
    out = make([[1.5], [-2.25]])
    assert np.asarray(outputs_to_values(out)).tolist() == [1.5, -2.25]
    assert np.asarray(readable_outputs(out, "regression")).tolist() == [1.5, -2.25]
    for fn in (outputs_to_proba, labels_from_outputs, labels_from_proba):
        with pytest.raises(LayerLabError) as e:
            fn(out, "regression")
        assert str(e.value) == NO_PROBA_FOR_REGRESSION
    with pytest.raises(LayerLabError) as e:
        outputs_to_values(make(LOGITS), "binary")
    assert str(e.value) == NO_VALUES_FOR_CLASSIFIER.format(task="binary")


def test_binary_labels_from_probabilities_use_the_threshold_or_a_seeded_draw():
    p = np.array([0.1, 0.5, 0.49, 0.9])
    assert labels_from_proba(p, "binary").tolist() == [0, 1, 0, 1]
    assert labels_from_proba(p, "binary", threshold=0.95).tolist() == [0, 0, 0, 0]
    drawn = labels_from_proba(p, "binary", randomised=True)
    by_hand = (np.random.default_rng(DRAW_SEED).random(4) < p).astype(int)
    assert drawn.tolist() == by_hand.tolist()


@pytest.mark.parametrize("task,out", [("binary", LOGITS), ("multiclass", MULTI)])
def test_the_torch_head_explanations_use_matches_the_functions(task, out):
    x = torch.tensor(out)
    head = probability_head(task)(x)
    want = outputs_to_proba(x, task)
    assert np.allclose(head.reshape(len(out), -1).double().numpy(),
                       want.reshape(len(out), -1).numpy(), atol=1e-7)


def test_unknown_task_is_named():
    with pytest.raises(LayerLabError) as e:
        outputs_to_proba(np.zeros((2, 1)), "ranking")
    assert str(e.value) == UNKNOWN_TASK.format(task="ranking")
