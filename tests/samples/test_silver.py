"""Silver training documents: the layouts written for training, and pages as OCR reads them."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from oceanid_dagster.domain.spans import Span
from oceanid_dagster.samples.generator import (
    LAYOUT_NAMES,
    OCR_SUFFIX,
    SILVER_LAYOUT_NAMES,
    generate_documents,
    silver_documents,
)
from oceanid_dagster.samples.layouts_records import RECORD_LAYOUTS
from oceanid_dagster.samples.layouts_varied import VARIED_LAYOUTS
from oceanid_dagster.samples.ocr_noise import OcrNoise, ocr_noised
from oceanid_dagster.samples.render import render_pdf
from oceanid_dagster.samples.text import SamplePage

VARIED_NAMES = [layout.name for layout in (*VARIED_LAYOUTS, *RECORD_LAYOUTS)]
TABLE_TEXT = (
    "No.    Vessel name              IMO number        Flag state\n"
    "1      TAISEI MARU NO.24        9086758           Japan\n"
    "2      SOLEVAG                  9233868           Norway"
)


def _span(text: str, label: str) -> Span:
    start = TABLE_TEXT.index(text)
    return Span(start, start + len(text), label)


TABLE_PAGE = SamplePage(
    TABLE_TEXT, [_span("TAISEI MARU NO.24", "VESSEL_NAME"), _span("9086758", "IMO"), _span("Japan", "FLAG")]
)


@pytest.fixture(scope="module")
def silver(sample_records):
    return silver_documents(sample_records, 90, seed=4, ocr_share=0.3)


def test_silver_data_has_every_layout_and_the_printed_samples_keep_their_five(silver, sample_records) -> None:
    assert {document.layout for document in silver} == set(SILVER_LAYOUT_NAMES)
    assert set(VARIED_NAMES) <= set(SILVER_LAYOUT_NAMES) and not set(VARIED_NAMES) & set(LAYOUT_NAMES)
    assert {document.layout for document in generate_documents(sample_records, 20, seed=4)} == set(LAYOUT_NAMES)


def test_silver_data_is_drawn_from_every_registry(silver, sample_records) -> None:
    names_by_source = {}
    for record in sample_records:
        names_by_source.setdefault(record["source"], set()).add(record["vessel_name"])
    mentioned = {
        page.text[span.start : span.end] for d in silver for page in d.pages for span in page.spans
    }  # fmt: skip
    assert all(names & mentioned for names in names_by_source.values()), sorted(names_by_source)


def test_about_the_asked_share_is_read_as_ocr_and_the_same_seed_gives_the_same_documents(silver, sample_records):
    ocr_read = [document for document in silver if document.name.endswith(OCR_SUFFIX)]
    assert 0.15 * len(silver) <= len(ocr_read) <= 0.45 * len(silver)
    assert silver_documents(sample_records, 90, seed=4, ocr_share=0.3) == silver
    assert not [d for d in silver_documents(sample_records, 20, seed=4, ocr_share=0.0) if d.name.endswith(OCR_SUFFIX)]


@pytest.mark.parametrize("layout", VARIED_NAMES)
def test_each_training_layout_writes_exact_spans_and_renders_to_pdf(sample_records, layout) -> None:
    documents = generate_documents(sample_records, 6, seed=9, layouts=[layout])
    labels = Counter()
    for document in documents:
        for page in document.pages:
            for span in page.spans:
                text = page.text[span.start : span.end]
                assert text and text == text.strip() and "\n" not in text, (document.name, span)
                labels[span.label] += 1
        assert render_pdf(document).startswith(b"%PDF")  # the renderer's fonts print every character
    assert labels["VESSEL_NAME"] >= 6 and len(labels) >= 3, labels


def test_multilingual_forms_caption_fields_in_other_languages(sample_records) -> None:
    texts = "\n".join(
        page.text
        for d in generate_documents(sample_records, 12, seed=3, layouts=["multilingual_form"])
        for page in d.pages
    )
    assert any(caption in texts for caption in ("Pavillon", "Pabellón", "Bandeira"))
    assert any(caption in texts for caption in ("Indicatif d'appel", "Indicativo de llamada", "Indicativo de chamada"))


def test_ocr_noise_keeps_every_span_on_its_noised_entity() -> None:
    noise = OcrNoise(confusion_rate=0.3, loss_rate=0.05, merge_columns=1.0, break_line=0.0)
    noised = ocr_noised(TABLE_PAGE, random.Random(1), noise)
    assert noised.text != TABLE_PAGE.text
    assert [span.label for span in noised.spans] == ["VESSEL_NAME", "IMO", "FLAG"]
    for before, after in zip(TABLE_PAGE.spans, noised.spans):
        original, read = before.text_in(TABLE_PAGE.text), after.text_in(noised.text)
        assert read == read.strip() and len(read) >= len(original) // 2, (original, read)
    assert "  " not in noised.text  # merged columns: one space between cells


def test_ocr_noise_confuses_like_tesseract_and_breaks_lines_outside_entities() -> None:
    rng = random.Random(3)
    confused, broken = Counter(), 0
    for _ in range(200):
        noised = ocr_noised(
            TABLE_PAGE, rng, OcrNoise(confusion_rate=0.05, loss_rate=0.0, merge_columns=0.0, break_line=1.0)
        )
        broken += noised.text.count("\n") - TABLE_PAGE.text.count("\n")
        for before, after in zip(TABLE_PAGE.spans, noised.spans):
            original, read = before.text_in(TABLE_PAGE.text), after.text_in(noised.text)
            assert "\n" not in read
            if len(original) == len(read):
                confused.update(f"{a}>{b}" for a, b in zip(original, read) if a != b)
    assert broken == 200 * 3  # every line over 40 characters broken once
    assert {"O>0", "I>1", "8>B"} & set(confused), confused


def test_clean_noise_changes_nothing() -> None:
    clean = OcrNoise(confusion_rate=0.0, loss_rate=0.0, merge_columns=0.0, break_line=0.0)
    assert ocr_noised(TABLE_PAGE, random.Random(0), clean) == TABLE_PAGE
