"""The rule-based bootstrap extractor and the registry gazetteer.

Style tests assert the exact (label, text) set on hand-written pages of several layouts (none of them
made by the sample generator); the gold set (the reference pages, ``oceanid_dagster/training/reference_pages``) (pages written to look like RFMO and
flag-state documents, annotated by hand as ``LABEL<TAB>text`` lines, one per occurrence) measures
precision and recall.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.domain.rules import extract_spans
from oceanid_dagster.training.reference import REFERENCE_DIR, load_reference_page

GOLD_DIR = REFERENCE_DIR
# Measured micro-F1 on the 13 gold pages: 0.998 (P 1.000, R 0.997). Pages 08-09 were written after the
# rules and scored 0.925 before the fixes they prompted; pages 10-13 (pipe table with a two-line header,
# French/Spanish/English form, unlabelled lower-case columns, dotted-leader deletion notice) scored 0.935
# before theirs. Pages 27-56 were validation pages until the rules were mended on them (0.735-0.899 before
# their rounds; 0.966 on all 56 pages after the third). Pages 57-72 were written fresh for the fourth round
# (0.729 on 57-66 and 0.885 on 67-72 before it, 0.943 and 0.954 after), pages 73-80 for its second part
# (0.768 before, 0.972 after), pages 81-90 for a fifth (0.771 before, 0.975 after). The floor leaves room
# for rule changes.
MIN_MICRO_F1 = 0.95


def pairs(text: str, gazetteer: Gazetteer | None = None) -> set[tuple[str, str]]:
    return {(span.label, text[span.start : span.end]) for span in extract_spans(text, gazetteer)}


PROSE_LETTER = """Dear Sir,

I write about the Panama-flagged reefer "OCEAN PEARL" (IMO 9666481, call sign 3ELC8), owned by
Star Navigation S.A., which arrived in the port of Durban on 3 March 2024. The vessel, built in
2013, is 127.81 m long and of 6,558 GT. Please call me on +27 21 402 3911 or quote 4417730.
"""


def test_prose_letter() -> None:
    assert pairs(PROSE_LETTER) == {
        ("FLAG", "Panama"),
        ("VESSEL_TYPE", "reefer"),
        ("VESSEL_NAME", "OCEAN PEARL"),
        ("IMO", "9666481"),
        ("IRCS", "3ELC8"),
        ("OWNER", "Star Navigation S.A."),
        ("PORT", "Durban"),
        ("DATE", "3 March 2024"),
        ("BUILD_YEAR", "2013"),
        ("LENGTH", "127.81 m"),
        ("TONNAGE", "6,558 GT"),
    }


KEY_VALUE_FORM = """Name of vessel: TAISEI MARU NO.24
IMO No.: 9086758          Call sign: JILE
Flag State: Japan         Port of registry: Ise, Japan
Registered owner: TAISEIMARU KAIUN KAISHA, LTD
Owner address: 5-5, HONMACHI ISE-SHI, MIE-KEN
Gross tonnage: 4,992 GT   Length overall: 117 m   Year built: 1994
Vessel type: Reefer       Gear: none
Authorised from 22 Aug 2025 to 21 Aug 2026 (CCSBT Registration Number CV4748)
Tel: +81 3 5555 1234   Page 3 of 12   Ref 9086759
"""


def test_key_value_form() -> None:
    assert pairs(KEY_VALUE_FORM) == {
        ("VESSEL_NAME", "TAISEI MARU NO.24"),
        ("IMO", "9086758"),
        ("IRCS", "JILE"),
        ("FLAG", "Japan"),
        ("PORT", "Ise"),
        ("OWNER", "TAISEIMARU KAIUN KAISHA, LTD"),
        ("TONNAGE", "4,992 GT"),
        ("LENGTH", "117 m"),
        ("BUILD_YEAR", "1994"),
        ("VESSEL_TYPE", "Reefer"),
        ("DATE", "22 Aug 2025"),
        ("DATE", "21 Aug 2026"),
        ("RFMO", "CCSBT"),
        ("REGISTRATION_NUMBER", "CV4748"),
    }


SPACE_ALIGNED_TABLE = """SPRFMO Record of Vessels                                          Page 12
Vessel Name     Flag   Call Sign   IMO Number   Vessel Type        Length   GT      Year Built
FREY            VUT    YJRN7       8907008      Stern trawler      105.0    7805    1991
QUERELEMA       CHL    CB5103      9073646      Purse seiner       59.33    1222    1994
ODIN            VUT    YJRB3       8907084      Stern trawler      105.0    7805    1992
"""


def test_space_aligned_table_labels_cells_by_column() -> None:
    assert pairs(SPACE_ALIGNED_TABLE) == {
        ("RFMO", "SPRFMO"),
        ("VESSEL_NAME", "FREY"),
        ("FLAG", "VUT"),
        ("IRCS", "YJRN7"),
        ("IMO", "8907008"),
        ("VESSEL_TYPE", "Stern trawler"),
        ("LENGTH", "105.0"),
        ("TONNAGE", "7805"),
        ("BUILD_YEAR", "1991"),
        ("VESSEL_NAME", "QUERELEMA"),
        ("FLAG", "CHL"),
        ("IRCS", "CB5103"),
        ("IMO", "9073646"),
        ("VESSEL_TYPE", "Purse seiner"),
        ("LENGTH", "59.33"),
        ("TONNAGE", "1222"),
        ("BUILD_YEAR", "1994"),
        ("VESSEL_NAME", "ODIN"),
        ("IRCS", "YJRB3"),
        ("IMO", "8907084"),
        ("BUILD_YEAR", "1992"),
    }


def test_table_cells_keep_exact_offsets() -> None:
    spans = extract_spans(SPACE_ALIGNED_TABLE)
    odin = next(
        span for span in spans if span.label == "VESSEL_NAME" and SPACE_ALIGNED_TABLE[span.start : span.end] == "ODIN"
    )
    assert SPACE_ALIGNED_TABLE.index("ODIN") == odin.start
    assert len([span for span in spans if span.label == "IMO"]) == 3


OCR_NOISY = """M1NISTRY 0F AGRICULTURE, BUREAU 0F FlSHERIES
Vesse1 name : CHANG TAI 8O1             Ca1l sign: BZ7VY
lMO No : 8774891                        MMS1 : 412354055
F1ag : China          Home port: Zhoushan
GT : 479.00     L0A : 44.96 m      Bui1t : 2O19
Tel 0580-2021873     pg 1/1
"""


def test_ocr_noisy_labels_are_still_read() -> None:
    assert pairs(OCR_NOISY) == {
        ("VESSEL_NAME", "CHANG TAI 8O1"),
        ("IRCS", "BZ7VY"),
        ("IMO", "8774891"),
        ("MMSI", "412354055"),
        ("FLAG", "China"),
        ("PORT", "Zhoushan"),
        ("TONNAGE", "479.00"),
        ("LENGTH", "44.96 m"),
        ("BUILD_YEAR", "2O19"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "For enquiries call +81 3 5555 1234 or fax 0312345678.",
        "Reference 9086759 was filed with IMO on request.",  # bad check digit next to the word IMO
        "We counted 1234567 fish.",  # valid check digit but nothing says IMO
        "Page 7 of 31",
        "The MMSI field was 123456789 in the old system.",  # MID 123 is not a ship station
        "the call sign was missing and the flag unknown",
    ],
)
def test_obviously_wrong_things_are_not_tagged(text: str) -> None:
    assert pairs(text) == set()


def test_bare_imo_needs_context_and_check_digit() -> None:
    assert pairs("IMO numbers: 9086758, 8710728 and 9666481.") == {
        ("IMO", "9086758"),
        ("IMO", "8710728"),
        ("IMO", "9666481"),
    }


def test_identifiers_standing_alone_in_cells_or_brackets_count_on_a_page_that_names_them() -> None:
    """A table under headers the rules do not know, a number in brackets after a name: the IMO
    check digit or the MMSI's country prefix decides, once the page says IMO / MMSI somewhere."""
    page = (
        "Vessels sighted (IMO and MMSI numbers from the AIS feed)\n\n"
        "Name            Ref no.    Station\n"
        "TAISEI MARU     9086758    431602000\n"
        "IBUKI           9666481    352001234\n\n"
        "The reefer KOPERE (8710728) left port on 2 May."
    )
    found = pairs(page)
    assert {("IMO", "9086758"), ("IMO", "9666481"), ("IMO", "8710728")} <= found
    assert {("MMSI", "431602000"), ("MMSI", "352001234")} <= found


@pytest.mark.parametrize(
    "text",
    [
        "Vessels and their IMO numbers.\n"
        + "The committee met again in the spring session. " * 2
        + "We have 1234567 reasons to act, said the minister.",  # in a sentence, far from "IMO"
        "Vessels and their IMO numbers.\nName     Ref no.\nKOPERE   8710729",  # fails the check digit
        "Vessel list\nName     Ref no.\nKOPERE   8710728",  # the page never says IMO
        "MMSI list\nName     Station\nKOPERE   123456789",  # no ship station's country prefix
    ],
)
def test_numbers_that_only_look_like_identifiers_stay_untagged(text: str) -> None:
    assert not {label for label, _ in pairs(text)} & {"IMO", "MMSI"}


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("- HAI FENG 718 (China) - squid jigger, 1,020 GT", "China"),
        ("- ORION STAR (RUS), call sign UBCD", "RUS"),
        ("The reefer sailed under Panamanian colours until 2023.", "Panamanian"),
    ],
)
def test_a_country_in_brackets_after_a_name_and_colours_give_the_flag(text: str, flag: str) -> None:
    assert ("FLAG", flag) in pairs(text)


def test_brackets_holding_more_than_a_country_give_no_flag() -> None:
    text = "Catch certified by HAI FENG 718 (Fisheries Agency of Japan) on 3 May."
    assert "FLAG" not in {label for label, _ in pairs(text)}


@pytest.mark.parametrize(
    ("text", "port"),
    [
        ("SUNG KYUNG 71, home port Busan, was inspected in May.", "Busan"),
        ("Register match: port of registry PUSAN, 412 GT.", "PUSAN"),
        ("The longliner was re-registered at Suva after the sale.", "Suva"),
        ("Both carriers are registered in Kaohsiung and fish for tuna.", "Kaohsiung"),
        ("The observer disembarked at Port Louis on 3 June.", "Port Louis"),
        ("She docked at Walvis Bay for repairs.", "Walvis Bay"),
    ],
)
def test_ports_named_by_maritime_verbs_and_registry_phrases(text: str, port: str) -> None:
    assert ("PORT", port) in pairs(text)


def test_registered_in_a_country_is_a_flag_not_a_port() -> None:
    found = pairs("Both carriers are registered in Japan since 2019.")
    assert ("FLAG", "Japan") in found and "PORT" not in {label for label, _ in found}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The Spanish longliner PEÑÓN DEL CÍO was inspected in Vigo.", {"PEÑÓN DEL CÍO"}),
        ("Our analysts followed XIN HAI 12 (formerly ZHE LING 807) for a year.", {"ZHE LING 807"}),
        ("The reefer ÅLESUND STAR, ex-NORDBØEN, was sold in 2021.", {"ÅLESUND STAR", "NORDBØEN"}),
    ],
)
def test_names_in_accented_capitals_and_former_names(text: str, names: set[str]) -> None:
    assert names <= {surface for label, surface in pairs(text) if label == "VESSEL_NAME"}


@pytest.mark.parametrize("key", ["Owners", "Operators", "Charterers"])
def test_plural_owner_keys(key: str) -> None:
    assert ("OWNER", "ACME FISHING LTD") in pairs(f"{key}: ACME FISHING LTD")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Licence:   WCP-LL-0815", "WCP-LL-0815"),
        ("Permit: HK7-P-1234", "HK7-P-1234"),
        ("marcatura esterna: TP1234", "TP1234"),
    ],
)
def test_licence_and_permit_numbers_without_a_number_word(text: str, number: str) -> None:
    assert ("REGISTRATION_NUMBER", number) in pairs(text)


def test_a_form_s_unticked_options_are_not_what_it_says() -> None:
    found = pairs("6. Type of vessel   [ ] trawler   [x] longliner   [ ] purse seiner   ☐ carrier")
    assert {surface for label, surface in found if label == "VESSEL_TYPE"} == {"longliner"}


@pytest.mark.parametrize("path", sorted(GOLD_DIR.glob("*.txt")), ids=lambda p: p.stem)
def test_spans_never_overlap_and_have_no_outer_whitespace(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    spans = extract_spans(text)
    assert spans == sorted(spans)
    for left, right in zip(spans, spans[1:]):
        assert left.end <= right.start
    for span in spans:
        covered = text[span.start : span.end]
        assert covered == covered.strip() and covered


# --- layouts the first rules missed: one hand-written page per class of fix ---------------------

RULED_TWO_LINE_HEADER = """Fleet list received from the flag State
+-----------+---------+----------+-----------+-------------+
| Ship      | Nation- | Signal   | LR / IMO  | Tonnage     |
| name      | ality   | letters  | No.       | (gross)     |
+-----------+---------+----------+-----------+-------------+
| REHUA     | NZL     | ZMRE     | 9147784   | 2483        |
| TE RAUKURA| NZL     | N/A      | 8721258   | -           |
+-----------+---------+----------+-----------+-------------+
"""


def test_ruled_table_with_a_two_line_header() -> None:
    assert pairs(RULED_TWO_LINE_HEADER) == {
        ("VESSEL_NAME", "REHUA"),
        ("FLAG", "NZL"),
        ("IRCS", "ZMRE"),
        ("IMO", "9147784"),
        ("TONNAGE", "2483"),
        ("VESSEL_NAME", "TE RAUKURA"),
        ("FLAG", "NZL"),
        ("IMO", "8721258"),
    }


UNLABELLED_LOWER_CASE_COLUMNS = """vessels notified in 2025
loa (ft)   radio call sign   name of ship        registered owner                        year of build   Lloyd's / IMO No.
344.5      ZMVT              TE RAUKURA          MARUHA (N.Z.) CORPORATION LIMITED       1988            8721258
90.9       not applicable    CAPE CHALLENGER     CAPE CHALLENGER (PTY) LTD, SOUTH AFRICA  NONE            7385289
"""


def test_lower_case_synonym_headers_and_whole_cell_values() -> None:
    assert pairs(UNLABELLED_LOWER_CASE_COLUMNS) == {
        ("LENGTH", "344.5"),
        ("IRCS", "ZMVT"),
        ("VESSEL_NAME", "TE RAUKURA"),
        ("OWNER", "MARUHA (N.Z.) CORPORATION LIMITED"),
        ("BUILD_YEAR", "1988"),
        ("IMO", "8721258"),
        ("LENGTH", "90.9"),
        ("VESSEL_NAME", "CAPE CHALLENGER"),
        ("OWNER", "CAPE CHALLENGER (PTY) LTD, SOUTH AFRICA"),
        ("IMO", "7385289"),
    }


BILINGUAL_FORM = """Nombre del buque / Name of vessel:  PLAYA DE CUBELAS
Pabellón:  ESP             Indicativo de llamada:  ECKE
Matrícula:  3VI-5-1-07     UVI (IMO):  9338345
Armador:  PESQUERIAS CASTELAO, S.L       Puerto base:  Vigo
Arqueo bruto:  GT 447      Eslora total:  37.50 m     Año de construcción:  2005
"""


def test_spanish_labels_and_a_bracketed_scheme_name() -> None:
    assert pairs(BILINGUAL_FORM) == {
        ("VESSEL_NAME", "PLAYA DE CUBELAS"),
        ("FLAG", "ESP"),
        ("IRCS", "ECKE"),
        ("REGISTRATION_NUMBER", "3VI-5-1-07"),
        ("IMO", "9338345"),
        ("OWNER", "PESQUERIAS CASTELAO, S.L"),
        ("PORT", "Vigo"),
        ("TONNAGE", "GT 447"),
        ("LENGTH", "37.50 m"),
        ("BUILD_YEAR", "2005"),
    }


MEMO_PROSE = """Memo 2025/118, 2025/03/14. The registered owner is CAPE CHALLENGER (PTY) LTD.
Its official number is 350709, issued by the South African registry. The vessel is 27.73 m long and
sails under flag South Africa, with call sign ZR4802. Registration T-8 SE was cancelled.
"""


def test_prose_fields_end_with_their_sentence() -> None:
    assert pairs(MEMO_PROSE) == {
        ("DATE", "2025/03/14"),
        ("OWNER", "CAPE CHALLENGER (PTY) LTD."),
        ("REGISTRATION_NUMBER", "350709"),
        ("LENGTH", "27.73 m"),
        ("FLAG", "South Africa"),
        ("IRCS", "ZR4802"),
        ("REGISTRATION_NUMBER", "T-8 SE"),
    }


def test_a_unit_after_a_number_is_not_a_field_name() -> None:
    text = "1   1853.00 GT   9164304   LCMP   Norway\n"
    assert ("TONNAGE", "9164304") not in pairs(text)
    assert ("TONNAGE", "1853.00 GT") in pairs(text)


@pytest.mark.parametrize("marker", ["N/A", "n/a", "-", "NONE", "not applicable", "Not known", "N.A."])
def test_missing_value_markers_are_not_entities(marker: str) -> None:
    text = f"Owner:  {marker}\nCall sign:  {marker}\nPort of registry:  {marker}\nVessel name:  {marker}\n"
    assert pairs(text) == set()


SEMICOLON_EXPORT = """Notified vessels (export)
vessel_name;call_sign;IMO_NUMBER;flag_state;EXT_MARK;gt;owner
ARGOS GEORGIA;ZDLS1;9249556;FLK;;1,034;"ARGOS GEORGIA, LTD"
"SAN ARAWA II";ZMSA;9123790;New Zealand;NZ-44;1127;SANFORD LIMITED
"""


def test_delimited_export_with_snake_case_headers_quoted_fields_and_empty_cells() -> None:
    assert pairs(SEMICOLON_EXPORT) == {
        ("VESSEL_NAME", "ARGOS GEORGIA"),
        ("IRCS", "ZDLS1"),
        ("IMO", "9249556"),
        ("FLAG", "FLK"),
        ("TONNAGE", "1,034"),
        ("OWNER", "ARGOS GEORGIA, LTD"),
        ("VESSEL_NAME", "SAN ARAWA II"),
        ("IRCS", "ZMSA"),
        ("IMO", "9123790"),
        ("FLAG", "New Zealand"),
        ("REGISTRATION_NUMBER", "NZ-44"),
        ("TONNAGE", "1127"),
        ("OWNER", "SANFORD LIMITED"),
    }


def test_comma_separated_rows_keep_a_quoted_comma_in_their_field() -> None:
    text = 'Name,IRCS,IMO,Owner\nGULLBERG,TFQF,9167928,"Vinnslustodin, hf"\n'
    assert ("OWNER", "Vinnslustodin, hf") in pairs(text) and ("IMO", "9167928") in pairs(text)


@pytest.mark.parametrize(
    "date",
    ["3 de junio de 2025", "1er janvier 2025", "9 septembre 2025", "12 de março de 2024", "1 de julio del 2025",
     "14 août 2025", "22-DIC-2025"],
)  # fmt: skip
def test_dates_in_french_spanish_and_portuguese(date: str) -> None:
    assert ("DATE", date) in pairs(f"Fecha / Date : {date}.")


def test_flags_named_by_an_adjective_only_next_to_a_flag_or_vessel_word() -> None:
    text = (
        "The Icelandic-flagged GULLBERG met a Faroese longliner and a chinese flag carrier. The Norwegian "
        "Coast Guard and a Spanish inspector were there. El buque, de bandera chilena, y el navire battant "
        "pavillon du Portugal."
    )
    flags = {surface for label, surface in pairs(text) if label == "FLAG"}
    assert flags == {"Icelandic", "Faroese", "chinese", "chilena", "Portugal"}


def test_ports_of_landing_passage_and_inspection() -> None:
    text = (
        "Place of inspection ..... Busan\n"
        "The catch was landed at Port Louis. She will land in Benoa, then is bound for Suva and is "
        "steaming to LYTTELTON. Matriculado en el puerto de Talcahuano.\n"
    )
    ports = {surface for label, surface in pairs(text) if label == "PORT"}
    assert ports == {"Busan", "Port Louis", "Benoa", "Suva", "LYTTELTON", "Talcahuano"}


def test_spanish_and_french_prose() -> None:
    text = (
        "El palangrero DON LUCIANO, señal de llamada EBUK, de 412 toneladas de arqueo bruto, construido en "
        "1998, pesca con palangre de superficie en la zona de la CIAT. Le chalutier ANNELIES ILENA, "
        "construit en 2005, pêche au chalut pélagique pour la CPANE."
    )
    assert pairs(text) >= {
        ("VESSEL_TYPE", "palangrero"),
        ("VESSEL_NAME", "DON LUCIANO"),
        ("IRCS", "EBUK"),
        ("TONNAGE", "412 toneladas de arqueo bruto"),
        ("BUILD_YEAR", "1998"),
        ("GEAR_TYPE", "palangre de superficie"),
        ("RFMO", "CIAT"),
        ("VESSEL_TYPE", "chalutier"),
        ("VESSEL_NAME", "ANNELIES ILENA"),
        ("BUILD_YEAR", "2005"),
        ("GEAR_TYPE", "chalut pélagique"),
        ("RFMO", "CPANE"),
    }


MERGED_COLUMNS = """Vessel name         Flag  IRCS    IMO
HAI FENG 718        CHN   BZW8A   8663391
LU RONG YUAN YU 306 CHN   BZZU8   9896672
SHENG JI 9 PAN 3E2X  3EQV2   9157985
"""


def test_a_cell_running_over_the_next_column_splits_at_the_space_by_its_start() -> None:
    found = pairs(MERGED_COLUMNS)
    assert {("VESSEL_NAME", "LU RONG YUAN YU 306"), ("FLAG", "CHN"), ("IRCS", "BZZU8")} <= found
    assert ("VESSEL_NAME", "LU RONG YUAN YU 306 CHN") not in found


def test_north_atlantic_format_message() -> None:
    text = "//SR//AD/XEU//FR/ISL//TM/POS//NA/GULLBERG//IR/TFQF//XR/VE-2730//IM/9167928//DA/20250602//TI/1204//ER//"
    assert pairs(text) == {
        ("FLAG", "ISL"),
        ("VESSEL_NAME", "GULLBERG"),
        ("IRCS", "TFQF"),
        ("REGISTRATION_NUMBER", "VE-2730"),
        ("IMO", "9167928"),
        ("DATE", "20250602"),
    }


def test_telex_keys_with_a_slash() -> None:
    text = "VSL/SAN ARAWA II  CALLSIGN/ZMSA  IMO/9123790  FLAG/NEW ZEALAND\nGRT/1127  LOA/64.5M\n"
    assert pairs(text) == {
        ("VESSEL_NAME", "SAN ARAWA II"),
        ("IRCS", "ZMSA"),
        ("IMO", "9123790"),
        ("FLAG", "NEW ZEALAND"),
        ("TONNAGE", "1127"),
        ("LENGTH", "64.5M"),
    }


def test_snake_case_keys_and_a_bare_name_key_at_the_start_of_a_line() -> None:
    text = (
        "vessel:\n  name: ARGOS GEORGIA\n  call_sign: ZDLS1\n  port_of_registry: Stanley\nInspector name: J. Bloggs\n"
    )
    assert pairs(text) == {("VESSEL_NAME", "ARGOS GEORGIA"), ("IRCS", "ZDLS1"), ("PORT", "Stanley")}


def test_keys_joined_by_a_slash_share_their_value() -> None:
    text = "  Name of carrier ....... KURIKOMA\n  Flag / IMO ............ Japan / 9145920\n"
    assert pairs(text) == {("VESSEL_NAME", "KURIKOMA"), ("FLAG", "Japan"), ("IMO", "9145920")}


def test_measures_after_of_and_owners_in_french_and_spanish_prose() -> None:
    text = (
        "Le thonier, d'une jauge brute de 182,90 et d'une longueur de 25,4 m, est armé par BALEEIRA PESCAS\n"
        "LDA. El buque, operado por PESQUERA F. PINO, S.A., tiene una eslora de 39,8 m. It has a length of 24 m."
    )
    assert pairs(text) >= {
        ("TONNAGE", "182,90"),
        ("LENGTH", "25,4 m"),
        ("OWNER", "BALEEIRA PESCAS\nLDA."),  # a company suffix keeps its dot
        ("OWNER", "PESQUERA F. PINO, S.A."),
        ("LENGTH", "39,8 m"),
        ("LENGTH", "24 m"),
    }


def test_a_country_before_a_vessel_type_is_its_flag() -> None:
    text = "Entry report for the New Zealand trawler OCEAN PIONEER and a Korea longliner."
    assert {surface for label, surface in pairs(text) if label == "FLAG"} == {"New Zealand", "Korea"}


def test_ocr_readings_of_keys_leaders_and_delimiters() -> None:
    """What tesseract makes of a form and an export: "MMS‘" for MMSI, "sefial" for señal, a dot
    leader broken by gaps, a semicolon read as a colon."""
    text = (
        "MMS‘ : 412354055\nsefial de llamada CB3232\nCall Sign .....  .... ......... YJRN7\n\n"
        "FLAG;IRCS;NAME;IMO;LOA;GT\nNOR;LFTI;M YTTERSTAD;9683972:75;2906\n"
    )
    assert pairs(text) == {
        ("MMSI", "412354055"),
        ("IRCS", "CB3232"),
        ("IRCS", "YJRN7"),
        ("FLAG", "NOR"),
        ("IRCS", "LFTI"),
        ("VESSEL_NAME", "M YTTERSTAD"),
        ("IMO", "9683972"),
        ("LENGTH", "75"),
        ("TONNAGE", "2906"),
    }


# --- gold set --------------------------------------------------------------------------------


def load_gold(path: Path) -> Counter[tuple[str, str]]:
    """``(label, surface)`` counts of the page's annotations (the loader refuses one not on the page)."""
    page = load_reference_page(path)
    return Counter((span.label, span.text_in(page.text)) for span in page.spans)


def score_gold_set(gazetteer: Gazetteer | None = None) -> dict[str, float]:
    true_positives = predicted = expected = 0
    for path in sorted(GOLD_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        gold = load_gold(path)
        found = Counter((span.label, text[span.start : span.end]) for span in extract_spans(text, gazetteer))
        true_positives += sum((gold & found).values())
        predicted += sum(found.values())
        expected += sum(gold.values())
    precision = true_positives / predicted
    recall = true_positives / expected
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def test_gold_set_is_varied_and_consistent() -> None:
    pages = sorted(GOLD_DIR.glob("*.txt"))
    assert len(pages) >= 6
    labels = Counter(label for path in pages for label, _ in load_gold(path).elements())
    assert len(labels) >= 13


def test_micro_f1_on_gold_set() -> None:
    figures = score_gold_set()
    print(f"rules on gold set: {figures}")
    assert figures["f1"] >= MIN_MICRO_F1, figures


# --- gazetteer -------------------------------------------------------------------------------

RECORDS = [
    {
        "vessel_name": "TAISEI MARU NO.24",
        "imo": "9086758",
        "mmsi": None,
        "ircs": "JILE",
        "flag": "Japan",
        "registration_number": "134374",
        "port": None,
        "owner": "TAISEIMARU KAIUN KAISHA, LTD",
        "vessel_type": None,
        "gear_type": None,
    },
    {"vessel_name": "HOPE", "ircs": "NONE", "port": "Zhoushan", "owner": "NE", "registration_number": "MEI-887"},
    {"vessel_name": "AB", "port": "Port Vila"},
    {"vessel_name": "ZHOUSHAN"},  # also a port: ambiguous, dropped
]


def test_gazetteer_finds_registry_names_case_insensitively() -> None:
    gazetteer = Gazetteer.from_records(RECORDS)
    text = "The Taisei Maru No. 24 (call sign JILE) of TAISEIMARU KAIUN KAISHA, LTD sailed to Port Vila, ref MEI-887."
    found = {(match.label, match.name) for match in gazetteer.find(text)}
    assert found == {
        ("VESSEL_NAME", "Taisei Maru No. 24"),
        ("IRCS", "JILE"),
        ("OWNER", "TAISEIMARU KAIUN KAISHA, LTD"),
        ("PORT", "Port Vila"),
        ("REGISTRATION_NUMBER", "MEI-887"),
    }


def test_gazetteer_skips_tiny_common_ambiguous_and_missing_names() -> None:
    gazetteer = Gazetteer.from_records(RECORDS)
    assert gazetteer.label_of("HOPE") is None
    assert gazetteer.label_of("AB") is None
    assert gazetteer.label_of("NONE") is None
    assert gazetteer.label_of("NE") is None
    assert gazetteer.label_of("Zhoushan") is None
    assert gazetteer.find("We hope the jile crew and Ab left; TAISEI MARU NO.2 and TAISEI MARU NO.245 did not.") == []


def test_gazetteer_matches_do_not_cross_columns_or_lines() -> None:
    gazetteer = Gazetteer([("OCEAN PEARL", "VESSEL_NAME")])
    assert gazetteer.find("OCEAN     PEARL\nOCEAN\nPEARL") == []
    assert [match.name for match in gazetteer.find("OCEAN PEARL")] == ["OCEAN PEARL"]


def test_extractor_uses_the_gazetteer() -> None:
    gazetteer = Gazetteer.from_records([{"vessel_name": "Streymsund", "port": "Klaksvik"}])
    text = "Streymsund was photographed near Klaksvik on 2 June 2025."
    assert pairs(text) == {("DATE", "2 June 2025")}
    assert pairs(text, gazetteer) == {("VESSEL_NAME", "Streymsund"), ("PORT", "Klaksvik"), ("DATE", "2 June 2025")}


def test_gazetteer_keeps_the_dot_of_a_closing_abbreviation_but_not_a_full_stop() -> None:
    gazetteer = Gazetteer.from_records([{"owner": "STAR NAVIGATION S.A.", "vessel_name": "IBUKI"}])
    text = "Owned by Star Navigation S.A. since 2019, the reefer was renamed IBUKI."
    assert [match.name for match in gazetteer.find(text)] == ["Star Navigation S.A.", "IBUKI"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MV CALVERT IMO 9858400, c/s VEBO", {("IMO", "9858400"), ("IRCS", "VEBO")}),
        ("shun ze 75 imo 8775792, cs bbir4", {("IMO", "8775792"), ("IRCS", "bbir4")}),
        ("the carrier, call sign bcfd5, chinese flag", {("IRCS", "bcfd5")}),
        ("Its call sign, ZM2734, was logged on VHF.", {("IRCS", "ZM2734")}),
        ("  <callsign>JD4843</callsign>\n  <imo>9076648</imo>", {("IRCS", "JD4843"), ("IMO", "9076648")}),
        (
            '{"call_sign": "ECFP", "flag_state": "ESP", "valid_from": "2025/01/16"}',
            {("IRCS", "ECFP"), ("FLAG", "ESP"), ("DATE", "2025/01/16")},
        ),
    ],
)
def test_call_signs_as_people_type_them_and_as_records_hold_them(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= pairs(text)


@pytest.mark.parametrize(
    "text", ["we will call sign over to the port", "the call sign from the list", "call sign: that one"]
)
def test_lower_case_words_after_a_call_sign_key_are_not_call_signs(text: str) -> None:
    assert not {pair for pair in pairs(text) if pair[0] == "IRCS"}


def test_a_record_field_ends_at_its_closing_quote_not_at_the_next_key() -> None:
    record = '{"ship_type": "Multipurpose", "rfmo": "CCSBT", "owner": "SEA ROVER LTD", "gt": 568}'
    found = pairs(record)
    assert ("RFMO", "CCSBT") in found and ("OWNER", "SEA ROVER LTD") in found
    assert not [text for _, text in found if '"' in text]


GERMAN_DUTCH_ITALIAN_FORMS = """Schiffsname: NORDSTERN          IMO-Nr.: 9175676
Rufzeichen: DCNI                Flagge: Deutschland
Heimathafen: Cuxhaven           Baujahr: 1998
---
Scheepsnaam: ZEEBRUGGE 12       Roepnaam: ORAY
Thuishaven: Oostende            Bouwjaar: 2004
---
Nome della nave: MARIA GRAZIA   Nominativo internazionale: IUQW
Porto di iscrizione: Mazara del Vallo    Stazza lorda: 142 GT
"""


def test_forms_captioned_in_german_dutch_and_italian() -> None:
    assert {
        ("VESSEL_NAME", "NORDSTERN"),
        ("IMO", "9175676"),
        ("IRCS", "DCNI"),
        ("PORT", "Cuxhaven"),
        ("BUILD_YEAR", "1998"),
        ("VESSEL_NAME", "ZEEBRUGGE 12"),
        ("IRCS", "ORAY"),
        ("PORT", "Oostende"),
        ("BUILD_YEAR", "2004"),
        ("VESSEL_NAME", "MARIA GRAZIA"),
        ("IRCS", "IUQW"),
        ("PORT", "Mazara del Vallo"),
        ("TONNAGE", "142 GT"),
    } <= pairs(GERMAN_DUTCH_ITALIAN_FORMS)


SIDE_BY_SIDE = """Comparison of particulars (2 May 2025)

Vessel name       ZHOUYU928         JIA DE 6
----------------------------------------------
IMO               9929807           8776148
Call sign         BZW8X             BZ2VC
Flag              China             China
Home port         Zhoushan          Shidao
"""


def test_a_table_on_its_side_labels_every_column_by_its_row() -> None:
    assert {
        ("VESSEL_NAME", "ZHOUYU928"),
        ("VESSEL_NAME", "JIA DE 6"),
        ("IMO", "9929807"),
        ("IMO", "8776148"),
        ("IRCS", "BZW8X"),
        ("IRCS", "BZ2VC"),
        ("PORT", "Zhoushan"),
        ("PORT", "Shidao"),
    } <= pairs(SIDE_BY_SIDE)


def test_a_form_with_two_fields_to_a_line_is_not_a_table_on_its_side() -> None:
    form = "Owner    ACME FISHING LTD    Flag    Japan\nName     SEIWA MARU          IMO     9086758\nPort     Ise                 Built   1998\n"
    found = pairs(form)
    assert ("OWNER", "Flag") not in found and ("VESSEL_NAME", "IMO") not in found
    assert {("OWNER", "ACME FISHING LTD"), ("IMO", "9086758")} <= found


LIST_NOTICE = """The following vessels have been de-listed:
3. KOPERE | New Zealand | ZMR7336 | 900409
- SANTA ISABEL flagged UKR; IMO No. 7230418
4. OCEAN STAR (ex-TAVR), RUS, IMO 7803217
5. Meeting of the Commission | 2025 | Agenda
"""


def test_list_items_open_with_the_vessel_name_and_flags_fill_whole_cells() -> None:
    found = pairs(LIST_NOTICE)
    assert {
        ("VESSEL_NAME", "KOPERE"),
        ("FLAG", "New Zealand"),
        ("VESSEL_NAME", "SANTA ISABEL"),
        ("VESSEL_NAME", "OCEAN STAR"),
    } <= found
    assert ("VESSEL_NAME", "RUS") not in found
    assert not {text for label, text in found if label == "VESSEL_NAME" and "Meeting" in text}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("La autorización del buque MARTA ARENDSEE es válida del 1 al 5.", "MARTA ARENDSEE"),
        ("Das Schiff NORDSTERN fährt unter deutscher Flagge.", "NORDSTERN"),
        ("Il peschereccio MARIA GRAZIA è iscritto a Mazara.", "MARIA GRAZIA"),
        ("Sighted near Suva. This ship NOVAYA ZEMLYA (Russian Federation) was boarded.", "NOVAYA ZEMLYA"),
        ("Boarded in Honiara. F/V\nAQUAMARINE (flag: Russia)", "AQUAMARINE"),
    ],
)
def test_vessel_names_after_the_word_for_vessel_in_prose(text: str, name: str) -> None:
    assert ("VESSEL_NAME", name) in pairs(text)


def test_record_field_names_written_in_camel_case_are_keys() -> None:
    record = "<VesselName>TE RUNANGA</VesselName>\n<flagState>NZL</flagState>\n<yearOfBuild>1987</yearOfBuild>"
    assert {("VESSEL_NAME", "TE RUNANGA"), ("FLAG", "NZL"), ("BUILD_YEAR", "1987")} <= pairs(record)


NEWS_STORY = """HOBART, 3 March 2025 - The Ecuadorian-flagged ship PATILLO was boarded on Monday. TAISEI MARU,
a Japanese fishing vessel, was turned away. The vessel flies the flag of RUS, officials said."""


def test_news_prose_names_vessels_and_flags_around_the_word_vessel() -> None:
    assert {
        ("FLAG", "Ecuadorian"),
        ("VESSEL_NAME", "PATILLO"),
        ("VESSEL_NAME", "TAISEI MARU"),
        ("FLAG", "Japanese"),
        ("FLAG", "RUS"),
    } <= pairs(NEWS_STORY)


def test_vessels_boarded_and_the_ports_inspectors_board_them_in() -> None:
    text = "Inspectors at Tema boarded HONG RUN LENG 2 on 22-Oct-2024 and found unmarked gear."
    assert {("PORT", "Tema"), ("VESSEL_NAME", "HONG RUN LENG 2")} <= pairs(text)
    assert not {pair for pair in pairs("Officers inspected the hold on arrival.") if pair[0] == "VESSEL_NAME"}


def test_a_form_of_numbered_boxes_reads_each_row_of_captions_over_its_row_of_values() -> None:
    text = (
        "REGISTRY CERTIFICATE\n\n"
        " (1) Name of vessel        (2) Distinctive letters      (3) Home port\n"
        "     SANTA ISABEL DOS          EA4521                       Vigo\n"
        " (4) IMO number            (5) Gross tonnage            (6) Length (m)\n"
        "     9123441                   712                          48.20\n"
        " (7) Kind of ship: freezer trawler\n"
    )
    assert pairs(text) == {
        ("VESSEL_NAME", "SANTA ISABEL DOS"),
        ("IRCS", "EA4521"),
        ("PORT", "Vigo"),
        ("IMO", "9123441"),
        ("TONNAGE", "712"),
        ("LENGTH", "48.20"),
        ("VESSEL_TYPE", "freezer trawler"),
    }


def test_a_position_export_reads_its_vessel_columns_among_the_position_columns() -> None:
    text = (
        "time_utc          latitude   longitude  speed  course  mmsi       vessel_name     call_sign\n"
        "2025-03-02 04:00  -33.512    17.880     9.8    311     601234000  ORCA MARINER    ZR6655\n"
    )
    found = pairs(text)
    assert {("MMSI", "601234000"), ("VESSEL_NAME", "ORCA MARINER"), ("IRCS", "ZR6655")} <= found
    assert {label for label, _ in found} <= {"MMSI", "VESSEL_NAME", "IRCS", "DATE"}  # no position read as a measure


def test_an_abbreviated_flag_column_is_a_flag_column() -> None:
    text = "Flg  Vsl              C/S     LR No.\nESP  NUEVO ARRAIZ     EBSW    9054080\n"
    assert ("FLAG", "ESP") in pairs(text)


def test_xml_elements_give_their_values_and_a_bare_name_is_what_its_parent_names() -> None:
    text = (
        "<VesselList>\n  <Vessel>\n    <Name>MAR DE BARENTS</Name>\n"
        '    <GrossTonnage unit="GT">2310.0</GrossTonnage>\n    <LengthOverall unit="m">68.4</LengthOverall>\n'
        "    <Owner><Name>Pesquerias Nores SL</Name></Owner>\n    <Master><Name>J. Otero</Name></Master>\n"
        "  </Vessel>\n</VesselList>\n"
    )
    found = pairs(text)
    assert {("VESSEL_NAME", "MAR DE BARENTS"), ("TONNAGE", "2310.0"), ("LENGTH", "68.4")} <= found
    assert ("OWNER", "Pesquerias Nores SL") in found
    assert not any(value == "J. Otero" for _, value in found)


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("Estado de bandeira: Espanha", "FLAG", "Espanha"),
        ("Flag: Perú", "FLAG", "Perú"),
        ("Pavillon : Norvège", "FLAG", "Norvège"),
        ("Flagge: Deutschland", "FLAG", "Deutschland"),
        ("il peschereccio, battente bandiera irlandese, era", "FLAG", "irlandese"),
        ("nave da pesca battente bandiera della Spagna", "FLAG", "Spagna"),
        ("autorizzata fino al 31 dicembre 2025.", "DATE", "31 dicembre 2025"),
        ("gültig bis 12 Oktober 2024", "DATE", "12 Oktober 2024"),
    ],
)
def test_flags_and_dates_in_other_languages(text: str, label: str, value: str) -> None:
    assert (label, value) in pairs(text)


def test_three_keys_joined_by_slashes_share_their_values_in_order() -> None:
    text = "- Built / LOA / GT: 2011 / 64.20 m / 1874 GT\n"
    assert pairs(text) == {("BUILD_YEAR", "2011"), ("LENGTH", "64.20 m"), ("TONNAGE", "1874 GT")}


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("Owners: Hai Xin Fishery Co., Ltd. - all other terms as per charter party.\n", "Hai Xin Fishery Co., Ltd."),
        ("Owner: Pesca Austral S.A. - see annex 2\n", "Pesca Austral S.A."),
        ("Owner: Pesquera Nores S.A. de C.V.\n", "Pesquera Nores S.A. de C.V."),
    ],
)
def test_an_owner_ends_at_its_company_suffix_before_a_dash(text: str, owner: str) -> None:
    assert ("OWNER", owner) in pairs(text)


@pytest.mark.parametrize(
    ("text", "port"),
    [
        ("Port of reg.: Ningbo\n", "Ningbo"),
        ("Port of reg1stry : Kushiro\n", "Kushiro"),  # OCR reads i as 1
        ("2. Porto de escala pretendido: Aveiro\n", "Aveiro"),
        ("Puerto de inspección: Mar del Plata\n", "Mar del Plata"),
        ("Intended port of call: Walvis Bay\n", "Walvis Bay"),
    ],
)
def test_port_keys_abbreviated_misread_and_in_other_languages(text: str, port: str) -> None:
    assert ("PORT", port) in pairs(text)


def test_captions_over_their_values_read_one_or_two_to_a_line() -> None:
    text = (
        "1.1 Name and type of ship                1.2 IMO number\n"
        "    NOVA ESPERANZA, purse seiner             9512343\n"
        "1.3 Call sign                            1.4 Voyage number\n"
        "    HP4410                                   V-2025-07\n"
        "Flag / Port of registry\n"
        "Panama / Balboa\n"
        "Owner\n"
        "Atunera del Istmo S.A.\n"
    )
    assert {
        ("VESSEL_NAME", "NOVA ESPERANZA"),
        ("VESSEL_TYPE", "purse seiner"),
        ("IMO", "9512343"),
        ("IRCS", "HP4410"),
        ("FLAG", "Panama"),
        ("PORT", "Balboa"),
        ("OWNER", "Atunera del Istmo S.A."),
    } == pairs(text)


def test_a_line_of_captions_is_not_read_as_a_field_and_its_value() -> None:
    found = pairs("Vessel name            IMO number\n    ORCA MARINER           9876543\n")
    assert found == {("VESSEL_NAME", "ORCA MARINER"), ("IMO", "9876543")}
    # a heading over a paragraph is no caption over a value
    assert not pairs("Owner\nThe owner of the vessel has not answered the letters the authority sent in May.\n")


def test_list_items_with_hull_numbers_and_owners_in_capitals_after_a_plain_space() -> None:
    text = (
        "  • SENTRA NELAYAN - I — call sign YEB5609 — IMO 8586426 — owner WIRANTO WINATA\n"
        "  • KILAT MAJU JAYA - 16 — call sign YEC4390 — IMO 8563527 — owner KARYA MARINE JAYA, PT.\n"
    )
    found = pairs(text)
    assert {
        ("VESSEL_NAME", "SENTRA NELAYAN - I"),
        ("VESSEL_NAME", "KILAT MAJU JAYA - 16"),
        ("OWNER", "WIRANTO WINATA"),
        ("OWNER", "KARYA MARINE JAYA, PT."),
    } <= found
    assert not {pair for pair in pairs("the owner said he would sell") if pair[0] == "OWNER"}


def test_an_rfmo_inside_an_e_mail_or_web_address_is_not_a_mention() -> None:
    assert pairs("To: Secretariat <secretariat@ccsbt.org>, see www.iccat.int") == set()
    assert pairs("reported to the CCSBT.") == {("RFMO", "CCSBT")}


def test_a_table_pasted_one_cell_to_a_line() -> None:
    text = (
        "Vessel name\nCall sign\nIMO\nPort letters/no.\nDates\n"
        "OLGARRY\nEIDF\n9278193\nSO591\n01-JAN-25 to 31-DEC-25\n"
        "AINE\nEISY8\n9794886\nSO734\n01-JAN-25 to 31-DEC-25\n"
    )
    assert {
        ("VESSEL_NAME", "OLGARRY"),
        ("IRCS", "EIDF"),
        ("IMO", "9278193"),
        ("REGISTRATION_NUMBER", "SO591"),
        ("VESSEL_NAME", "AINE"),
        ("IRCS", "EISY8"),
        ("IMO", "9794886"),
        ("REGISTRATION_NUMBER", "SO734"),
    } <= pairs(text)
    # rows that do not line up with the header (an IMO column of no IMO numbers) are not read as its rows
    shifted = "Vessel name\nCall sign\nIMO\nOLGARRY\n9278193\nEIDF\n"
    assert ("IRCS", "9278193") not in pairs(shifted) and ("VESSEL_NAME", "EIDF") not in pairs(shifted)


def test_a_dimension_is_not_a_vessel_length() -> None:
    assert ("LENGTH", "45 m") not in pairs("Gear OTB, 2 x 45 m headline; hold 12×8 m")
    assert ("LENGTH", "45 m") in pairs("a trawler of 45 m built in Vigo")


def test_a_norwegian_register_extract() -> None:
    text = (
        "Fartøyets navn          HAVBRIS\n"
        "Registreringsmerke      M-0172-HØ\n"
        "Radiokallesignal        LLWC\n"
        "Hjemmehavn              Ålesund\n"
        "Største lengde          64,40 m\n"
        "Bruttotonnasje          2310\n"
        "Byggeår                 2011\n"
        "Eier                    Havbris AS\n"
    )
    assert pairs(text) == {
        ("VESSEL_NAME", "HAVBRIS"),
        ("REGISTRATION_NUMBER", "M-0172-HØ"),
        ("IRCS", "LLWC"),
        ("PORT", "Ålesund"),
        ("LENGTH", "64,40 m"),
        ("TONNAGE", "2310"),
        ("BUILD_YEAR", "2011"),
        ("OWNER", "Havbris AS"),
    }


def test_ports_a_vessel_is_based_in_or_leaves_and_headlines_in_capitals() -> None:
    assert ("PORT", "Benoa") in pairs("All three are based in Benoa and fish for tuna.")
    assert ("PORT", "Montevideo") in pairs("The carrier left Montevideo on 3 May.")
    assert not {pair for pair in pairs("NAVY ESCORTS REEFER TO CALLAO FOR INSPECTION") if pair[0] == "VESSEL_NAME"}


def test_a_name_read_once_is_read_wherever_else_the_page_writes_it() -> None:
    text = (
        "Port of registry: Fuzhou\n"
        "Vessel name: HAI FENG 718\n"
        "Certificate of registry: Fuzhou; 03/03/2021\n"
        "Ship's agent: Haeyang Agency, 23 Jungang-daero, Fuzhou\n"
        "HAI FENG 718 sailed on the morning tide.\n"
    )
    spans = [(span.label, text[span.start : span.end], span.start) for span in extract_spans(text)]
    assert [(label, start) for label, surface, start in spans if label == "PORT"] == [
        ("PORT", text.index("Fuzhou")),
        ("PORT", text.index("Fuzhou;")),
    ]  # not the town of the agent's address
    assert [surface for label, surface, _ in spans if label == "VESSEL_NAME"] == ["HAI FENG 718", "HAI FENG 718"]


def test_a_day_and_month_without_a_year_is_a_date_when_the_month_is_written_out() -> None:
    assert ("DATE", "6 January") in pairs("With reference to our letter of 6 January, please add ...")
    assert ("DATE", "4 March 2025") in pairs("detained on 4 March 2025")
    assert not {pair for pair in pairs("the 5 may be moved to 4 mar") if pair[0] == "DATE"}


def test_a_nationality_before_plural_vessels_and_a_description_after_a_name() -> None:
    assert ("FLAG", "Irish") in pairs("ANNEX II - Irish vessels notified for pelagic fisheries")
    found = pairs("- Vessel: LURONGYUANYUYUN009, Chinese-flag reefer, IMO 8786466")
    assert ("VESSEL_NAME", "LURONGYUANYUYUN009") in found
    assert not {pair for pair in found if pair[0] == "VESSEL_NAME" and "flag" in pair[1]}


def test_a_company_in_capitals_with_its_legal_form_is_an_owner() -> None:
    found = pairs("KURIKOMA (IMO 9145920), a 114.82 m carrier of TOEI REEFER LINE LTD., has been authorised")
    assert ("OWNER", "TOEI REEFER LINE LTD.") in found and ("VESSEL_TYPE", "REEFER") not in found
    assert ("OWNER", "BARUNA SEGARA MANDIRI, PT") in pairs("Director, BARUNA SEGARA MANDIRI, PT\n")
    assert not {pair for pair in pairs("THE VESSEL WAS INSPECTED AT PORT") if pair[0] == "OWNER"}


def test_a_list_item_of_a_name_alone_identified_by_its_sub_items() -> None:
    text = (
        "(a) WESTERN VENTURE\n"
        "    - external marking C335, call sign EI7657, IMO 9089310\n"
        "(b) MEETING NOTES\n"
        "    - agreed to meet again in May\n"
    )
    found = pairs(text)
    assert ("VESSEL_NAME", "WESTERN VENTURE") in found
    assert ("VESSEL_NAME", "MEETING NOTES") not in found


def test_a_new_name_before_its_former_one_and_a_call_sign_that_is_now_another() -> None:
    found = pairs("Our analysts followed JINFENG998 (formerly LUPENGYUANYU079) for most of 2025.")
    assert {("VESSEL_NAME", "JINFENG998"), ("VESSEL_NAME", "LUPENGYUANYU079")} <= found
    assert ("IRCS", "A8KY9") in pairs("re-registered at Monrovia. Call sign now A8KY9.")


def test_section_headings_over_two_columns_of_fields_are_neither_fields_nor_captions() -> None:
    text = (
        "VESSEL                                    OWNER / OPERATOR\n"
        "Name:        MAKYBE BJ                    Company:   MAKYBE BJ PTY LTD\n"
        "Flag:        Australia                    Address:   Port Lincoln SA 5606\n"
        "Port: Port Lincoln        Date: 02/02/2025\n"
    )
    spans = [(span.label, text[span.start : span.end], span.start) for span in extract_spans(text)]
    assert {(label, surface) for label, surface, _ in spans} == {
        ("VESSEL_NAME", "MAKYBE BJ"),
        ("OWNER", "MAKYBE BJ PTY LTD"),
        ("FLAG", "Australia"),
        ("PORT", "Port Lincoln"),
        ("DATE", "02/02/2025"),
    }
    assert [start for label, _, start in spans if label == "PORT"] == [text.index("Port Lincoln        ")]


def test_an_indonesian_motor_vessel_and_a_key_that_runs_on_into_a_sentence() -> None:
    found = pairs("Re: Renewal of the CCSBT authorisation of KM BANDAR BAHARI 278\n")
    assert ("VESSEL_NAME", "BANDAR BAHARI 278") in found
    assert not {pair for pair in found if pair[0] == "REGISTRATION_NUMBER"}
    assert not {pair for pair in pairs("we were 12 KM NORTH of the port") if pair[0] == "VESSEL_NAME"}


def test_an_italian_harbour_office_names_its_port() -> None:
    assert ("PORT", "MAZARA DEL VALLO") in pairs("CAPITANERIA DI PORTO DI MAZARA DEL VALLO - Avviso n. 41/2025")


# --- round 4: what the fresh reference pages 57-72 taught -------------------------------------------


def test_a_pipe_table_is_read_cell_by_cell_in_the_headers_order() -> None:
    """Cells of a markdown table need not line up with their header, and an empty cell keeps its place."""
    text = (
        "| Name | Call sign | IMO | GT | Owner |\n"
        "|---|---|---|---|---|\n"
        "| MONTE MEIXUEIRO | ECFP | 9329227 | 1,312 | Pesquerías Nores, S.L. |\n"
        "| SANTA CRISTINA |  | 6608309 | 412 | Testa & Cunhas, Lda. |\n"
    )
    assert pairs(text) == {
        ("VESSEL_NAME", "MONTE MEIXUEIRO"),
        ("IRCS", "ECFP"),
        ("IMO", "9329227"),
        ("TONNAGE", "1,312"),
        ("OWNER", "Pesquerías Nores, S.L."),
        ("VESSEL_NAME", "SANTA CRISTINA"),
        ("IMO", "6608309"),
        ("TONNAGE", "412"),
        ("OWNER", "Testa & Cunhas, Lda."),
    }


def test_a_blank_header_cell_takes_the_caption_spanning_it_and_short_french_column_names() -> None:
    text = (
        "|      Navire      |            Identification            |  Caractéristiques   |    Armateur     |\n"
        "| Nom    | Pavillon | Ind. appel | Imm.                    | LHT (m) | JB   | Année |                 |\n"
        "| TAURUS | RUS      | UBTI       | MK0411 | 64,0 | 2403 | 2013 | Norebo Murmansk |\n"
    )
    assert pairs(text) == {
        ("VESSEL_NAME", "TAURUS"),
        ("FLAG", "RUS"),
        ("IRCS", "UBTI"),
        ("REGISTRATION_NUMBER", "MK0411"),
        ("LENGTH", "64,0"),
        ("TONNAGE", "2403"),
        ("BUILD_YEAR", "2013"),
        ("OWNER", "Norebo Murmansk"),
    }


def test_a_value_written_in_two_scripts_is_two_values() -> None:
    found = pairs(
        "Порт регистрации / Port of registry ....... Мурманск / Murmansk\n"
        "船舶所有人 Owner              舟山普远渔业有限公司 Zhoushan Puyuan Fisheries Co., Ltd.\n"
    )
    assert {("PORT", "Мурманск"), ("PORT", "Murmansk")} <= found
    assert {("OWNER", "舟山普远渔业有限公司"), ("OWNER", "Zhoushan Puyuan Fisheries Co., Ltd.")} <= found
    assert ("PORT", "Santa Cruz de Tenerife") in pairs("Port of registry: Santa Cruz de Tenerife\n")


def test_chinese_dates_metric_lengths_in_other_languages_and_official_country_names() -> None:
    assert ("DATE", "2024年3月18日") in pairs("发证日期 Date of Issue: 2024年3月18日")
    assert ("LENGTH", "38,6 metros") in pairs("Comprimento total:  38,6 metros")
    assert ("LENGTH", "54,8 м") in pairs("Длина наибольшая / Length overall ....... 54,8 м")
    assert ("LENGTH", "20.6 metre") in pairs("the vessel as a 20.6 metre steel longliner")
    assert ("BUILD_YEAR", "2016") in pairs("建成日期 Date of Build            2016年5月")
    assert ("FLAG", "People's Republic of China") in pairs(
        "entitled to fly the flag of the People's Republic of China."
    )


def test_a_name_in_capitals_and_its_call_sign_in_brackets() -> None:
    found = pairs("LU RONG YUAN YU YUN 678 (BCLO2) Fish Carrier 3,116GT China flag; IMO 9840362")
    assert {("VESSEL_NAME", "LU RONG YUAN YU YUN 678"), ("IRCS", "BCLO2")} <= found
    # letters only could be an acronym: read only where the line identifies a vessel
    assert not pairs("The MINISTRY OF FISHERIES (MFMR) announced new rules.")
    assert {("VESSEL_NAME", "ALINA"), ("IRCS", "SNHR")} <= pairs("ALINA (SNHR), IMO 8907046, Polish trawler")


def test_a_vessel_after_its_nationality_and_a_registration_in_prose() -> None:
    found = pairs(
        "In addition, the Irish vessel HARVEST REAPER II was boarded at sea; the Faroese trawler was registered as SA0450."
    )
    assert {("VESSEL_NAME", "HARVEST REAPER II"), ("REGISTRATION_NUMBER", "SA0450")} <= found
    assert not {
        pair for pair in pairs("It was registered as a fishing vessel in 2001.") if pair[0] == "REGISTRATION_NUMBER"
    }


def test_keys_of_contracts_certificates_and_portuguese_licences() -> None:
    found = pairs(
        "Flag: Spain                  Place of Registration: Marín\n"
        "Call Sign: EBVD              Grt/Nrt: 1,186 / 356\n"
        "Ship                    BEITIR\n"
        "Porto de inscrição:        Aveiro\n"
        "Petrecho de pesca:         espinhel de superfície\n"
    )
    assert {
        ("FLAG", "Spain"),
        ("PORT", "Marín"),
        ("IRCS", "EBVD"),
        ("TONNAGE", "1,186"),
        ("VESSEL_NAME", "BEITIR"),
        ("PORT", "Aveiro"),
        ("GEAR_TYPE", "espinhel de superfície"),
    } <= found
    assert ("FLAG", "Australian") in pairs("the fishing vessel named GRACIE P, of Australian registry")


def test_a_fixed_width_report_with_hyphenated_column_names_under_a_register_title() -> None:
    text = (
        "RPT-VR07  NATIONAL FISHING VESSEL REGISTER - ACTIVE VESSELS BY DISTRICT\n"
        "\n"
        "REG-NO  VESSEL-NAME           CALL-SIGN  HOME-PORT      OWNER\n"
        "8327    CAPRICORN             ZM6236     BLUFF          RORY JOHN YOUNG\n"
    )
    assert pairs(text) == {
        ("REGISTRATION_NUMBER", "8327"),
        ("VESSEL_NAME", "CAPRICORN"),
        ("IRCS", "ZM6236"),
        ("PORT", "BLUFF"),
        ("OWNER", "RORY JOHN YOUNG"),
    }


def test_a_name_described_without_an_article_and_a_former_name_in_title_case() -> None:
    assert ("VESSEL_NAME", "NO.637 DONG WON") in pairs(
        "Also in the area: NO.637 DONG WON, Korean longliner, c/s DTBW8."
    )
    found = pairs("Its sister ship HANYI839 (formerly Lurongyuanyu 839) did the same.")
    assert {("VESSEL_NAME", "HANYI839"), ("VESSEL_NAME", "Lurongyuanyu 839")} <= found


def test_a_port_after_a_postcode_is_an_address_not_a_port_the_vessel_uses() -> None:
    text = "Shipowner: Armadora Cervera, S.L., Dársena 4, 36202 Vigo, Spain\nPort of registry: Vigo\n"
    spans = [(span.label, span.start) for span in extract_spans(text)]
    assert [start for label, start in spans if label == "PORT"] == [text.rindex("Vigo")]


def test_a_dateline_and_a_longer_hyphenated_name_are_not_repeats_of_a_port() -> None:
    text = (
        "Saint-Pierre, le 14 octobre 2025\n"
        "Préfecture de Saint-Pierre-et-Miquelon\n"
        "Le chalutier TERRE-NEUVAS, immatriculé à Saint-Pierre, a été contrôlé.\n"
    )
    spans = [(span.label, span.start) for span in extract_spans(text)]
    assert [start for label, start in spans if label == "PORT"] == [text.rindex("Saint-Pierre")]
    recap = "- Port of registry: Shidao\n- Discharge: Shidao, 1 safe berth\n"
    assert [label for label, _ in [(s.label, s.start) for s in extract_spans(recap)]].count("PORT") == 2


def test_a_nationality_after_the_vessel_type_and_owners_in_romance_prose() -> None:
    found = pairs(
        "Apresado un palangrero ecuatoriano. La embarcación pertenece a la empresa Pesquera Esmeralda S.A. "
        "Le navire, armé par la société Interpêche SAS, rentrait au port."
    )
    assert {("FLAG", "ecuatoriano"), ("OWNER", "Pesquera Esmeralda S.A."), ("OWNER", "Interpêche SAS")} <= found
    assert not {pair for pair in pairs("un palangrero moderno") if pair[0] == "FLAG"}


def test_a_vessel_type_inside_an_owners_name_is_the_names() -> None:
    found = pairs(
        "the MV ORANGE PRINCE, flag Liberia, IMO 9797644, under charter to\nSeatrade Reefer Chartering N.V., arrived"
    )
    assert ("OWNER", "Seatrade Reefer Chartering N.V.") in found
    assert not {pair for pair in found if pair[0] == "VESSEL_TYPE"}


def test_quoted_cells_of_an_export_and_spanish_column_names() -> None:
    text = (
        '"Nombre";"Bandera";"OMI";"Distintivo";"Puerto base";"TRB";"Eslora (m)";"Año construcción"\n'
        '"MAGALLANES III";"CHL";"7126592";"CB4299";"Valparaíso";"536";"43,73";"1972"\n'
    )
    assert pairs(text) == {
        ("VESSEL_NAME", "MAGALLANES III"),
        ("FLAG", "CHL"),
        ("IMO", "7126592"),
        ("IRCS", "CB4299"),
        ("PORT", "Valparaíso"),
        ("TONNAGE", "536"),
        ("LENGTH", "43,73"),
        ("BUILD_YEAR", "1972"),
    }


def test_an_inline_record_of_slashed_fields_with_a_unit_first_tonnage_and_a_yearless_eta() -> None:
    text = (
        "Vsl: YORDAN / Flag: Indonesia / IMO: 8567949 / C/S: YEA4278 / GT 140 / LOA 32.45m\n"
        "Owner: KILAT MUDAH JAYA, PT. / ETA Benoa 09-Dec\n"
    )
    assert pairs(text) == {
        ("VESSEL_NAME", "YORDAN"),
        ("FLAG", "Indonesia"),
        ("IMO", "8567949"),
        ("IRCS", "YEA4278"),
        ("TONNAGE", "GT 140"),
        ("LENGTH", "32.45m"),
        ("OWNER", "KILAT MUDAH JAYA, PT."),
        ("PORT", "Benoa"),
        ("DATE", "09-Dec"),
    }
    assert ("DATE", "17 Nov") in pairs("stopped reporting at 0412 UTC on 17 Nov")
    assert not {pair for pair in pairs("the 5 May be moved; ETA Dec 06, 14:00") if pair[0] == "PORT"}
    assert not {pair for pair in pairs("you may 4 Mar the deck") if pair[0] == "DATE"}


def test_keys_of_detention_lists_ais_pages_and_spanish_licences_and_a_draught_is_no_length() -> None:
    found = pairs(
        "Date of detention: 04/11/2025        Place of detention: Busan\n"
        "Flag          Ireland                   Destination   KILLYBEGS\n"
        "Call sign     EIQD6                     Draught       6.2 m\n"
        "   Nombre de la embarcación   : ALEXANDRA X\n"
        "   Puerto de registro         : Paita\n"
        "   Aparejo de pesca           : línea de mano\n"
    )
    assert {
        ("PORT", "Busan"),
        ("PORT", "KILLYBEGS"),
        ("VESSEL_NAME", "ALEXANDRA X"),
        ("PORT", "Paita"),
        ("GEAR_TYPE", "línea de mano"),
    } <= found
    assert not {pair for pair in found if pair[0] == "LENGTH"}
    assert ("PORT", "Guayaquil") in pairs("El buque tiene su puerto base en Guayaquil, adonde fue escoltado.")


def test_a_field_that_changed_gives_its_old_and_its_new_value() -> None:
    assert {("IRCS", "ZMKT"), ("IRCS", "ZMKT2"), ("DATE", "3 March 2025")} <= pairs(
        "Call sign changed from ZMKT to ZMKT2 on 3 March 2025."
    )
    assert {("IRCS", "UBFR3"), ("IRCS", "UBFR4")} <= pairs("IRCS: UBFR3 -> UBFR4 (new owner)")
    assert pairs("Vessel name changed from OCEAN PEARL to PEARL STAR.") == {
        ("VESSEL_NAME", "OCEAN PEARL"),
        ("VESSEL_NAME", "PEARL STAR"),
    }
    assert pairs("Call sign: ZMKT, to be confirmed") == {("IRCS", "ZMKT")}


def test_keys_joined_by_a_slash_a_telex_double_slash_and_a_records_own_name() -> None:
    assert pairs("Name/Call sign: TAURUS / UBTI") == {("VESSEL_NAME", "TAURUS"), ("IRCS", "UBTI")}
    assert pairs("VSL/ALBATROSS II") == {("VESSEL_NAME", "ALBATROSS II")}
    assert pairs("VSL/HAI FENG//GRT/143//") == {("VESSEL_NAME", "HAI FENG"), ("TONNAGE", "143")}
    assert ("VESSEL_NAME", "TAVR") in pairs('{"name":"TAVR","ircs":"UBFR3","imo":8838544}')
    assert pairs('{"imo": 8838544, "owner": {"name": "Murman Seafood LLC"}}') == {("IMO", "8838544")}


def test_a_role_in_brackets_a_title_case_company_after_owners_and_a_registration_after_its_port() -> None:
    assert ("OWNER", "Yuan Ching Fishery Co., Ltd.") in pairs(
        "Respondents: Yuan Ching Fishery Co., Ltd. (owner) and the master"
    )
    found = pairs(
        "the new trawler WAVE CREST to Irish owners\nWave Crest Fishing Ltd on Friday, registered in Killybegs as S383."
    )
    assert {("OWNER", "Wave Crest Fishing Ltd"), ("REGISTRATION_NUMBER", "S383")} <= found
    assert not {pair for pair in pairs("The owners were told on Friday.") if pair[0] == "OWNER"}


def test_nordic_keys_a_korean_date_and_dotted_two_column_forms() -> None:
    found = pairs(
        "Skipsnavn:            SANDSHAVIÐ\n"
        "Kallimerki:           XPRK\n"
        "Heimstaður:           Tvøroyri\n"
        "Skrásetingarmerki:    TG 0727\n"
        "Eigari:               P/F Sandshav\n"
        "Official No.  63320                       Call sign .. ZMA3180\n"
        "발급일 Date of Issue: 2024년 2월 7일\n"
    )
    assert {
        ("VESSEL_NAME", "SANDSHAVIÐ"),
        ("IRCS", "XPRK"),
        ("PORT", "Tvøroyri"),
        ("REGISTRATION_NUMBER", "TG 0727"),
        ("OWNER", "P/F Sandshav"),
        ("REGISTRATION_NUMBER", "63320"),
        ("IRCS", "ZMA3180"),
        ("DATE", "2024년 2월 7일"),
    } <= found
    # a lone "Ship" is a key at the start of a line only, not in a certificate's title
    assert not {
        pair for pair in pairs("CERTIFICATE OF NATIONALITY OF SHIP - REPUBLIC OF KOREA") if pair[0] == "VESSEL_NAME"
    }


def test_keys_joined_by_a_slash_to_a_key_of_no_entity_and_a_manifests_ports() -> None:
    text = (
        "Vessel / Voyage:       TIGR 2 / 25-07N          Flag: Russia\n"
        "Port of loading:       Nakhodka                 Date of sailing: 21.07.2025\n"
        "Port of discharge:     Busan\n"
    )
    assert pairs(text) == {
        ("VESSEL_NAME", "TIGR 2"),
        ("FLAG", "Russia"),
        ("PORT", "Nakhodka"),
        ("DATE", "21.07.2025"),
        ("PORT", "Busan"),
    }
    assert ("VESSEL_TYPE", "purse seiner") in pairs("Tipo de buque / Vessel type           Cerquero / purse seiner")
    assert ("VESSEL_TYPE", "Vessel type") not in pairs("Tipo de buque / Vessel type           Cerquero / purse seiner")


def test_an_html_table_of_header_and_data_cells() -> None:
    text = (
        "<table>\n<tr><th>Vessel name</th><th>Flag</th><th>IMO</th><th>IRCS</th><th>Operator</th></tr>\n"
        "<tr><td>TUNA QUEEN</td><td>Panama</td><td>9940693</td><td>3EZK7</td><td>Ocean Queen Shipping S.A.</td></tr>\n"
        "</table>\n"
    )
    assert pairs(text) == {
        ("VESSEL_NAME", "TUNA QUEEN"),
        ("FLAG", "Panama"),
        ("IMO", "9940693"),
        ("IRCS", "3EZK7"),
        ("OWNER", "Ocean Queen Shipping S.A."),
    }
    assert not pairs("<table><tr><td>Notes</td><td>none</td></tr></table>")


def test_call_sign_keys_of_more_shapes() -> None:
    assert pairs("Radio Call Sign & MMSI ... UBTI / 273385170") == {("IRCS", "UBTI"), ("MMSI", "273385170")}
    assert pairs("IRCS (International Radio Call Sign): UBTI") == {("IRCS", "UBTI")}
    assert pairs("IRCS No: UBTI") == {("IRCS", "UBTI")}
    assert pairs("| IRCS | UBTI |") == {("IRCS", "UBTI")}
    assert pairs("UBTI (call sign)") == {("IRCS", "UBTI")}
    assert pairs("9657961 (IMO)") == {("IMO", "9657961")}
    assert not pairs("| Vessel | Flag | IMO |")
    assert not pairs("ABCD (Authority)")


def test_a_key_qualified_by_another_entity_splits_a_bracketed_value() -> None:
    # sanctions and RFMO lists: "Name (IRCS): TAURUS (UBTI)", a column "Vessel name (call sign)"
    assert pairs("Name (IRCS): TAURUS (UBTI)") == {("VESSEL_NAME", "TAURUS"), ("IRCS", "UBTI")}
    assert pairs("Vessel (IMO): KAPITAN ROSTOV (9121584)") == {("VESSEL_NAME", "KAPITAN ROSTOV"), ("IMO", "9121584")}
    table = "Vessel name (call sign)   Flag     IMO\nTAURUS (UBTI)             Russia   9121584\n"
    assert pairs(table) == {("VESSEL_NAME", "TAURUS"), ("IRCS", "UBTI"), ("FLAG", "Russia"), ("IMO", "9121584")}
    # a qualifier naming the key's own scheme, or a value without brackets, is the qualifier's
    assert pairs("UVI (IMO): 9121584") == {("IMO", "9121584")}
    assert pairs("Vessel (IMO): 9121584") == {("IMO", "9121584")}
    assert pairs("Length (m): 32.5") == {("LENGTH", "32.5")}


def test_older_call_sign_keys_and_a_call_sign_in_brackets_after_a_key() -> None:
    for key in ("Code letters", "Distinctive signal", "Radio call signal", "I.R.C.S."):
        assert pairs(f"{key}: UBTI") == {("IRCS", "UBTI")}, key
    # brackets holding a field of their own are no qualifier of the key before them
    assert pairs("The vessel (call sign UBTI) was boarded.") == {("IRCS", "UBTI")}
    assert ("IRCS", "UBTI") in pairs("The TAURUS (call sign UBTI) was boarded.")
    assert pairs("Owner (name and address): Pesca Ltd") == {("OWNER", "Pesca Ltd")}
    assert not pairs("Code: UBTI")


def test_a_vessel_prefix_is_no_part_of_the_name_and_an_owner_verb_may_take_a_colon() -> None:
    assert pairs("Vessel: M/V LUCKY STAR") == {("VESSEL_NAME", "LUCKY STAR")}
    assert pairs("Vessel name: m/v Lucky Star") == {("VESSEL_NAME", "Lucky Star")}
    assert pairs("Vessel: KM BANDAR BAHARI 278") == {("VESSEL_NAME", "BANDAR BAHARI 278")}
    table = "Vessel name        Flag      IMO\nF/V YUAN CHING     Taiwan    9121584\n"
    assert ("VESSEL_NAME", "YUAN CHING") in pairs(table)
    assert pairs("Vessel: MVULE") == {("VESSEL_NAME", "MVULE")}, "a name starting with the letters stays whole"
    assert pairs("Managed by: Fisheries Management Ltd") == {("OWNER", "Fisheries Management Ltd")}
    assert pairs("Operated by:   PESCA AUSTRAL S.A.") == {("OWNER", "PESCA AUSTRAL S.A.")}


def test_other_hull_dimensions_joined_to_a_length_key_are_no_lengths() -> None:
    assert pairs("LOA/Beam: 45.5 m / 9.2 m") == {("LENGTH", "45.5 m")}
    assert pairs("LOA / Breadth / Depth: 45.5 m / 9.2 m / 4.1 m") == {("LENGTH", "45.5 m")}
    assert pairs("Beam / Depth / LOA: 9.2 m / 4.1 m / 45.5 m") == {("LENGTH", "45.5 m")}
    assert pairs("Built / LOA / GT: 2014 / 93.57 m / 3830 GT") == {
        ("BUILD_YEAR", "2014"),
        ("LENGTH", "93.57 m"),
        ("TONNAGE", "3830 GT"),
    }
    assert pairs("The trawler measures 45.5 m.") == {("LENGTH", "45.5 m"), ("VESSEL_TYPE", "trawler")}


def test_a_nationality_written_as_its_adjective_is_the_flag() -> None:
    assert pairs("Nationality: Korean") == {("FLAG", "Korean")}
    assert pairs("Nationality of vessel: Korean") == {("FLAG", "Korean")}
    assert pairs("Pavillon : espagnol") == {("FLAG", "espagnol")}
    assert not pairs("Nationality: unknown")


def test_ports_where_a_catch_is_landed_or_a_vessel_is_taken() -> None:
    assert pairs("The vessel landed her catch at Walvis Bay.") == {("PORT", "Walvis Bay")}
    assert pairs("Unloading took place at Port of Spain.") == {("PORT", "Port of Spain")}
    assert pairs("She was escorted to Port Victoria, Seychelles.") == {("PORT", "Port Victoria")}
    assert pairs("Transhipment in Tema was refused.") == {("PORT", "Tema")}
    assert not pairs("Inspection at Sea by the patrol.")
    assert not pairs("INSPECTION AT SEA")


def test_a_title_case_name_after_its_vessel_word_when_an_identifier_follows() -> None:
    assert pairs("the longliner Hai Feng 718 (call sign V3RY2)") == {
        ("VESSEL_TYPE", "longliner"),
        ("VESSEL_NAME", "Hai Feng 718"),
        ("IRCS", "V3RY2"),
    }
    assert pairs("The fishing vessel Ocean Star, IMO 9074729, was inspected.") == {
        ("VESSEL_NAME", "Ocean Star"),
        ("IMO", "9074729"),
    }
    assert pairs("The vessel Owner (IMO 9074729)") == {("IMO", "9074729")}
    assert ("VESSEL_NAME", "Ocean Star") not in pairs("The fishing vessel Ocean Star was inspected.")


def test_an_ocr_read_call_sign_key_and_an_em_dash_separator() -> None:
    assert pairs("IRC5: V3RY2") == {("IRCS", "V3RY2")}
    assert pairs("Call sign — V3RY2") == {("IRCS", "V3RY2")}
    assert pairs("owner AWALUDIN — 49 GT") == {("OWNER", "AWALUDIN"), ("TONNAGE", "49 GT")}


def test_registration_keys_of_side_numbers_and_rfmo_vessel_ids() -> None:
    assert pairs("Side number (external marking): KW-123") == {("REGISTRATION_NUMBER", "KW-123")}
    assert pairs("WCPFC VID 4512") == {("RFMO", "WCPFC"), ("REGISTRATION_NUMBER", "4512")}
    assert not pairs("fish stowed on the port side number 3 hold")


def test_title_case_names_after_a_flag_or_before_what_the_vessel_is() -> None:
    assert ("VESSEL_NAME", "Lu Rong Yuan Yu 118") in pairs("the Chinese-flagged Lu Rong Yuan Yu 118 was sighted")
    assert ("VESSEL_NAME", "Ocean Star") in pairs("Ocean Star, a Panamanian-flagged reefer, arrived.")
    assert ("VESSEL_NAME", "Ocean Star") in pairs("The Ocean Star, a 45-metre trawler, was seized.")
    assert ("VESSEL_NAME", "OCEAN STAR") in pairs("OCEAN STAR, call sign V3RY2, was sighted.")
    assert not {label for label, _ in pairs("Mr Smith, a Korean fishing vessel owner, said so.")} & {"VESSEL_NAME"}


def test_a_header_cell_of_captions_one_space_apart_is_split_into_its_columns() -> None:
    # OCR closes the gaps of a narrow header: "IMO MMSI Call sign" is three columns, as the rows say
    table = (
        "Vessel  Flag  IMO MMSI Call sign    Homeport\n"
        "FU SHEN NO.212.   Chinese Taipei   8687622   416242500  BL2181   Kaohsiung\n"
    )
    assert pairs(table) == {
        ("VESSEL_NAME", "FU SHEN NO.212"),
        ("FLAG", "Chinese Taipei"),
        ("IMO", "8687622"),
        ("MMSI", "416242500"),
        ("IRCS", "BL2181"),
        ("PORT", "Kaohsiung"),
    }


def test_a_rule_line_ocr_read_with_stray_letters_still_rules_the_table() -> None:
    table = (
        "| Nom        | Pavillon | N° OMI    | Ind. appel |\n"
        "e-------+--po-----=---+----------4------------pon-n=o 2-22 ----+------+\n"
        "| ALINA      | POL      | 8907046   | SNHR       |\n"
    )
    assert pairs(table) == {("VESSEL_NAME", "ALINA"), ("FLAG", "POL"), ("IMO", "8907046"), ("IRCS", "SNHR")}
    assert not pairs("Note - see the annex for the list of vessels and their agents in port.")


def test_a_vessel_name_key_in_a_sentence_and_a_key_s_full_stop_before_its_leader() -> None:
    assert pairs("The vessel's name is Ocean Star.") == {("VESSEL_NAME", "Ocean Star")}
    assert pairs("The vessel name is OCEAN STAR.") == {("VESSEL_NAME", "OCEAN STAR")}
    assert not pairs("The vessel's name is unknown.")
    assert pairs("Name of ship. ............... SERGEY BOCHKAREV") == {("VESSEL_NAME", "SERGEY BOCHKAREV")}


def test_a_scanned_row_whose_cells_drift_from_its_header_keeps_the_columns_order() -> None:
    # OCR spread the header wider than the row and the row has a cell more (an owner the header
    # captions on a line above): each cell still takes its own column, in order, one to a column
    table = (
        "| Nom              | Pavillon | N° OMI                | Ind. appel | Imm.| LHT (m) | JB                          | Année]\n"
        "| ALINA            | POL             | 8907046        | SNHR               | POLO35202052 | 105,0 | 7805 | 1992 | Atlantex Sp. z o.o. |\n"
    )
    found = pairs(table)
    assert {("IMO", "8907046"), ("IRCS", "SNHR"), ("REGISTRATION_NUMBER", "POLO35202052")} <= found
    assert {("LENGTH", "105,0"), ("TONNAGE", "7805")} <= found
    assert ("TONNAGE", "1992") not in found and ("TONNAGE", "105,0") not in found


def test_gear_and_types_of_dip_netters_set_nets_and_single_handlines() -> None:
    assert pairs("Fishing methods   Set net; bottom longline") == {
        ("GEAR_TYPE", "Set net"),
        ("GEAR_TYPE", "bottom longline"),
    }
    assert pairs("a Japanese stick-held dip netter") == {("FLAG", "Japanese"), ("VESSEL_TYPE", "stick-held dip netter")}
    assert ("GEAR_TYPE", "handline") in pairs("which fishes by handline out of Halfmoon Bay")
    assert not pairs("the line was held by hand")


def test_keys_of_a_vessel_number_a_port_of_embarkation_and_a_spanish_port() -> None:
    assert pairs("Vessel number           900744") == {("REGISTRATION_NUMBER", "900744")}
    assert pairs("Port of embarkation: Benoa") == {("PORT", "Benoa")}
    assert pairs("Fecha: 14/07/2025            Puerto: A Coruña") == {("DATE", "14/07/2025"), ("PORT", "A Coruña")}
    # a port has no digits: a title ending in "PUERTO" is followed by its reference, not a port
    assert not pairs("INFORME DE INSPECCIÓN EN PUERTO          Nº INS-2025-CO-0417")


def test_ports_a_catch_is_landed_at_a_vessel_fishes_out_of_or_a_named_harbour() -> None:
    assert ("PORT", "Bluff") in pairs("the vessel landed two southern bluefin tuna at Bluff that were not recorded")
    assert ("PORT", "Halfmoon Bay") in pairs("which fishes by handline out of Halfmoon Bay.")
    assert ("PORT", "Benoa") in pairs("while entering Benoa harbour on 30 April 2025")
    assert not pairs("The harbour was closed.")
    assert not pairs("the catch was landed on deck at night")


def test_names_before_a_flag_in_brackets_or_before_a_mark_in_brackets_and_a_mark_is_no_name() -> None:
    assert ("VESSEL_NAME", "SALERNO") in pairs("a) added: SALERNO (Cyprus), IMO 9189873, IRCS 5BSM6")
    assert ("VESSEL_NAME", "Realt Ara") in pairs("The Irish-registered otter trawler Realt Ara (G897) was detained.")
    found = pairs("the Spanish longliner VALLE FRAGA (3ST-4-2551, call sign EAGN) was detained")
    assert ("VESSEL_NAME", "VALLE FRAGA") in found and ("VESSEL_NAME", "3ST-4-2551") not in found
    assert not {label for label, _ in pairs("the trawler Skipper Jones (retired) said")} & {"VESSEL_NAME"}


def test_a_registration_after_its_registrar_a_gloss_in_brackets_and_a_legal_form_alone() -> None:
    found = pairs("a 12.26-metre vessel registered with\nFisheries New Zealand as vessel 8137, which fishes")
    assert ("REGISTRATION_NUMBER", "8137") in found
    assert ("VESSEL_NAME", "Miss Stewart Island") in pairs(
        "owns the Miss Stewart Island, a 12.26-metre vessel registered"
    )
    assert pairs("所有者 / Owner: 株式会社徳洋水産 (Tokuyo Suisan Co., Ltd.)") >= {("OWNER", "Tokuyo Suisan Co., Ltd.")}
    assert pairs("WHITECAPS FISHING COMPANY LIMITED\n        Defendant") == {
        ("OWNER", "WHITECAPS FISHING COMPANY LIMITED")
    }
    assert not pairs("Company: LIMITED")


def test_numbered_title_case_names_after_their_vessel_word_or_before_their_call_sign() -> None:
    assert ("VESSEL_NAME", "Agnes 109") in pairs("The Korean squid jigger Agnes 109 returned to Busan.")
    assert ("VESSEL_NAME", "Agnes 109") in pairs("Tracking data show that Agnes 109 (call sign DTBS2) fished.")
    assert not {label for label, _ in pairs("the trawler Season 2025 closed early")} & {"VESSEL_NAME"}
    assert not {label for label, _ in pairs("the vessel went to Section 3 of the dock")} & {"VESSEL_NAME"}


def test_owners_a_vessel_belongs_to_and_french_and_portuguese_registration_prose() -> None:
    assert ("OWNER", "PT Bandar Nelayan") in pairs("The vessel belongs to PT Bandar Nelayan and is run by an agent.")
    found = pairs(
        "à embarcação ATLÂNTICO SUL IV, indicativo de chamada PU7321, de propriedade da empresa "
        "Atlântico Sul Pescados Ltda., com porto de inscrição em Itajaí/SC"
    )
    assert {("VESSEL_NAME", "ATLÂNTICO SUL IV"), ("OWNER", "Atlântico Sul Pescados Ltda."), ("PORT", "Itajaí")} <= found
    found = pairs("Le navire GOIZ ARGI, immatriculé BA 925133, dont le port d'attache est Saint-Jean-de-Luz")
    assert {("REGISTRATION_NUMBER", "BA 925133"), ("PORT", "Saint-Jean-de-Luz")} <= found
    assert ("REGISTRATION_NUMBER", "Bayonne") not in pairs("un navire immatriculé à Bayonne")
    assert not pairs("ANNEX 2 - VESSELS INSPECTED IN PORT, SECOND HALF")
    assert not {label for label, _ in pairs("AUTORIZA A LA EMBARCACIÓN QUE INDICA PARA OPERAR")} & {"VESSEL_NAME"}


def test_keys_of_a_master_of_a_vessel_spanish_hull_dimensions_and_an_embarcacion() -> None:
    assert not pairs("Master of fishing vessel: Lin Wen-Chieh")
    assert pairs("Embarcación: VIRGEN DEL MAR VI          Matrícula: B-04-10506") == {
        ("VESSEL_NAME", "VIRGEN DEL MAR VI"),
        ("REGISTRATION_NUMBER", "B-04-10506"),
    }
    assert pairs("Eslora: 8,65 m    Manga: 1,95 m    Puntal: 0,95 m    TRB: 4") == {
        ("LENGTH", "8,65 m"),
        ("TONNAGE", "4"),
    }


def test_a_name_field_gives_the_flag_after_the_name_and_a_caption_is_no_name() -> None:
    assert pairs("  * Vessel: HANYI78 (ex-HENGXIN36), China") == {
        ("VESSEL_NAME", "HANYI78"),
        ("VESSEL_NAME", "HENGXIN36"),
        ("FLAG", "China"),
    }
    assert ("VESSEL_NAME", "CARRIER VESSEL") not in pairs("                  FISHING VESSEL          CARRIER VESSEL\n")


def test_a_fixed_width_row_goes_on_past_the_rest_of_a_wrapped_cell() -> None:
    table = (
        "Date         Vessel name      Flag       Call sign   Port             Result\n"
        "03/07/2025   CIDADE           Portugal   CUEP        Aveiro           No\n"
        "                                                                      infringement\n"
        "21/08/2025   BRISAN           UK         MEEY        Fraserburgh      Apparent\n"
        "                                                                      infringement\n"
    )
    assert {("VESSEL_NAME", "BRISAN"), ("IRCS", "MEEY"), ("PORT", "Fraserburgh")} <= pairs(table)
    # a paragraph after the table is not read as its rows
    assert not pairs("Date         Vessel name      Flag\n\nThe owners of the Alpha and Beta were not told.\n")


def test_a_pipe_row_of_a_padded_key_and_its_value() -> None:
    assert pairs("| Vessel name           | KAIKO MARU NO. 2               |") == {("VESSEL_NAME", "KAIKO MARU NO. 2")}
    assert pairs("| Call sign             | JG4587   |") == {("IRCS", "JG4587")}
    assert not pairs("| Remarks               |          |")


def test_an_exports_licence_holder_method_and_length_in_metres_columns() -> None:
    export = (
        "boat_name;fishing_licence;home_port;state;loa_m;gt;licence_holder;method;expires\n"
        "TARAN;63575;Picton;NZ;4.3;0.4;M. Pattison Building Limited;Unclassified;31/12/2025\n"
    )
    assert pairs(export) == {
        ("VESSEL_NAME", "TARAN"),
        ("REGISTRATION_NUMBER", "63575"),
        ("PORT", "Picton"),
        ("LENGTH", "4.3"),
        ("TONNAGE", "0.4"),
        ("OWNER", "M. Pattison Building Limited"),
        ("DATE", "31/12/2025"),
    }


def test_nordic_legal_forms_in_lower_case_and_a_slashed_date_of_a_two_digit_year() -> None:
    assert ("OWNER", "Eskja hf.") in pairs("Owned by Eskja hf., the 94-metre vessel fished west")
    assert ("DATE", "03/02/25") in pairs("[03/02/25, 22:14] Capt. Hendra: alongside now")
    assert not pairs("release 1.2.25 of the software")
    assert not pairs("the ratio 45/60/25 was used")


def test_a_code_in_brackets_after_a_name_is_its_call_sign_or_its_port_mark() -> None:
    assert pairs("   - Mikasa Maru No. 21 (JD3722), Japanese stick-held dip net") == {
        ("VESSEL_NAME", "Mikasa Maru No. 21"),
        ("IRCS", "JD3722"),
        ("FLAG", "Japanese"),
        ("GEAR_TYPE", "stick-held dip net"),
    }
    assert {("VESSEL_NAME", "SEIFUKU MARU No. 78"), ("IRCS", "JPZG")} <= pairs(
        "from SEIFUKU MARU No. 78 (JPZG), approx"
    )
    # a mark is written with a space or a dash, or is short after its letters
    assert {("VESSEL_NAME", "HARVEST REAPER II"), ("REGISTRATION_NUMBER", "S287")} <= pairs(
        "the Irish vessel HARVEST REAPER II (S287) was boarded at sea"
    )
    assert {("REGISTRATION_NUMBER", "3ST-4-2551"), ("IRCS", "EAGN")} <= pairs(
        "the Spanish longliner VALLE FRAGA (3ST-4-2551, call sign EAGN) was detained"
    )
    assert ("REGISTRATION_NUMBER", "G897") in pairs("The otter trawler Realt Ara (G897) was detained")
    # a numbered part of a document and an acronym in brackets are neither
    assert not pairs("Resolution 21 (ABC1) of the Commission applies")
    assert not pairs("The Ministry of Fisheries (MFMR) said")


def test_a_chinese_certificate_of_registry_however_it_is_written() -> None:
    for number in (
        "(ZHE)CHUANDENG(JI)(2021)FT-200067",
        "(JIN) CHUAN DENG (JI)(2012) FT-200019HAO",
        "(浙)船登(籍)(2024)FT-200011号",
    ):
        assert ("REGISTRATION_NUMBER", number) in pairs(f"registered in Zhoushan under {number}, broadcast MMSI")
    assert ("REGISTRATION_NUMBER", "(ZHE)CHUAN DENG(JI)(2011)FT-200029HAO") in pairs(
        "Vessel Registration Identification (ZHE)CHUAN DENG(JI)(2011)FT-200029HAO (vessel) [IUU-EO14024]."
    )
    assert not pairs("the Zhejiang (ZHE) fleet of 2021")


def test_an_external_identification_is_the_port_mark() -> None:
    assert ("REGISTRATION_NUMBER", "G185") in pairs("Vessel name: WESTWARD ISLE       External identification: G185")


def test_a_key_ocr_misread_still_labels_the_value_after_its_leader_or_colon() -> None:
    assert pairs("Call SIgQh ................ UBST3\nType of ship ..... trawler") == {
        ("IRCS", "UBST3"),
        ("VESSEL_TYPE", "trawler"),
    }
    assert pairs("HOME POFt ....................... Benoa") == {("PORT", "Benoa")}
    assert pairs("Ano de construcci6n .......... 2001") == {("BUILD_YEAR", "2001")}
    assert pairs("   Blag .......... China") == {("FLAG", "China")}
    # a short key misread is taken only for a value of strict shape, and a line of prose is no key
    assert not pairs("   Blog .......... nothing to report")
    assert not pairs("Remarks ..... The vessel was fine")
    assert not pairs("Note: call the master before noon")


def test_a_speck_after_a_colon_is_no_part_of_the_value() -> None:
    assert pairs(" 6. Indicativo de chamada:. ECLP") == {("IRCS", "ECLP")}


def test_keys_joined_by_and_share_their_value() -> None:
    assert pairs("3. Port and number of registration ........... Vigo / GBR000C18081") == {
        ("PORT", "Vigo"),
        ("REGISTRATION_NUMBER", "GBR000C18081"),
    }


def test_a_port_mark_after_a_name_in_title_case() -> None:
    assert pairs("The pelagic trawler Aðalsteinn Jónsson SU 11 landed 3,100 tonnes") >= {
        ("VESSEL_NAME", "Aðalsteinn Jónsson"),
        ("REGISTRATION_NUMBER", "SU 11"),
    }
    # a tonnage is no mark, and after capitals the number is the name's own ("LU RONG YUAN YU 306")
    assert ("REGISTRATION_NUMBER", "GT 140") not in pairs("the trawler Ocean Harvest GT 140 was sold")
    assert not {label for label, _ in pairs("the carrier LU RONG YUAN YU 306 arrived")} & {"REGISTRATION_NUMBER"}
    # ... nor between a name in capitals and its IMO, unless set apart as a column is
    assert ("REGISTRATION_NUMBER", "DA 1") not in pairs("RUN DA 1 IMO 9123456")
    assert pairs("> BRISAN  FD9  call sign MEEY") == {
        ("VESSEL_NAME", "BRISAN"),
        ("REGISTRATION_NUMBER", "FD9"),
        ("IRCS", "MEEY"),
    }


def test_a_key_worded_out_before_its_colon_labels_its_value() -> None:
    form = (
        "Vessel name as painted on hull: AMALTAL APOLLO\n"
        "Flag observed: New Zealand\n"
        "1.2   Former name(s) and date of change:     SHOUN MARU NO.51 (until 2019)\n"
        "Owner of the vessel: PESCA BLANCA SA\n"
    )
    assert pairs(form) == {
        ("VESSEL_NAME", "AMALTAL APOLLO"),
        ("FLAG", "New Zealand"),
        ("VESSEL_NAME", "SHOUN MARU NO.51"),
        ("OWNER", "PESCA BLANCA SA"),
    }
    # words that name another thing, a key ending on a preposition, a bare "Name" and another key inside
    assert pairs("Vessel register match: ALPHA STAR") == set()
    assert pairs("Vessel sighted at: Nelson") == set()
    assert pairs("Name of person reporting: JOHN SMITH") == set()
    assert pairs("18. Vessel master name and nationality: Li Wei, China") == set()


def test_a_former_name_in_title_case_after_ex_in_brackets() -> None:
    assert pairs("Vessel: Sanko Maru No. 85   (ex Fukucho Maru No. 21)") == {
        ("VESSEL_NAME", "Sanko Maru No. 85"),
        ("VESSEL_NAME", "Fukucho Maru No. 21"),
    }
    assert pairs("Price (ex Works) was agreed") == set()


def test_a_movements_log_from_to_column_gives_both_ports_and_no_port_for_the_sea() -> None:
    log = (
        "TIME   VESSEL               CALLSIGN  MOVE  FROM / TO           BERTH\n"
        "0600   MISS STEWART ISLAND  ZM5792    ARR   Bluff / Nelson      Wharf 2N\n"
        "1545   EEL-SEEKER           -         ARR   sea / Nelson        Slip 1\n"
    )
    ports = {text for label, text in pairs(log) if label == "PORT"}
    assert ports == {"Bluff", "Nelson"}
    assert sum(span.label == "PORT" for span in extract_spans(log)) == 3


def test_spanish_and_portuguese_registry_prose_and_a_nordic_flag_key() -> None:
    resolution = (
        "la nave ARTURO A B, inscrita en el Registro\n"
        "Pesquero Industrial con el N° 2451, matrícula de Talcahuano N° 3127, de 491,8 toneladas"
    )
    assert {("REGISTRATION_NUMBER", "2451"), ("REGISTRATION_NUMBER", "3127"), ("PORT", "Talcahuano")} <= pairs(
        resolution
    )
    assert ("REGISTRATION_NUMBER", "431-025417-0") in pairs(
        "ATLÂNTICO SUL IV, inscrita na Capitania dos\nPortos sob o nº 431-025417-0, com arqueação bruta de 120"
    )
    assert pairs("Flag / Flagg ................. Sweden") == {("FLAG", "Sweden")}
    # a licence's "matrícula de pesca" names no port
    assert pairs("Matrícula de Pesca: 1234") == set()


def test_a_vessel_page_heading_names_the_vessel_over_its_kind_and_flag() -> None:
    page = "Vessel details\n----------\nWESTERN VIKING\nFishing vessel, Ireland\n\nMMSI   250004731\n"
    assert {("VESSEL_NAME", "WESTERN VIKING"), ("FLAG", "Ireland")} <= pairs(page)
    assert {("VESSEL_NAME", "AMALTAL ATLANTIS"), ("FLAG", "New Zealand")} <= pairs(
        "AMALTAL ATLANTIS\nTrawler (New Zealand)\n"
    )
    # a heading over a line that is not what a vessel is and where it is flagged
    assert pairs("WESTERN VIKING\nInspection report, page 2\n") == set()


def test_a_chat_message_opening_with_a_numbered_vessel_name() -> None:
    assert ("VESSEL_NAME", "KILAT MAJU JAYA - 21") in pairs(
        "[03/02/25, 22:14] Capt. Hendra: KILAT MAJU JAYA - 21 alongside now, starting tranship"
    )
    assert ("VESSEL_NAME", "FU YUAN YU 7880") in pairs("03/02/2025, 22:14 - Agent: FU YUAN YU 7880 departed")
    assert not {label for label, _ in pairs("03/02/2025, 22:14 - Agent: OK NOTED will do")} - {"DATE"}


def test_a_type_field_leaves_the_measures_after_the_type_to_their_own_label() -> None:
    assert pairs("Vessel type: Trawler, approx. 43 m") == {("VESSEL_TYPE", "Trawler"), ("LENGTH", "43 m")}
    assert ("LENGTH", "54.06 m") in pairs("  * Type: hand liner, 54.06 m\n")
    # a digit OCR read inside a word is no number
    assert ("VESSEL_TYPE", "purse se1ner") in pairs("Vessel type: purse se1ner")


def test_the_first_of_a_hulls_dimensions_given_together_is_its_length() -> None:
    assert ("LENGTH", "57 m") in pairs("Length x Beam 57 m x 13 m               ETA   Dec 06")
    assert ("LENGTH", "38.28") in pairs("Dimensions:      38.28 x 7.50 x 3.35 m")
    assert ("LENGTH", "45.0") in pairs("3.1 LOA x B x D (m): 45.0 x 8.2 x 4.1")
    # a net's dimensions are no hull's
    assert pairs("Net dimensions 2 x 45 m") == set()


def test_a_tonnage_key_opening_the_line_after_a_number_is_still_a_key() -> None:
    # the number ending the line before is no number the key is the unit of
    assert pairs("IMO:         8781325\nGT / LOA:    310 GT / 34 m") == {
        ("IMO", "8781325"),
        ("TONNAGE", "310 GT"),
        ("LENGTH", "34 m"),
    }


def test_a_name_read_once_is_found_again_only_as_whole_words() -> None:
    from oceanid_dagster.domain.rules.extractor import repeated_mentions
    from oceanid_dagster.domain.spans import Span

    text = "FU XIN. Met FU XIN-2, FU XINX and AFU XIN; then FU XIN again (fu xin)."
    again = repeated_mentions(text, [Span(0, 6, "VESSEL_NAME", 0.9)])
    assert [span.start for span in again] == [0, text.index("FU XIN again")]


def test_german_and_dutch_forms_name_the_vessel_and_its_holder() -> None:
    licence = (
        "  Name des Fahrzeugs ........ MARK\nLizenzinhaber: Sassnitzer Fischereigenossenschaft eG, Hafenstraße 12a"
    )
    assert pairs(licence) == {("VESSEL_NAME", "MARK"), ("OWNER", "Sassnitzer Fischereigenossenschaft eG")}
    assert pairs("Naam schip:            JOHANNA MARIA") == {("VESSEL_NAME", "JOHANNA MARIA")}


def test_an_insurance_policys_assured_is_the_owner_without_those_it_also_covers() -> None:
    assert pairs("Assured: Sanford Limited and/or subsidiaries") == {("OWNER", "Sanford Limited")}


def test_a_key_after_a_slash_that_ends_on_a_colon_is_a_key() -> None:
    assert pairs("Client/owner:  Craig Burns") == {("OWNER", "Craig Burns")}
    # ... where a telex's value after a slash is still a value
    assert ("VESSEL_NAME", "ALBATROSS II") in pairs("VSL/ALBATROSS II//IRCS/ZM2675//")


def test_a_gear_written_in_two_words_and_singular() -> None:
    assert pairs("Method:        hand line") == {("GEAR_TYPE", "hand line")}
    # ... and before "vessel", a vessel's type
    assert ("VESSEL_TYPE", "hand-line vessel") in pairs("the PALMA, a 32.5 m hand-line vessel (registration P-00-906)")


def test_a_name_in_capitals_closed_by_its_number_keeps_its_small_words() -> None:
    assert ("VESSEL_NAME", "SAE IN No.9") in pairs("The Korean-flagged jigger SAE IN No.9 (IMO 8827583) left Busan")
    assert ("VESSEL_NAME", "STAR OF THE SEA NO. 2") in pairs("The trawler STAR OF THE SEA NO. 2 (IMO 9142540) sank.")
    # ... not without the number
    assert ("VESSEL_NAME", "SAE") in pairs("The Korean-flagged jigger SAE IN BUSAN (IMO 8827583) left")


def test_a_key_about_someone_of_the_vessel_names_no_vessel() -> None:
    assert pairs("3. Name of master of fishing vessel: Julio Chumpitaz       Signature - Seal") == set()
    assert pairs("Name of the vessel: ALBA") == {("VESSEL_NAME", "ALBA")}


def test_a_list_items_flag_after_a_dash() -> None:
    assert {("VESSEL_NAME", "JOEL"), ("FLAG", "Ecuador")} <= pairs("1) JOEL — Ecuador; call sign HC2992; 21.27 m")
    assert ("FLAG", "Republic of Korea") in pairs("3) KB 101 — Republic of Korea; call sign 6LBF; 49.2 m")
    assert "FLAG" not in {label for label, _ in pairs("PORT OF NELSON - Thursday, 6 March")}


def test_a_section_heading_and_a_misread_key_are_no_vessel_names() -> None:
    assert pairs("PART A - VESSEL INFORMATION\nName: ALBA") == {("VESSEL_NAME", "ALBA")}
    assert ("VESSEL_NAME", "L0A") not in pairs("Type          stick-held dip netter\nL0A           74.55 m")


def test_the_flag_adjectives_of_more_fleets() -> None:
    assert ("FLAG", "Lithuanian") in pairs("Under the Lithuanian flag she carried the call sign LYCN")
    assert ("FLAG", "German") in pairs("the German trawler MARK")
    assert ("FLAG", "Seychellois") in pairs("a Seychellois purse seiner")


def test_a_port_named_by_a_heading_or_a_call_and_not_a_keys_words() -> None:
    assert ("PORT", "LAS PALMAS") in pairs("PORT OF LAS PALMAS - FOREIGN FISHING VESSELS EXPECTED")
    assert ("PORT", "Kushiro") in pairs("AIS shows her calling at Kushiro from 14 to 16 July 2025")
    assert pairs("Port of Registry ........................ Port Vila") == {("PORT", "Port Vila")}


def test_a_vessel_renamed_and_its_port_mark() -> None:
    found = pairs("She will be renamed NORES TERCERO. She carried the port mark KL 946.")
    assert {("VESSEL_NAME", "NORES TERCERO"), ("REGISTRATION_NUMBER", "KL 946")} <= found


def test_a_spanish_registrys_ship_and_signal_columns() -> None:
    table = (
        "N°  NAVE              MATRICULA       SEÑAL    ARQUEO\n12  CAPRICORNIO 5     CO-06387-PM     OA4183   335,62\n"
    )
    assert {("VESSEL_NAME", "CAPRICORNIO 5"), ("IRCS", "OA4183"), ("REGISTRATION_NUMBER", "CO-06387-PM")} <= pairs(
        table
    )


def test_a_deeds_date_and_a_register_of_ships_flag() -> None:
    assert ("DATE", "2nd day of June 2025") in pairs("Dated at Wellington this 2nd day of June 2025.")
    assert ("FLAG", "New Zealand") in pairs("will be deleted from the New Zealand Register of Ships")


def test_a_french_record_opening_on_its_ship_and_a_patrol_boat() -> None:
    record = "les agents embarqués sur le patrouilleur LA CAPRICIEUSE ont contrôlé\nNavire : SVANAUG ELISE ; Pavillon : Norvège"
    assert {("VESSEL_NAME", "LA CAPRICIEUSE"), ("VESSEL_NAME", "SVANAUG ELISE"), ("FLAG", "Norvège")} <= pairs(record)


def test_a_danish_registers_columns() -> None:
    table = "Navn             Kendingsbogstaver  Kaldesignal  Hjemhavn     BT\nISAFOLD          HG 264             OXRM         Hirtshals    1142\n"
    assert pairs(table) == {
        ("VESSEL_NAME", "ISAFOLD"),
        ("REGISTRATION_NUMBER", "HG 264"),
        ("IRCS", "OXRM"),
        ("PORT", "Hirtshals"),
        ("TONNAGE", "1142"),
    }


def test_an_operator_in_apposition_and_ports_where_a_vessel_stays_or_goes_next() -> None:
    found = pairs("the operator, Genpuku Gyogyo K.K., has been fined; the vessel remains in Kaohsiung.")
    assert {("OWNER", "Genpuku Gyogyo K.K."), ("PORT", "Kaohsiung")} <= found
    assert ("PORT", "Murmansk") in pairs("landing frozen redfish approx 1 200 t. Next port Murmansk.")
    # a port's name stays on its line
    assert ("PORT", "LPA") in pairs("Subject: RE: MV SIMONAS DAUKANTAS - ETA LPA\n\nGood afternoon Captain,")


def test_an_indonesian_licences_marking_and_month() -> None:
    found = pairs("Tanda Selar / Marking : GT.71 No.2088\nMasa berlaku / Valid until : 14 Maret 2026")
    assert {("REGISTRATION_NUMBER", "GT.71 No.2088"), ("DATE", "14 Maret 2026")} <= found


def test_a_key_with_its_plural_mark_is_still_read_only_where_it_opens_a_line() -> None:
    assert not {label for label, _ in pairs("Product name(s)          Quantity (MT)    Density at 15 C")}


def test_a_bunker_notes_keys_name_the_receiving_ship_and_the_place_of_delivery() -> None:
    note = """Name and IMO number of receiving ship:      SHUNZE677 / IMO 9866354
Port / place of delivery:                    Port Louis, outer anchorage B
"""
    assert {("VESSEL_NAME", "SHUNZE677"), ("IMO", "9866354"), ("PORT", "Port Louis")} <= pairs(note)


def test_a_header_of_keys_side_by_side_holds_no_value() -> None:
    # "Date" is a Japanese port, and the key before it no prose "port of"
    assert not pairs(" Name of ship      Call sign     Port of registry       Date *")


def test_measures_under_another_dimensions_caption_are_no_lengths() -> None:
    dimensions = "Length        Breadth       Depth\n43.20 m       7.80 m        3.68 m\n"
    assert pairs(dimensions) == {("LENGTH", "43.20 m")}


def test_more_vessel_types_and_gears() -> None:
    found = pairs(
        "Remarks: fishing support vessel. A 10 m dredge vessel. Mesh below the minimum (shrimp trawl, 3M). "
        "JIGGING COMPLETED IN NPFC AREA."
    )
    assert {
        ("VESSEL_TYPE", "fishing support vessel"),
        ("VESSEL_TYPE", "dredge vessel"),
        ("GEAR_TYPE", "shrimp trawl"),
        ("GEAR_TYPE", "JIGGING"),
    } <= found


def test_an_estimates_range_with_its_unit_is_one_length() -> None:
    found = pairs("Detection D-19 (estimated length 55-60 m) lay 3 nm from the longliner.")
    assert ("LENGTH", "55-60 m") in found
    assert not {("LENGTH", "55"), ("LENGTH", "60 m")} & found


def test_nine_digits_after_a_satellite_terminal_key_are_no_mmsi() -> None:
    licence = "  MMSI:                 412421106\n  Inmarsat-C IMN:       441235680\n"
    assert pairs(licence) == {("MMSI", "412421106")}


def test_an_rfmo_review_tables_flag_cp_column() -> None:
    review = """| Flag CP | Vessel (IRCS)      | Date of      | Status       |
|         |                    | inspection   |              |
|---------|--------------------|--------------|--------------|
| Estonia | MADRUS (ESGO)      | 14.03.2024   | Fine imposed |
"""
    assert {("FLAG", "Estonia"), ("VESSEL_NAME", "MADRUS"), ("IRCS", "ESGO")} <= pairs(review)


def test_a_registration_after_reg_in_lower_case() -> None:
    found = pairs("  - CLAMQUEST, NZ reg. 900958, call sign ZMT5949 - a 10 m dredge vessel")
    assert ("REGISTRATION_NUMBER", "900958") in found
    # a capital "Reg." is a regulation
    assert not pairs("under Council Reg. 1224/2009 the master shall")


def test_a_region_named_after_a_country_is_no_flag() -> None:
    assert not pairs("                    SOUTH AUSTRALIA REGISTRY - ADMIRALTY")
    assert ("FLAG", "South Korea") in pairs("the South Korea flagged trawler")


def test_a_port_where_a_vessel_was_arrested_or_lies() -> None:
    assert ("PORT", "Port Lincoln") in pairs("the fishing vessel MONIKA, arrested at Port Lincoln on 2 June 2025.")
    assert ("PORT", "Port Lincoln") in pairs("   Lying at ............... Port Lincoln, Brennan Jetty")


def test_a_code_in_brackets_wrapped_onto_the_line_after_the_name() -> None:
    prose = "a third vessel, the Spanish longliner SIEMPRE BALUARTE\n(3GI-8-2-94), which was working gear"
    assert {("VESSEL_NAME", "SIEMPRE BALUARTE"), ("REGISTRATION_NUMBER", "3GI-8-2-94")} <= pairs(prose)


def test_a_note_under_a_rows_name_does_not_end_the_table() -> None:
    licensed = """No.  Vessel name            Port of registry   Call sign   GRT
1    NO. 78 NII MARU        Hachinohe          JD2770      281
     (fish carrier, ice hold)
2    EBISU MARU No. 1       Uozu               7JLU        199
"""
    assert {
        ("VESSEL_NAME", "EBISU MARU No. 1"),
        ("PORT", "Uozu"),
        ("IRCS", "7JLU"),
        ("TONNAGE", "199"),
        ("VESSEL_TYPE", "fish carrier"),
    } <= pairs(licensed)


def test_an_italian_seizure_report() -> None:
    report = """personale della motovedetta CP 287 ha proceduto al controllo del motopeschereccio di bandiera
spagnola CRISTO DEL SOCORRO, matricola 3GI-4-5-95, numero IMO 8744028. A bordo un palangaro di fondo.
Il comandante è stato invitato a dirigere l'unità nel porto di Mazara del Vallo."""
    assert {
        ("VESSEL_TYPE", "motovedetta"),
        ("VESSEL_TYPE", "motopeschereccio"),
        ("FLAG", "spagnola"),
        ("VESSEL_NAME", "CRISTO DEL SOCORRO"),
        ("REGISTRATION_NUMBER", "3GI-4-5-95"),
        ("GEAR_TYPE", "palangaro di fondo"),
        ("PORT", "Mazara del Vallo"),
    } <= pairs(report)


def test_a_measures_own_key_after_it_is_no_key_of_the_next_value() -> None:
    found = pairs("Built 1988; 120.7 m LOA; 7,765 GT; IMO 8607141.")
    assert {("LENGTH", "120.7 m"), ("TONNAGE", "7,765 GT")} <= found
    assert ("LENGTH", "7,765") not in found
    # a key of another measure after a length is its own key
    assert ("TONNAGE", "4") in pairs("Eslora: 8,65 m    Manga: 1,95 m    Puntal: 0,95 m    TRB: 4")


def test_a_sale_circulars_flag_port_and_sellers() -> None:
    circular = """Last flag Cuban, port of registry Havana; previously registered in Belize.
Class lapsed; lying Las Palmas, where she can be inspected.

Sellers: Pesca Caribe S.A. Price idea on request. Offers to sales@nsbrokers.dk.
"""
    found = pairs(circular)
    assert {
        ("FLAG", "Cuban"),
        ("PORT", "Havana"),
        ("FLAG", "Belize"),
        ("PORT", "Las Palmas"),
        ("OWNER", "Pesca Caribe S.A."),
    } <= found
    assert not any(label == "OWNER" and "Price" in value for label, value in found)


def test_a_permit_holder_is_the_owner() -> None:
    found = pairs("Permit holder: Kasimila James Gribben, Kawakawa Bay")
    assert found == {("OWNER", "Kasimila James Gribben")}


def test_an_email_address_names_no_vessel_type() -> None:
    assert not pairs("To: ops@pioneer-reefers.example\nFrom: claims @harbour-trawlers.example")


def test_a_flag_named_before_its_role_in_brackets() -> None:
    assert ("FLAG", "China") in pairs("if none, raise with China (flag) via the SPRFMO Secretariat.")


def test_minutes_after_hours_are_no_length() -> None:
    assert not {label for label, _ in pairs("alongside the carrier for 2h 10m, speed < 1 kn")} & {"LENGTH"}


def test_a_checklists_name_on_hull_key() -> None:
    assert ("VESSEL_NAME", "COVADONGA PRIMERO") in pairs("   Name on hull ...... COVADONGA PRIMERO      [x] yes")


def test_a_country_before_registration_is_the_flag() -> None:
    assert ("FLAG", "Panama") in pairs("She keeps her Panama registration until May.")


def test_more_gears_and_types_of_permit_lists() -> None:
    found = pairs("60 GT, trolling and surface longline. [x] Bottom set longline. A stern freezer trawler.")
    assert {
        ("GEAR_TYPE", "trolling"),
        ("GEAR_TYPE", "surface longline"),
        ("GEAR_TYPE", "Bottom set longline"),
        ("VESSEL_TYPE", "stern freezer trawler"),
    } <= found


def test_a_transhipment_logs_role_captions() -> None:
    log = """Date        Event               Donor vessel      Donor IRCS   Cartons
2025-08-19  Transfer started    PU YUAN 775       BZVE6        -
"""
    found = pairs(log)
    assert {("VESSEL_NAME", "PU YUAN 775"), ("IRCS", "BZVE6")} <= found
    assert ("VESSEL_NAME", "Donor IRCS") not in found


def test_andorras_code_in_a_heading_is_the_word() -> None:
    assert not pairs("NOTICE OF CHANGE OF FLAG AND NAME")


def test_a_register_search_results_names_over_their_identifiers() -> None:
    results = """EMERALD ISLE
  Registered number 8266  ·  Call sign ZM3462  ·  Other liners, 14.9 m LOA, 28 GT
  Owner TIDAL FISHERIES LIMITED, Onerahi
"""
    assert {
        ("VESSEL_NAME", "EMERALD ISLE"),
        ("REGISTRATION_NUMBER", "8266"),
        ("IRCS", "ZM3462"),
        ("OWNER", "TIDAL FISHERIES LIMITED"),
    } <= pairs(results)
    # a heading over a sentence that names an identifier is no vessel
    assert not {label for label, _ in pairs("SUMMARY\n  IMO numbers were checked for every vessel.")} & {"VESSEL_NAME"}


# --- tables and keys as tesseract reads a scan of them (the pipeline's word layout) -----------------


def test_a_scanned_export_header_with_a_speck_read_as_a_colon() -> None:
    export = "boat_name:;fishing_licence;home_port;loa_m\nINCOLA;455441;Albany;5.8\n"
    assert {("VESSEL_NAME", "INCOLA"), ("PORT", "Albany"), ("LENGTH", "5.8")} <= pairs(export)


SHIFTED_FLAG_COLUMN = """utc                   mmsi          name                   flag    sog
2025-07-02 03:14      412420488     HAN YI 6               CHN     1.2
2025-07-03 22:51      412549137     LU RONG YUAN YU 306 CHN        3.0
"""


def test_a_value_the_scan_shifted_left_of_its_column_still_splits_off_when_it_reads_as_the_columns() -> None:
    found = pairs(SHIFTED_FLAG_COLUMN)
    assert {("VESSEL_NAME", "LU RONG YUAN YU 306"), ("FLAG", "CHN")} <= found
    assert ("VESSEL_NAME", "LU RONG YUAN YU 306 CHN") not in found
    # a name's last word that is no flag stays in the name
    shifted_name = SHIFTED_FLAG_COLUMN.replace("LU RONG YUAN YU 306 CHN", "LU RONG YUAN YU 306 SUN")
    assert ("VESSEL_NAME", "LU RONG YUAN YU 306 SUN") in pairs(shifted_name)


WRAPPED_CAPTIONS_WITHOUT_RULE = """Date of         Vessel name                Flag         IMO                    Port of
inspection                                                                     inspection

03/07/2025      CIDADE DE AMARANTE         Portugal     8803537                Aveiro
"""


def test_a_two_line_header_whose_column_ocr_lost_still_reads_both_lines() -> None:
    # the call sign column and the rule under the header were lost to OCR: "Date of inspection" and
    # "Port of inspection" are the captions that make the two lines one header
    assert pairs(WRAPPED_CAPTIONS_WITHOUT_RULE) == {
        ("DATE", "03/07/2025"),
        ("VESSEL_NAME", "CIDADE DE AMARANTE"),
        ("FLAG", "Portugal"),
        ("IMO", "8803537"),
        ("PORT", "Aveiro"),
    }


def test_a_crew_lists_nationality_is_no_flag() -> None:
    crew = """4. Flag State of ship: Norway              5. Last port of call: Alesund

6. No.  7. Family name, given names   8. Rank or rating   9. Nationality   10. Date of birth
   1    Hansen, Ole Kristian          Master               Norwegian         04.07.1971
   2    Pettersen, Lars               Chief engineer       Norwegian         19.11.1980
   3    Nowak, Tomasz                 Deckhand             Polish            02.02.1994
"""
    found = pairs(crew)
    assert ("FLAG", "Norway") in found
    assert {("DATE", "04.07.1971"), ("DATE", "02.02.1994")} <= found  # the page's dates all the same
    assert not {("FLAG", "Norwegian"), ("FLAG", "Polish")} & found


def test_a_movements_column_ocr_joined_to_the_ports_one() -> None:
    log = """TIME.   VESSEL                    CALLSIGN    FLAG   LOA(m)   MOVE FROM/TO                 BERTH
0415    FOUR WINDS                            NZL       5.5   DEP    Nelson / sea          Slip 3
0600    MISS STEWART ISLAND       ZM5792      NZL             ARR    Bluff / Nelson        Wharf 2N
"""
    found = pairs(log)
    assert {("FLAG", "NZL"), ("PORT", "Nelson"), ("PORT", "Bluff"), ("IRCS", "ZM5792")} <= found
    assert ("IRCS", "NZL") not in found


def test_a_lone_dash_between_two_cells_is_no_part_of_either() -> None:
    register = "Navn                Kendingsbogstaver     Kaldesignal     Hjemhavn\n"
    register += "MARTIN KOKHOLM — HG 386                   OYHA           Hirtshals\n"
    assert {("VESSEL_NAME", "MARTIN KOKHOLM"), ("REGISTRATION_NUMBER", "HG 386"), ("IRCS", "OYHA")} <= pairs(register)


def test_a_key_whose_words_ocr_joined_with_a_full_stop() -> None:
    assert ("IRCS", "ZR9554") in pairs("Distinctive number or.letters:                      ZR9554")
    assert ("VESSEL_NAME", "TAISEI MARU") in pairs("Name of. Ship                       TAISEI MARU")


def test_a_forms_blanks_filled_in_keep_no_underscores() -> None:
    form = "Vessel name: ____BORKUR____________   Radio call sign: ___TFEW____\nIMO No.: ___9865702___\n"
    assert pairs(form) == {("VESSEL_NAME", "BORKUR"), ("IRCS", "TFEW"), ("IMO", "9865702")}
    # a line of underscores alone is a rule under a header, as before
    table = "Vessel name     Flag     IMO\n____________________________\nBORKUR          ISL      9865702\n"
    assert {("VESSEL_NAME", "BORKUR"), ("FLAG", "ISL"), ("IMO", "9865702")} <= pairs(table)


def test_a_forms_blank_that_ocr_parted_from_its_value() -> None:
    scanned = "Vessel name:  ___ BORKUR                      Radio call sign:  __ TFEW___\n"
    assert pairs(scanned) == {("VESSEL_NAME", "BORKUR"), ("IRCS", "TFEW")}


def test_a_scans_specks_before_a_call_sign() -> None:
    berths = """Berth   Vessel                  Flag   C/S      LOA(m)   GT      Agent
Q-4     SIEMPRE ANTARES         ESP    EBYX     33       335     Hermanos Suarez Agencia
Q-7     DORADO 2                LVA    -YLPC.  67        2299    Baltic Reefer Agency SIA
"""
    assert {("IRCS", "EBYX"), ("IRCS", "YLPC")} <= pairs(berths)
    assert ("IRCS", "TFEW") in pairs("Radio call sign: — TFEW")


def test_an_imo_number_ocr_parted_with_a_space_if_its_check_digit_holds() -> None:
    assert ("IMO", "871 0728") in pairs("the carrier TAISEI MARU NO.15  (IMO 871 0728) will operate")
    assert ("IMO", "79301 75") in pairs("IMO number:   79301 75")
    # the check digit fails: not an IMO number, parted or not
    assert not {label for label, _ in pairs("IMO number:   79301 76")} & {"IMO"}


def test_a_leader_of_spaced_dots() -> None:
    form = """Transferring vessel
    Name . . . . . . . . . . GLOR NA DTONN
    IRCS / IMO . . . . . . . EI6283 / 8968052
    External marking . . . . G454
"""
    assert pairs(form) == {
        ("VESSEL_NAME", "GLOR NA DTONN"),
        ("IRCS", "EI6283"),
        ("IMO", "8968052"),
        ("REGISTRATION_NUMBER", "G454"),
    }


def test_a_leader_and_a_colon_with_the_specks_ocr_reads_into_them() -> None:
    scanned = """Receiving vessel
     Name.......-::- AHLMA WEST
     External marking... . S206
     Gross tonnage (LC) : . . 514
"""
    assert pairs(scanned) == {("VESSEL_NAME", "AHLMA WEST"), ("REGISTRATION_NUMBER", "S206"), ("TONNAGE", "514")}


def test_a_forms_values_in_boxes() -> None:
    form = """[1] Vessel name      [ CANOPUS                ]   [2] Flag State [ RUS ]
[3] Radio call sign  [ UCTB  ]   [4] IMO No. [ 7700087 ]   [5] Side no. [ MK-0412 ]
"""
    assert pairs(form) == {
        ("VESSEL_NAME", "CANOPUS"),
        ("FLAG", "RUS"),
        ("IRCS", "UCTB"),
        ("IMO", "7700087"),
        ("REGISTRATION_NUMBER", "MK-0412"),
    }


def test_a_port_of_arrival_in_prose_and_a_saints_abbreviated_name() -> None:
    assert ("PORT", "St. John's") in pairs("Expected repair: on arrival at St. John's, ETA 06.09.2025.")
    assert ("PORT", "Vigo") in pairs("She arrives in Vigo on Monday.")


def test_a_registers_short_column_and_a_cell_listing_gears() -> None:
    table = """      CCSBT No.   Call sign   NZ reg.   GT      LOA (m)   Gear
      FV6846      ZMF6575     901309    19.00   14.64     handline, troll
"""
    found = pairs(table)
    assert {("REGISTRATION_NUMBER", "901309"), ("GEAR_TYPE", "handline"), ("GEAR_TYPE", "troll")} <= found
    assert ("GEAR_TYPE", "handline, troll") not in found


def test_a_port_in_a_header_of_keys_stops_at_the_cell_gap() -> None:
    header = "No  Vessel name             IMO       Port of registry  GRT     Length (m)\n"
    header += " 1  KOYO MARU No. 55        9900863   Akkeshi           49.00   23.96\n"
    found = pairs(header)
    assert ("PORT", "Akkeshi") in found
    assert not [value for label, value in found if label == "PORT" and value != "Akkeshi"]


def test_a_flag_before_a_fleets_gear_and_gear_named_vessel_types() -> None:
    found = pairs("NPFC SAURY FISHERY 2025 - JAPANESE STICK-HELD DIP NET AND PURSE SEINE VESSELS")
    assert {("FLAG", "JAPANESE"), ("GEAR_TYPE", "STICK-HELD DIP NET"), ("VESSEL_TYPE", "PURSE SEINE VESSELS")} <= found
    assert ("FLAG", "Chinese") in pairs("Annex C. Chinese pole-and-line and handline vessels: status")
    assert ("VESSEL_TYPE", "shrimp trawler") in pairs("KAPPIN (IMO 7302378), Faroese shrimp trawler, 54 m")


def test_a_call_sign_after_the_imo_number_in_brackets_and_a_yard_before_the_year() -> None:
    found = pairs("(b) HONG RUN 668 (IMO 8776954, BZV9Y), port of registry Zhoushan, remains authorised")
    assert {("VESSEL_NAME", "HONG RUN 668"), ("IMO", "8776954"), ("IRCS", "BZV9Y")} <= found
    assert ("BUILD_YEAR", "2011") in pairs("a pole-and-line vessel of 498 GT built at Ningbo in 2011 (call sign")


def test_a_boat_mark_is_a_registration_number() -> None:
    assert ("REGISTRATION_NUMBER", "O620") in pairs("Boat name ........ KOBUS II        Boat mark ........ O620")


def test_a_chinese_certificate_ocr_misread_and_parted_names_no_vessel() -> None:
    found = pairs("registered at Shidao under\n     (LU)CHUANDENG (J1)(2023)FT-200088, 440 GT")
    assert ("REGISTRATION_NUMBER", "(LU)CHUANDENG (J1)(2023)FT-200088") in found
    assert not {label for label, _ in found} & {"VESSEL_NAME"}


def test_an_rfmo_lists_contracting_party_is_the_flag_and_its_gear_legend() -> None:
    table = """Contracting    Vessel                    Radio         IMO          Gear
Party          name                      call sign     number
CAN            KATSHESHUK II             VAAI          9127174      OTB

OTB: bottom otter trawl; OTM: midwater otter trawl.
"""
    found = pairs(table)
    assert {("FLAG", "CAN"), ("VESSEL_NAME", "KATSHESHUK II"), ("IRCS", "VAAI"), ("IMO", "9127174")} <= found
    assert {("GEAR_TYPE", "bottom otter trawl"), ("GEAR_TYPE", "midwater otter trawl")} <= found


def test_monitoring_acronyms_are_no_call_signs() -> None:
    found = pairs("MANUAL POSITION REPORT (VMS FAILURE)\nReason: VMS unit not transmitting; AIS off since 22:00 UTC.")
    assert not {label for label, _ in found} & {"IRCS", "VESSEL_NAME"}


def test_a_port_a_vessel_left_for() -> None:
    assert ("PORT", "Las Palmas") in pairs("The vessel left for Las Palmas the same day.")


def test_two_records_side_by_side() -> None:
    records = """  VESSEL 1                                   VESSEL 2
  Name:      KAPRODON                        Name:      BELOYE MORE
  IRCS:      UIMD                            IRCS:      UBYX7
"""
    assert pairs(records) == {
        ("VESSEL_NAME", "KAPRODON"),
        ("VESSEL_NAME", "BELOYE MORE"),
        ("IRCS", "UIMD"),
        ("IRCS", "UBYX7"),
    }
    # "name" after a gap on a line that does not open with it is no key
    assert ("VESSEL_NAME", "J. Smith") not in pairs("Master:     A. Watt      Name: J. Smith")


def test_a_bracket_glued_to_a_value_is_the_values_not_a_keys_qualifier() -> None:
    assert ("REGISTRATION_NUMBER", "(ZHE)CHUANDENG(JI)(2020)FT-200160") in pairs(
        "Licence (ZHE)CHUANDENG(JI)(2020)FT-200160"
    )


def test_a_name_before_its_former_one_without_brackets() -> None:
    found = pairs("   a) HONGRUN116  ex LU HUANG YUAN YU 116, call sign BZTE7")
    assert {("VESSEL_NAME", "HONGRUN116"), ("VESSEL_NAME", "LU HUANG YUAN YU 116")} <= found


def test_a_name_and_its_call_sign_after_a_slash() -> None:
    found = pairs("- 15 Jun: to be confirmed - JIN HAI 888 / BZ3VI (China), hand liner")
    assert {("VESSEL_NAME", "JIN HAI 888"), ("IRCS", "BZ3VI")} <= found
    # captions in capitals a slash apart are no vessel
    for captions in ("IMO / MMSI / IRCS", "CATCH REPORT / SUMMARY, see annex"):
        assert not {label for label, _ in pairs(captions)} & {"VESSEL_NAME", "IRCS"}


def test_a_pipe_table_whose_closing_pipes_the_scan_lost() -> None:
    review = """| Flag CP | Vessel (IRCS)        | Date of         | Provision          | Status
|            |                      | inspection      |                                     |
| Estonia | MADRUS (ESGO)        | 14.03.2024      | Art. 28.6(a) CEM   | Fine imposed |
|            | IMO 8215053          |                 |                    | (EUR 4,000)
| Norway     | KAP FARVEL (LAYK)    | 02.07.2024      | Art. 13.2 CEM      | Under
"""
    assert {
        ("FLAG", "Estonia"),
        ("VESSEL_NAME", "MADRUS"),
        ("IRCS", "ESGO"),
        ("IMO", "8215053"),
        ("FLAG", "Norway"),
        ("VESSEL_NAME", "KAP FARVEL"),
        ("IRCS", "LAYK"),
    } <= pairs(review)


def test_a_speck_before_a_keys_colon() -> None:
    assert pairs("VSL NAME   _: LU HUANG YUAN YU 108") == {("VESSEL_NAME", "LU HUANG YUAN YU 108")}


def test_a_former_owner_key_ocr_misread() -> None:
    found = pairs("    Former Ownet .......... Blaslov Fishing Group Pty Ltd")
    assert found == {("OWNER", "Blaslov Fishing Group Pty Ltd")}


def test_a_call_sign_printed_as_its_series_and_its_number() -> None:
    line = "  Registered number 32224  ·  Call sign ZMV 2179  ·  Troller, 11 m LOA, 14 GT"
    assert ("IRCS", "ZMV 2179") in pairs(line)
    assert ("IRCS", "ZMV 2179") in pairs("IRCS:  ZMV 2179")
    # the number is the value's only other word, or it is not the call sign's
    assert ("IRCS", "LAVF") in pairs("Call sign: LAVF 12 m")
    assert ("IRCS", "ZMV 2179") not in pairs("Call sign ZMV 2179 since 2019")


def test_a_field_tables_row_is_no_stacked_value_of_the_empty_field_above_it() -> None:
    # a scan lost the table's right-hand bars and the first field's value
    record = """| NPFC Vessel ID
| Vessel name                          | KAIKO MARU NO. 2
| Flag State                           | Japan
"""
    assert {("VESSEL_NAME", "KAIKO MARU NO. 2"), ("FLAG", "Japan")} <= pairs(record)


def test_an_exports_records_as_a_scan_reads_them() -> None:
    # curly quotes and an asterisk where the straight quotes were; a speck beside an underscore
    record = (
        '{"vessel_name": "CIDADE DE AMARANTE", “imo_number": 8803537, "ircs’:  “CUEP", '
        '"imo_number*: 9329227, “flag_state’: "PRT"}\n'
        "call._sign=EBVD\n"
        "<tonnage._gt>156.43</tonnage._gt>\n"
        "vessel _name=KAPRODON\n"
    )
    assert {
        ("IRCS", "CUEP"),
        ("IMO", "9329227"),
        ("FLAG", "PRT"),
        ("IRCS", "EBVD"),
        ("TONNAGE", "156.43"),
        ("VESSEL_NAME", "KAPRODON"),
    } <= pairs(record)
    # a form's asterisk marks a required field; a word processor prints curly quotes
    assert {("FLAG", "Panama"), ("VESSEL_NAME", "ATLANTIC PRIDE")} <= pairs(
        "Flag*: Panama\nVessel name: “ATLANTIC PRIDE”\n"
    )


def test_an_exports_keys_with_their_unit_and_its_pairs_on_one_line() -> None:
    assert {("FLAG", "ECU"), ("LENGTH", "53.75")} <= pairs('{"flag_code": "ECU", "length_m": 53.75}')
    assert ("FLAG", "CHN") in pairs("<flag_code>CHN</flag_code>")
    # a space ends a value before the next pair, and a measure's key after a number is the next pair's
    line = "vessel_name=KORUND gross_tonnage=89.00 loa=19 M flag_state=RUS owner=SANFORD LIMITED port=Nelson"
    assert {
        ("VESSEL_NAME", "KORUND"),
        ("TONNAGE", "89.00"),
        ("LENGTH", "19 M"),
        ("FLAG", "RUS"),
        ("OWNER", "SANFORD LIMITED"),
        ("PORT", "Nelson"),
    } <= pairs(line)
    # ... but a measure with its key after it is still no key of the next value
    assert ("LENGTH", "7,765") not in pairs("120.7 m LOA; 7,765 GT")


def test_an_exports_keys_that_ocr_misread_are_still_keys() -> None:
    record = (
        '{"vessel_name": "PLAYA MENDUIÑA", "lag_state’: “ESP", “registratin_number":  "900855"}\n'
        "vessel_name=KORUND official_riumber=INS172 laa_m=75\n"
    )
    assert {
        ("FLAG", "ESP"),
        ("REGISTRATION_NUMBER", "900855"),
        ("REGISTRATION_NUMBER", "INS172"),
        ("LENGTH", "75"),
    } <= pairs(record)
    # a short key that is a misreading of no key's strict value names nothing
    assert pairs('{"crew": "12", "lat": "21.7566", "spead": "3.6"}') == set()


def test_a_header_whose_delimiters_ocr_misread_still_splits_into_its_columns() -> None:
    table = (
        "ship_name|flag_state|registration_numberlowner_name|imo\n"
        "ABNOXIOUS|Australia|901278|WILD LIFE FISHERIES|9123459\n"
        "KORUND|Russian Federation|M0254|NORebo JSC|8710285\n"
    )
    assert {
        ("VESSEL_NAME", "ABNOXIOUS"),
        ("REGISTRATION_NUMBER", "901278"),
        ("OWNER", "WILD LIFE FISHERIES"),
        ("REGISTRATION_NUMBER", "M0254"),
        ("IMO", "8710285"),
    } <= pairs(table)


def test_a_records_key_and_value_whose_colon_ocr_lost() -> None:
    # tesseract's reading of a JSON line in Courier: the colons after "ircs" and "flag" are gone
    line = '{"record_id": 1041,  "vessel_name*:  "ATLANTIC PRIDE",  “ires   “LAVF7",  "flag"  "NOR",  "gear":  "x"}'
    assert {("IRCS", "LAVF7"), ("FLAG", "NOR"), ("VESSEL_NAME", "ATLANTIC PRIDE")} <= pairs(line)
