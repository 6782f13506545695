from oceanid_dagster.domain.evaluation import span_scores
from oceanid_dagster.domain.spans import Span


def test_exact_offsets_and_label_are_needed_for_a_match():
    gold = [Span(0, 7, "IMO"), Span(10, 15, "IRCS"), Span(20, 26, "FLAG")]
    found = [Span(0, 7, "IMO"), Span(10, 14, "IRCS"), Span(20, 26, "PORT")]

    scores = span_scores([(gold, found)])

    assert scores["IMO"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert scores["IRCS"]["f1"] == 0.0 and scores["PORT"]["precision"] == 0.0
    assert scores["micro"] == {"precision": 0.3333, "recall": 0.3333, "f1": 0.3333, "support": 3}


def test_no_predictions_scores_zero_not_an_error():
    assert span_scores([([Span(0, 3, "DATE")], [])])["micro"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 1,
    }
