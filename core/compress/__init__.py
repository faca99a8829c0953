"""Make a trained network smaller: structured pruning and int8 quantization, as child runs.

    result = prune_run(store, "run-0001", 0.3, finetune_epochs=3)
    result["child_id"], result["before"]["params"], result["after"]["params"]
    result = quantize_run(store, "run-0001")      # int8 ONNX: size, latency, accuracy

Pruning removes whole units of Dense layers (and filters of Conv2D), rebuilds the smaller
layers and fine-tunes them with the one training loop, so the child run's spec and file really
shrink (torch.nn.utils.prune only masks). Quantization stores the exported ONNX file's weights
as int8 with onnxruntime and measures both files the same way; the sentences say so when int8
is slower or not smaller. Both run as jobs ("prune", "quantize") with progress.
"""
from core.compress._checks import NOT_FINISHED, NOT_ONE_NETWORK, compressible_model
from core.compress._prune import (FINETUNE_EPOCHS, FINETUNE_EPOCHS_RANGE, FINETUNE_FAILED,
                                  COMPRESSION_KIND, PRUNED_RUN, prune_run, size_of)
from core.compress._quantize import QUANTIZED_RUN, quantize_run, quantized_folder
from core.compress._shrink import (MAX_FRACTION, NOTHING_PRUNABLE, PRUNE_FRACTION, WHY_NO_WEIGHTED,
                                   WHY_NONE_FEEDS, check_fraction, plan_prune)
from core.compress._words import prune_sentences, quantize_sentences

__all__ = [
    "COMPRESSION_KIND", "FINETUNE_EPOCHS", "FINETUNE_EPOCHS_RANGE", "FINETUNE_FAILED", "MAX_FRACTION", "NOTHING_PRUNABLE",
    "NOT_FINISHED", "NOT_ONE_NETWORK", "PRUNED_RUN", "PRUNE_FRACTION", "QUANTIZED_RUN",
    "WHY_NONE_FEEDS", "WHY_NO_WEIGHTED", "check_fraction", "compressible_model", "plan_prune",
    "prune_run", "prune_sentences", "quantize_run", "quantize_sentences", "quantized_folder",
    "size_of",
]
