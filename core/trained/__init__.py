"""Trained models: any finished run, loaded one way, as a predictor.

    model = load_trained(store, run_id)     # an ordinary network or a mitigated run
    model.proba("test")                     # binary (n,) P(positive); multiclass (n, k)
    model.labels("test")                    # class ids (randomised kinds: a seeded draw)
    model.values("test")                    # regression: predicted values
    model.network                           # one torch module, or None (see below)
    model.input_columns                     # the user's column behind each model input

A run's predictor is not always one network. Ordinary runs, adversarially trained runs and
the reweighing / grid-search mitigations are: `differentiable` is True and `network` is the
module (eval mode, CPU), so explanations and attacks can take gradients through it. The other
mitigations are not: a threshold-optimizer run answers from the parent network's score and
per-group thresholds with a random draw; an exponentiated-gradient run is a random mixture of
member networks; a correlation-remover run feeds its network inputs transformed with each
row's group. The first two are `randomised`: their probability is the chance that they answer
the positive class, and `labels` draws answers with a fixed seed so reports repeat. The kinds
that read each row's group take a split name or explicit `sensitive=` rows.

Conversions from raw outputs to probabilities and labels are `core.metrics`' (one place for
training and auditing alike); torch and fairlearn are imported only when a model is loaded.
"""
from __future__ import annotations

from core.trained._mitigation import (MITIGATION, NO_MITIGATION_RECORD, RANDOMISED_METHODS,
                                      UNSEEN_GROUP, mitigation_record, mixture_pmf,
                                      remove_correlation, threshold_pmf)
from core.trained._model import (NEEDS_SENSITIVE_ROWS, NOT_DIFFERENTIABLE, ROW_COUNT_MISMATCH,
                                 SPLITS, UNKNOWN_SPLIT, WHY_NOT_DIFFERENTIABLE, TrainedModel,
                                 load_trained)
from core.trained._network import (NO_CHECKPOINT, checkpoint_stamp, load_network,
                                   network_from_checkpoint, network_outputs, predict_outputs)

__all__ = [
    "MITIGATION", "NEEDS_SENSITIVE_ROWS", "NOT_DIFFERENTIABLE", "NO_CHECKPOINT",
    "NO_MITIGATION_RECORD", "RANDOMISED_METHODS", "ROW_COUNT_MISMATCH", "SPLITS", "UNKNOWN_SPLIT",
    "UNSEEN_GROUP", "WHY_NOT_DIFFERENTIABLE", "TrainedModel", "checkpoint_stamp", "load_network", "load_trained",
    "mitigation_record", "mixture_pmf", "network_from_checkpoint", "network_outputs",
    "predict_outputs", "remove_correlation", "threshold_pmf",
]
