"""Small labelled pages for the training tests, built from real registry records."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from oceanid_dagster.domain.spans import Span


@dataclass
class Page:
    text: str
    spans: list[Span] = field(default_factory=list)


@dataclass
class Document:
    pages: list[Page]


def page_from_parts(parts: list[tuple[str, str | None]]) -> Page:
    """``[("IMO ", None), ("9305427", "IMO")]`` -> the page text and the span of every labelled part."""
    text, spans = "", []
    for part, label in parts:
        if label is not None:
            spans.append(Span(len(text), len(text) + len(part), label))
        text += part
    return Page(text, spans)


def _form_page(record: dict) -> Page:
    parts: list[tuple[str, str | None]] = [("VESSEL RECORD\nName of vessel: ", None), (record["vessel_name"], "VESSEL_NAME")]
    for caption, key, label in (
        ("IMO number", "imo", "IMO"),
        ("Call sign", "ircs", "IRCS"),
        ("Flag", "flag", "FLAG"),
        ("Owner", "owner", "OWNER"),
        ("Vessel type", "vessel_type", "VESSEL_TYPE"),
    ):
        if record.get(key):
            parts += [(f"\n{caption}: ", None), (str(record[key]), label)]
    if record.get("tonnage"):
        parts += [("\nTonnage: ", None), (f"{record['tonnage']:g} GT", "TONNAGE")]
    parts += [("\nAuthorised by ", None), (record["source"], "RFMO"), (" on ", None), ("12 March 2024", "DATE"), (".", None)]
    return page_from_parts(parts)


def _sentence_page(record: dict) -> Page:
    parts: list[tuple[str, str | None]] = [("The ", None), (record["vessel_name"], "VESSEL_NAME")]
    if record.get("imo"):
        parts += [(" (IMO ", None), (record["imo"], "IMO"), (")", None)]
    if record.get("flag"):
        parts += [(", flagged to ", None), (record["flag"], "FLAG"), (",", None)]
    parts += [(" was inspected in ", None), ("Las Palmas", "PORT"), (" on ", None), ("2024-05-17", "DATE"), (".", None)]
    return page_from_parts(parts)


def synthetic_documents(records: list[dict], count: int, seed: int = 0) -> list[Document]:
    rng = random.Random(seed)
    named = [record for record in records if record.get("vessel_name")]
    documents = []
    for _ in range(count):
        chosen = rng.sample(named, 2)
        documents.append(Document([_form_page(chosen[0]), _sentence_page(chosen[1])]))
    return documents
