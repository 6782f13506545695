"""The targets the figures are held to (issue targets; ratios measured in the same run), and the
one-table summary ``make bench`` ends with: figure, value, target, met."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from fnmatch import fnmatch

COMPARE = {"<=": operator.le, "<": operator.lt, ">=": operator.ge}


@dataclass(frozen=True)
class Target:
    pattern: str  # fnmatch over figure names
    field: str  # "value" or "ratio" (value / baseline)
    comparison: str
    threshold: float

    def met(self, line: dict) -> bool | None:
        value = line.get(self.field)
        return None if value is None else COMPARE[self.comparison](value, self.threshold)


TARGETS = (
    Target("end_to_end.*.seconds_vs_target", "value", "<=", 180.0),
    Target("end_to_end.*.seconds_vs_pure_compute", "ratio", "<=", 2.0),
    Target("end_to_end.*.peak_run_rss", "value", "<", 2048.0),
    Target("own_path_int8_speedup_vs_pytorch_eager", "value", ">=", 5.0),
    Target("scans.*.speedup_vs_target", "value", ">=", 1.8),
    Target("partitions.*.sensor_tick_no_new_files", "value", "<", 1.0),
    Target("training_seconds", "value", "<=", 300.0),
    Target("curated.promotion_s.first", "value", "<=", 60.0),
    Target("scan_layout.*.text_minus_scan_f1", "value", "<=", 0.05),
    # judged on the held-out pages only: the validation pages steer the shipping decision, the reference pages the rules
    Target("generalisation.*.held_out.text.shipping.micro_f1", "value", ">=", 0.92),
    Target("generalisation.*.held_out.*.shipping.identifiers_f1", "value", ">=", 0.98),
    Target("generalisation.*.held_out.shipping.text_minus_scan_f1", "value", "<=", 0.05),
    Target("generalisation.*.training_seconds", "value", "<=", 300.0),
    Target("learning.f1_gain", "value", ">=", 0.10),  # or learning.f1_after >= 0.92
    Target("learning.f1_after", "value", ">=", 0.92),
)


def target_for(name: str) -> Target | None:
    return next((target for target in TARGETS if fnmatch(name, target.pattern)), None)


def summary(lines: list[dict]) -> str:
    """A table of every figure that has a target: what it measured, what it must be, whether it is."""
    rows = [("figure", "value", "target", "met")]
    for line in lines:
        target = target_for(line["name"])
        if target is None:
            continue
        value = line.get(target.field)
        shown = (
            f"{value:g}{'x' if target.field == 'ratio' else ' ' + line.get('unit', '')}" if value is not None else "–"
        )
        met = target.met(line)
        rows.append(
            (
                line["name"],
                shown.strip(),
                f"{target.comparison} {target.threshold:g}",
                {True: "yes", False: "NO", None: "–"}[met],
            )
        )
    widths = [max(len(row[index]) for row in rows) for index in range(4)]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in rows)
