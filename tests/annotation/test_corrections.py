from datetime import datetime, timezone

import pytest

from oceanid_dagster.domain.annotation import (
    AnnotatedPage,
    AnnotationPage,
    page_uncertainty,
    parse_record_id,
    record_id,
)
from oceanid_dagster.domain.corrections import (
    ACCEPT,
    ADD,
    MODIFY,
    REJECT,
    acceptance_rate_by_label,
    classify_spans,
    page_corrections,
    validate_response_spans,
)
from oceanid_dagster.domain.spans import Span

TEXT = "Vessel TAISEI MARU NO.24 flag Vanuatu IMO 9074729 owner Taisei Co."
#       0123456789...
NAME = Span(7, 24, "VESSEL_NAME", 0.9)
FLAG = Span(30, 37, "FLAG", 0.8)
IMO = Span(42, 49, "IMO", 0.95)
SUBMITTED_AT = datetime(2025, 8, 26, 12, 0, tzinfo=timezone.utc)


def annotated(response_spans, status="submitted", suggested=(NAME, FLAG, IMO)):
    return AnnotatedPage(
        record_id="abcdef0123456789:3",
        text=TEXT,
        suggested=tuple(suggested),
        response_spans=tuple(response_spans),
        status=status,
        annotator="annotator",
        submitted_at=SUBMITTED_AT,
    )


def as_raw(span: Span) -> dict:
    return {"start": span.start, "end": span.end, "label": span.label}


def test_fixture_offsets_point_at_the_entities():
    assert [s.text_in(TEXT) for s in (NAME, FLAG, IMO)] == ["TAISEI MARU NO.24", "Vanuatu", "9074729"]


def test_record_id_round_trips_and_rejects_garbage():
    assert parse_record_id(record_id("abcdef0123456789", 2)) == ("abcdef0123456789", 2)
    for bad in ("abcdef", "abc:0", ":3", "abc:x"):
        with pytest.raises(ValueError, match="record id"):
            parse_record_id(bad)


def test_uncertainty_is_one_minus_the_weakest_span_and_maximal_without_spans():
    assert page_uncertainty([NAME, FLAG, IMO]) == pytest.approx(0.2)
    assert page_uncertainty([]) == 1.0


def test_annotation_page_prefers_the_model_s_own_uncertainty():
    spans = (Span(0, 3, "IMO", 0.9),)
    assert AnnotationPage("abc", 1, "IMO", "a.pdf", "m-1", spans).model_uncertainty == pytest.approx(0.1)
    assert AnnotationPage("abc", 1, "IMO", "a.pdf", "m-1", spans, uncertainty=0.42).model_uncertainty == 0.42


def test_annotation_page_refuses_a_span_beyond_its_text():
    with pytest.raises(ValueError, match=r"abc:1.*outside the page text"):
        AnnotationPage("abc", 1, "short", "a.pdf", "rules-1", (Span(0, 9, "IMO"),))


def test_untouched_suggestions_are_all_accepted():
    rows = classify_spans([NAME, FLAG, IMO], [Span(7, 24, "VESSEL_NAME"), Span(30, 37, "FLAG"), Span(42, 49, "IMO")])
    assert [(span.label, correction, original) for span, correction, original in rows] == [
        ("VESSEL_NAME", ACCEPT, "VESSEL_NAME"),
        ("FLAG", ACCEPT, "FLAG"),
        ("IMO", ACCEPT, "IMO"),
    ]


def test_accept_modify_reject_and_add_on_one_page():
    owner = Span(56, 66, "OWNER")
    response = [
        as_raw(NAME),  # accepted as is
        {"start": 30, "end": 37, "label": "PORT"},  # relabelled -> modify
        {"start": 42, "end": 46, "label": "IMO"},  # narrowed -> modify
        as_raw(owner),  # new -> add
    ]
    rows, rejected = page_corrections(annotated(response, suggested=(NAME, FLAG, IMO, Span(0, 6, "VESSEL_TYPE"))))
    assert rejected == []
    assert [(r.start_char, r.end_char, r.label, r.correction, r.original_label, r.text) for r in rows] == [
        (0, 6, "VESSEL_TYPE", REJECT, "VESSEL_TYPE", "Vessel"),
        (7, 24, "VESSEL_NAME", ACCEPT, "VESSEL_NAME", "TAISEI MARU NO.24"),
        (30, 37, "PORT", MODIFY, "FLAG", "Vanuatu"),
        (42, 46, "IMO", MODIFY, "IMO", "9074"),
        (56, 66, "OWNER", ADD, None, "Taisei Co."),
    ]
    assert {(r.document_id, r.page_number, r.annotator, r.submitted_at) for r in rows} == {
        ("abcdef0123456789", 3, "annotator", SUBMITTED_AT)
    }


def test_deleted_suggestion_is_rejected_and_modify_takes_the_most_overlapping_origin():
    # One response span covering most of the name and a bit of nothing else.
    rows = classify_spans([NAME, FLAG], [Span(14, 29, "VESSEL_NAME")])
    assert [(s.start, correction, original) for s, correction, original in rows] == [
        (14, MODIFY, "VESSEL_NAME"),
        (30, REJECT, "FLAG"),
    ]
    rows = classify_spans([Span(0, 6, "VESSEL_TYPE"), NAME], [Span(5, 20, "OWNER")])
    assert rows[0][1:] == (MODIFY, "VESSEL_NAME")


def test_discarded_page_rejects_every_suggestion_whatever_the_response_holds():
    rows, rejected = page_corrections(annotated([as_raw(NAME)], status="discarded"))
    assert [(r.label, r.correction, r.response_status) for r in rows] == [
        ("VESSEL_NAME", REJECT, "discarded"),
        ("FLAG", REJECT, "discarded"),
        ("IMO", REJECT, "discarded"),
    ]
    assert rejected == []


def test_draft_responses_are_not_corrections():
    with pytest.raises(ValueError, match="abcdef0123456789:3.*draft"):
        page_corrections(annotated([], status="draft"))


@pytest.mark.parametrize(
    "raw, reason",
    [
        ({"start": 60, "end": 90, "label": "OWNER"}, "outside the text"),
        ({"start": 0, "end": 6, "label": "SHIP"}, "unknown label 'SHIP'"),
        ({"start": 6, "end": 6, "label": "OWNER"}, "empty or reversed"),
        ({"start": "0", "end": 6, "label": "OWNER"}, "must be integers"),
        ("VESSEL_NAME", "not a span object"),
    ],
)
def test_malformed_span_is_rejected_with_its_reason_and_the_rest_go_on(raw, reason):
    rows, rejected = page_corrections(annotated([raw, as_raw(IMO)]))
    assert [(r.span, reason in r.reason) for r in rejected] == [(raw, True)]
    assert [(r.label, r.correction) for r in rows] == [("VESSEL_NAME", REJECT), ("FLAG", REJECT), ("IMO", ACCEPT)]


def test_overlapping_response_spans_are_all_rejected():
    overlapping = [{"start": 7, "end": 18, "label": "VESSEL_NAME"}, {"start": 14, "end": 24, "label": "OWNER"}]
    kept, rejected = validate_response_spans("r:1", overlapping + [as_raw(IMO)], TEXT)
    assert kept == [Span(42, 49, "IMO")]
    assert [r.reason for r in rejected] == ["overlaps 14:24 OWNER", "overlaps 7:18 VESSEL_NAME"]


def test_acceptance_rate_counts_judged_suggestions_only():
    response = [as_raw(NAME), {"start": 30, "end": 37, "label": "PORT"}, {"start": 56, "end": 66, "label": "OWNER"}]
    rows, _ = page_corrections(annotated(response))
    discarded_rows, _ = page_corrections(annotated([], status="discarded"))
    assert acceptance_rate_by_label(rows + discarded_rows) == {"FLAG": 0.0, "IMO": 0.0, "VESSEL_NAME": 1.0}
