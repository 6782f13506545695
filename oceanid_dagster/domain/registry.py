"""Normalise rows of the RFMO authorised-vessel lists into ``registry_vessels`` records.

Five published layouts are known (CCSBT, NAFO, NEAFC, NPFC, SPRFMO). Each has its own column
names, missing-value markers and encodings of types, tonnage and length; every one of them is
turned into a dict with exactly :data:`REGISTRY_COLUMNS`. Pure functions over ``csv.DictReader``
rows: reading files is the caller's business.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime

from oceanid_dagster.domain.identifiers import imo_check_digit_ok

REGISTRY_COLUMNS: tuple[str, ...] = (
    "source",
    "source_vessel_id",
    "vessel_name",
    "imo",
    "mmsi",
    "ircs",
    "flag",
    "registration_number",
    "port",
    "owner",
    "vessel_type",
    "gear_type",
    "tonnage",
    "length",
    "build_year",
    "authorised_from",
    "authorised_to",
    "listed_on",
)

Row = Mapping[str, str | None]
Record = dict[str, object]

# Compared case-insensitively after trimming; "0" and "NA" are placeholders the lists use too.
MISSING_MARKERS = frozenset({"", "-", "--", "0", "NA", "N/A", "NE", "NIL", "NONE", "NULL", "NOT AVAILABLE", "UNKNOWN"})


class UnknownRegistryLayout(ValueError):
    """A CSV header that matches none of the known RFMO layouts."""


# Columns that together identify a layout; a header must contain all of them.
LAYOUT_SIGNATURES: dict[str, frozenset[str]] = {
    "CCSBT": frozenset({"CCSBT Registration Number", "Vessel Name", "Callsign", "Owner Name"}),
    "NAFO": frozenset({"countryId", "name", "IRCS", "IMO", "originalSource"}),
    "NEAFC": frozenset({"SENDER", "FLAG", "IRCS", "NAME", "IMO_NUMBER", "EXT_MARK", "SPECIES"}),
    "NPFC": frozenset({"NPFC Vessel_id", "flag_state", "vessel_name", "registration_no", "imo"}),
    "SPRFMO": frozenset({"Vessel Flag", "Vessel Name", "IMO Number", "Date Included in SPRFMO Record"}),
}
KNOWN_SOURCES: tuple[str, ...] = tuple(LAYOUT_SIGNATURES)


def clean_header_name(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def detect_source(header: Sequence[str], origin: str = "<csv>") -> str:
    """The RFMO whose published layout ``header`` is; ``origin`` (a file name) goes in the error."""
    columns = {clean_header_name(name) for name in header if name is not None}
    for source, signature in LAYOUT_SIGNATURES.items():
        if signature <= columns:
            return source
    raise UnknownRegistryLayout(
        f"{origin}: CSV header matches no known registry layout ({', '.join(KNOWN_SOURCES)}); "
        f"columns were {sorted(columns)[:12]}"
    )


# --- value cleaning -------------------------------------------------------------------------


def _repair_mojibake(value: str) -> str:
    """UTF-8 that was decoded as Latin-1 once ("MENDUIÃ\\x91A" -> "MENDUIÑA")."""
    if "Ã" not in value and "Â" not in value:
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def clean_text(value: str | None) -> str | None:
    """Trimmed single-spaced NFKC text, or None for the lists' missing-value markers.

    NFKC folds the full-width brackets of some Chinese registration numbers to ASCII.
    """
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFKC", _repair_mojibake(value)).split())
    if text.upper() in MISSING_MARKERS:
        return None
    return text


def clean_imo(value: str | None) -> str | None:
    """The 7-digit IMO number, or None when absent or failing its check digit."""
    text = clean_text(value)
    if text is None:
        return None
    digits = re.sub(r"^IMO\s*", "", text, flags=re.IGNORECASE).removesuffix(".0")
    return digits if imo_check_digit_ok(digits) else None


def clean_mmsi(value: str | None) -> str | None:
    text = clean_text(value)
    if text is None or not re.fullmatch(r"[\d\s\-.]+", text):
        return None
    digits = re.sub(r"\D", "", text)
    return digits if len(digits) == 9 else None


def clean_ircs(value: str | None) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    call_sign = re.sub(r"[\s\-]", "", text).upper()
    return call_sign if re.fullmatch(r"[A-Z0-9]{3,9}", call_sign) else None


def parse_number(value: str | None) -> float | None:
    """``"4,992.00"`` -> 4992.0; None for missing, non-numeric or non-positive values."""
    text = clean_text(value)
    if text is None:
        return None
    match = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    if match is None:
        return None
    number = float(match.group().replace(",", ""))
    return number if number > 0 else None


def parse_build_year(value: str | None) -> int | None:
    text = clean_text(value)
    if text is None or not re.fullmatch(r"(18|19|20)\d\d", text):
        return None
    return int(text)


# "22 Aug 2025" (CCSBT), "27-MAY-25" (NEAFC), "2011-01-01T00:00:00Z" / "2016-01-01" (SPRFMO), "8/26/25" (NAFO).
_DATE_FORMATS = ("%d %b %Y", "%d-%b-%y", "%Y-%m-%d", "%m/%d/%y", "%d/%m/%Y")


def parse_date(value: str | None) -> str | None:
    """A list's date as ISO ``YYYY-MM-DD``; ``None`` when missing or in no known format."""
    text = clean_text(value)
    if text is None:
        return None
    text = text[:10] if re.match(r"\d{4}-\d\d-\d\dT", text) else text
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text.title() if "%b" in pattern else text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


_FILE_DATE = re.compile(r"(\d{4}-\d\d-\d\d)")


def publication_date(origin: str) -> str | None:
    """The date a list was published, from its file name (``NPFC_vessels_2025-08-26.csv``)."""
    match = _FILE_DATE.search(origin.rsplit("/", 1)[-1])
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return None


# RFMO classification strings: "01.2.2 - Trawlers - Stern Trawlers - Freezer" (ISSCFV / ISSCFG
# numbering, several joined by commas) and "Hand liner vessels (LH)" (FAO alpha code appended).
_NUMBERED_CLASS = re.compile(r"\d\d\.\d\.\d\s*-\s*")
_NOT_SPECIFIED = re.compile(r"\bnot (known|specified)\b", re.IGNORECASE)
_TRAILING_ALPHA_CODE = re.compile(r"\s*\([A-Z]{1,4}\)\s*$")


def clean_numbered_classes(value: str | None) -> str | None:
    """``"01.2.2 - Trawlers - Stern Trawlers - Freezer"`` -> ``"Trawlers - Stern Trawlers - Freezer"``."""
    text = clean_text(value)
    if text is None:
        return None
    items = [item.strip(" ,") for item in _NUMBERED_CLASS.split(text) if item.strip(" ,")]
    names = [item for item in items if not _NOT_SPECIFIED.search(item)]
    return ", ".join(dict.fromkeys(names)) or None


def clean_coded_names(value: str | None) -> str | None:
    text = clean_text(value)
    if text is None:
        return None
    names = [_TRAILING_ALPHA_CODE.sub("", item).strip() for item in re.split(r",\s*(?=[A-Za-z])", text)]
    kept = [name for name in names if name and not _NOT_SPECIFIED.search(name)]
    return ", ".join(dict.fromkeys(kept)) or None


def expand_codes(value: str | None, names: Mapping[str, str | None]) -> str | None:
    """Comma-separated codes to names; a code mapped to None (unclassified) is dropped."""
    text = clean_text(value)
    if text is None:
        return None
    expanded = [names.get(code.strip().upper(), code.strip()) for code in text.split(",")]
    return ", ".join(dict.fromkeys(name for name in expanded if name)) or None


# FAO ISSCFV alpha codes used by NEAFC's TYPE column.
NEAFC_VESSEL_TYPES: dict[str, str | None] = {
    "TO": "Trawlers",
    "TT": "Stern trawlers",
    "TTF": "Stern trawlers freezer",
    "TTP": "Stern trawlers factory",
    "FO": "Fish carriers and reefers",
    "LL": "Longliners",
    "LT": "Trollers",
    "MO": "Multipurpose vessels",
    "MTS": "Trawler-purse seiners",
    "SO": "Seiners",
    "GO": "Gillnetters",
    "WOP": "Pot vessels",
    "FX": None,
}

CCSBT_GEAR_TYPES: dict[str, str | None] = {
    "LL": "Longline",
    "MWT": "Midwater trawl",
    "GILL": "Gillnet",
    "TROL": "Troll",
    "HAND": "Handline",
    "BB": "Baitboat",
    "PS": "Purse seine",
    "RR": "Rod and reel",
    "TRAP": "Trap",
    "UNCL": None,
}

CCSBT_VESSEL_TYPES: dict[str, str | None] = {"MULTI": "Multipurpose"}


def neafc_measure(value: str | None) -> float | None:
    """NEAFC prefixes measures with their kind: ``"LC 109"`` (GT), ``"OA 32"`` (LOA, m)."""
    text = clean_text(value)
    return parse_number(re.sub(r"^[A-Z]{2}\s+", "", text)) if text else None


# --- per-layout field mapping -----------------------------------------------------------------


def _first_present(*values: str | None) -> str | None:
    return next((value for value in values if value is not None), None)


def _ccsbt(row: Row) -> Record:
    return {
        "source_vessel_id": clean_text(row.get("CCSBT Registration Number")),
        "vessel_name": clean_text(row.get("Vessel Name")),
        "imo": clean_imo(row.get("IMO")),
        "mmsi": None,
        "ircs": clean_ircs(row.get("Callsign")),
        "flag": clean_text(row.get("Flag")),
        "registration_number": clean_text(row.get("Vessel Registration Number")),
        "port": None,
        "owner": _first_present(clean_text(row.get("Owner Name")), clean_text(row.get("Operator Name"))),
        "vessel_type": expand_codes(row.get("Vessel Type"), CCSBT_VESSEL_TYPES),
        "gear_type": expand_codes(row.get("Gear Type"), CCSBT_GEAR_TYPES),
        "tonnage": parse_number(row.get("Tonnage")),
        "length": parse_number(row.get("Length")),
        "build_year": None,
        "authorised_from": parse_date(row.get("Authorisation Start Date")),
        "authorised_to": parse_date(row.get("Authorisation End Date")),
    }


def _nafo(row: Row) -> Record:
    ircs = clean_ircs(row.get("IRCS"))
    imo = clean_imo(row.get("IMO"))
    return {
        "source_vessel_id": _first_present(ircs, imo, clean_text(row.get("name"))),
        "vessel_name": clean_text(row.get("name")),
        "imo": imo,
        "mmsi": None,
        "ircs": ircs,
        "flag": clean_text(row.get("countryId")),
        "registration_number": None,
        "port": None,
        "owner": None,
        "vessel_type": None,
        "gear_type": None,
        "tonnage": None,
        "length": None,
        "build_year": None,
        "authorised_from": None,
        "authorised_to": None,
        "listed_on": parse_date(row.get("sourceRefreshDate")),
    }


def _neafc(row: Row) -> Record:
    # One row per authorised species: the call sign is what stays the same across a vessel's rows.
    ircs = clean_ircs(row.get("IRCS"))
    imo = clean_imo(row.get("IMO_NUMBER"))
    return {
        "source_vessel_id": _first_present(ircs, imo, clean_text(row.get("EXT_MARK"))),
        "vessel_name": clean_text(row.get("NAME")),
        "imo": imo,
        "mmsi": None,
        "ircs": ircs,
        "flag": clean_text(row.get("FLAG")),
        "registration_number": clean_text(row.get("EXT_MARK")),
        "port": None,
        "owner": None,
        "vessel_type": expand_codes(row.get("TYPE"), NEAFC_VESSEL_TYPES),
        "gear_type": None,
        "tonnage": neafc_measure(row.get("TONNAGE")),
        "length": neafc_measure(row.get("LENGTH")),
        "build_year": None,
        "authorised_from": parse_date(row.get("STARTS")),
        "authorised_to": parse_date(row.get("ENDS")),
    }


def _npfc(row: Row) -> Record:
    return {
        "source_vessel_id": clean_text(row.get("NPFC Vessel_id")),
        "vessel_name": clean_text(row.get("vessel_name")),
        "imo": clean_imo(row.get("imo")),
        "mmsi": clean_mmsi(row.get("mmsi")),
        "ircs": clean_ircs(row.get("call_sign")),
        "flag": clean_text(row.get("flag_state")),
        "registration_number": clean_text(row.get("registration_no")),
        "port": clean_text(row.get("port_of_registry")),
        "owner": None,
        "vessel_type": clean_coded_names(row.get("vessel_type")),
        "gear_type": clean_coded_names(row.get("type_of_fishing_method")),
        "tonnage": parse_number(row.get("tonnage")),
        "length": parse_number(row.get("length")),
        "build_year": None,
        "authorised_from": None,
        "authorised_to": None,
    }


def _sprfmo_vessel_id(flag: str | None, imo: str | None, registration: str | None, name: str | None) -> str | None:
    # The list has no vessel id and repeats a vessel once per authorisation period.
    if imo is not None:
        return imo
    local = _first_present(registration, name)
    return f"{flag or '?'}-{local}" if local else None


def _sprfmo(row: Row) -> Record:
    flag = clean_text(row.get("Vessel Flag"))
    imo = clean_imo(row.get("IMO Number"))
    registration = clean_text(row.get("Registration"))
    name = clean_text(row.get("Vessel Name"))
    return {
        "source_vessel_id": _sprfmo_vessel_id(flag, imo, registration, name),
        "vessel_name": name,
        "imo": imo,
        "mmsi": None,
        "ircs": clean_ircs(row.get("Call Sign")),
        "flag": flag,
        "registration_number": registration,
        "port": clean_text(row.get("Port of Registry")),
        "owner": None,
        "vessel_type": clean_numbered_classes(row.get("Vessel Type")),
        "gear_type": clean_numbered_classes(row.get("Fishing Methods")),
        "tonnage": _first_present(
            parse_number(row.get("Gross Tonnage")), parse_number(row.get("Gross Register Tonnage"))
        ),
        "length": parse_number(row.get("Length")),
        "build_year": parse_build_year(row.get("When Built")),
        "authorised_from": _first_present(
            parse_date(row.get("Flag Authorisation Start Date")), parse_date(row.get("Date Included in SPRFMO Record"))
        ),
        "authorised_to": parse_date(row.get("Vessel Authorisation End Date")),
    }


ROW_NORMALISERS: dict[str, Callable[[Row], Record]] = {
    "CCSBT": _ccsbt,
    "NAFO": _nafo,
    "NEAFC": _neafc,
    "NPFC": _npfc,
    "SPRFMO": _sprfmo,
}


def normalise_row(source: str, row: Row, listed_on: str | None = None) -> Record:
    """One ``csv.DictReader`` row of ``source``'s list as a ``registry_vessels`` record;
    ``listed_on`` is the list's publication date where the row does not say."""
    if source not in ROW_NORMALISERS:
        raise ValueError(f"unknown registry source {source!r}; known: {', '.join(KNOWN_SOURCES)}")
    cleaned_keys = {clean_header_name(key): value for key, value in row.items() if key is not None}
    record = {"source": source, "listed_on": listed_on, **ROW_NORMALISERS[source](cleaned_keys)}
    record["listed_on"] = record["listed_on"] or listed_on
    return {column: record[column] for column in REGISTRY_COLUMNS}


def _merge_missing(kept: Record, duplicate: Record) -> None:
    for column, value in duplicate.items():
        if kept[column] is None and value is not None:
            kept[column] = value


def deduplicate(records: Iterable[Record]) -> list[Record]:
    """One record per (source, source_vessel_id), first seen wins, gaps filled from its repeats."""
    by_key: dict[tuple[object, object], Record] = {}
    for record in records:
        key = (record["source"], record["source_vessel_id"])
        if key in by_key:
            _merge_missing(by_key[key], record)
        else:
            by_key[key] = dict(record)
    return list(by_key.values())


def normalise_rows(
    header: Sequence[str], rows: Iterable[Row], origin: str = "<csv>", skipped: Counter | None = None
) -> list[Record]:
    """Detect the layout from ``header`` and normalise + de-duplicate ``rows``.

    Rows without any usable vessel identity (no id or no name) are skipped, counted by reason in
    ``skipped`` when given: they cannot be keyed or linked to anything.
    """
    source = detect_source(header, origin)
    listed_on = publication_date(origin)
    kept = []
    for record in (normalise_row(source, row, listed_on) for row in rows):
        missing = [column for column in ("vessel_name", "source_vessel_id") if record[column] is None]
        if missing:
            if skipped is not None:
                skipped[f"{source}: row without {' or '.join(missing)}"] += 1
            continue
        kept.append(record)
    return deduplicate(kept)
