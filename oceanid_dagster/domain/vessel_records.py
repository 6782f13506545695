"""Vessel records as the curated store's entity resolution sees them: one per registry row or per
vessel mentioned on a document page, with normalised identifiers and attributes, the period the
source asserts them for, and how much the source is trusted.

Pure functions: registry rows and extracted / corrected entities in, :class:`SourceRecord` out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from oceanid_dagster.domain.identifiers import validate_identifier

# Who asserts a fact, most trusted first: the published registries, then people correcting a
# page, then the model, then the rule bootstrap.
SOURCE_RANK: dict[str, int] = {"registry": 4, "correction": 3, "model": 2, "rules": 1}
# Strongest first: exact matches on these merge records, in this order.
IDENTIFIER_SCHEMES: tuple[str, ...] = ("IMO", "MMSI", "IRCS", "REGISTRATION_NUMBER")
ATTRIBUTES: tuple[str, ...] = (
    "name",
    "flag",
    "owner",
    "vessel_type",
    "gear_type",
    "port",
    "tonnage",
    "length",
    "build_year",
)
# Entity label -> attribute of a vessel record (identifiers are keyed by their label).
LABEL_ATTRIBUTES: dict[str, str] = {
    "VESSEL_NAME": "name",
    "FLAG": "flag",
    "OWNER": "owner",
    "VESSEL_TYPE": "vessel_type",
    "GEAR_TYPE": "gear_type",
    "PORT": "port",
    "TONNAGE": "tonnage",
    "LENGTH": "length",
    "BUILD_YEAR": "build_year",
}
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Validity:
    """A half-open period ``[start, end)``; ``None`` is unbounded."""

    start: datetime | None
    end: datetime | None

    def overlaps(self, other: Validity) -> bool:
        starts_before_other_ends = other.end is None or self.start is None or self.start < other.end
        ends_after_other_starts = self.end is None or other.start is None or other.start < self.end
        return starts_before_other_ends and ends_after_other_starts

    @classmethod
    def days(cls, first: date, last: date | None = None) -> Validity:
        """Whole days ``first`` .. ``last`` inclusive (one day when ``last`` is missing)."""
        last = last if last is not None and last >= first else first
        return cls(_midnight(first), _midnight(last) + ONE_DAY)


@dataclass(frozen=True)
class SourceRecord:
    ref: str
    kind: str
    valid: Validity
    identifiers: Mapping[str, str] = field(default_factory=dict)  # scheme -> normalised value
    attributes: Mapping[str, str] = field(default_factory=dict)  # attribute -> value as the source gives it

    @property
    def rank(self) -> int:
        return SOURCE_RANK[self.kind]

    @property
    def name_key(self) -> str:
        return normalise_name(self.attributes.get("name", ""))

    @property
    def flag_code(self) -> str:
        """The flag as ISO alpha-3 ('' when unknown): registration numbers are national, and the
        name matching compares vessels of one flag."""
        return normalise_attribute("flag", self.attributes.get("flag", "")) if self.attributes.get("flag") else ""


# --- normalisation ---------------------------------------------------------------------------

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_NUMBER_MARK = re.compile(r"\bN[O0º°]\s*\.?\s*(?=\d)")


def normalise_name(name: str) -> str:
    """Upper case, accents and punctuation gone, "No.24" / "NO 24" / "Nº24" -> "NO 24"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    text = _NUMBER_MARK.sub("NO ", text)
    return _NOT_ALNUM.sub(" ", text).strip()


def name_numbers(name_key: str) -> tuple[str, ...]:
    """The numbers in a normalised name: "TAISEI MARU NO 24" and "... NO 15" are two vessels."""
    return tuple(re.findall(r"\d+", name_key))


def normalise_attribute(attribute: str, value: str) -> str:
    """The value facts are compared by: flags as ISO alpha-3, names as :func:`normalise_name`,
    numbers without their formatting, everything else case- and spacing-insensitive."""
    if attribute == "flag":
        checked = validate_identifier("FLAG", value)
        return checked.normalised if checked.ok else normalise_name(value)
    if attribute in ("name", "owner", "port"):  # "SHUN ZE 807" and "SHUNZE807" are one name
        return normalise_name(value).replace(" ", "")
    if attribute in ("tonnage", "length", "build_year"):
        number = _first_number(value)
        return f"{number:g}" if number is not None else normalise_name(value)
    return " ".join(value.lower().split())


def _first_number(value: str) -> float | None:
    match = re.search(r"\d[\d,]*(?:\.\d+)?", value)
    return float(match.group().replace(",", "")) if match else None


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# --- registry rows ---------------------------------------------------------------------------


def registry_record(row: Mapping[str, object], skipped: Counter) -> SourceRecord | None:
    """A ``registry_vessels`` row as a record, valid for its authorisation period (else the day
    the list was published). Invalid identifiers are left out and counted in ``skipped``."""
    source = row["source"]
    identifiers = _checked_identifiers(
        {"IMO": row.get("imo"), "MMSI": row.get("mmsi"), "IRCS": row.get("ircs")}, skipped, str(source)
    )
    if row.get("registration_number"):
        identifiers["REGISTRATION_NUMBER"] = str(row["registration_number"]).strip().upper()
    attributes = {
        attribute: str(row[column])
        for attribute, column in (
            ("name", "vessel_name"),
            ("flag", "flag"),
            ("owner", "owner"),
            ("vessel_type", "vessel_type"),
            ("gear_type", "gear_type"),
            ("port", "port"),
            ("tonnage", "tonnage"),
            ("length", "length"),
            ("build_year", "build_year"),
        )
        if row.get(column) not in (None, "")
    }
    if not identifiers and "name" not in attributes:
        skipped[f"{source}: row with neither a vessel name nor a valid identifier"] += 1
        return None
    return SourceRecord(
        ref=f"registry:{source}:{row['source_vessel_id']}",
        kind="registry",
        valid=_registry_validity(row),
        identifiers=identifiers,
        attributes=attributes,
    )


def _registry_validity(row: Mapping[str, object]) -> Validity:
    start, end, listed = (_as_date(row.get(column)) for column in ("authorised_from", "authorised_to", "listed_on"))
    first = start or listed or end
    if first is None:
        return Validity(None, None)
    return Validity.days(first, end if start else None)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return None


def _checked_identifiers(values: Mapping[str, object], skipped: Counter, origin: str) -> dict[str, str]:
    identifiers = {}
    for scheme, value in values.items():
        if value in (None, ""):
            continue
        checked = validate_identifier(scheme, str(value))
        if checked.ok:
            identifiers[scheme] = checked.normalised
        else:
            skipped[f"{origin}: invalid {scheme} left out ({checked.reason})"] += 1
    return identifiers


# --- document pages --------------------------------------------------------------------------

# A page lists one vessel (a form, a notice) or many (a table, a list): a label that a record
# already holds starts the next record. Only these labels open a record: the others attach to it.
_RECORD_OPENERS = frozenset({"VESSEL_NAME", "IMO", "MMSI", "IRCS"})


def page_records(
    ref: str, kind: str, entities: Sequence[Mapping[str, object]], observed_on: date, skipped: Counter
) -> list[SourceRecord]:
    """The vessels mentioned on one page: its entities (``label``, ``text``, ``start_char``) cut
    into records where a vessel-identifying label repeats, in reading order."""
    groups: list[dict[str, str]] = []
    for entity in sorted(entities, key=lambda entity: int(entity["start_char"])):
        label, text = str(entity["label"]), str(entity["text"]).strip()
        if label not in LABEL_ATTRIBUTES and label not in IDENTIFIER_SCHEMES:
            continue  # DATE, RFMO: about the document, not one vessel
        current = groups[-1] if groups else None
        if current is None or (label in current and label in _RECORD_OPENERS):
            current = {}
            groups.append(current)
        current.setdefault(label, text)
    records = [
        _page_record(f"{ref}:{index + 1}", kind, group, observed_on, skipped) for index, group in enumerate(groups)
    ]
    return [record for record in records if record is not None]


def _page_record(
    ref: str, kind: str, labels: Mapping[str, str], observed_on: date, skipped: Counter
) -> SourceRecord | None:
    identifiers = _checked_identifiers(
        {scheme: labels.get(scheme) for scheme in ("IMO", "MMSI", "IRCS")}, skipped, f"{kind} entities"
    )
    if labels.get("REGISTRATION_NUMBER"):
        identifiers["REGISTRATION_NUMBER"] = labels["REGISTRATION_NUMBER"].upper()
    attributes = {LABEL_ATTRIBUTES[label]: text for label, text in labels.items() if label in LABEL_ATTRIBUTES}
    if not identifiers and "name" not in attributes:
        return None  # attributes with no vessel to hang them on
    return SourceRecord(ref, kind, Validity.days(observed_on), identifiers, attributes)


def corrected_entities(corrections: Iterable[Mapping[str, object]]) -> list[Mapping[str, object]]:
    """The spans a reviewer kept (accepted, modified or added) on a page; rejected ones are gone."""
    return [row for row in corrections if row["correction"] != "reject"]
