"""Layouts for silver training data in the shapes vessel facts travel in outside printed forms:
machine records (JSON, JSON lines, YAML, XML, key=value, CSV), tables turned on their side (one
column per vessel), forms with two fields to a line, message threads and logs written in lower case
as people type, and news articles naming vessels mid-sentence with adjectival flags.

Each also writes text that is *not* an entity where entities are expected: coordinates, speeds,
crew numbers, telephone numbers, file references, catch weights, so the model learns what a
number next to an identifier is not.
"""

from __future__ import annotations

import random

from oceanid_dagster.samples.layouts import TABLE_FIELDS, DocContext, Layout, Record, fill, one_year_later
from oceanid_dagster.samples.text import Block, Ent, Line, Segment, line_length, segment_text
from oceanid_dagster.samples.vocabulary import PERSON_NAMES, SPECIES, flag_adjective

# Field keys as exports, APIs and databases spell them; a unit in the key leaves the value a bare number.
MACHINE_KEYS: dict[str, tuple[str, ...]] = {
    "VESSEL_NAME": ("name", "vessel_name", "vesselName", "ship_name", "VesselName", "vessel"),
    "IMO": ("imo", "imo_number", "imoNo", "IMO", "imo_no", "lr_imo"),
    "MMSI": ("mmsi", "MMSI", "mmsi_number", "mmsiNo"),
    "IRCS": ("call_sign", "callsign", "ircs", "callSign", "radio_call_sign", "IRCS"),
    "FLAG": ("flag", "flag_state", "flagState", "flag_code", "nationality", "country"),
    "REGISTRATION_NUMBER": ("registration_number", "reg_no", "national_registration", "regNo", "official_number"),
    "PORT": ("port", "home_port", "port_of_registry", "homePort", "registry_port"),
    "OWNER": ("owner", "owner_name", "operator", "company", "registered_owner", "ownerName"),
    "VESSEL_TYPE": ("type", "vessel_type", "vesselType", "ship_type", "category"),
    "GEAR_TYPE": ("gear", "gear_type", "fishing_gear", "gearType", "fishing_method"),
    "TONNAGE": ("gt", "gross_tonnage", "tonnage_gt", "grt", "tonnage"),
    "LENGTH": ("loa_m", "length_m", "loa", "lengthOverall", "length"),
    "BUILD_YEAR": ("year_built", "built", "build_year", "yearOfBuild", "construction_year"),
    "RFMO_ID": ("rfmo_id", "record_id", "vessel_id", "auth_no"),
}
UNIT_IN_KEY = frozenset({"gt", "gross_tonnage", "tonnage_gt", "grt", "loa_m", "length_m", "lengthOverall"})
RECORD_FORMATS = ("json", "jsonl", "yaml", "xml", "key_value", "csv")


def bare_amount(record: Record, key: str, rng: random.Random) -> Ent | None:
    """Tonnage or length as a bare number, as a record writes it when the unit is in the key."""
    value = record.get(key.lower())
    if not isinstance(value, (int, float)) or not value:
        return None
    return Ent(f"{value:.2f}" if key == "TONNAGE" and rng.random() < 0.5 else f"{value:g}", key)


def distractors(rng: random.Random) -> dict[str, str]:
    """Numbers and codes that sit beside vessel facts and are none of them."""
    latitude, longitude = rng.uniform(-60, 60), rng.uniform(-180, 180)
    return {
        "lat": f"{latitude:.4f}",
        "lon": f"{longitude:.4f}",
        "position": f"{abs(latitude):05.2f}{'N' if latitude >= 0 else 'S'} {abs(longitude):06.2f}{'E' if longitude >= 0 else 'W'}",
        "speed": f"{rng.uniform(0, 14):.1f}",
        "course": f"{rng.randint(0, 359):03d}",
        "crew": str(rng.randint(6, 48)),
        "catch_kg": f"{rng.randint(200, 90000):,}",
        "phone": f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(100, 999)}",
        "file": f"{rng.choice(('CASE', 'INS', 'MCS', 'OBS'))}-{rng.randint(2021, 2026)}-{rng.randint(10, 9999):04d}",
        "time": f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
        "species": rng.choice(SPECIES)[1].lower(),
    }


def record_fields(ctx: DocContext, record: Record) -> list[tuple[str, Segment]]:
    """One vessel's fields in the document's key spelling and order, values as gold entities."""
    keys = ctx.state.setdefault("keys", {})
    mentions = ctx.mentions(record)
    fields: list[tuple[str, Segment]] = []
    for field_key in MACHINE_KEYS:
        if field_key not in keys:
            keys[field_key] = ctx.rng.choice(MACHINE_KEYS[field_key])  # type: ignore[index]
        name = str(keys[field_key])  # type: ignore[index]
        value = bare_amount(record, field_key, ctx.rng) if name in UNIT_IN_KEY else mentions.get(field_key)
        if value is not None:
            fields.append((name, value))
    rfmo_key = str(ctx.state.setdefault("rfmo_key", ctx.rng.choice(("rfmo", "source", "list", "authorised_by"))))
    fields.append((rfmo_key, ctx.values["RFMO"]))
    if ctx.rng.random() < 0.6:
        start = ctx.style.random_date()
        fields += [("valid_from", ctx.style.date(start)), ("valid_to", ctx.style.date(one_year_later(start)))]
    noise = distractors(ctx.rng)
    fields += [
        (key, noise[key]) for key in ctx.rng.sample(("lat", "lon", "speed", "crew", "catch_kg"), ctx.rng.randint(0, 3))
    ]
    if ctx.state.setdefault("shuffled", ctx.rng.random() < 0.3):
        rank = ctx.state.setdefault("rank", {})
        fields.sort(key=lambda field: rank.setdefault(field[0], ctx.rng.random()))  # type: ignore[union-attr]
    return fields


def _joined(items: list[list[Segment]], separator: str) -> Line:
    """The items on one line, the separator between them."""
    line: Line = []
    for position, item in enumerate(items):
        line += ([separator] if position else []) + item
    return line


def _quoted(value: Segment, quote: str) -> list[Segment]:
    return [quote, value, quote] if quote else [value]


def _is_number(value: Segment) -> bool:
    return segment_text(value).replace(".", "", 1).isdigit()


def json_lines(fields: list[tuple[str, Segment]], indent: str, one_line: bool) -> list[Line]:
    items: list[list[Segment]] = []
    for key, value in fields:
        quote = "" if _is_number(value) else '"'
        items.append([f'"{key}": ', *_quoted(value, quote)])
    if one_line:
        return [["{", *_joined(items, ", "), "}"]]
    body = [[indent + "  ", *item, "," if position < len(items) - 1 else ""] for position, item in enumerate(items)]
    return [[indent + "{"], *body, [indent + "}"]]


def yaml_lines(fields: list[tuple[str, Segment]]) -> list[Line]:
    """One record as an item of a YAML list."""
    return [[("- " if position == 0 else "  ") + f"{key}: ", value] for position, (key, value) in enumerate(fields)]


def xml_lines(fields: list[tuple[str, Segment]], element: str) -> list[Line]:
    return [[f"<{element}>"], *([f"  <{key}>", value, f"</{key}>"] for key, value in fields), [f"</{element}>"]]


def key_value_lines(fields: list[tuple[str, Segment]], separator: str, one_line: bool) -> list[Line]:
    pairs: list[Line] = [[f"{key}=", value] for key, value in fields]
    return [_joined(pairs, separator)] if one_line else pairs


def csv_row(values: list[Segment], delimiter: str) -> Line:
    def quote(value: Segment) -> str:
        text = segment_text(value)
        return '"' if delimiter in text or (delimiter == "," and " " in text) else ""

    return _joined([_quoted(value, quote(value)) for value in values], delimiter)


class StructuredRecord(Layout):
    """Vessel records as software exports them: JSON (pretty or one object a line), YAML, XML,
    key=value or CSV with a header, field names in code spelling, with coordinates and counts beside."""

    name = "structured_record"
    vessels_range = (1, 8)

    def _format(self, ctx: DocContext) -> str:
        return str(ctx.state.setdefault("format", ctx.rng.choice(RECORD_FORMATS)))

    def opening(self, ctx: DocContext) -> list[Block]:
        comment = {"yaml": "# ", "key_value": "# ", "xml": "<!-- ", "csv": "", "json": "", "jsonl": ""}[
            self._format(ctx)
        ]
        header = ctx.rng.choice(("export", "sync", "api response", "registry dump", "query result"))
        lines: list[Line] = []
        if comment and ctx.rng.random() < 0.7:
            tail = " -->" if comment == "<!-- " else ""
            lines.append(
                [f"{comment}vessel {header} ", ctx.values["DOC_DATE"], f", file {distractors(ctx.rng)['file']}{tail}"]
            )
        if self._format(ctx) == "xml":
            lines.append(["<vessels>"])
        if self._format(ctx) == "json" and ctx.rng.random() < 0.5:
            lines.append(["["])
            ctx.state["array"] = True
        return [Block(lines)] if lines else []

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        fields = record_fields(ctx, record)
        form = self._format(ctx)
        if form == "csv":
            return [Block(self._csv(ctx, fields, index))]
        if form == "jsonl":
            return [Block(json_lines(fields, "", one_line=True))]
        if form == "json":
            indent = "  " if ctx.state.get("array") else ""
            return [Block(json_lines(fields, indent, one_line=False))]
        if form == "yaml":
            return [Block(yaml_lines(fields))]
        if form == "xml":
            return [Block(xml_lines(fields, ctx.rng.choice(("vessel", "Vessel", "record"))))]
        one_line = bool(ctx.state.setdefault("one_line", ctx.rng.random() < 0.5))
        separator = str(ctx.state.setdefault("separator", ctx.rng.choice(("; ", " | ", ", ", " "))))
        return [Block(key_value_lines(fields, separator, one_line) + ([] if one_line else [[""]]))]

    def _csv(self, ctx: DocContext, fields: list[tuple[str, Segment]], index: int) -> list[Line]:
        delimiter = str(ctx.state.setdefault("delimiter", ctx.rng.choice((",", ";", "\t", "|"))))
        columns = ctx.state.setdefault("columns", [key for key, _ in fields])
        by_key = dict(fields)
        row = csv_row([by_key.get(key, "") for key in columns], delimiter)  # type: ignore[union-attr]
        return ([csv_row(list(columns), delimiter)] if index == 0 else []) + [row]  # type: ignore[arg-type]

    def closing(self, ctx: DocContext, vessel_count: int) -> list[Block]:
        form = self._format(ctx)
        if form == "xml":
            return [Block([["</vessels>"]])]
        if form == "json" and ctx.state.get("array"):
            return [Block([["]"]])]
        return [Block([[f"# {vessel_count} records"]])] if form in ("yaml", "key_value") else []


class TransposedTable(Layout):
    """A comparison table turned on its side: one row per field, one column per vessel (the vessel
    and one or two others of the list), as side-by-side comparisons and annex sheets print them."""

    name = "transposed_table"
    vessels_range = (1, 3)

    def opening(self, ctx: DocContext) -> list[Block]:
        title = ctx.rng.choice(
            (
                "Comparison of vessel particulars",
                "VESSELS COMPARED",
                "Annex - particulars side by side",
                "Side-by-side check",
            )
        )
        return [Block([[title, " (", ctx.values["DOC_DATE"], ")"], [""]])]

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        others = [other for other in ctx.candidates if other is not record]
        return self._table(ctx, [record, *ctx.rng.sample(others, min(len(others), ctx.rng.randint(1, 2)))])

    def _table(self, ctx: DocContext, records: list[Record]) -> list[Block]:
        mentions = [ctx.mentions(record) for record in records]
        keys = [key for key in TABLE_FIELDS if any(key in m for m in mentions)]
        captions = {key: ctx.style.caption(key) for key in ["VESSEL_NAME", *keys]}
        caption_width = max(len(caption) for caption in captions.values()) + 2
        cells = [[m.get(key) or ctx.style.missing() for m in mentions] for key in ["VESSEL_NAME", *keys]]
        widths = [max(len(segment_text(row[column])) for row in cells) + 3 for column in range(len(records))]
        lines: list[Line] = []
        for key, row in zip(["VESSEL_NAME", *keys], cells):
            line: Line = [captions[key].ljust(caption_width)]
            for position, (cell, width) in enumerate(zip(row, widths)):
                line += [cell] + ([" " * (width - len(segment_text(cell)))] if position < len(row) - 1 else [])
            lines.append(line)
            if key == "VESSEL_NAME":
                lines.append(["-" * (caption_width + sum(widths))])
        return [Block(lines + [[""]])]


TWO_COLUMN_PAIRS = (
    ("VESSEL_NAME", "IMO"),
    ("IRCS", "MMSI"),
    ("FLAG", "PORT"),
    ("REGISTRATION_NUMBER", "BUILD_YEAR"),
    ("VESSEL_TYPE", "GEAR_TYPE"),
    ("LENGTH", "TONNAGE"),
    ("OWNER", None),
)


class TwoColumnForm(Layout):
    """A form with two fields to a line, optionally boxed, as certificates and inspection sheets
    print them; the right-hand caption starts where the left value ends plus padding."""

    name = "two_column_form"
    vessels_range = (1, 2)

    def opening(self, ctx: DocContext) -> list[Block]:
        title = ctx.rng.choice(
            ("VESSEL PARTICULARS", "Certificate of Registry", "Inspection sheet - part A", "Fishing licence")
        )
        return [Block([[title], [ctx.values["AUTHORITY"]], [""]])]

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        values = ctx.vessel_values(record)
        boxed = bool(ctx.state.setdefault("boxed", ctx.rng.random() < 0.4))
        pairs = list(TWO_COLUMN_PAIRS)
        if ctx.rng.random() < 0.4:
            ctx.rng.shuffle(pairs)
        left_width = max(len(ctx.style.caption(left)) for left, _ in pairs) + 2 + 30
        lines: list[Line] = []
        for left, right in pairs:
            line: Line = ["| " if boxed else ""] + ctx.key_value(left, values.get(left))
            if right is not None:
                line += [" " * max(2, left_width - line_length(line))] + ctx.key_value(right, values.get(right))
            lines.append(line)
        rule = [["+" + "-" * (left_width + 30) + "+"]] if boxed else []
        return [Block(rule + lines + rule + [[""]], new_page=index > 0)]

    def closing(self, ctx: DocContext, vessel_count: int) -> list[Block]:
        return [Block([["Issued at ", ctx.values["PLACE"], " on ", ctx.values["DOC_DATE"]]])]


# Informal sentences, as people type them in e-mails, chats and logs.
CASUAL = (
    "[the|that] {VESSEL_TYPE} [we saw|spotted|we boarded] [is|was] {VESSEL_NAME}, {FLAG} flag",
    "{VESSEL_NAME} [imo|IMO] {IMO}, [call sign|c/s|cs] {IRCS}",
    "[mmsi|MMSI] {MMSI} [is|= ] {VESSEL_NAME}[ ({FLAG})|]",
    "{VESSEL_NAME} [registered|reg'd] in {PORT}, owner {OWNER}",
    "[she's|it's] about {LENGTH} [and|,] {TONNAGE}",
    "{VESSEL_NAME} [fishing|working|setting] {GEAR_TYPE} [near|off] {PLACE} since {EVENT_DATE}",
    "[reg no|reg. number|registration] {REGISTRATION_NUMBER}, built {BUILD_YEAR}",
    "[checked|matched] against the {RFMO} [list|record]: {VESSEL_NAME} ok",
    "{FLAG} [vessel|boat] {VESSEL_NAME} [went dark|switched off ais] at {TIME} [near|by] {POSITION}",
    "[crew|pob] {CREW}, [speed|sog] {SPEED} kn, heading {COURSE}",
)


def casual_values(ctx: DocContext, record: Record, lower: bool) -> dict[str, Segment]:
    values = dict(ctx.vessel_values(record))
    noise = distractors(ctx.rng)
    values |= {
        "TIME": noise["time"],
        "POSITION": noise["position"],
        "CREW": noise["crew"],
        "SPEED": noise["speed"],
        "COURSE": noise["course"],
    }
    if lower:
        values = {
            key: Ent(value.text.lower(), value.label) if isinstance(value, Ent) else value.lower()
            for key, value in values.items()
        }
    return values


def clock(ctx: DocContext) -> str:
    """The next time stamp of a log: minutes to hours after the last one."""
    minutes = int(ctx.state.get("clock", ctx.rng.randint(0, 600))) + ctx.rng.randint(1, 90)
    ctx.state["clock"] = minutes
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


class MessageThread(Layout):
    """E-mails, chats and watch logs: headers or time stamps, short sentences, often all lower case
    (names and call signs too), with positions, speeds and crew counts between the facts."""

    name = "message_thread"
    vessels_range = (1, 4)

    def opening(self, ctx: DocContext) -> list[Block]:
        kind = str(ctx.state.setdefault("kind", ctx.rng.choice(("email", "chat", "log"))))
        ctx.state["lower"] = ctx.rng.random() < 0.5
        if kind != "email":
            heading = ctx.rng.choice(("watch log", "ops channel", "MCS desk chat", "bridge log", "radio log"))
            return [Block([[heading, " - ", ctx.values["DOC_DATE"]], [""]])]
        sender, recipient = ctx.rng.sample(PERSON_NAMES, 2)
        subject = ctx.rng.choice(
            ("re: vessel check", "fwd: sighting", "question on a licence", "urgent - boarding tomorrow")
        )
        return [
            Block(
                [
                    [f"From: {sender}"],
                    [f"To: {recipient}"],
                    ["Date: ", ctx.values["DOC_DATE"]],
                    [f"Subject: {subject}"],
                    [""],
                    ["hi,"],
                    [""],
                ]
            )
        ]

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        values = casual_values(ctx, record, bool(ctx.state["lower"]))
        templates = ctx.rng.sample(CASUAL, ctx.rng.randint(3, 5))
        sentences = [fill(ctx.rng, template, values) for template in templates]
        kind = ctx.state["kind"]
        lines: list[Line] = []
        for sentence in filter(None, sentences):
            if kind == "email":
                lines.append(sentence + ["."])
                continue
            stamp = clock(ctx)
            who = ctx.rng.choice(PERSON_NAMES) + ": " if kind == "chat" else ""
            lines.append([f"[{stamp}] {who}" if kind == "chat" else f"{stamp.replace(':', '')}Z  ", *sentence])
        if kind == "email":
            return [ctx.paragraph([segment for line in lines for segment in (line + [" "])]), Block([[""]])]
        return [Block(lines)]

    def closing(self, ctx: DocContext, vessel_count: int) -> list[Block]:
        if ctx.state["kind"] == "email":
            return [
                Block(
                    [
                        [""],
                        ["thanks,"],
                        [ctx.rng.choice(PERSON_NAMES).split(" ")[-1].lower()],
                        [f"tel {distractors(ctx.rng)['phone']}"],
                    ]
                )
            ]
        return [Block([["end of log"]])]


# Each pool: alternatives from the most to the least a record must hold; the lede comes first.
NEWS_LEDE = (
    "The {FLAG_ADJECTIVE}-flagged {VESSEL_TYPE} {VESSEL_NAME} was [detained|boarded|inspected] in {PLACE} on {EVENT_DATE}.",
    "The {FLAG_ADJECTIVE}-flagged [vessel|fishing vessel|ship] {VESSEL_NAME} was [detained|boarded|inspected] [in|off] {PLACE} on {EVENT_DATE}.",
    "{VESSEL_NAME}, a {FLAG_ADJECTIVE} [vessel|boat|fishing vessel], was [escorted into|turned away from] {PLACE} on {EVENT_DATE}.",
    "[The fishing vessel|The vessel|Fishing boat] {VESSEL_NAME} was [detained|boarded] on {EVENT_DATE}.",
)
NEWS_BODY = (
    (
        "[Officials|Inspectors|The authorities] said the {LENGTH_COMPOUND} vessel, [registered to|owned by|operated by] {OWNER}, [had|carried] {CATCH} kg of {SPECIES} on board.",
        "The {LENGTH_COMPOUND} [vessel|boat] [had|carried] {CATCH} kg of {SPECIES} [on board|in its holds].",
        "[Inspectors|Officers] found {CATCH} kg of {SPECIES} [on board|that had not been declared].",
    ),
    (
        "{VESSEL_NAME} ([IMO|IMO number] {IMO}) [had been|was] [listed|blacklisted] by the {RFMO} [since|in] {BUILD_YEAR}.",
        "[The ship|It] [appears|is listed] on the {RFMO} [record|list] under IMO number {IMO}.",
        "[The ship|It] [is not|was not] [authorised|on the authorised list] of the {RFMO}.",
    ),
    (
        "[According to|Data from] [tracking|AIS] [records|data], the [ship|vessel] (MMSI {MMSI}, call sign {IRCS}) [turned off|disabled] its transponder for {CREW} hours.",
        "[Its|The vessel's] call sign, {IRCS}, [was heard|was logged] on [VHF|the radio] [shortly before|{CREW} hours before] the boarding.",
        "[Tracking data|AIS] [for|from] MMSI {MMSI} [shows|showed] [a gap|gaps] of {CREW} hours.",
    ),
    (
        "The {FLAG_ADJECTIVE} {VESSEL_TYPE}, [which fishes with|using] {GEAR_TYPE}, [is|was] [based|registered] in {PORT}.",
        "[The vessel|It] [uses|was rigged for] {GEAR_TYPE}[ and is registered in {PORT}|].",
        "[The vessel|It] [is|was] registered in {PORT} under number {REGISTRATION_NUMBER}.",
        "[The vessel|It] [flies|flew] the flag of {FLAG}.",
    ),
    (
        "[Her|The vessel's] owner, {OWNER}, [declined to comment|did not respond to requests for comment].",
        "{OWNER}[, which owns the vessel,| ] [declined to comment|could not be reached].",
        "[Her|The] crew of {CREW} [were|was] [questioned|released] on {EVENT_DATE}.",
    ),
    (
        "[Built in|Launched in] {BUILD_YEAR}, {VESSEL_NAME} [measures|is] {LENGTH} and [is rated at|has a gross tonnage of] {TONNAGE}.",
        "[The vessel|She] [measures|is] {LENGTH}[ and {TONNAGE}|].",
        "[The vessel|She] [was built in|dates from] {BUILD_YEAR}.",
    ),
    ("A [spokesperson|spokesman] for the {AUTHORITY} [said|confirmed] the case [file|number] was {FILE}.",),
)


class NewsArticle(Layout):
    """A news story: headline, dateline, prose naming vessels with adjectival flags ("the
    Panamanian-flagged reefer"), compound lengths ("the 45-metre longliner") and quoted officials."""

    name = "news_article"
    vessels_range = (1, 3)

    def opening(self, ctx: DocContext) -> list[Block]:
        headline = ctx.rng.choice(
            (
                "Fishing vessel detained after patrol",
                "Crackdown on illegal fishing continues",
                "Reefer turned away from port",
                "Patrol boards suspected IUU vessel",
            )
        )
        place = ctx.values["PLACE"]
        dateline = [
            Ent(place.text.upper(), place.label) if isinstance(place, Ent) else place,
            ", ",
            ctx.values["DOC_DATE"],
            " - ",
        ]
        ctx.state["dateline"] = dateline
        return [Block([[headline], [""]])]

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        values = dict(ctx.vessel_values(record))
        noise = distractors(ctx.rng)
        values |= {
            "CATCH": noise["catch_kg"],
            "SPECIES": noise["species"],
            "CREW": noise["crew"],
            "FILE": noise["file"],
        }
        adjective = flag_adjective(str(record.get("flag") or ""))
        if adjective:
            values["FLAG_ADJECTIVE"] = Ent(adjective, "FLAG")
        length = record.get("length")
        if isinstance(length, (int, float)) and length:
            values["LENGTH_COMPOUND"] = Ent(f"{length:.0f}-{ctx.rng.choice(('metre', 'meter', 'm'))}", "LENGTH")
        body = ctx.sentences((NEWS_LEDE, *ctx.rng.sample(NEWS_BODY, ctx.rng.randint(3, len(NEWS_BODY)))), values)
        opening = ctx.state.pop("dateline", [])
        return [ctx.paragraph(list(opening) + body), Block([[""]])]


RECORD_LAYOUTS: tuple[Layout, ...] = (
    StructuredRecord(),
    TransposedTable(),
    TwoColumnForm(),
    MessageThread(),
    NewsArticle(),
)
