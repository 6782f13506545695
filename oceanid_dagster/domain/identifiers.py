"""Validators and normalisers for vessel identifiers: IMO, MMSI, IRCS, EU CFR and flag.

Each ``normalise_*`` returns the canonical form or raises :class:`IdentifierError` with the reason;
:func:`validate_identifier` wraps them for callers that count failures (asset checks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from oceanid_dagster.domain.countries import Country, callsign_country, lookup_country, mid_countries


class IdentifierError(ValueError):
    """The text is not a valid identifier of the kind asked for; ``str(error)`` is the reason."""


class Validation(NamedTuple):
    ok: bool
    normalised: str | None
    reason: str | None


# --- IMO -------------------------------------------------------------------------------------

_IMO_PREFIX = re.compile(r"^\s*IMO\s*(?:(?:No|Nr|Number|Num)\b\.?)?\s*[:#.]?\s*", re.IGNORECASE)


def imo_check_digit_ok(digits: str) -> bool:
    """Weights 7..2 over the first six digits; the sum's last digit is the seventh digit."""
    if len(digits) != 7 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:6], range(7, 1, -1)))
    return total % 10 == int(digits[6])


def normalise_imo(text: str) -> str:
    """``"IMO No. 9086758"`` / ``"9086758"`` -> ``"9086758"``."""
    digits = _IMO_PREFIX.sub("", text).strip()
    if not (len(digits) == 7 and digits.isdigit()):
        raise IdentifierError(f"IMO number must be 7 digits, got {text!r}")
    if digits == "0000000":
        raise IdentifierError("IMO number 0000000 is a placeholder")
    if not imo_check_digit_ok(digits):
        raise IdentifierError(f"IMO number {digits} fails its check digit")
    return digits


# --- MMSI ------------------------------------------------------------------------------------

_MMSI_PREFIX = re.compile(r"^\s*MMSI\s*(?:(?:No|Nr|Number)\b\.?)?\s*[:#.]?\s*", re.IGNORECASE)


def mmsi_country(mmsi: str) -> Country | None:
    """Country of a ship station's MMSI from its Maritime Identification Digits (first three)."""
    return mid_countries().get(mmsi[:3])


def normalise_mmsi(text: str) -> str:
    """A ship station's 9-digit MMSI whose MID is allocated (first digit 2-7)."""
    digits = _MMSI_PREFIX.sub("", text).replace(" ", "").strip()
    if not (len(digits) == 9 and digits.isdigit()):
        raise IdentifierError(f"MMSI must be 9 digits, got {text!r}")
    if mmsi_country(digits) is None:
        raise IdentifierError(f"MMSI {digits} does not start with an allocated ship-station MID")
    return digits


# --- IRCS ------------------------------------------------------------------------------------

# Values registries put in the call-sign column when there is none, and short words a call-sign
# pattern would otherwise accept.
_NOT_CALL_SIGNS = frozenset(
    {
        "NONE",
        "NIL",
        "NULL",
        "NO",
        "NA",
        "NE",
        "NAN",
        "TBA",
        "TBC",
        "TBD",
        "UNKNOWN",
        "NOTAVAILABLE",
        "VESSEL",
        "FLAG",
        "CALL",
        "SIGN",
        "OWNER",
        "PORT",
        "NAME",
        "TYPE",
        "GEAR",
        "DATE",
        "YEAR",
        "THE",
        "AND",
        "FOR",
        "WITH",
        "FROM",
        "THIS",
        "THAT",
        "SHIP",
        "BOAT",
        "MARU",
        "LTD",
        "INC",
        "CO",
        "CORP",
        "LLC",
        "SA",
        "SRL",
        "PAGE",
        "TOTAL",
        "IMO",
        "MMSI",
        "IRCS",
        "GT",
        "GRT",
        "LOA",
        # the acronyms of monitoring and reporting that a page writes in capitals
        "VMS",
        "AIS",
        "UTC",
        "GPS",
        "ETA",
        "ETD",
        "EEZ",
        "IUU",
        "FMC",
        "FAX",
    }
)
_CALL_SIGN_SHAPE = re.compile(r"^[A-Z0-9]{3,7}$")


def normalise_ircs(text: str) -> str:
    """Upper case without spaces or hyphens; 3-7 letters/digits with a letter and an ITU series."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    if not _CALL_SIGN_SHAPE.match(compact):
        raise IdentifierError(f"call sign must be 3-7 letters or digits, got {text!r}")
    if compact.isdigit():
        raise IdentifierError(f"call sign {compact} has no letter")
    if compact in _NOT_CALL_SIGNS:
        raise IdentifierError(f"{compact} is a word or a missing-value marker, not a call sign")
    if callsign_country(compact) is None:
        raise IdentifierError(f"call sign {compact} is not in an ITU call-sign series")
    return compact


# --- EU CFR ----------------------------------------------------------------------------------

_CFR_SHAPE = re.compile(r"^([A-Z]{3})(\d{9})$")


def normalise_cfr(text: str) -> str:
    """EU Community Fleet Register number: ISO alpha-3 of the member state + 9 digits."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    match = _CFR_SHAPE.match(compact)
    if match is None:
        raise IdentifierError(f"CFR must be 3 letters and 9 digits, got {text!r}")
    if lookup_country(match.group(1)) is None:
        raise IdentifierError(f"CFR {compact} does not start with an ISO 3166 alpha-3 code")
    return compact


# --- Flag ------------------------------------------------------------------------------------


def normalise_flag(text: str) -> str:
    """A flag state as a name or ISO code -> ISO 3166 alpha-3 (``"Vanuatu"`` / ``"VU"`` -> ``"VUT"``)."""
    country = lookup_country(text)
    if country is None:
        raise IdentifierError(f"{text.strip()!r} is not a known country name or ISO 3166 code")
    return country.alpha_3


# --- entry point for checks ------------------------------------------------------------------

NORMALISERS: dict[str, Callable[[str], str]] = {
    "IMO": normalise_imo,
    "MMSI": normalise_mmsi,
    "IRCS": normalise_ircs,
    "FLAG": normalise_flag,
}


def validate_identifier(label: str, text: str) -> Validation:
    """``(ok, normalised, reason)``; labels without a validator are always ok (normalised = stripped text)."""
    normaliser = NORMALISERS.get(label)
    if normaliser is None:
        return Validation(True, text.strip(), None)
    try:
        return Validation(True, normaliser(text), None)
    except IdentifierError as error:
        return Validation(False, None, str(error))
