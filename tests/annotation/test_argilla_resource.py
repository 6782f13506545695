"""The Argilla resource against a real Argilla server (see conftest.py), with an annotator at work."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from oceanid_dagster.defs.resources.argilla import (
    ArgillaResource,
    ArgillaUnavailableError,
)
from oceanid_dagster.domain.annotation import AnnotationPage
from oceanid_dagster.domain.corrections import ACCEPT, ADD, MODIFY, REJECT, page_corrections
from oceanid_dagster.domain.labels import LABEL_NAMES
from oceanid_dagster.domain.spans import Span

DOC = "0123456789abcdef"
PAGE_1 = "Vessel TAISEI MARU NO.24 IMO 9074729 flag Vanuatu"
PAGE_2 = "Owner: Taisei Co. Ltd, port Busan, 4,992 GT purse seiner"
PAGE_3 = "#### garbled scan ####"


def fixture_pages(version: str = "rules-1", page_2_spans=None) -> list[AnnotationPage]:
    if page_2_spans is None:
        page_2_spans = (Span(7, 21, "OWNER", 0.7), Span(28, 33, "FLAG", 0.4), Span(35, 43, "TONNAGE", 0.9))
    return [
        AnnotationPage(DOC, 1, PAGE_1, "notice.pdf", version,
                       (Span(7, 24, "VESSEL_NAME", 0.9), Span(29, 36, "IMO", 0.99), Span(42, 49, "FLAG", 0.8))),
        AnnotationPage(DOC, 2, PAGE_2, "notice.pdf", version, tuple(page_2_spans)),
        AnnotationPage(DOC, 3, PAGE_3, "notice.pdf", version, (Span(5, 12, "VESSEL_NAME", 0.3),)),
    ]  # fmt: skip


def by_external_id(records: list[dict]) -> dict[str, dict]:
    return {record["external_id"]: record for record in records}


def spans_of(record: dict) -> list[dict]:
    return [s for suggestion in record["suggestions"] for s in suggestion["value"]]


def owner_http(argilla: ArgillaResource) -> httpx.Client:
    return httpx.Client(base_url=argilla.api_url, headers={"X-Argilla-Api-Key": argilla.api_key}, timeout=30)


def test_dataset_settings_follow_the_label_schema(argilla):
    dataset_id = argilla.ensure_dataset()
    assert argilla.ensure_dataset() == dataset_id  # found, not created twice

    http = owner_http(argilla)
    (question,) = http.get(f"/api/v1/datasets/{dataset_id}/questions").json()["items"]
    assert question["name"] == "entities" and question["settings"]["type"] == "span"
    assert [option["value"] for option in question["settings"]["options"]] == list(LABEL_NAMES)
    metadata = {
        m["name"]: m["settings"]["type"]
        for m in http.get(f"/api/v1/me/datasets/{dataset_id}/metadata-properties").json()["items"]
    }
    assert metadata == {"document_id": "terms", "page_number": "integer", "filename": "terms",
                        "extractor_version": "terms", "model_uncertainty": "float"}  # fmt: skip
    guidelines = http.get(f"/api/v1/datasets/{dataset_id}").json()["guidelines"]
    assert all(f"`{label}`" in guidelines for label in LABEL_NAMES)


def test_annotator_corrections_come_back_span_by_span(argilla, annotator):
    assert argilla.upsert_pages(fixture_pages()) == 3
    dataset_id = argilla.ensure_dataset()

    queue = by_external_id(annotator.queue(dataset_id))
    assert sorted(queue) == [f"{DOC}:1", f"{DOC}:2", f"{DOC}:3"]
    page_1, page_2, page_3 = (queue[f"{DOC}:{n}"] for n in (1, 2, 3))
    assert page_1["metadata"]["model_uncertainty"] == pytest.approx(0.2)

    annotator.respond(page_1, spans_of(page_1))  # accepts every suggestion
    annotator.respond(page_2, [
        {"start": 7, "end": 17, "label": "OWNER"},  # narrowed "Taisei Co. Ltd" -> modify
        {"start": 28, "end": 33, "label": "PORT"},  # relabelled FLAG -> PORT -> modify
        # TONNAGE deleted -> reject
        {"start": 44, "end": 56, "label": "VESSEL_TYPE"},  # missed -> add
    ])  # fmt: skip
    annotator.respond(page_3, None, status="discarded")
    assert annotator.queue(dataset_id) == []

    annotated = argilla.fetch_annotated_pages()
    assert [(p.record_id, p.status, p.annotator) for p in annotated] == [
        (f"{DOC}:1", "submitted", "annotator"),
        (f"{DOC}:2", "submitted", "annotator"),
        (f"{DOC}:3", "discarded", "annotator"),
    ]
    rows = [row for page in annotated for row in page_corrections(page)[0]]
    found = [(r.page_number, r.label, r.start_char, r.end_char, r.text, r.correction, r.original_label) for r in rows]
    assert found == [
        (1, "VESSEL_NAME", 7, 24, "TAISEI MARU NO.24", ACCEPT, "VESSEL_NAME"),
        (1, "IMO", 29, 36, "9074729", ACCEPT, "IMO"),
        (1, "FLAG", 42, 49, "Vanuatu", ACCEPT, "FLAG"),
        (2, "OWNER", 7, 17, "Taisei Co.", MODIFY, "OWNER"),
        (2, "PORT", 28, 33, "Busan", MODIFY, "FLAG"),
        (2, "TONNAGE", 35, 43, "4,992 GT", REJECT, "TONNAGE"),
        (2, "VESSEL_TYPE", 44, 56, "purse seiner", ADD, None),
        (3, "VESSEL_NAME", 5, 12, "garbled", REJECT, "VESSEL_NAME"),
    ]  # fmt: skip

    latest = annotated[-1].submitted_at
    assert argilla.fetch_annotated_pages(since=latest) == []
    assert [p.record_id for p in argilla.fetch_annotated_pages(since=annotated[0].submitted_at)] == [
        f"{DOC}:2",
        f"{DOC}:3",
    ]
    activity = argilla.activity()
    assert (activity.total_records, activity.completed_records) == (3, 2)


def test_repush_replaces_suggestions_and_never_touches_responses(argilla, annotator):
    argilla.upsert_pages(fixture_pages())
    dataset_id = argilla.ensure_dataset()
    page_2 = by_external_id(annotator.queue(dataset_id))[f"{DOC}:2"]
    kept = [{"start": 7, "end": 21, "label": "OWNER"}]
    annotator.respond(page_2, kept)
    before = argilla.activity()

    argilla.upsert_pages(fixture_pages(version="distilbert-7", page_2_spans=[Span(28, 33, "PORT", 0.6)]))
    argilla.upsert_pages(fixture_pages(version="distilbert-7", page_2_spans=[]))  # the model now finds nothing

    (annotated,) = argilla.fetch_annotated_pages()
    assert annotated.response_spans == tuple(kept) and annotated.status == "submitted"
    assert annotated.suggested == ()
    assert annotated.metadata["extractor_version"] == "distilbert-7"
    assert annotated.metadata["model_uncertainty"] == 1.0
    assert sorted(by_external_id(annotator.queue(dataset_id))) == [f"{DOC}:1", f"{DOC}:3"]
    assert argilla.activity().completed_records == before.completed_records == 1


def owner_search(argilla, dataset_id, filters=(), text=None, sort=None) -> list[str]:
    body = {"filters": {"and": list(filters)}} if filters else {}
    if text:
        body["query"] = {"text": {"q": text}}
    if sort:
        body["sort"] = sort
    response = owner_http(argilla).post(f"/api/v1/datasets/{dataset_id}/records/search", json=body)
    response.raise_for_status()
    return [item["record"]["external_id"] for item in response.json()["items"]]


def test_search_engine_honours_the_filters_the_ui_sends(argilla, annotator):
    other = AnnotationPage("fedcba9876543210", 1, "Reefer ORYONG 501", "list.csv.pdf", "distilbert-7",
                           (Span(7, 17, "VESSEL_NAME", 0.55),))  # fmt: skip
    argilla.upsert_pages(fixture_pages() + [other])
    dataset_id = argilla.ensure_dataset()
    annotator.respond(by_external_id(annotator.queue(dataset_id))[f"{DOC}:1"], [])
    search = lambda *filters, **kw: sorted(owner_search(argilla, dataset_id, filters, **kw))  # noqa: E731
    metadata = lambda name: {"entity": "metadata", "metadata_property": name}  # noqa: E731

    assert search({"type": "terms", "scope": metadata("document_id"), "values": ["fedcba9876543210"]}) == [
        "fedcba9876543210:1"
    ]
    assert search({"type": "range", "scope": metadata("model_uncertainty"), "ge": 0.4}) == [
        f"{DOC}:2",
        f"{DOC}:3",
        "fedcba9876543210:1",
    ]
    assert search({"type": "range", "scope": metadata("page_number"), "ge": 2, "le": 2}) == [f"{DOC}:2"]
    assert search(
        {
            "type": "terms",
            "scope": {"entity": "suggestion", "question": "entities", "property": "agent"},
            "values": ["distilbert-7"],
        }
    ) == ["fedcba9876543210:1"]
    assert search(
        {"type": "range", "scope": {"entity": "suggestion", "question": "entities", "property": "score"}, "le": 0.35}
    ) == [f"{DOC}:3"]
    assert search(
        {
            "type": "terms",
            "scope": {"entity": "suggestion", "question": "entities", "property": "value"},
            "values": ["TONNAGE"],
        }
    ) == [f"{DOC}:2"]
    assert search({"type": "terms", "scope": {"entity": "record", "property": "status"}, "values": ["completed"]}) == [
        f"{DOC}:1"
    ]
    assert search({"type": "terms", "scope": {"entity": "response", "property": "status"}, "values": ["pending"]}) == [
        f"{DOC}:2",
        f"{DOC}:3",
        "fedcba9876543210:1",
    ]
    # Pending is per user: the owner's answer does not take the page out of the annotator's queue.
    owner_http(argilla).post(
        f"/api/v1/records/{by_external_id(annotator.queue(dataset_id))[f'{DOC}:2']['id']}/responses",
        json={"status": "draft", "values": {"entities": {"value": []}}},
    ).raise_for_status()
    assert sorted(by_external_id(annotator.queue(dataset_id))) == [f"{DOC}:2", f"{DOC}:3", "fedcba9876543210:1"]
    assert search({"type": "terms", "scope": {"entity": "response", "property": "status"}, "values": ["pending"]}) == [
        f"{DOC}:3",
        "fedcba9876543210:1",
    ]
    assert search({"type": "terms", "scope": {"entity": "response", "property": "status"}, "values": ["draft"]}) == [
        f"{DOC}:2"
    ]
    assert search(text="taisei 9074729") == [f"{DOC}:1"]
    assert search(text="oryong -taisei") == ["fedcba9876543210:1"]
    by_uncertainty = [{"scope": metadata("model_uncertainty"), "order": "desc"}]
    assert owner_search(argilla, dataset_id, sort=by_uncertainty) == [
        f"{DOC}:3",
        f"{DOC}:2",
        "fedcba9876543210:1",
        f"{DOC}:1",
    ]

    metrics = owner_http(argilla).get(f"/api/v1/me/datasets/{dataset_id}/metadata-properties").json()["items"]
    uncertainty_id = next(m["id"] for m in metrics if m["name"] == "model_uncertainty")
    stats = owner_http(argilla).get(f"/api/v1/metadata-properties/{uncertainty_id}/metrics").json()
    assert (stats["min"], stats["max"]) == (pytest.approx(0.2), pytest.approx(0.7))
    me = annotator.client.get(f"/api/v1/me/datasets/{dataset_id}/metrics").json()
    assert (me["responses"]["submitted"], me["responses"]["pending"]) == (1, 3)  # fmt: skip


def silent_server() -> tuple[str, threading.Event]:
    """A TCP server that accepts connections and never answers: a hung Argilla."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    stop = threading.Event()
    held = []

    def accept():
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue
        sock.close()

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}", stop


@pytest.mark.parametrize("kind", ["unreachable", "slow"])
def test_argilla_down_or_hung_is_retried_then_named_without_the_key(kind):
    if kind == "slow":
        url, stop = silent_server()
    else:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            url, stop = f"http://127.0.0.1:{sock.getsockname()[1]}", threading.Event()
    resource = ArgillaResource(api_url=url, api_key="secret-key-123", timeout_s=0.3, max_attempts=3, backoff_s=0.05)
    try:
        with pytest.raises(ArgillaUnavailableError) as raised:
            resource.activity()
    finally:
        stop.set()
    message = str(raised.value)
    assert url in message and "after 3 attempts" in message
    assert "secret-key-123" not in message
