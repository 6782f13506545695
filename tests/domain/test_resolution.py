"""Entity resolution and the vessel records it works on: pure functions, no database."""

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from oceanid_dagster.domain.ports import port_key, resolve_port
from oceanid_dagster.domain.resolution import resolve
from oceanid_dagster.domain.vessel_records import (
    SourceRecord,
    Validity,
    corrected_entities,
    normalise_attribute,
    normalise_name,
    page_records,
    registry_record,
)

AUG_2025 = Validity.days(date(2025, 8, 1), date(2025, 8, 31))
YEAR_2011 = Validity.days(date(2011, 1, 1), date(2011, 12, 31))


def record(ref, kind="registry", valid=AUG_2025, **fields) -> SourceRecord:
    identifiers = {key.upper(): value for key, value in fields.items() if key in ("imo", "mmsi", "ircs")}
    if "registration" in fields:
        identifiers["REGISTRATION_NUMBER"] = fields.pop("registration")
    attributes = {key: value for key, value in fields.items() if key not in ("imo", "mmsi", "ircs")}
    return SourceRecord(ref, kind, valid, identifiers, attributes)


def by_ref(resolution):
    return {record.ref: vessel for vessel in resolution.vessels for record in vessel.records}


def test_records_sharing_an_imo_are_one_vessel_keyed_by_it():
    resolution = resolve(
        [
            record("a", imo="9086758", name="TAISEI MARU NO.24", flag="Japan"),
            record("b", imo="9086758", ircs="JILE", name="Taisei Maru No 24", flag="JPN"),
            record("c", ircs="JILE", name="TAISEI MARU 24"),
        ]
    )
    assert len(resolution.vessels) == 1
    vessel = resolution.vessels[0]
    assert vessel.key == "IMO:9086758" and vessel.imo == "9086758"
    assert resolution.merged_by == Counter({"IMO": 1, "IRCS": 1})


def test_a_call_sign_shared_by_two_imos_is_two_vessels_and_a_dispute_not_a_merge():
    resolution = resolve(
        [
            record("old", kind="model", imo="8907008", ircs="YJRN7", name="FREY"),
            record("new", imo="8907113", ircs="YJRN7", name="FRIGG"),
        ]
    )
    vessels = by_ref(resolution)
    assert vessels["old"] is not vessels["new"]
    holder, loser = vessels["new"], vessels["old"]  # the registry outranks the model
    assert [claim.value for claim in holder.identifiers if claim.scheme == "IRCS"] == ["YJRN7"]
    assert [(claim.value, key) for claim, key in loser.disputed] == [("YJRN7", holder.key)]


def test_a_call_sign_reused_in_another_period_is_no_dispute():
    resolution = resolve(
        [
            record("then", valid=YEAR_2011, imo="8907008", ircs="YJRN7", name="FREY"),
            record("now", imo="8907113", ircs="YJRN7", name="FRIGG"),
        ]
    )
    assert all(not vessel.disputed for vessel in resolution.vessels)
    assert len(resolution.vessels) == 2


def test_registration_numbers_are_national():
    resolution = resolve(
        [
            record("vu", registration="1249", name="FREY", flag="VUT"),
            record("vu2", registration="1249", name="FREY I", flag="Vanuatu"),
            record("pe", registration="1249", name="DON LUCHO", flag="PER"),
        ]
    )
    vessels = by_ref(resolution)
    assert vessels["vu"] is vessels["vu2"] and vessels["pe"] is not vessels["vu"]
    assert vessels["vu"].key == "REGISTRATION_NUMBER:VUT:1249"


def test_a_name_only_mention_joins_the_vessel_of_that_name_and_flag():
    resolution = resolve(
        [
            record("registry", imo="9086758", name="TAISEI MARU NO.24", flag="Japan", vessel_type="reefer"),
            record("page", kind="rules", name="Taisei Maru No. 24", flag="JPN"),
            record("other-flag", kind="rules", name="TAISEI MARU NO.24", flag="Panama"),
        ]
    )
    vessels = by_ref(resolution)
    assert vessels["page"] is vessels["registry"]
    assert vessels["other-flag"] is not vessels["registry"]
    assert resolution.merged_by["name"] == 1


def test_numbers_in_a_name_tell_vessels_apart():
    resolution = resolve(
        [
            record("24", imo="9086758", name="TAISEI MARU NO.24", flag="JPN"),
            record("15", kind="rules", name="TAISEI MARU NO.15", flag="JPN"),
        ]
    )
    assert len(resolution.vessels) == 2


def test_a_name_that_fits_two_vessels_equally_joins_neither():
    resolution = resolve(
        [
            record("a", imo="9086758", name="SAN JOSE", flag="ESP"),
            record("b", imo="8907008", name="SAN JOSE", flag="ESP"),
            record("page", kind="model", name="San José", flag="Spain"),
        ]
    )
    vessels = by_ref(resolution)
    assert vessels["page"] is not vessels["a"] and vessels["page"] is not vessels["b"]
    assert len({vessel.key for vessel in resolution.vessels}) == 3


def test_disagreeing_attributes_keep_similar_names_apart():
    resolution = resolve(
        [
            record("a", imo="9086758", name="OCEAN STAR", flag="KOR", vessel_type="longliner", build_year="1990"),
            record("b", kind="rules", name="OCEAN STARS", flag="KOR", vessel_type="trawler", build_year="2015"),
        ]
    )
    assert len(resolution.vessels) == 2


def test_best_values_come_from_the_most_trusted_source():
    resolution = resolve(
        [
            record("r", imo="9086758", name="TAISEI MARU NO.24"),
            record("m1", kind="model", imo="9086758", name="TAISEI MARU"),
            record("m2", kind="model", imo="9086758", name="TAISEI MARU"),
        ]
    )
    assert resolution.vessels[0].best("name") == "TAISEI MARU NO.24"


def test_resolution_is_deterministic():
    records = [
        record("a", imo="9086758", name="A"),
        record("b", ircs="JILE", name="B"),
        record("c", kind="rules", name="C", flag="JPN"),
    ]
    first, second = resolve(records), resolve(list(reversed(records)))
    assert [vessel.key for vessel in first.vessels] == [vessel.key for vessel in second.vessels]


@pytest.mark.parametrize(
    ("a", "b"),
    [("TAISEI MARU NO.24", "Taisei Maru No 24"), ("SHUN ZE 807", "SHUNZE807"), ("Nº 5 ANA", "NO.5 ANA")],
)
def test_spellings_of_one_name_compare_equal(a, b):
    assert normalise_attribute("name", a) == normalise_attribute("name", b)


def test_flags_compare_as_iso_codes():
    assert normalise_attribute("flag", "Vanuatu") == normalise_attribute("flag", "VUT") == "VUT"
    assert normalise_name("Señor del Mar") == "SENOR DEL MAR"


def test_validity_is_half_open():
    assert AUG_2025.overlaps(Validity.days(date(2025, 8, 31)))
    assert not AUG_2025.overlaps(Validity.days(date(2025, 9, 1)))
    assert Validity(None, None).overlaps(YEAR_2011)


def test_registry_rows_keep_their_authorisation_period_and_drop_invalid_identifiers():
    skipped = Counter()
    row = {
        "source": "CCSBT",
        "source_vessel_id": "CV4748",
        "vessel_name": "TAISEI MARU NO.24",
        "imo": "9086759",  # wrong check digit
        "ircs": "JILE",
        "mmsi": None,
        "flag": "Japan",
        "authorised_from": "2025-08-22",
        "authorised_to": "2026-08-21",
        "listed_on": "2025-08-26",
    }
    built = registry_record(row, skipped)
    assert built.identifiers == {"IRCS": "JILE"}
    assert built.valid == Validity(datetime(2025, 8, 22, tzinfo=UTC), datetime(2026, 8, 22, tzinfo=UTC))
    assert sum(count for reason, count in skipped.items() if "invalid IMO" in reason) == 1
    empty = {**row, "vessel_name": None, "imo": None, "ircs": None, "registration_number": None}
    assert registry_record(empty, skipped) is None
    assert any("neither a vessel name nor a valid identifier" in reason for reason in skipped)


def test_rows_without_dates_are_valid_on_the_day_the_list_was_published():
    built = registry_record(
        {"source": "NAFO", "source_vessel_id": "VOLT", "vessel_name": "AQVIQ", "listed_on": "2025-08-26"}, Counter()
    )
    assert built.valid == Validity.days(date(2025, 8, 26))


def entity(label, text, start):
    return {"label": label, "text": text, "start_char": start}


def test_a_table_page_is_one_record_per_row():
    rows = [
        entity("VESSEL_NAME", "FREY", 0),
        entity("IMO", "8907008", 10),
        entity("FLAG", "Vanuatu", 20),
        entity("VESSEL_NAME", "FRIGG", 40),
        entity("IMO", "8907113", 50),
        entity("FLAG", "Vanuatu", 60),
        entity("DATE", "2025-01-01", 70),
    ]
    records = page_records("rules:doc:p1", "rules", rows, date(2026, 12, 1), Counter())
    assert [(r.attributes["name"], r.identifiers["IMO"]) for r in records] == [
        ("FREY", "8907008"),
        ("FRIGG", "8907113"),
    ]
    assert records[0].ref == "rules:doc:p1:1" and records[0].valid == Validity.days(date(2026, 12, 1))


def test_a_form_page_is_one_record_and_attributes_without_a_vessel_are_dropped():
    form = [entity("VESSEL_NAME", "AQVIQ", 0), entity("IRCS", "VOLT", 30), entity("OWNER", "Qikiqtaaluk", 60)]
    assert len(page_records("p", "model", form, date(2026, 12, 1), Counter())) == 1
    assert page_records("p", "model", [entity("OWNER", "Nobody Ltd", 0)], date(2026, 12, 1), Counter()) == []


def test_rejected_corrections_are_not_facts():
    rows = [{"correction": "accept", "label": "IMO"}, {"correction": "reject", "label": "FLAG"}]
    assert [row["label"] for row in corrected_entities(rows)] == ["IMO"]


def test_ports_resolve_spellings_to_one_place():
    assert port_key("ZHOU SHAN") == port_key("Zhoushan") == port_key("zhoushan")
    busan = resolve_port("BUSAN, KOR")
    assert busan == resolve_port("Busan") and busan.country == "KOR" and busan.latitude == pytest.approx(35.1, abs=0.1)
    unknown = resolve_port("Puerto Nuevo, Chile")
    assert unknown.name == "Puerto Nuevo" and unknown.country == "CHL" and unknown.latitude is None
