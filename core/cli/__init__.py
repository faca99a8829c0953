"""Command groups of `python -m core`; see core/__main__.py."""
import json
import sys


def print_json(obj) -> None:
    """Print one JSON object on its own last line (the --json contract)."""
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
