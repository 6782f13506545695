"""Per-document writing style: how captions, dates, units, flags and casing are written.

A document keeps one style throughout (as real documents do); styles differ between documents.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from oceanid_dagster.samples.text import Ent, Segment
from oceanid_dagster.samples.vocabulary import (
    FIELD_CAPTIONS,
    FLAG_CODES,
    FLAG_NAMES,
    MISSING_VALUE_TEXTS,
    RFMO_NAMES,
    flag_adjective,
)


def ordinal_suffix(day: int) -> str:
    return "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


DATE_FORMATS: tuple[Callable[[dt.date], str], ...] = (
    lambda d: d.strftime("%d %b %Y"),
    lambda d: d.isoformat(),
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: d.strftime("%B %d, %Y").replace(" 0", " "),
    lambda d: d.strftime("%d-%b-%y").upper(),
    lambda d: d.strftime("%d.%m.%Y"),
    lambda d: f"{d.day} {d:%B %Y}",
    lambda d: d.strftime("%Y/%m/%d"),
    lambda d: f"{d:%b} {d.day}, {d.year}",
    lambda d: d.strftime("%d-%b-%Y"),
    lambda d: f"{d.day}{ordinal_suffix(d.day)} {d:%B %Y}",
    lambda d: f"{d.day}.{d.month}.{d.year}",
)


def _amount(value: float, decimals: int, thousands: bool) -> str:
    if value < 10 and value != int(value):
        return f"{value:g}"
    return f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"


TONNAGE_FORMATS: tuple[Callable[[float], str], ...] = (
    lambda t: f"{_amount(t, 0, True)} GT",
    lambda t: f"{_amount(t, 2, False)} GT",
    lambda t: f"{_amount(t, 0, True)} gross tonnes",
    lambda t: f"GT {_amount(t, 0, False)}",
    lambda t: f"{_amount(t, 0, True)} GRT",
    lambda t: f"{_amount(t, 1, True)} t",
    lambda t: f"{_amount(t, 0, False)} tons",
    lambda t: f"{_amount(t, 0, False)} gt",
    lambda t: f"{_amount(t, 0, False)} grt",
)

LENGTH_FORMATS: tuple[Callable[[float], str], ...] = (
    lambda m: f"{m:g} m",
    lambda m: f"{m:.2f} m",
    lambda m: f"{m:g}m",
    lambda m: f"{m:g} metres",
    lambda m: f"{m:.1f} meters",
    lambda m: f"{m * 3.28084:.1f} ft",
    lambda m: f"{m:g} M",
    lambda m: f"{m:.2f}m",
)


def _word_case(change: Callable[[str], str]) -> Callable[[str], str]:
    """Apply ``change`` to each word but leave acronyms (IMO, MMSI, GT) alone."""
    return lambda text: " ".join(word if word.isupper() else change(word) for word in text.split(" "))


CAPTION_CASES: tuple[Callable[[str], str], ...] = (
    lambda s: s,
    str.upper,
    _word_case(str.lower),
    _word_case(str.capitalize),
)

# How a document writes flags: as its source list does, as ISO codes, as names, now and then as adjectives.
FLAG_FORMS = ("as_listed", "code", "name") * 3 + ("adjective",)

SEPARATORS: tuple[str, ...] = (": ", " : ", ":  ", " - ", " .... ", "  ")


@dataclass
class Style:
    """One document's choices; every method draws from the document's own ``rng``."""

    rng: random.Random
    rfmo: str
    date_format: Callable[[dt.date], str]
    tonnage_format: Callable[[float], str]
    length_format: Callable[[float], str]
    caption_case: Callable[[str], str]
    separator: str
    flag_form: str
    title_case_names: bool
    title_case_owners: bool
    lower_case_types: bool
    missing_text: str
    captions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def draw(cls, rng: random.Random, rfmo: str) -> Style:
        return cls(
            rng=rng,
            rfmo=rfmo,
            date_format=rng.choice(DATE_FORMATS),
            tonnage_format=rng.choice(TONNAGE_FORMATS),
            length_format=rng.choice(LENGTH_FORMATS),
            caption_case=rng.choice(CAPTION_CASES),
            separator=rng.choice(SEPARATORS),
            flag_form=rng.choice(FLAG_FORMS),
            title_case_names=rng.random() < 0.15,
            title_case_owners=rng.random() < 0.35,  # registries shout company names; letters and news do not
            lower_case_types=rng.random() < 0.4,
            missing_text=rng.choice(MISSING_VALUE_TEXTS),
        )

    def caption(self, key: str) -> str:
        """The document's phrasing of a field caption, fixed on first use."""
        if key not in self.captions:
            self.captions[key] = self.caption_case(self.rng.choice(FIELD_CAPTIONS[key]))
        return self.captions[key]

    def date(self, day: dt.date) -> Ent:
        return Ent(self.date_format(day), "DATE")

    def random_date(self, start: dt.date = dt.date(2022, 1, 1), days: int = 1460) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange(days))

    def rfmo_mention(self, acronym: str | None = None, full_name_share: float = 0.3) -> Ent:
        acronym = acronym or self.rfmo
        use_full = acronym in RFMO_NAMES and self.rng.random() < full_name_share
        return Ent(RFMO_NAMES[acronym] if use_full else acronym, "RFMO")

    def flag(self, flag: str) -> str:
        if self.flag_form == "adjective" and (adjective := flag_adjective(flag)):
            return adjective
        if self.flag_form == "code" and flag in FLAG_CODES:
            return FLAG_CODES[flag]
        if self.flag_form == "name" and flag in FLAG_NAMES:
            return FLAG_NAMES[flag]
        return flag

    def vessel_type(self, value: str) -> str:
        parts = value.split(" - ")
        if len(parts) > 1 and "," not in value:
            # RFMO classes read "Liners - Handliners"; documents mostly write the last part.
            value = self.rng.choice((value, " - ".join(parts[1:]), parts[-1], parts[-1]))
        return value.lower() if self.lower_case_types else value

    def missing(self) -> str:
        return self.missing_text


def _printable(text: str) -> bool:
    """The PDF renderer's standard fonts only have the cp1252 characters."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return "\ufffd" not in text


def record_is_printable(record: dict[str, object]) -> bool:
    return all(_printable(value) for value in record.values() if isinstance(value, str))


UPPER_LEGAL_FORMS = frozenset(
    {"AS", "ASA", "SA", "AB", "BV", "NV", "LLC", "PLC", "EHF", "SL", "SRL", "SPA", "JSC", "LLP"}
)
SMALL_WORDS = frozenset({"DE", "DA", "DO", "DOS", "DEL", "DI", "LA", "EL", "Y", "E", "AND", "OF", "THE"})


def company_title(name: str) -> str:
    """``DONGWON FISHERIES CO., LTD.`` as a letter writes it: ``Dongwon Fisheries Co., Ltd.``; legal
    forms usually printed in capitals (AS, S.A., LLC) stay so, joining words go lower case."""
    words = []
    for word in name.split(" "):
        core = word.strip(".,()&-")
        if core in SMALL_WORDS:
            word = word.lower()
        elif core.isalpha() and core.isupper() and core not in UPPER_LEGAL_FORMS:
            word = word.replace(core, core.capitalize(), 1)
        words.append(word)
    return " ".join(words)


def vessel_mentions(style: Style, record: dict[str, object]) -> dict[str, Segment]:
    """How this document writes each known field of a vessel, as gold entities."""
    mentions: dict[str, Segment] = {}

    def put(key: str, label: str, text: str | None) -> None:
        if text:
            mentions[key] = Ent(re.sub(r"\s+", " ", text).strip(), label)

    name = record["vessel_name"]
    put("VESSEL_NAME", "VESSEL_NAME", str(name).title() if style.title_case_names and name else name)
    for key in ("IMO", "MMSI", "IRCS", "GEAR_TYPE"):
        value = record[key.lower()]
        put(key, key, style.vessel_type(value) if key == "GEAR_TYPE" and value else value)
    owner = record["owner"]
    put("OWNER", "OWNER", company_title(str(owner)) if style.title_case_owners and owner else owner)
    put("FLAG", "FLAG", style.flag(record["flag"]) if record["flag"] else None)
    put("REGISTRATION_NUMBER", "REGISTRATION_NUMBER", record["registration_number"])
    put("PORT", "PORT", record["port"])
    put("VESSEL_TYPE", "VESSEL_TYPE", style.vessel_type(record["vessel_type"]) if record["vessel_type"] else None)
    put("TONNAGE", "TONNAGE", style.tonnage_format(record["tonnage"]) if record["tonnage"] else None)
    put("LENGTH", "LENGTH", style.length_format(record["length"]) if record["length"] else None)
    put("BUILD_YEAR", "BUILD_YEAR", str(record["build_year"]) if record["build_year"] else None)
    # CCSBT and NPFC publish real vessel ids; the others' ids are made up by normalisation.
    if record["source"] in ("CCSBT", "NPFC"):
        put("RFMO_ID", "REGISTRATION_NUMBER", record["source_vessel_id"])
    return mentions
