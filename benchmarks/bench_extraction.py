"""Extraction quality of the bootstrap rules on generated documents the rules were never tuned on:
PDFs rendered by the sample generator, read back through the real text layer (and tesseract for
scans), gold spans mapped onto the extracted text, span-exact precision/recall/F1 per label."""

from __future__ import annotations

import json
import sys

from oceanid_dagster.domain.evaluation import span_scores
from oceanid_dagster.inference.extractors import RuleExtractor
from oceanid_dagster.reading.pdf import read_pdf_pages, tesseract_image
from oceanid_dagster.samples.generator import generate_documents
from oceanid_dagster.samples.gold import locate_gold_spans
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.samples.render import render_pdf, render_scanned_pdf

OPTIONS = {"max_pages": 500, "min_text_chars": 20, "dpi": 300, "workers": 2, "ocr_page": tesseract_image}


def evaluate(documents, render) -> dict:
    extractor = RuleExtractor()
    pages = []
    for document in documents:
        read = read_pdf_pages(render(document), **OPTIONS)
        found = extractor.extract_pages([page.text for page in read])
        for gold_page, page, predicted in zip(document.pages, read, found):
            pages.append((locate_gold_spans(gold_page, page.text), predicted.spans))
    return span_scores(pages)


def main(text_documents: int = 60, scanned_documents: int = 6) -> None:
    records = load_sample_registry()
    for kind, count, render, seed in (
        ("text_layer", text_documents, render_pdf, 101),
        ("scanned", scanned_documents, render_scanned_pdf, 202),
    ):
        scores = evaluate(generate_documents(records, n=count, seed=seed), render)
        for label, figures in scores.items():
            print(
                json.dumps(
                    {
                        "name": f"rules_f1_{kind}_{label}",
                        "value": figures["f1"],
                        "unit": "f1",
                        "baseline": None,
                        "ratio": None,
                        "precision": figures["precision"],
                        "recall": figures["recall"],
                        "support": figures["support"],
                    }
                )
            )


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
