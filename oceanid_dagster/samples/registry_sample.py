"""Cut the small registry samples in ``samples/data/`` from the full published lists.

Lines are copied byte for byte (header, byte-order mark, quoting), so the sample reads exactly
like the original. A vessel's rows stay together (NEAFC repeats a vessel once per species), and
vessels whose rows show the lists' quirks (repeats, missing-value markers, bad IMO numbers,
mis-encoded names) are taken first, the rest at random.

    python -m oceanid_dagster.samples.registry_sample ../shared/data/registries oceanid_dagster/samples/data
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from oceanid_dagster.domain.registry import MISSING_MARKERS, clean_header_name, detect_source, normalise_row

DEFAULT_ROWS_PER_LIST = 100
QUIRKY_SHARE = 0.4


def _is_quirky(raw_row: dict[str, str], record: dict[str, object]) -> bool:
    values = [value for value in raw_row.values() if value]
    has_marker = any(value.strip().upper() in MISSING_MARKERS for value in values)
    has_mojibake = any("Ã" in value for value in values)
    raw_imo = next((v for k, v in raw_row.items() if k.upper().startswith("IMO") and v), None)
    return has_marker or has_mojibake or (raw_imo is not None and record["imo"] is None)


def select_lines(lines: list[bytes], rows_per_list: int, seed: int) -> list[bytes]:
    """Header plus the lines of whole vessels, about ``rows_per_list`` data lines, original order."""
    header_line, data_lines = lines[0], lines[1:]
    header = next(csv.reader([header_line.decode("utf-8-sig")]))
    source = detect_source(header)
    groups: dict[object, list[int]] = {}
    quirky: set[object] = set()
    for index, line in enumerate(data_lines):
        values = next(csv.reader([line.decode("utf-8")]))
        raw_row = dict(zip((clean_header_name(name) for name in header), values))
        record = normalise_row(source, raw_row)
        key = record["source_vessel_id"]
        groups.setdefault(key, []).append(index)
        if _is_quirky(raw_row, record) or len(groups[key]) > 1:
            quirky.add(key)
    rng = random.Random(seed)
    keys = list(groups)
    rng.shuffle(keys)
    quirky_keys = _fill([key for key in keys if key in quirky], groups, int(rows_per_list * QUIRKY_SHARE))
    # Small groups next, so that lists repeating each vessel (NEAFC) still give many vessels.
    rest = sorted((key for key in keys if key not in set(quirky_keys)), key=lambda key: len(groups[key]))
    chosen_keys = quirky_keys + _fill(rest, groups, rows_per_list - sum(len(groups[k]) for k in quirky_keys))
    chosen = sorted(index for key in chosen_keys for index in groups[key])
    return [header_line] + [data_lines[index] for index in chosen]


def _fill(keys: list[object], groups: dict[object, list[int]], budget: int) -> list[object]:
    taken: list[object] = []
    for key in keys:
        if budget <= 0:
            break
        if len(groups[key]) <= budget:
            taken.append(key)
            budget -= len(groups[key])
    return taken


def copy_sample(source_csv: Path, target_dir: Path, rows_per_list: int, seed: int) -> Path:
    lines = source_csv.read_bytes().splitlines(keepends=True)
    target = target_dir / source_csv.name
    target.write_bytes(b"".join(select_lines(lines, rows_per_list, seed)))
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source_dir", type=Path)
    parser.add_argument("target_dir", type=Path)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS_PER_LIST)
    parser.add_argument("--seed", type=int, default=20250826)
    args = parser.parse_args(argv)
    args.target_dir.mkdir(parents=True, exist_ok=True)
    for source_csv in sorted(args.source_dir.glob("*.csv")):
        print(copy_sample(source_csv, args.target_dir, args.rows, args.seed))


if __name__ == "__main__":
    main()
