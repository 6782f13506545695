"""Known names from vessel registries (vessel names, owners, ports, call signs), found in page text.

Matching is case-insensitive and whole-word, ignores the dots and spacing that vary between sources
("NO.24" / "No. 24" / "NO 24"), never crosses a line or a column gap, and skips names too short or
too common to mean a vessel ("ODIN" is kept, "HOPE" and "AB" are not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from oceanid_dagster.domain.countries import country_names
from oceanid_dagster.domain.identifiers import IdentifierError, normalise_ircs

# Record field -> entity label. IMO/MMSI/flag are found by validated patterns, not by name.
RECORD_FIELDS: dict[str, str] = {
    "vessel_name": "VESSEL_NAME",
    "owner": "OWNER",
    "port": "PORT",
    "ircs": "IRCS",
    "registration_number": "REGISTRATION_NUMBER",
}

MISSING_VALUES = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "\u2013",
        "\u2014",
        "none",
        "nil",
        "null",
        "ne",
        "na",
        "n a",
        "n/a",
        "n.a.",
        "n.a",
        "nk",
        "n/k",
        "not available",
        "not applicable",
        "not known",
        "not provided",
        "unknown",
        "unclassified",
        "not specified",
        "unspecified",
        "tbc",
        "tba",
        "tbd",
    }
)

# Words that are also vessel names somewhere but mostly mean something else in a document.
COMMON_WORDS = frozenset(
    """
        a an and are as at be by for from has have he her his in is it its of on or our she so that the their
        they this to was we were will with you all any new old one two three four five six seven eight nine
        ten first second third north south east west northern southern eastern western sea ocean pacific
        atlantic indian arctic antarctic star sun moon hope faith grace joy victory liberty freedom pride
        glory fortune spirit dream ocean blue gold golden silver king queen prince princess captain master
        chief sailor fisher fishing fisheries fish tuna vessel vessels ship ships boat boats carrier reefer
        trawler seiner longliner port harbour harbor island islands bay cape point river lake coast marine
        maritime national international company limited ltd inc corp co sa srl llc group holdings trading
        shipping services management fleet record list page date year total name type flag owner operator
        agent license licence authorised authorized inspection report notice annex table unknown other none
        may june july august march april january february september october november december monday tuesday
        wednesday thursday friday saturday sunday commission organisation organization maru no
    """.split()
)

MIN_NAME_CHARS = 3
MIN_ONE_WORD_CHARS = 4  # "RAV", "SEA" and other three-letter one-word names are mostly acronyms
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_IGNORED_PUNCTUATION = frozenset({".", "'", "\u2019", '"'})
_GAP_BREAK = re.compile(r"\n|\s{2,}|\t")


@dataclass(frozen=True)
class GazetteerMatch:
    start: int
    end: int
    label: str
    name: str


def _key_tokens(text: str) -> tuple[str, ...]:
    return tuple(token.casefold() for token in _TOKEN.findall(text) if token not in _IGNORED_PUNCTUATION)


def _is_usable(name: str, label: str) -> bool:
    stripped = name.strip()
    if len(stripped) < MIN_NAME_CHARS or stripped.casefold() in MISSING_VALUES:
        return False
    tokens = _key_tokens(stripped)
    if not tokens or all(token in COMMON_WORDS or token.isdigit() for token in tokens):
        return False
    if len(tokens) == 1 and len(stripped) < MIN_ONE_WORD_CHARS and label != "IRCS":
        return False
    if " ".join(tokens) in country_names():
        return False
    if label == "IRCS":
        try:
            normalise_ircs(stripped)
        except IdentifierError:
            return False
    if label == "REGISTRATION_NUMBER":
        # Bare short numbers ("1249") collide with every other number on the page.
        return len(stripped) >= 5 and any(ch.isdigit() for ch in stripped) and any(ch.isalpha() for ch in stripped)
    return True


class Gazetteer:
    """Names -> labels. A name listed under two labels (a port that is also a vessel name) is dropped."""

    def __init__(self, entries: Iterable[tuple[str, str]]):
        labels_by_key: dict[tuple[str, ...], set[str]] = {}
        for name, label in entries:
            if name is None or not _is_usable(name, label):
                continue
            labels_by_key.setdefault(_key_tokens(name), set()).add(label)
        self._labels: dict[tuple[str, ...], str] = {
            key: next(iter(labels)) for key, labels in labels_by_key.items() if len(labels) == 1
        }
        self._prefixes: set[tuple[str, ...]] = {key[:size] for key in self._labels for size in range(1, len(key) + 1)}
        self._max_tokens = max((len(key) for key in self._labels), default=0)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Gazetteer:
        """Registry records with keys vessel_name, owner, port, ircs, registration_number (others ignored)."""
        return cls(entry for record in records for entry in _iter_record_names(record))

    def __len__(self) -> int:
        return len(self._labels)

    def label_of(self, name: str) -> str | None:
        return self._labels.get(_key_tokens(name))

    def find(self, text: str) -> list[GazetteerMatch]:
        """Longest names first, left to right, never overlapping."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        words = [(start, end, token) for start, end, token in tokens if token not in _IGNORED_PUNCTUATION]
        matches: list[GazetteerMatch] = []
        index = 0
        while index < len(words):
            found = self._longest_match_at(text, words, index)
            if found is None:
                index += 1
                continue
            match, used = found
            matches.append(match)
            index += used
        return matches

    def _longest_match_at(
        self, text: str, words: list[tuple[int, int, str]], index: int
    ) -> tuple[GazetteerMatch, int] | None:
        best: tuple[GazetteerMatch, int] | None = None
        for size, key in self._growing_keys(text, words, index):
            label = self._labels.get(key)
            if label is None:
                continue
            start, end = words[index][0], words[index + size - 1][1]
            if text.startswith(".", end) and re.search(r"(?:^|[\s.])[A-Za-z]{1,3}$", text[start:end]):
                end += 1  # the dot of a closing abbreviation ("S.A.", "CO.") belongs to the name
            if self._acceptable(text, start, end, label):
                best = (GazetteerMatch(start, end, label, text[start:end]), size)
        return best

    def _growing_keys(
        self, text: str, words: list[tuple[int, int, str]], index: int
    ) -> Iterator[tuple[int, tuple[str, ...]]]:
        key: tuple[str, ...] = ()
        for offset in range(min(self._max_tokens, len(words) - index)):
            position = index + offset
            if offset and _GAP_BREAK.search(text, words[position - 1][1], words[position][0]):
                return
            key = key + (words[position][2].casefold(),)
            if key not in self._prefixes:
                return
            yield offset + 1, key

    @staticmethod
    def _acceptable(text: str, start: int, end: int, label: str) -> bool:
        if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            return False
        surface = text[start:end]
        if label == "IRCS":
            # A call sign is written in capitals; "volt" in prose is a word, "VOLT" may be the call sign.
            return surface.isupper()
        # A one-word name in lower case is a word of the sentence, not the name.
        return not (len(_key_tokens(surface)) == 1 and surface.islower())


def _iter_record_names(record: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for field, label in RECORD_FIELDS.items():
        value = record.get(field)
        if value not in (None, ""):
            yield str(value), label
