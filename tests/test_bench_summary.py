"""`make bench`'s closing table: each figure with a target, its value, the target and whether it is met."""

from benchmarks.targets import summary


def test_the_summary_lists_figures_with_targets_and_says_which_are_met():
    lines = [
        {"name": "end_to_end.1000x3p.rules.seconds_vs_pure_compute", "value": 164.7, "unit": "s", "ratio": 4.59},
        {"name": "scans.raw_ocr_24_pages.speedup_vs_target", "value": 1.85, "unit": "x", "ratio": 1.09},
        {"name": "curated.vessels", "value": 5440, "unit": "vessels", "ratio": None},
    ]
    rows = [row.split() for row in summary(lines).splitlines()]
    assert rows[0] == ["figure", "value", "target", "met"]
    assert rows[1][0].endswith("seconds_vs_pure_compute") and rows[1][1] == "4.59x" and rows[1][-1] == "NO"
    assert rows[2][0].startswith("scans.") and rows[2][-1] == "yes"
    assert len(rows) == 3, "figures without a target are not in the table"
