"""Evaluation numbers equal scikit-learn's on fixed predictions (computed independently here)."""
import numpy as np
import pytest
from sklearn import metrics as skm

from core.audit.evaluate import classification_report, regression_report


@pytest.fixture
def binary():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    p = np.clip(0.6 * y + 0.4 * rng.random(300), 0, 1)
    return y, p


def test_binary_metrics_match_sklearn(binary):
    y, p = binary
    ev = classification_report(y, p, ["no", "yes"])
    pred = (p >= 0.5).astype(int)
    assert ev.value("accuracy") == pytest.approx(skm.accuracy_score(y, pred))
    assert ev.value("balanced_accuracy") == pytest.approx(skm.balanced_accuracy_score(y, pred))
    assert ev.value("f1_macro") == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert ev.value("roc_auc") == pytest.approx(skm.roc_auc_score(y, p))
    assert ev.value("log_loss") == pytest.approx(skm.log_loss(y, np.column_stack([1 - p, p])), rel=1e-4)
    assert ev.confusion == skm.confusion_matrix(y, pred).tolist()
    assert set(ev.curves["roc"]) == {"yes"}


def test_multiclass_metrics_and_baseline_sentence():
    rng = np.random.default_rng(1)
    y = np.array([0] * 60 + [1] * 25 + [2] * 15)
    logits = rng.normal(size=(100, 3)) + 2.0 * np.eye(3)[y]
    P = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    ev = classification_report(y, P, ["a", "b", "c"])
    assert ev.value("roc_auc") == pytest.approx(skm.roc_auc_score(y, P, multi_class="ovr"))
    assert ev.value("precision_macro") == pytest.approx(
        skm.precision_score(y, P.argmax(1), average="macro", zero_division=0))
    assert ev.baseline.value == pytest.approx(0.60)
    assert "always answering 'a'" in ev.baseline.meaning
    assert [row["support"] for row in ev.per_class] == [60, 25, 15]


def test_regression_metrics_match_sklearn():
    rng = np.random.default_rng(2)
    y = rng.normal(size=200)
    pred = y + 0.3 * rng.normal(size=200)
    ev = regression_report(y, pred, y_train=y)
    assert ev.value("mae") == pytest.approx(skm.mean_absolute_error(y, pred))
    assert ev.value("rmse") == pytest.approx(np.sqrt(skm.mean_squared_error(y, pred)))
    assert ev.value("r2") == pytest.approx(skm.r2_score(y, pred))
    assert ev.baseline.value == pytest.approx(np.mean(np.abs(y - y.mean())))
