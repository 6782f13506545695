"""Synthetic documents: determinism, exact gold spans, layouts, variety."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from oceanid_dagster.domain.labels import LABEL_NAMES
from oceanid_dagster.samples.generator import LAYOUT_NAMES, generate_documents
from oceanid_dagster.samples.gold import read_gold
from oceanid_dagster.samples.sample_set import gold_path_for, write_sample_set


@pytest.fixture(scope="module")
def documents(sample_records):
    return generate_documents(sample_records, 60, seed=11)


def test_same_seed_same_documents_other_seed_other_documents(sample_records, documents) -> None:
    again = generate_documents(sample_records, 60, seed=11)
    other = generate_documents(sample_records, 60, seed=12)
    assert again == documents
    assert [d.pages[0].text for d in other] != [d.pages[0].text for d in documents]


def test_every_gold_span_is_exact_clean_and_non_overlapping(documents) -> None:
    for document in documents:
        for page in document.pages:
            previous_end = 0
            for span in page.spans:
                text = page.text[span.start : span.end]
                assert text and text == text.strip() and "\n" not in text, (document.name, span)
                assert span.start >= previous_end, (document.name, span)
                previous_end = span.end


def test_all_layouts_and_all_labels_appear(documents) -> None:
    assert {d.layout for d in documents} == set(LAYOUT_NAMES)
    labels = {span.label for d in documents for page in d.pages for span in page.spans}
    assert labels == set(LABEL_NAMES)


def test_some_documents_have_several_pages(documents) -> None:
    assert any(len(d.pages) > 1 for d in documents)


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_asked_page_count_is_met_for_every_layout(sample_records, layout) -> None:
    docs = generate_documents(sample_records, 4, seed=5, layouts=[layout], pages=3)
    assert [len(d.pages) for d in docs] == [3, 3, 3, 3]
    assert all(page.spans for d in docs for page in d.pages)


def test_vessel_names_are_not_always_introduced_by_the_same_words(documents) -> None:
    lead_ins = Counter()
    for document in documents:
        for page in document.pages:
            for span in page.spans:
                if span.label == "VESSEL_NAME":
                    line_start = page.text.rfind("\n", 0, span.start) + 1
                    lead_ins[page.text[max(line_start, span.start - 12) : span.start].strip().lower()] += 1
    assert len(lead_ins) >= 15
    assert lead_ins.most_common(1)[0][1] < 0.5 * sum(lead_ins.values())


def test_dates_units_and_flags_vary_between_documents(documents) -> None:
    def texts(label):
        return {
            page.text[s.start : s.end] for d in documents for page in d.pages for s in page.spans if s.label == label
        }

    assert len({"".join(ch if not ch.isdigit() else "9" for ch in t) for t in texts("DATE")}) >= 5
    assert len({t.split()[-1] if " " in t else t.strip("0123456789.,") for t in texts("LENGTH")}) >= 3
    flags = texts("FLAG")
    assert any(len(f) == 3 and f.isupper() for f in flags) and any(len(f) > 3 for f in flags)


def test_unknown_layout_is_refused(sample_records) -> None:
    with pytest.raises(ValueError, match="poster"):
        generate_documents(sample_records, 1, seed=1, layouts=["poster"])


def test_records_without_names_are_refused() -> None:
    with pytest.raises(ValueError, match="vessel names"):
        generate_documents([{"vessel_name": None, "source": "X"}], 1, seed=1)


def test_sample_set_writes_pdf_and_gold_with_deterministic_names(tmp_path, sample_records) -> None:
    first = write_sample_set(tmp_path / "a", n_text=3, n_scanned=1, seed=4, records=sample_records, dpi=60)
    second = write_sample_set(tmp_path / "b", n_text=3, n_scanned=1, seed=4, records=sample_records, dpi=60)
    assert [p.name for p in first] == [p.name for p in second]
    assert first[-1].stem.endswith("-scan")
    for pdf in first:
        assert pdf.read_bytes().startswith(b"%PDF")
        gold = read_gold(gold_path_for(pdf))
        raw = json.loads(gold_path_for(pdf).read_text(encoding="utf-8"))
        assert raw["scanned"] == pdf.stem.endswith("-scan")
        assert gold.name + ("-scan" if raw["scanned"] else "") == pdf.stem
    assert [p.read_bytes() for p in first[:3]] == [p.read_bytes() for p in second[:3]]


def test_command_line_writes_the_requested_files(tmp_path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "oceanid_dagster.samples",
            str(tmp_path),
            "--text",
            "2",
            "--scanned",
            "0",
            "--seed",
            "9",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wrote 2 PDFs" in result.stdout
    assert len(list(tmp_path.glob("*.pdf"))) == 2 and len(list(tmp_path.glob("*.gold.json"))) == 2
