"""Entity resolution: which source records describe the same vessel, and the facts each vessel
then has.

1. Exact identifiers, strongest first (IMO, MMSI, call sign, national registration number): records
   sharing one are the same vessel — unless they carry different values of a stronger identifier
   (two IMOs sharing a call sign are two vessels: the call sign is disputed, not a merge).
2. Records with no IMO, MMSI or call sign are matched to a vessel of the same flag by name
   (rapidfuzz token-sort similarity, numbers in the name must agree) and the other attributes
   they share (owner, type, gear, port, build year, length, tonnage).
3. An identifier is held by one vessel at a time: where two vessels claim it for overlapping
   periods, the vessel whose claim comes from the more trusted source keeps it and the other
   claim becomes a dispute (a conflict).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from oceanid_dagster.domain.vessel_records import (
    IDENTIFIER_SCHEMES,
    SourceRecord,
    Validity,
    name_numbers,
    normalise_attribute,
)

STRONG_SCHEMES = ("IMO", "MMSI", "IRCS")
DEFAULT_NAME_THRESHOLD = 90.0
AMBIGUITY_MARGIN = 2.0
_COMPARED_ATTRIBUTES = ("owner", "vessel_type", "gear_type", "port", "build_year", "length", "tonnage")


@dataclass(frozen=True)
class Claim:
    """One source's assertion that a vessel has an identifier during a period."""

    scheme: str
    issuer: str
    value: str
    valid: Validity
    kind: str
    ref: str
    rank: int


@dataclass(frozen=True)
class Fact:
    attribute: str
    value: str
    normalized: str
    valid: Validity
    kind: str
    ref: str


@dataclass
class ResolvedVessel:
    key: str
    records: list[SourceRecord]
    identifiers: list[Claim] = field(default_factory=list)
    disputed: list[tuple[Claim, str]] = field(default_factory=list)  # (claim, key of the holder)

    @property
    def facts(self) -> list[Fact]:
        return [
            Fact(attribute, value, normalise_attribute(attribute, value), record.valid, record.kind, record.ref)
            for record in self.records
            for attribute, value in record.attributes.items()
        ]

    def best(self, attribute: str) -> str | None:
        """The value the most trusted sources give most often."""
        values = [
            (record.rank, record.attributes[attribute]) for record in self.records if attribute in record.attributes
        ]
        if not values:
            return None
        top = max(rank for rank, _ in values)
        return Counter(value for rank, value in values if rank == top).most_common(1)[0][0]

    @property
    def imo(self) -> str | None:
        imos = sorted({claim.value for claim in self.identifiers if claim.scheme == "IMO"})
        return imos[0] if imos else None


@dataclass
class Resolution:
    vessels: list[ResolvedVessel]
    merged_by: Counter  # how many record merges each rule made


def resolve(records: Sequence[SourceRecord], name_threshold: float = DEFAULT_NAME_THRESHOLD) -> Resolution:
    clusters = _Clusters(records)
    for scheme in IDENTIFIER_SCHEMES:
        clusters.merge_on_identifier(scheme)
    clusters.merge_on_names(name_threshold)
    vessels = _vessels(records, clusters)
    _assign_identifiers(vessels)
    return Resolution(vessels, clusters.merged_by)


def identifier_key(record: SourceRecord, scheme: str) -> tuple[str, str] | None:
    """(issuer, value) an identifier is matched on; registration numbers are per flag."""
    value = record.identifiers.get(scheme)
    if value is None:
        return None
    return (record.flag_code if scheme == "REGISTRATION_NUMBER" else "", value)


class _Clusters:
    """Union-find over records that remembers each cluster's strong identifiers."""

    def __init__(self, records: Sequence[SourceRecord]):
        self.records = records
        self.parent = list(range(len(records)))
        self.strong = [
            {scheme: {record.identifiers[scheme]} for scheme in STRONG_SCHEMES if scheme in record.identifiers}
            for record in records
        ]
        self.merged_by: Counter = Counter()

    def root(self, index: int) -> int:
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def compatible(self, a: int, b: int, scheme: str) -> bool:
        """No identifier stronger than ``scheme`` disagrees between the two clusters."""
        stronger = STRONG_SCHEMES[: STRONG_SCHEMES.index(scheme)] if scheme in STRONG_SCHEMES else STRONG_SCHEMES
        left, right = self.strong[self.root(a)], self.strong[self.root(b)]
        return all(not (left.get(s) and right.get(s)) or left[s] & right[s] for s in stronger)

    def union(self, a: int, b: int, rule: str) -> None:
        a, b = self.root(a), self.root(b)
        if a == b:
            return
        keep, gone = min(a, b), max(a, b)
        self.parent[gone] = keep
        for scheme, values in self.strong[gone].items():
            self.strong[keep].setdefault(scheme, set()).update(values)
        self.merged_by[rule] += 1

    def merge_on_identifier(self, scheme: str) -> None:
        holders: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, record in enumerate(self.records):
            key = identifier_key(record, scheme)
            if key is not None and key[1]:
                holders[key].append(index)
        for members in holders.values():
            anchors: list[int] = []
            for index in members:
                anchor = next((a for a in anchors if self.compatible(a, index, scheme)), None)
                if anchor is None:
                    anchors.append(index)
                else:
                    self.union(anchor, index, scheme)

    def merge_on_names(self, threshold: float) -> None:
        """Records without a strong identifier join the best-matching named record of their flag."""
        by_flag: dict[str, list[int]] = defaultdict(list)
        for index, record in enumerate(self.records):
            if record.name_key:
                by_flag[record.flag_code].append(index)
        for flag, members in by_flag.items():
            names = [self.records[index].name_key for index in members]
            for position, index in enumerate(members):
                if self.strong[self.root(index)]:
                    continue
                match = self._best_name_match(index, members, names, position, threshold, exact_only=not flag)
                if match is not None:
                    self.union(match, index, "name")

    def _best_name_match(
        self, index: int, members: list[int], names: list[str], position: int, threshold: float, exact_only: bool
    ) -> int | None:
        record = self.records[index]
        numbers = name_numbers(record.name_key)
        candidates = process.extract(
            record.name_key, names, scorer=fuzz.token_sort_ratio, score_cutoff=threshold, limit=20
        )
        best_by_cluster: dict[int, tuple[float, int]] = {}
        for _, name_score, at in candidates:
            other = members[at]
            if at == position or self.root(other) == self.root(index) or name_numbers(names[at]) != numbers:
                continue
            if exact_only and names[at] != record.name_key:
                continue
            score = _combined_score(name_score, record, self.records[other])
            if score >= threshold and score > best_by_cluster.get(self.root(other), (0.0, 0))[0]:
                best_by_cluster[self.root(other)] = (score, other)
        ranked = sorted(best_by_cluster.values(), reverse=True)
        if not ranked or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < AMBIGUITY_MARGIN):
            return None  # no match, or two vessels that fit as well: leave it on its own
        return ranked[0][1]


def _combined_score(name_score: float, record: SourceRecord, other: SourceRecord) -> float:
    """Name similarity, moved by the other attributes both records give (0-100)."""
    shared = [a for a in _COMPARED_ATTRIBUTES if a in record.attributes and a in other.attributes]
    if not shared:
        return name_score
    agree = sum(
        normalise_attribute(a, record.attributes[a]) == normalise_attribute(a, other.attributes[a]) for a in shared
    )
    return 0.8 * name_score + 20.0 * agree / len(shared)


def _vessels(records: Sequence[SourceRecord], clusters: _Clusters) -> list[ResolvedVessel]:
    members: dict[int, list[SourceRecord]] = defaultdict(list)
    for index, record in enumerate(records):
        members[clusters.root(index)].append(record)
    vessels = [ResolvedVessel(_vessel_key(group), group) for group in members.values()]
    vessels.sort(key=lambda vessel: vessel.key)
    seen: Counter = Counter()
    for vessel in vessels:  # two unmerged vessels of one name and flag: keys stay unique, stably
        seen[vessel.key] += 1
        if seen[vessel.key] > 1:
            vessel.key = f"{vessel.key}#{seen[vessel.key]}"
    return vessels


def _vessel_key(records: list[SourceRecord]) -> str:
    for scheme in IDENTIFIER_SCHEMES:
        keys = sorted(key for record in records if (key := identifier_key(record, scheme)) is not None)
        if keys:
            issuer, value = keys[0]
            return f"{scheme}:{issuer + ':' if issuer else ''}{value}"
    first = min(records, key=lambda record: (record.flag_code, record.name_key, record.ref))
    return f"NAME:{first.flag_code}:{first.name_key}"


def _assign_identifiers(vessels: list[ResolvedVessel]) -> None:
    claims: dict[tuple[str, str, str], dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    by_key = {vessel.key: vessel for vessel in vessels}
    for vessel in vessels:
        for record in vessel.records:
            for scheme in record.identifiers:
                issuer, value = identifier_key(record, scheme)
                claim = Claim(scheme, issuer, value, record.valid, record.kind, record.ref, record.rank)
                claims[(scheme, issuer, value)][vessel.key].append(claim)
    for by_vessel in claims.values():
        accepted: list[tuple[str, Claim]] = []
        # Most trusted, then most asserted, then by key: a stable order between promotions.
        for key in sorted(by_vessel, key=lambda k: (-max(c.rank for c in by_vessel[k]), -len(by_vessel[k]), k)):
            for claim in by_vessel[key]:
                holder = next((h for h, held in accepted if h != key and held.valid.overlaps(claim.valid)), None)
                if holder is None:
                    accepted.append((key, claim))
                    by_key[key].identifiers.append(claim)
                else:
                    by_key[key].disputed.append((claim, holder))
