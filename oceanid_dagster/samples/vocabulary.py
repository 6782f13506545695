"""Words the synthetic documents are made of: label phrasings, flag names, RFMOs, ports, authorities."""

from __future__ import annotations

# Several ways documents name each field, so no label always follows the same phrase.
FIELD_CAPTIONS: dict[str, tuple[str, ...]] = {
    "VESSEL_NAME": ("Vessel name", "Name of vessel", "Name of ship", "Ship name", "Vessel", "Name", "F/V name", "Fishing vessel"),
    "IMO": ("IMO number", "IMO No.", "IMO", "IMO ship identification number", "Lloyd's / IMO No.", "UVI (IMO)"),
    "MMSI": ("MMSI", "MMSI number", "Maritime Mobile Service Identity", "MMSI No."),
    "IRCS": ("Call sign", "IRCS", "International radio call sign", "Radio call sign", "Callsign", "Signal letters"),
    "FLAG": ("Flag", "Flag state", "Flag State", "Nationality", "Country of registration", "Flag of vessel"),
    "REGISTRATION_NUMBER": ("Registration number", "Reg. No.", "Official number", "National registry number", "External marking", "Registration"),
    "PORT": ("Port of registry", "Home port", "Port of registration", "Registry port", "Port"),
    "OWNER": ("Owner", "Registered owner", "Owner name", "Owner / operator", "Operator", "Company", "Beneficial owner"),
    "VESSEL_TYPE": ("Vessel type", "Type of vessel", "Ship type", "Type", "Vessel category"),
    "GEAR_TYPE": ("Gear", "Gear type", "Fishing gear", "Fishing method", "Method of fishing", "Gear used"),
    "TONNAGE": ("Gross tonnage", "Tonnage", "GT", "Gross register tonnage", "Tonnage (gross)"),
    "LENGTH": ("Length", "Length overall", "LOA", "Overall length", "Length (registered)"),
    "BUILD_YEAR": ("Year built", "Year of build", "Built", "Year of construction", "Construction year"),
    "RFMO_ID": ("RFMO vessel ID", "Record number", "Authorisation no.", "RFMO register no."),
}

RFMO_NAMES: dict[str, str] = {
    "CCSBT": "Commission for the Conservation of Southern Bluefin Tuna",
    "NAFO": "Northwest Atlantic Fisheries Organization",
    "NEAFC": "North-East Atlantic Fisheries Commission",
    "NPFC": "North Pacific Fisheries Commission",
    "SPRFMO": "South Pacific Regional Fisheries Management Organisation",
    "IOTC": "Indian Ocean Tuna Commission",
    "WCPFC": "Western and Central Pacific Fisheries Commission",
    "ICCAT": "International Commission for the Conservation of Atlantic Tunas",
    "IATTC": "Inter-American Tropical Tuna Commission",
    "SIOFA": "Southern Indian Ocean Fisheries Agreement",
    "CCAMLR": "Commission for the Conservation of Antarctic Marine Living Resources",
}

# The lists give flags as ISO 3166 alpha-3 codes or as names; documents use either.
FLAG_NAMES: dict[str, str] = {
    "AUS": "Australia", "BLZ": "Belize", "CAN": "Canada", "CHL": "Chile", "CHN": "China",
    "COK": "Cook Islands", "CUB": "Cuba", "CUW": "Curaçao", "CYP": "Cyprus", "DEU": "Germany",
    "DNK": "Denmark", "ECU": "Ecuador", "ESP": "Spain", "EST": "Estonia", "FRA": "France",
    "FRO": "Faroe Islands", "GBR": "United Kingdom", "GRL": "Greenland", "IDN": "Indonesia",
    "IRL": "Ireland", "ISL": "Iceland", "JPN": "Japan", "KOR": "Republic of Korea",
    "LBR": "Liberia", "LTU": "Lithuania", "LVA": "Latvia", "NLD": "Netherlands", "NOR": "Norway",
    "NZL": "New Zealand", "PAN": "Panama", "PER": "Peru", "POL": "Poland", "PRT": "Portugal",
    "RUS": "Russian Federation", "SGP": "Singapore", "SPM": "Saint Pierre and Miquelon",
    "SWE": "Sweden", "TWN": "Chinese Taipei", "UKR": "Ukraine", "VUT": "Vanuatu", "ZAF": "South Africa",
}
FLAG_CODES: dict[str, str] = {name: code for code, name in FLAG_NAMES.items()} | {
    "Fishing Entity of Taiwan": "TWN",
    "Korea": "KOR",
    "Russia": "RUS",
}

# Places where vessels are inspected, sighted or documents issued (gold PORT when written).
PORTS: tuple[str, ...] = (
    "Port Louis", "Las Palmas", "Busan", "Montevideo", "Suva", "Kaohsiung", "Walvis Bay", "Cape Town",
    "Tema", "Port Victoria", "Vigo", "Nouadhibou", "Punta Arenas", "Pago Pago", "Noumea", "Callao",
    "Manta", "Zhoushan", "Bluff", "Nelson", "Hobart", "Benoa", "Killybegs", "Tromsø", "Murmansk",
    "St. John's", "Aveiro", "Port Stanley", "Majuro", "Honiara",
)

AUTHORITIES: tuple[str, ...] = (
    "Ministry of Fisheries and Marine Resources",
    "Department of Fisheries",
    "Fisheries Monitoring Centre",
    "Directorate of Fisheries",
    "Maritime Administration",
    "National Fisheries Authority",
    "Office of the Registrar of Ships",
    "Fisheries Protection Service",
)

PERSON_NAMES: tuple[str, ...] = (
    "A. Moreau", "J. Tanaka", "M. Ramírez", "K. Olsen", "S. Chen", "P. Nakamura", "L. Fernández",
    "T. Haugen", "R. Singh", "E. Kowalski", "D. Ochieng", "H. Park",
)

SPECIES: tuple[tuple[str, str], ...] = (
    ("ALB", "Albacore"), ("YFT", "Yellowfin tuna"), ("BET", "Bigeye tuna"), ("SKJ", "Skipjack"),
    ("SBF", "Southern bluefin tuna"), ("SWO", "Swordfish"), ("COD", "Atlantic cod"),
    ("MAC", "Atlantic mackerel"), ("HER", "Atlantic herring"), ("WHB", "Blue whiting"),
    ("JAX", "Jack mackerel"), ("SQU", "Squid"), ("REB", "Beaked redfish"), ("PRA", "Northern prawn"),
)

MISSING_VALUE_TEXTS: tuple[str, ...] = ("-", "N/A", "n/a", "not available", "NONE", "—", "", "unknown")

OTHER_RFMOS: tuple[str, ...] = ("IOTC", "WCPFC", "ICCAT", "IATTC", "SIOFA", "CCAMLR")
