"""Showing user text safely: names from the user's data are shown as typed, never as markup."""
from __future__ import annotations

from typing import Any

_MARKDOWN = "\\`*_{}[]<>()#+-.!|~$"


def md(text: Any) -> str:
    """Escape Markdown (and so HTML) in user text — column, class, dataset and model names."""
    return "".join("\\" + ch if ch in _MARKDOWN else ch for ch in str(text))
