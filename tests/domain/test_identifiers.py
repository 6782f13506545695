"""Identifier validators on real values from /work/shared/data/registries (lists of 2025-08-26)."""

from __future__ import annotations

import pytest

from oceanid_dagster.domain.countries import all_countries, callsign_country, lookup_country, mid_countries
from oceanid_dagster.domain.identifiers import (
    IdentifierError,
    mmsi_country,
    normalise_cfr,
    normalise_flag,
    normalise_imo,
    normalise_ircs,
    normalise_mmsi,
    validate_identifier,
)

# IMO numbers of CCSBT, NAFO, NEAFC, NPFC and SPRFMO vessels.
REAL_IMOS = ("9086758", "8710728", "9666481", "8714566", "9916109", "9099212", "8774891", "8907008", "9931202")


@pytest.mark.parametrize("imo", REAL_IMOS)
def test_real_imo_numbers_pass_their_check_digit(imo: str) -> None:
    assert normalise_imo(imo) == imo


@pytest.mark.parametrize("text", ["IMO 9086758", "IMO No. 9086758", "IMO no.: 9086758", "imo9086758", " 9086758 "])
def test_imo_prefixes_are_stripped(text: str) -> None:
    assert normalise_imo(text) == "9086758"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9086759", "check digit"),
        ("908675", "7 digits"),
        ("90867580", "7 digits"),
        ("0000000", "placeholder"),
        ("IMO", "7 digits"),
    ],
)
def test_bad_imo_numbers_say_why(text: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=reason):
        normalise_imo(text)


def test_mmsi_country_comes_from_its_mid() -> None:
    assert normalise_mmsi("412354055") == "412354055"
    assert mmsi_country("412354055").alpha_3 == "CHN"  # CHANG TAI 801, NPFC
    assert mmsi_country("273210650").alpha_3 == "RUS"  # LEDA-777, NPFC
    assert mmsi_country("576123456").alpha_3 == "VUT"
    assert mmsi_country("416001234").alpha_3 == "TWN"


@pytest.mark.parametrize("text", ["41235405", "4123540551", "012345678", "999999999", "81235405X"])
def test_bad_mmsi_rejected(text: str) -> None:
    assert not validate_identifier("MMSI", text).ok


def test_mid_table_is_the_full_itu_table() -> None:
    table = mid_countries()
    assert len(table) > 280
    assert all(mid[0] in "234567" for mid in table)
    assert {table[mid].alpha_3 for mid in ("351", "352", "370", "374")} == {"PAN"}


@pytest.mark.parametrize(
    ("text", "expected", "country"),
    [
        ("JILE", "JILE", "JPN"),
        ("3elc8", "3ELC8", "PAN"),
        ("YJRN7", "YJRN7", "VUT"),
        ("BZ7VY", "BZ7VY", "CHN"),
        ("6KAI", "6KAI", "KOR"),
        ("VEA 2105", "VEA2105", "CAN"),
        ("OW-2418", "OW2418", "FRO"),
    ],
)
def test_real_call_signs(text: str, expected: str, country: str) -> None:
    assert normalise_ircs(text) == expected
    assert callsign_country(expected).alpha_3 == country


@pytest.mark.parametrize("text", ["NONE", "the", "Owner", "12345", "AB", "TOOLONGCALL", "QQ123"])
def test_words_and_bad_shapes_are_not_call_signs(text: str) -> None:
    assert not validate_identifier("IRCS", text).ok


def test_call_sign_series_agree_with_registry_flags() -> None:
    # (call sign, flag) pairs from the NEAFC, NAFO and SPRFMO lists
    pairs = [
        ("XPSI", "FRO"),
        ("VOLT", "CAN"),
        ("CFL5494", "CAN"),
        ("YJRB2", "VUT"),
        ("LMRJ", "NOR"),
        ("TFLK", "ISL"),
        ("EBUO", "ESP"),
    ]
    assert [callsign_country(sign).alpha_3 for sign, _ in pairs] == [flag for _, flag in pairs]


def test_cfr() -> None:
    assert normalise_cfr("ESP000012345") == "ESP000012345"
    assert normalise_cfr("esp 000012345") == "ESP000012345"
    with pytest.raises(IdentifierError, match="3 letters and 9 digits"):
        normalise_cfr("ESP12345")
    with pytest.raises(IdentifierError, match="alpha-3"):
        normalise_cfr("XXQ000012345")


@pytest.mark.parametrize(
    ("text", "alpha_3"),
    [
        ("Vanuatu", "VUT"),
        ("VU", "VUT"),
        ("VUT", "VUT"),
        ("vut", "VUT"),
        ("Korea, Republic of", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Korea", "KOR"),
        ("Chinese Taipei", "TWN"),
        ("Taiwan", "TWN"),
        ("Fishing Entity of Taiwan", "TWN"),
        ("Russian Federation", "RUS"),
        ("Russia", "RUS"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Viet Nam", "VNM"),
        ("St Vincent and the Grenadines", "VCT"),
        ("  Panama ", "PAN"),
        ("United Kingdom", "GBR"),
        ("FRO", "FRO"),
    ],
)
def test_flags_normalise_to_alpha_3(text: str, alpha_3: str) -> None:
    assert normalise_flag(text) == alpha_3


def test_iso_table_is_complete() -> None:
    countries = all_countries()
    assert len(countries) == 249
    assert len({country.alpha_3 for country in countries}) == 249
    assert lookup_country("Atlantis") is None


def test_validate_identifier_reports_reason_and_passes_other_labels() -> None:
    assert validate_identifier("IMO", "IMO 9086758") == (True, "9086758", None)
    ok, normalised, reason = validate_identifier("FLAG", "Atlantis")
    assert (ok, normalised) == (False, None) and "Atlantis" in reason
    assert validate_identifier("VESSEL_NAME", " TAISEI MARU NO.24 ") == (True, "TAISEI MARU NO.24", None)
