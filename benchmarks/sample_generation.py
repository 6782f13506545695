"""Generate and render 1,000 three-page text PDFs (the document benchmark's input).

Prints JSON lines {"name", "value", "unit", "baseline", "ratio"}; baseline is the target
(well under a minute for generation + rendering on a 2-core machine).
"""

from __future__ import annotations

import json
import time

from oceanid_dagster.samples.generator import generate_documents
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.samples.render import render_pdf

DOCUMENTS = 1000
PAGES = 3
TARGET_SECONDS = 60.0


def report(name: str, value: float, unit: str, baseline: float) -> None:
    print(
        json.dumps(
            {
                "name": name,
                "value": round(value, 3),
                "unit": unit,
                "baseline": baseline,
                "ratio": round(value / baseline, 3),
            }
        )
    )


def main() -> None:
    records = load_sample_registry()
    started = time.perf_counter()
    documents = generate_documents(records, DOCUMENTS, seed=1000, pages=PAGES)
    generated = time.perf_counter()
    total_bytes = sum(len(render_pdf(document)) for document in documents)
    rendered = time.perf_counter()
    assert all(len(document.pages) == PAGES for document in documents)
    report("samples.generate_1000x3p", generated - started, "s", TARGET_SECONDS)
    report("samples.render_pdf_1000x3p", rendered - generated, "s", TARGET_SECONDS)
    report("samples.generate_and_render_1000x3p", rendered - started, "s", TARGET_SECONDS)
    report("samples.pdf_mean_size", total_bytes / DOCUMENTS / 1024, "KiB", 100.0)


if __name__ == "__main__":
    main()
