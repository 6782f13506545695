"""One JSON line per figure: ``{"name", "value", "unit", "baseline", "ratio"}``."""

from __future__ import annotations

import json
import sys


def emit(name: str, value: float, unit: str, baseline: float | None = None) -> None:
    ratio = round(value / baseline, 3) if baseline else None
    line = {"name": name, "value": round(value, 3), "unit": unit, "baseline": _rounded(baseline), "ratio": ratio}
    print(json.dumps(line), flush=True)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def note(message: str) -> None:
    """Progress for the person watching; stderr, so stdout stays JSON lines only."""
    print(message, file=sys.stderr, flush=True)
