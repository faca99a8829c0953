"""Take the model out: a finished run as files that work without LayerLab.

    manifest = export_run(store, "run-0001", "out/", formats="all")
    manifest["formats"]["onnx"]["check"]     # {rows, max_abs_diff, tolerance, ...}

ONNX of the whole tabular pipeline (raw columns in, probabilities or values out; images and
sequences: the network alone), checked in onnxruntime against LayerLab's own predictions on
the test rows before it is written; safetensors weights with the spec, config and
preprocessing as JSON (nothing pickled); a torch.export program (.pt2) of the
network on model inputs; reproduce.py, a plain script that retrains the run from the
CSV and prints its test metric; a README saying how to load each file. Only finished
runs that are one network can be exported; the messages below say why not and what instead.
"""
from core.export._bundle import FORMATS, export_run, exportable_model, parse_formats, zip_folder
from core.export._check import ONNX_MISMATCH, TOLERANCE, check_onnx, check_sentence, test_inputs
from core.export._checks import NOT_FINISHED, NOT_ONE_NETWORK, UNKNOWN_FORMAT, WHAT_INSTEAD
from core.export._onnx import (NO_ONNX_FORM, ONNX_CANNOT_EXPRESS, OUTPUT_NAMES, PREPROCESSOR_CANNOT_CONVERT,
                               input_layout, network_onnx, pipeline_onnx, raw_feed,
                               readable_head)
from core.export._script import SCRIPT_CANNOT_REPRODUCE, SCRIPT_LAYERS, check_reproducible
from core.export._pt2 import PT2_CANNOT_EXPORT, PT2_MISMATCH, write_pt2

__all__ = [
    "FORMATS", "NO_ONNX_FORM", "NOT_FINISHED", "NOT_ONE_NETWORK", "ONNX_CANNOT_EXPRESS", "ONNX_MISMATCH",
    "OUTPUT_NAMES", "PREPROCESSOR_CANNOT_CONVERT", "PT2_CANNOT_EXPORT", "PT2_MISMATCH",
    "SCRIPT_CANNOT_REPRODUCE", "SCRIPT_LAYERS", "TOLERANCE", "UNKNOWN_FORMAT", "WHAT_INSTEAD",
    "check_onnx", "check_reproducible", "check_sentence", "export_run", "exportable_model", "input_layout", "network_onnx",
    "parse_formats", "pipeline_onnx", "raw_feed", "readable_head", "test_inputs", "write_pt2", "zip_folder",
]
