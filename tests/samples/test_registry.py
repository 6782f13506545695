"""Normalising the real RFMO lists (the sample shipped in the package) into registry_vessels records."""

from __future__ import annotations

import csv
import io
from collections import Counter
from importlib import resources

import pytest

from oceanid_dagster.domain.registry import (
    REGISTRY_COLUMNS,
    UnknownRegistryLayout,
    clean_numbered_classes,
    clean_text,
    detect_source,
    normalise_row,
    normalise_rows,
    parse_date,
    publication_date,
)
from oceanid_dagster.samples.registry_csv import load_sample_registry, read_registry_csv, sample_registry_files

SOURCES = ("CCSBT", "NAFO", "NEAFC", "NPFC", "SPRFMO")


def sample_text(name: str) -> str:
    return resources.files("oceanid_dagster.samples.data").joinpath(name).read_bytes().decode("utf-8-sig")


def sample_file(source: str) -> str:
    return next(name for name in sample_registry_files() if name.startswith(source + "_"))


def raw_rows(source: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(sample_text(sample_file(source)), newline="")))


def imo_check_digit(imo: str) -> bool:
    return sum(int(d) * w for d, w in zip(imo[:6], (7, 6, 5, 4, 3, 2))) % 10 == int(imo[6])


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return load_sample_registry()


def test_every_sample_file_is_detected_as_its_rfmo() -> None:
    detected = {}
    for name in sample_registry_files():
        header = next(csv.reader(io.StringIO(sample_text(name))))
        detected[name.split("_")[0]] = detect_source(header, name)
    assert detected == {source: source for source in SOURCES}


def test_records_have_exactly_the_registry_vessels_columns(records) -> None:
    assert {tuple(record) for record in records} == {REGISTRY_COLUMNS}
    assert set(Counter(record["source"] for record in records)) == set(SOURCES)


def test_keys_are_unique_and_present(records) -> None:
    keys = Counter((record["source"], record["source_vessel_id"]) for record in records)
    assert all(key[1] for key in keys)
    assert max(keys.values()) == 1


def test_imo_numbers_are_seven_digits_with_a_valid_check_digit(records) -> None:
    imos = [record["imo"] for record in records if record["imo"] is not None]
    assert len(imos) > 200
    assert all(len(imo) == 7 and imo.isdigit() and imo_check_digit(imo) for imo in imos)


def test_an_imo_failing_its_check_digit_is_dropped() -> None:
    row = raw_rows("NAFO")[0] | {"IMO": "8714567"}  # real 8714566 with the last digit changed
    assert normalise_row("NAFO", row)["imo"] is None
    assert normalise_row("NAFO", row | {"IMO": "8714566"})["imo"] == "8714566"


@pytest.mark.parametrize("marker", ["", "  ", "NONE", "None", "NE", "Not Available", "N/A", "NA", "UNKNOWN", "NULL"])
def test_missing_value_markers_become_none(marker) -> None:
    assert clean_text(marker) is None
    row = raw_rows("NPFC")[0] | {"call_sign": marker, "port_of_registry": marker, "mmsi": marker}
    record = normalise_row("NPFC", row)
    assert (record["ircs"], record["port"], record["mmsi"]) == (None, None, None)


def test_npfc_none_call_signs_in_the_real_sample_become_none(records) -> None:
    none_ids = {row["NPFC Vessel_id"] for row in raw_rows("NPFC") if row["call_sign"].upper() == "NONE"}
    assert none_ids, "the sample should keep NPFC rows whose call sign is NONE"
    by_id = {r["source_vessel_id"]: r for r in records if r["source"] == "NPFC"}
    assert all(by_id[vessel_id]["ircs"] is None for vessel_id in none_ids)


def test_neafc_species_rows_collapse_to_one_record_per_vessel(records) -> None:
    rows = raw_rows("NEAFC")
    neafc = [r for r in records if r["source"] == "NEAFC"]
    assert len(rows) > len(neafc) == len({row["IRCS"] for row in rows})


def test_neafc_prefixed_tonnage_and_length_are_numbers() -> None:
    row = raw_rows("NEAFC")[0] | {"TONNAGE": "LC 109", "LENGTH": "OA 32", "TYPE": "TTF"}
    record = normalise_row("NEAFC", row)
    assert (record["tonnage"], record["length"], record["vessel_type"]) == (109.0, 32.0, "Stern trawlers freezer")


def test_sprfmo_classification_codes_are_removed() -> None:
    assert (
        clean_numbered_classes("01.2.2 - Trawlers - Stern Trawlers - Freezer") == "Trawlers - Stern Trawlers - Freezer"
    )
    assert (
        clean_numbered_classes("03.1.0 - Trawls - Bottom Trawls, 03.2.0 - Trawls - Midwater Trawls")
        == "Trawls - Bottom Trawls, Trawls - Midwater Trawls"
    )
    assert clean_numbered_classes("99.0.0 - Gear Not Known or Not Specified") is None


def test_sprfmo_row_values_are_typed(records) -> None:
    sprfmo = [r for r in records if r["source"] == "SPRFMO"]
    assert any(isinstance(r["build_year"], int) for r in sprfmo)
    assert all(r["vessel_type"] is None or not r["vessel_type"][:2].isdigit() for r in sprfmo)
    assert all(r["tonnage"] is None or r["tonnage"] > 0 for r in sprfmo)


def test_ccsbt_owner_and_codes(records) -> None:
    ccsbt = [r for r in records if r["source"] == "CCSBT"]
    assert all(r["owner"] for r in ccsbt)
    assert all(r["source_vessel_id"][:2] in ("FV", "CV") for r in ccsbt)
    assert all(r["gear_type"] is None or "UNCL" not in r["gear_type"] for r in ccsbt)


def test_mis_encoded_utf8_is_repaired(records) -> None:
    names = {r["vessel_name"] for r in records if r["source"] == "NAFO"}
    assert "PLAYA MENDUIÑA" in names


def test_full_width_brackets_fold_to_ascii() -> None:
    row = raw_rows("NPFC")[0] | {"registration_no": "（ZHE）CHUAN DENG(JI)(2018)FT-200031"}
    assert normalise_row("NPFC", row)["registration_number"] == "(ZHE)CHUAN DENG(JI)(2018)FT-200031"


def test_unknown_layout_error_names_the_file() -> None:
    stream = io.StringIO("ship,number\nA,1\n")
    with pytest.raises(UnknownRegistryLayout, match="mystery.csv"):
        read_registry_csv(stream, origin="mystery.csv")


def test_reading_a_path_names_it_in_errors(tmp_path) -> None:
    path = tmp_path / "other_list.csv"
    path.write_text("vessel,flag\nX,Y\n", encoding="utf-8")
    with pytest.raises(UnknownRegistryLayout, match="other_list.csv"):
        read_registry_csv(path)


def test_reading_a_path_with_byte_order_mark_works(tmp_path) -> None:
    path = tmp_path / "NAFO.csv"
    path.write_bytes(resources.files("oceanid_dagster.samples.data").joinpath(sample_file("NAFO")).read_bytes())
    records = read_registry_csv(path)
    assert len(records) == len(raw_rows("NAFO")) and records[0]["source"] == "NAFO"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22 Aug 2025", "2025-08-22"),
        ("27-MAY-25", "2025-05-27"),
        ("2011-12-31T23:59:59Z", "2011-12-31"),
        ("2016-01-01", "2016-01-01"),
        ("8/26/25", "2025-08-26"),
        ("Not Available", None),
        ("sometime", None),
    ],
)
def test_list_dates_in_every_layout_become_iso_dates(text, expected):
    assert parse_date(text) == expected


def test_authorisation_periods_and_publication_dates_come_through(records):
    by_source = {record["source"]: record for record in records}
    assert by_source["CCSBT"]["authorised_from"] and by_source["CCSBT"]["authorised_to"]
    assert {record["listed_on"] for record in records} == {"2025-08-26"}
    assert publication_date("NPFC_vessels_2025-08-26.csv") == "2025-08-26"
    assert publication_date("vessels.csv") is None


def test_rows_without_a_name_are_counted_by_reason():
    skipped = Counter()
    header = ["countryId", "name", "IRCS", "IMO", "originalSource"]
    rows = [
        {"countryId": "CAN", "name": "AQVIQ", "IRCS": "VOLT", "IMO": "8714566", "originalSource": "NAFO"},
        {"countryId": "CAN", "name": "", "IRCS": "VEA2105", "IMO": "", "originalSource": "NAFO"},
    ]
    assert len(normalise_rows(header, rows, "NAFO_vessels_2025-08-26.csv", skipped)) == 1
    assert skipped == Counter({"NAFO: row without vessel_name": 1})
