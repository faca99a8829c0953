"""Loading the prepared arrays of a run's dataset, cached per process.

A warm worker that trains several runs on the same dataset loads and preprocesses it once
(a DatasetRef fully determines the data: built-in generator settings or a content-addressed
CSV copy, plus target, kinds and split seed).
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

_CACHE: OrderedDict[str, tuple[Any, Any]] = OrderedDict()
_MAX_ENTRIES = 4


def prepared(ref) -> tuple[Any, Any]:
    """(DatasetBundle, PreparedData) for a DatasetRef (or its JSON dict)."""
    from core.data._load import load
    from core.data._prepare import prepare
    from core.data._types import DatasetRef

    if isinstance(ref, dict):
        ref = DatasetRef.model_validate(ref)
    key = ref.model_dump_json()
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    bundle = load(ref)
    data = prepare(bundle)
    _CACHE[key] = (bundle, data)
    while len(_CACHE) > _MAX_ENTRIES:
        _CACHE.popitem(last=False)
    return bundle, data
