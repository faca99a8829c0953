"""Runs the predictor meets, trained once for this folder (one LayerLab home).

binary: a small table with numbers, categories, a category written as numbers and missing
cells (the export tests' table); multiclass: iris; regression: diabetes (target in its own
units); image: digits (refused: not a table); mixture: an exponentiated-gradient mitigated run
(predicted, without reasons); queued: a run that never trained (refused).
"""
from tests.core.export.conftest import _train, mixed_frame, mixed_ref, runs  # noqa: F401 - the same runs
from tests.module_home import in_home, layerlab_home, shared_home, store  # noqa: F401 - fixtures

__all__ = ["mixed_frame"]
