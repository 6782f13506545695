import pytest

from oceanid_dagster.domain.bio_decode import (
    TokenTag,
    TokenWindow,
    assign_tokens_to_windows,
    plan_windows,
    tokens_to_spans,
)
from oceanid_dagster.domain.spans import Span


def words_as_tokens(text: str, tags: list[str], scores: list[float] | None = None) -> list[TokenTag]:
    """One token per whitespace-separated word of ``text``, with its character offsets."""
    tokens, position = [], 0
    for word_id, (word, tag) in enumerate(zip(text.split(" "), tags)):
        score = scores[word_id] if scores else 0.9
        tokens.append(TokenTag(position, position + len(word), word_id, tag, score))
        position += len(word) + 1
    return tokens


def span_texts(text: str, spans: list[Span]) -> list[tuple[str, str]]:
    return [(span.label, span.text_in(text)) for span in spans]


def test_plan_windows_cover_every_token_with_the_requested_overlap():
    windows = plan_windows(num_tokens=23, window_length=10, stride=3)
    assert windows == [TokenWindow(0, 10), TokenWindow(7, 10), TokenWindow(14, 9)]
    covered = {token for window in windows for token in range(window.first, window.stop)}
    assert covered == set(range(23))


def test_plan_windows_short_and_empty_pages():
    assert plan_windows(4, window_length=10, stride=3) == [TokenWindow(0, 4)]
    assert plan_windows(10, window_length=10, stride=3) == [TokenWindow(0, 10)]
    assert plan_windows(0, window_length=10, stride=3) == []


@pytest.mark.parametrize("length, stride", [(0, 0), (5, 5), (5, -1)])
def test_plan_windows_rejects_impossible_settings(length, stride):
    with pytest.raises(ValueError):
        plan_windows(20, window_length=length, stride=stride)


def test_overlapping_tokens_come_from_the_window_where_they_are_furthest_from_a_cut():
    choice = assign_tokens_to_windows([TokenWindow(0, 10), TokenWindow(6, 10)], num_tokens=16)
    # overlap 6..9: 6 and 7 are deeper inside the first window, 8 and 9 inside the second
    assert [choice[token] for token in range(5, 11)] == [(0, 5), (0, 6), (0, 7), (1, 2), (1, 3), (1, 4)]
    # the page's own ends are not cuts: token 0 is taken from the first window, token 15 from the second
    assert choice[0] == (0, 0) and choice[15] == (1, 9)


def test_tokens_outside_every_window_are_an_error():
    with pytest.raises(ValueError, match="in no window"):
        assign_tokens_to_windows([TokenWindow(0, 4)], num_tokens=6)


def test_bio_tags_merge_into_spans():
    text = "vessel TAISEI MARU NO 24 imo 9074729"
    tags = ["O", "B-VESSEL_NAME", "I-VESSEL_NAME", "I-VESSEL_NAME", "I-VESSEL_NAME", "O", "B-IMO"]
    assert span_texts(text, tokens_to_spans(words_as_tokens(text, tags))) == [
        ("VESSEL_NAME", "TAISEI MARU NO 24"),
        ("IMO", "9074729"),
    ]


def test_an_entity_starting_with_i_is_treated_as_b():
    text = "flag Vanuatu Port Vila"
    tags = ["O", "I-FLAG", "I-PORT", "I-PORT"]
    assert span_texts(text, tokens_to_spans(words_as_tokens(text, tags))) == [
        ("FLAG", "Vanuatu"),
        ("PORT", "Port Vila"),
    ]


def test_adjacent_entities_of_one_label_stay_separate():
    text = "IOTC WCPFC ICCAT"
    tags = ["B-RFMO", "B-RFMO", "I-RFMO"]
    assert span_texts(text, tokens_to_spans(words_as_tokens(text, tags))) == [("RFMO", "IOTC"), ("RFMO", "WCPFC ICCAT")]


def test_i_tag_after_outside_starts_a_new_entity():
    text = "IOTC and WCPFC"
    tags = ["B-RFMO", "O", "I-RFMO"]
    assert span_texts(text, tokens_to_spans(words_as_tokens(text, tags))) == [("RFMO", "IOTC"), ("RFMO", "WCPFC")]


def test_sub_tokens_take_the_label_of_the_first_sub_token_of_their_word():
    # "9074729" as three sub-tokens: the model's tags on the 2nd and 3rd sub-tokens are ignored
    tokens = [
        TokenTag(0, 3, 0, "O", 0.99),
        TokenTag(4, 7, 1, "B-IMO", 0.8),
        TokenTag(7, 9, 1, "O", 0.1),
        TokenTag(9, 11, 1, "B-MMSI", 0.1),
        TokenTag(12, 16, 2, "O", 0.9),
    ]
    assert tokens_to_spans(tokens) == [Span(4, 11, "IMO", 0.8)]


def test_span_score_is_the_mean_over_its_words():
    text = "PACIFIC GLORY II"
    tags = ["B-VESSEL_NAME", "I-VESSEL_NAME", "I-VESSEL_NAME"]
    (span,) = tokens_to_spans(words_as_tokens(text, tags, scores=[0.9, 0.6, 0.3]))
    assert span.score == pytest.approx(0.6)


def test_tokens_without_characters_are_ignored():
    tokens = [TokenTag(0, 4, 0, "B-IMO", 0.9), TokenTag(4, 4, 1, "B-FLAG", 0.9)]
    assert tokens_to_spans(tokens) == [Span(0, 4, "IMO", 0.9)]


def test_unknown_tags_are_rejected():
    with pytest.raises(ValueError, match="B-SHIP"):
        tokens_to_spans([TokenTag(0, 4, 0, "B-SHIP", 0.9)])
