"""Small helpers that turn lists and counts into plain English for reports and messages."""
from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    return word if n == 1 else (many or word + "s")


def join_names(names, limit: int = 6, quote: bool = True) -> str:
    """'a', 'b' and 'c'; long lists end with '... and 7 more'."""
    items = [f"'{n}'" if quote else str(n) for n in names]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
