"""BIO token tags -> character spans.

Pure Python: the ONNX Runtime path, the Triton client and the tests share it. The model labels
the first sub-token of every word (as the training data does), so a word takes the tag of its
first sub-token and its character range runs to the end of its last sub-token.

Long pages are cut into overlapping windows of tokens; a token seen by several windows takes its
prediction from the window where it sits furthest from a cut edge (where it had the most context).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oceanid_dagster.domain.labels import OUTSIDE_TAG, split_bio_tag
from oceanid_dagster.domain.spans import Span


@dataclass(frozen=True)
class TokenWindow:
    """Page tokens ``[first, first + length)`` seen by one model window."""

    first: int
    length: int

    @property
    def stop(self) -> int:
        return self.first + self.length


@dataclass(frozen=True)
class TokenTag:
    """One page token: its characters ``start:end``, the word it belongs to, its tag and that tag's probability."""

    start: int
    end: int
    word_id: int | None
    tag: str
    score: float


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    tag: str
    score: float


def plan_windows(num_tokens: int, window_length: int, stride: int) -> list[TokenWindow]:
    """Windows of ``window_length`` tokens covering ``num_tokens``, consecutive ones sharing ``stride`` tokens."""
    if window_length < 1:
        raise ValueError(f"window_length must be >= 1, got {window_length}")
    if not 0 <= stride < window_length:
        raise ValueError(f"stride must be in [0, window_length), got {stride} for window_length {window_length}")
    windows: list[TokenWindow] = []
    first = 0
    while first < num_tokens:
        windows.append(TokenWindow(first, min(window_length, num_tokens - first)))
        if first + window_length >= num_tokens:
            break
        first += window_length - stride
    return windows


def _context(window: TokenWindow, token: int, num_tokens: int) -> int:
    """Tokens between ``token`` and the nearest edge where the window cut the page (page ends are not cuts)."""
    left = token - window.first if window.first > 0 else num_tokens
    right = window.stop - 1 - token if window.stop < num_tokens else num_tokens
    return min(left, right)


def assign_tokens_to_windows(windows: Sequence[TokenWindow], num_tokens: int) -> list[tuple[int, int]]:
    """For every page token, ``(window index, position in that window)`` of the window with the most context."""
    best: list[tuple[int, int] | None] = [None] * num_tokens
    best_context = [-1] * num_tokens
    for index, window in enumerate(windows):
        if window.first < 0 or window.stop > num_tokens:
            raise ValueError(f"window {window} lies outside a page of {num_tokens} tokens")
        for token in range(window.first, window.stop):
            context = _context(window, token, num_tokens)
            if context > best_context[token]:
                best_context[token] = context
                best[token] = (index, token - window.first)
    uncovered = [token for token, choice in enumerate(best) if choice is None]
    if uncovered:
        raise ValueError(f"tokens {uncovered[:5]} of a page of {num_tokens} tokens are in no window")
    return best  # type: ignore[return-value]


def _words(tokens: Sequence[TokenTag]) -> list[_Word]:
    """Sub-tokens of a word merged: the first one's tag and score, the characters of all of them."""
    words: list[_Word] = []
    previous_word_id: int | None = None
    for token in tokens:
        if token.end <= token.start:
            continue  # no characters to point at (e.g. a token the normaliser emptied)
        continues_word = token.word_id is not None and token.word_id == previous_word_id and words
        if continues_word:
            words[-1] = _Word(words[-1].start, max(words[-1].end, token.end), words[-1].tag, words[-1].score)
        else:
            words.append(_Word(token.start, token.end, token.tag, token.score))
        previous_word_id = token.word_id
    return words


def _span(label: str, words: list[_Word]) -> Span:
    return Span(words[0].start, words[-1].end, label, sum(word.score for word in words) / len(words))


def tokens_to_spans(tokens: Sequence[TokenTag]) -> list[Span]:
    """Merge BIO-tagged page tokens (in page order) into entity spans scored by their words' mean probability.

    ``I-X`` after anything but a word of an ``X`` entity starts a new entity (treated as ``B-X``).
    """
    spans: list[Span] = []
    label: str | None = None
    current: list[_Word] = []
    for word in _words(tokens):
        prefix, word_label = split_bio_tag(word.tag)
        if prefix == "I" and word_label == label:
            current.append(word)
            continue
        if current:
            spans.append(_span(label, current))  # type: ignore[arg-type]
        label, current = (word_label, [word]) if prefix != OUTSIDE_TAG else (None, [])
    if current:
        spans.append(_span(label, current))  # type: ignore[arg-type]
    return spans
