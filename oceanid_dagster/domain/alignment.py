"""Span ↔ word ↔ sub-token alignment for token classification.

A page is pre-tokenised into words the way BERT's basic tokenizer does it (runs of letters and
digits; every other non-space character on its own), so the words seen in training are the words a
fast tokenizer finds when it reads the raw page at inference time. Character spans become BIO tags
per word, and word tags become sub-token label ids with only the first sub-token of each word
labelled, as Hugging Face's token-classification example (``tokenize_and_align_labels``) does.

Pure functions over lists: callers pass ``word_ids``/offsets taken from a fast tokenizer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from oceanid_dagster.domain.labels import LABEL2ID, OUTSIDE_TAG
from oceanid_dagster.domain.spans import Span

IGNORED_LABEL_ID = -100
"""Label id that PyTorch's cross-entropy (and so every HF token-classification model) ignores."""

_WORD_PATTERN = re.compile(r"[^\W_]+|[^\w\s]|_")


@dataclass(frozen=True)
class Word:
    """``page_text[start:end] == text``."""

    text: str
    start: int
    end: int


def split_words(text: str, offset: int = 0) -> list[Word]:
    """Words of ``text`` with character offsets (shifted by ``offset``, for a slice of a page)."""
    return [Word(match.group(), match.start() + offset, match.end() + offset) for match in _WORD_PATTERN.finditer(text)]


def word_tags_from_spans(words: Sequence[Word], spans: Sequence[Span]) -> list[str]:
    """BIO tag per word: a word is in the span it overlaps most; the span's first word gets ``B-``.

    Spans need not fall on word boundaries (an annotator may mark ``9123456`` inside
    ``IMO9123456``); the word that contains them is tagged. Spans must not overlap each other.
    """
    _check_no_overlaps(spans)
    tags = [OUTSIDE_TAG] * len(words)
    owner: list[int | None] = [_best_span_index(word, spans) for word in words]
    for index, span_index in enumerate(owner):
        if span_index is None:
            continue
        starts_entity = index == 0 or owner[index - 1] != span_index
        tags[index] = f"{'B' if starts_entity else 'I'}-{spans[span_index].label}"
    return tags


def _check_no_overlaps(spans: Sequence[Span]) -> None:
    ordered = sorted(spans)
    for first, second in zip(ordered, ordered[1:]):
        if first.overlaps(second):
            raise ValueError(f"overlapping spans cannot be tagged BIO: {first} and {second}")


def _best_span_index(word: Word, spans: Sequence[Span]) -> int | None:
    best_index, best_overlap = None, 0
    for index, span in enumerate(spans):
        overlap = min(word.end, span.end) - max(word.start, span.start)
        if overlap > best_overlap:
            best_index, best_overlap = index, overlap
    return best_index


def _continuation_label_ids() -> dict[int, int]:
    """``B-X`` id -> ``I-X`` id: a word's later sub-tokens continue its entity."""
    return {LABEL2ID[tag]: LABEL2ID["I-" + tag.removeprefix("B-")] for tag in LABEL2ID if tag.startswith("B-")}


_B_TO_I = _continuation_label_ids()


def token_label_ids(
    word_ids: Sequence[int | None],
    word_label_ids: Sequence[int],
    label_all_sub_tokens: bool = False,
) -> list[int]:
    """Label id per sub-token: the first sub-token of each word gets the word's label.

    Special tokens (``word_id is None``) get :data:`IGNORED_LABEL_ID`; so do the later sub-tokens
    of a word, unless ``label_all_sub_tokens``: then they continue the word's entity (``B-X`` becomes
    ``I-X``, as in Hugging Face's token-classification example), so no entity starts mid-word.
    Words cut off by truncation simply do not appear.
    """
    labels: list[int] = []
    previous_word_id: int | None = None
    for word_id in word_ids:
        if word_id is None:
            labels.append(IGNORED_LABEL_ID)
        elif word_id >= len(word_label_ids):
            raise ValueError(f"token refers to word {word_id} but only {len(word_label_ids)} words have labels")
        elif word_id != previous_word_id:
            labels.append(word_label_ids[word_id])
        elif label_all_sub_tokens:
            labels.append(_B_TO_I.get(word_label_ids[word_id], word_label_ids[word_id]))
        else:
            labels.append(IGNORED_LABEL_ID)
        previous_word_id = word_id
    return labels


def tag_ids(tags: Sequence[str]) -> list[int]:
    """BIO tags -> label ids of the schema; an unknown tag is an error naming it."""
    try:
        return [LABEL2ID[tag] for tag in tags]
    except KeyError as error:
        raise ValueError(f"not a BIO tag of the label schema: {error.args[0]!r}") from None


def token_label_ids_from_offsets(
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
    spans: Sequence[Span],
) -> list[int]:
    """Label ids for a fast tokenizer's encoding of raw page text (not pre-split into words).

    Each word's character extent is the union of its sub-tokens' ``offsets``; the words are tagged
    from ``spans`` and labelled on their first sub-token, exactly as :func:`token_label_ids`.
    """
    if len(offsets) != len(word_ids):
        raise ValueError(f"{len(offsets)} offsets but {len(word_ids)} word ids")
    extents: dict[int, tuple[int, int]] = {}
    for (start, end), word_id in zip(offsets, word_ids):
        if word_id is None:
            continue
        first_start, last_end = extents.get(word_id, (start, end))
        extents[word_id] = (min(first_start, start), max(last_end, end))
    word_count = max(extents, default=-1) + 1
    words = [Word("", *extents.get(index, (0, 0))) for index in range(word_count)]
    return token_label_ids(word_ids, tag_ids(word_tags_from_spans(words, spans)))
