"""The packaged hand-written pages (reference and validation) and the benchmark's held-out pages:
layouts the generator does not make, with gold spans."""

from __future__ import annotations

from collections import Counter

import pytest

from oceanid_dagster.domain.labels import LABEL_NAMES
from oceanid_dagster.training.reference import (
    VALIDATION_DIR,
    load_reference_page,
    reference_page_paths,
    reference_pages,
)


def test_every_reference_page_loads_with_spans_on_their_annotated_text():
    pages = reference_pages()
    assert len(pages) == len(reference_page_paths()) >= 13
    for page in pages:
        annotations = [line.split("\t")[:2] for line in _ann_lines(page.name)]
        assert [(span.label, page.text[span.start : span.end]) for span in page.spans] == [
            (label, surface.replace("\\n", "\n")) for label, surface in annotations
        ]
    labels = Counter(span.label for page in pages for span in page.spans)
    assert set(labels) >= set(LABEL_NAMES) - {"RFMO_ID"} and sum(labels.values()) > 250


def test_an_annotation_not_on_its_page_names_the_file_and_line(tmp_path):
    (tmp_path / "page.txt").write_text("Vessel OCEAN STAR", encoding="utf-8")
    (tmp_path / "page.ann").write_text("VESSEL_NAME\tOCEAN STAR\nIMO\t9305427\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"page\.ann:2: '9305427' is not on the page"):
        load_reference_page(tmp_path / "page.txt")


def _ann_lines(name: str) -> list[str]:
    [path] = [path for path in reference_page_paths() if path.stem == name]
    return path.with_suffix(".ann").read_text(encoding="utf-8").splitlines()


def test_an_annotation_lands_on_the_whole_token_not_inside_a_longer_one(tmp_path):
    """ "IOTC" the organisation, not the "IOTC" of "IOTC001234"; "25" the length, not the "25" of
    "2025" or "25.7"; a surface found only inside a longer token still lands there."""
    text = "IOTC001234  PELANGI  25.7  01 Jan 2025  25 m  (IOTC)  ZHOUYU960"
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    (tmp_path / "page.ann").write_text("RFMO\tIOTC\nLENGTH\t25\nVESSEL_NAME\tZHOUYU\n", encoding="utf-8")
    page = load_reference_page(tmp_path / "page.txt")
    assert [span.start for span in page.spans] == [text.index("(IOTC)") + 1, text.index("25 m"), text.index("ZHOU")]


def test_a_third_column_names_which_occurrence(tmp_path):
    text = "Contracting Party: Ghana\nFlag: Ghana\nFlag: Ghana\n"
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    (tmp_path / "page.ann").write_text("FLAG\tGhana\t2\nFLAG\tGhana\t3\n", encoding="utf-8")
    page = load_reference_page(tmp_path / "page.txt")
    assert [span.start for span in page.spans] == [text.index("Flag: Ghana") + 6, text.rindex("Ghana")]


def test_the_validation_pages_load_cover_the_labels_and_are_not_reference_pages():
    validation = reference_pages(VALIDATION_DIR)
    assert len(validation) >= 12
    assert {page.text for page in validation}.isdisjoint(page.text for page in reference_pages())
    assert len({span.label for page in validation for span in page.spans}) >= 14


def test_held_out_pages_load_and_are_neither_reference_nor_validation_pages():
    """The benchmark's held-out pages (seen by neither the shipping decision nor the rules' authors)
    are well-formed and share no page, and no vessel, with the packaged pages."""
    from benchmarks.bench_generalisation import HELD_OUT_DIR

    held_out = reference_pages(HELD_OUT_DIR)
    assert len(held_out) >= 12
    packaged = reference_pages() + reference_pages(VALIDATION_DIR)
    packaged_text = "\n".join(page.text for page in packaged).upper()
    vessels = {
        page.text[span.start : span.end].upper()
        for page in held_out
        for span in page.spans
        if span.label == "VESSEL_NAME"
    }
    assert not {name for name in vessels if name in packaged_text}
    assert len({span.label for page in held_out for span in page.spans}) >= 14
