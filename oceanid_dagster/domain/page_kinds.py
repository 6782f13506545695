"""Page kinds: is a page of a kind people have corrected? Judged by the words its layout is made of
(captions, headings, boilerplate), not by the values in it. No Dagster here.

A corrected page leaves a *fingerprint*: the words outside its entity spans, each hashed, so a
release carries no text of the users' documents. A new page's *kinship* is the largest share of one
fingerprint's words found on it. Documents of one kind share most of their captions and headings
and other documents few: the 12 transhipment declarations of ``bench_learning`` reach 0.81-0.93
against the other 12's fingerprints (their scans, as the pipeline reads them, 0.81-0.89), while the
validation, reference and held-out pages (none of that kind) reach at most 0.44, 0.52 and 0.33.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from oceanid_dagster.domain.spans import Span

LAYOUT_WORD = re.compile(r"[^\W\d_]{3,}")  # letters only: numbers and codes change from page to page
MIN_FINGERPRINT_WORDS = 12  # fewer layout words say too little about a kind ("Name", "Flag", "IMO")
KINSHIP_MIN = 0.7  # a page sharing this much of a fingerprint is of that kind (see the module's figures)

Fingerprint = frozenset[str]


def _hashed(word: str) -> str:
    return hashlib.blake2b(word.lower().encode(), digest_size=4).hexdigest()


def layout_words(text: str, spans: Sequence[Span] = ()) -> frozenset[str]:
    """The hashed words of ``text`` outside ``spans``."""
    ordered = sorted(spans)
    words, index = set(), 0
    for match in LAYOUT_WORD.finditer(text):
        while index < len(ordered) and ordered[index].end <= match.start():
            index += 1
        if index < len(ordered) and ordered[index].start < match.end():
            continue
        words.add(_hashed(match.group()))
    return frozenset(words)


def fingerprint(text: str, spans: Sequence[Span]) -> Fingerprint | None:
    """A corrected page's fingerprint; None when its layout has too few words to tell a kind."""
    words = layout_words(text, spans)
    return words if len(words) >= MIN_FINGERPRINT_WORDS else None


def fingerprints(pages: Iterable[tuple[str, Sequence[Span]]]) -> list[Fingerprint]:
    """The distinct fingerprints of ``(text, spans)`` pages, in order of first appearance."""
    found = (fingerprint(text, spans) for text, spans in pages)
    return list(dict.fromkeys(print_ for print_ in found if print_ is not None))


def kinship(text: str, learnt: Sequence[Fingerprint]) -> float:
    """The largest share of one learnt fingerprint's words on the page (0 with none learnt)."""
    if not learnt:
        return 0.0
    words = _page_words(text)
    return max(len(print_ & words) / len(print_) for print_ in learnt)


@lru_cache(maxsize=1024)
def _page_words(text: str) -> frozenset[str]:
    """A page's hashed words, kept a while: a release decision asks it of the same pages for every
    combination it measures."""
    return layout_words(text)


def to_json(learnt: Iterable[Fingerprint]) -> list[list[str]]:
    return [sorted(print_) for print_ in learnt]


def from_json(rows: Iterable[Iterable[str]]) -> list[Fingerprint]:
    return [frozenset(row) for row in rows]
