from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from oceanid_dagster.domain.alignment import (
    IGNORED_LABEL_ID,
    Word,
    split_words,
    tag_ids,
    token_label_ids,
    token_label_ids_from_offsets,
    word_tags_from_spans,
)
from oceanid_dagster.domain.bio_decode import TokenTag, tokens_to_spans
from oceanid_dagster.domain.labels import LABEL2ID
from oceanid_dagster.domain.spans import Span
from oceanid_dagster.training.base_models import offline_base_model
from tests.training.helpers import page_from_parts

PAGE = page_from_parts(
    [
        ("Vessel: ", None),
        ("TAISEI MARU NO.24", "VESSEL_NAME"),
        ("\nIMO:", None),
        ("9123456", "IMO"),
        (" ", None),
        ("4,992 GT", "TONNAGE"),
        (" ", None),
        ("Vanuatu", "FLAG"),
    ]
)


def test_words_split_like_bert_with_offsets():
    words = split_words(PAGE.text)
    assert [word.text for word in words] == [
        "Vessel",
        ":",
        "TAISEI",
        "MARU",
        "NO",
        ".",
        "24",
        "IMO",
        ":",
        "9123456",
        "4",
        ",",
        "992",
        "GT",
        "Vanuatu",
    ]
    assert all(PAGE.text[word.start : word.end] == word.text for word in words)


def test_offset_shifts_words_of_a_slice():
    assert split_words("a_b", offset=10) == [Word("a", 10, 11), Word("_", 11, 12), Word("b", 12, 13)]


def test_spans_become_bio_tags_per_word():
    words = split_words(PAGE.text)
    tags = word_tags_from_spans(words, PAGE.spans)
    assert tags == [
        "O",
        "O",
        "B-VESSEL_NAME",
        "I-VESSEL_NAME",
        "I-VESSEL_NAME",
        "I-VESSEL_NAME",
        "I-VESSEL_NAME",
        "O",
        "O",
        "B-IMO",
        "B-TONNAGE",
        "I-TONNAGE",
        "I-TONNAGE",
        "I-TONNAGE",
        "B-FLAG",
    ]


def test_adjacent_entities_of_one_label_stay_separate():
    words = split_words("ALPHA BRAVO")
    tags = word_tags_from_spans(words, [Span(0, 5, "VESSEL_NAME"), Span(6, 11, "VESSEL_NAME")])
    assert tags == ["B-VESSEL_NAME", "B-VESSEL_NAME"]


def test_span_inside_a_word_tags_that_word():
    words = split_words("IMO9123456 x")
    assert word_tags_from_spans(words, [Span(3, 10, "IMO")]) == ["B-IMO", "O"]


def test_overlapping_spans_are_refused():
    with pytest.raises(ValueError, match="overlapping"):
        word_tags_from_spans(split_words("ALPHA BRAVO"), [Span(0, 8, "VESSEL_NAME"), Span(6, 11, "OWNER")])


def test_tags_decode_back_to_the_same_spans():
    """What training encodes, the inference decoder (bio_decode) turns back into the same spans."""
    words = split_words(PAGE.text)
    tags = word_tags_from_spans(words, PAGE.spans)
    tokens = [TokenTag(word.start, word.end, index, tag, 1.0) for index, (word, tag) in enumerate(zip(words, tags))]
    assert tokens_to_spans(tokens) == PAGE.spans


def test_first_sub_token_labelled_rest_and_specials_ignored():
    word_ids = [None, 0, 0, 1, 2, 2, 2, None]
    assert token_label_ids(word_ids, [3, 0, 5]) == [-100, 3, -100, 0, 5, -100, -100, -100]


def test_label_all_sub_tokens_continues_the_words_entity_with_its_i_tag():
    word_ids = [None, 0, 0, 1, 2, 2, 2, None]
    b_imo, i_imo, b_flag = LABEL2ID["B-IMO"], LABEL2ID["I-IMO"], LABEL2ID["B-FLAG"]
    outside, i_flag = LABEL2ID["O"], LABEL2ID["I-FLAG"]
    labels = token_label_ids(word_ids, [b_imo, outside, b_flag], label_all_sub_tokens=True)
    assert labels == [-100, b_imo, i_imo, outside, b_flag, i_flag, i_flag, -100]
    assert token_label_ids([0, 0], [i_imo], label_all_sub_tokens=True) == [i_imo, i_imo]


def test_token_pointing_past_the_words_is_an_error():
    with pytest.raises(ValueError, match="word 2"):
        token_label_ids([None, 0, 2, None], [1, 1])


def test_unknown_tag_is_named():
    with pytest.raises(ValueError, match="B-SHIP"):
        tag_ids(["O", "B-SHIP"])


@pytest.fixture(scope="module")
def minilm_tokenizer():
    return AutoTokenizer.from_pretrained(offline_base_model().location)


def test_real_tokenizer_pre_split_words_label_first_sub_token(minilm_tokenizer):
    words = split_words(PAGE.text)
    word_labels = tag_ids(word_tags_from_spans(words, PAGE.spans))
    encoding = minilm_tokenizer([word.text for word in words], is_split_into_words=True)
    labels = token_label_ids(encoding.word_ids(), word_labels)
    tokens = encoding.tokens()
    labelled = [(token, label) for token, label in zip(tokens, labels) if label != IGNORED_LABEL_ID]
    assert len(labelled) == len(words)  # one label per word, however many pieces it has
    assert tokens.index("[CLS]") == 0 and labels[0] == IGNORED_LABEL_ID and labels[-1] == IGNORED_LABEL_ID
    first_piece_of_imo = tokens.index(minilm_tokenizer.tokenize("9123456")[0])
    assert labels[first_piece_of_imo] == LABEL2ID["B-IMO"]
    assert labels[first_piece_of_imo + 1] == IGNORED_LABEL_ID  # "9123456" is several pieces


def test_raw_text_offsets_give_the_same_labels_as_pre_split_words(minilm_tokenizer):
    """Tokenising the raw page (as inference does) finds the same words as split_words."""
    words = split_words(PAGE.text)
    pre_split = minilm_tokenizer([word.text for word in words], is_split_into_words=True)
    expected = token_label_ids(pre_split.word_ids(), tag_ids(word_tags_from_spans(words, PAGE.spans)))
    raw = minilm_tokenizer(PAGE.text, return_offsets_mapping=True)
    assert raw.tokens() == pre_split.tokens()
    assert token_label_ids_from_offsets(raw["offset_mapping"], raw.word_ids(), PAGE.spans) == expected
