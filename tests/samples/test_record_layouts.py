"""The record-shaped training layouts: machine records that parse as what they claim to be, tables on
their side, lower-case threads, news prose with adjectival flags, and numbers that are not entities."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ElementTree

import pytest

from oceanid_dagster.samples.generator import generate_documents
from oceanid_dagster.samples.vocabulary import FLAG_ADJECTIVES


@pytest.fixture(scope="module")
def records_documents(sample_records):
    return generate_documents(sample_records, 60, seed=5, layouts=["structured_record"])


def pages_of(documents):
    return [page for document in documents for page in document.pages]


def entity_texts(page, label: str) -> list[str]:
    return [page.text[span.start : span.end] for span in page.spans if span.label == label]


def record_format(page) -> str:
    text = page.text
    if "<vessels>" in text:
        return "xml"
    first = next(line for line in text.splitlines() if line and not line.startswith("#"))
    if first.startswith("{") and first.endswith("}"):
        return "jsonl"
    if first in ("[", "{"):
        return "json"
    if ": " in first:
        return "yaml"
    return "key_value" if "=" in first else "csv"


def test_machine_records_parse_as_the_format_they_are_written_in(records_documents):
    formats = set()
    for document in records_documents:
        page = document.pages[0]
        if len(document.pages) > 1:
            continue  # a record cut by a page break is no longer whole
        form = record_format(page)
        formats.add(form)
        body = "\n".join(line for line in page.text.splitlines() if not line.startswith("#"))
        if form == "xml":
            names = [element.text for element in ElementTree.fromstring(body).iter()]
            assert set(entity_texts(page, "VESSEL_NAME")) <= set(names)
        elif form == "jsonl":
            rows = [json.loads(line) for line in body.splitlines() if line]
            assert len(rows) == len(entity_texts(page, "RFMO"))
        elif form == "json":
            parsed = json.loads("[" + re.sub(r"}\s*{", "},{", body.strip().strip("[]")) + "]")
            assert len(parsed) == len(entity_texts(page, "RFMO"))
        elif form == "csv":
            dialect = csv.Sniffer().sniff(body.splitlines()[0], delimiters=",;\t|")
            rows = list(csv.reader(io.StringIO(body), dialect))
            assert len({len(row) for row in rows}) == 1 and len(rows) == len(entity_texts(page, "RFMO")) + 1
    assert formats == {"xml", "json", "jsonl", "csv", "yaml", "key_value"}, formats


def test_a_unit_in_the_key_leaves_the_tonnage_or_length_a_bare_labelled_number(records_documents):
    bare = [
        (label, text)
        for page in pages_of(records_documents)
        for label in ("TONNAGE", "LENGTH")
        for text in entity_texts(page, label)
        if re.fullmatch(r"\d+(\.\d+)?", text)
    ]
    assert {label for label, _ in bare} == {"TONNAGE", "LENGTH"}


def test_coordinates_speeds_and_crew_counts_beside_the_record_are_not_entities(records_documents):
    numbers_outside = 0
    for page in pages_of(records_documents):
        for match in re.finditer(r'\b(lat|lon|speed|crew|catch_kg)\b"?\s*[:=]\s*"?(-?[\d.,]+)', page.text):
            start = match.start(2)
            assert not any(span.start <= start < span.end for span in page.spans), match.group(0)
            numbers_outside += 1
    assert numbers_outside >= 20


def test_transposed_tables_put_several_vessels_side_by_side_on_each_field_row(sample_records):
    pages = pages_of(generate_documents(sample_records, 12, seed=5, layouts=["transposed_table"]))
    rows_with_two_imos = [
        line for page in pages for line in page.text.splitlines() if len(re.findall(r"\b\d{7}\b", line)) >= 2
    ]
    assert len(rows_with_two_imos) >= 6


def test_message_threads_keep_lower_case_names_and_call_signs_as_entities(sample_records):
    pages = pages_of(generate_documents(sample_records, 40, seed=2, layouts=["message_thread"]))
    names = [text for page in pages for text in entity_texts(page, "VESSEL_NAME")]
    assert any(name == name.lower() and name != name.upper() for name in names)
    assert any(name == name.upper() for name in names)


def test_news_prose_labels_adjectival_flags_and_compound_lengths(sample_records):
    pages = pages_of(generate_documents(sample_records, 40, seed=2, layouts=["news_article"]))
    flags = {text for page in pages for text in entity_texts(page, "FLAG")}
    lengths = {text for page in pages for text in entity_texts(page, "LENGTH")}
    assert flags & set(FLAG_ADJECTIVES.values())
    assert any(re.fullmatch(r"\d+-(metre|meter|m)", length) for length in lengths)
    case_files = [match.group(0) for page in pages for match in re.finditer(r"[A-Z]{3,4}-20\d\d-\d{4}", page.text)]
    assert case_files and not any(
        text in case_files for page in pages for text in entity_texts(page, "REGISTRATION_NUMBER")
    )
