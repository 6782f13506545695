"""``python -m oceanid_dagster.samples OUT_DIR --text N --scanned M --seed S``"""

from __future__ import annotations

import argparse
from pathlib import Path

from oceanid_dagster.samples.generator import LAYOUT_NAMES
from oceanid_dagster.samples.registry_csv import read_registry_dir
from oceanid_dagster.samples.sample_set import write_sample_set


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m oceanid_dagster.samples",
        description="Write synthetic vessel PDFs with gold entity annotations.",
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--text", type=int, default=10, help="PDFs with a text layer")
    parser.add_argument("--scanned", type=int, default=2, help="image-only PDFs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pages", type=int, default=None, help="exact pages per document (default: varies)")
    parser.add_argument("--layouts", nargs="+", choices=LAYOUT_NAMES, default=list(LAYOUT_NAMES))
    parser.add_argument("--registry-dir", type=Path, default=None, help="full RFMO CSVs (default: the packaged sample)")
    args = parser.parse_args(argv)
    records = read_registry_dir(args.registry_dir) if args.registry_dir else None
    paths = write_sample_set(args.out_dir, args.text, args.scanned, args.seed, records, args.pages, args.layouts)
    print(f"wrote {len(paths)} PDFs with gold annotations to {args.out_dir}")


if __name__ == "__main__":
    main()
