"""The five document layouts: registry extract, authorisation letter, inspection report, IUU
notice and vessel certificate.

Each layout writes an opening, one part per vessel and a closing, as :class:`Block` s of lines;
the generator decides how many vessels and packs the blocks onto pages.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field

from oceanid_dagster.samples.style import Style, vessel_mentions
from oceanid_dagster.samples.text import Block, Ent, Line, Segment, line_length, segment_text, wrap
from oceanid_dagster.samples.vocabulary import AUTHORITIES, OTHER_RFMOS, PERSON_NAMES, PORTS, SPECIES

Record = dict[str, object]

_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_PLACEHOLDER = re.compile(r"\{([A-Z_0-9]+)\}")


def one_year_later(day: dt.date) -> dt.date:
    return day.replace(year=day.year + 1, day=min(day.day, 28) if day.month == 2 else day.day)


def fill(rng: random.Random, template: str, values: dict[str, Segment]) -> list[Segment] | None:
    """``"[the|a] vessel {VESSEL_NAME}"`` with values; None if a chosen placeholder has no value."""
    text = _CHOICE.sub(lambda match: rng.choice(match.group(1).split("|")), template)
    segments: list[Segment] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        value = values.get(match.group(1))
        if value is None:
            return None
        segments.extend([text[position : match.start()], value])
        position = match.end()
    segments.append(text[position:])
    return [segment for segment in segments if segment != ""]


def fill_any(rng: random.Random, templates: tuple[str, ...], values: dict[str, Segment]) -> list[Segment] | None:
    """The first of the shuffled templates whose placeholders all have values."""
    for template in rng.sample(templates, len(templates)):
        segments = fill(rng, template, values)
        if segments is not None:
            return segments
    return None


@dataclass
class DocContext:
    """What a layout needs to write one document."""

    rng: random.Random
    style: Style
    width: int
    candidates: list[Record]
    values: dict[str, Segment] = field(default_factory=dict)
    state: dict[str, object] = field(default_factory=dict)
    _mentions: dict[int, dict[str, Segment]] = field(default_factory=dict)

    def mentions(self, record: Record) -> dict[str, Segment]:
        key = id(record)
        if key not in self._mentions:
            self._mentions[key] = vessel_mentions(self.style, record)
        return self._mentions[key]

    def vessel_values(self, record: Record) -> dict[str, Segment]:
        """Document-level values plus this vessel's mentions and fresh authorisation dates."""
        start = self.style.random_date()
        end = one_year_later(start)
        return {
            **self.values,
            **self.mentions(record),
            "START": self.style.date(start),
            "END": self.style.date(end),
            "EVENT_DATE": self.style.date(self.style.random_date()),
            "OTHER_RFMO": Ent(self.rng.choice(OTHER_RFMOS), "RFMO"),
        }

    def paragraph(self, segments: list[Segment], indent: str = "") -> Block:
        return Block(wrap(segments, self.width, indent))

    def sentences(self, pools: tuple[tuple[str, ...], ...], values: dict[str, Segment]) -> list[Segment]:
        segments: list[Segment] = []
        for pool in pools:
            sentence = fill_any(self.rng, pool, values)
            if sentence:
                segments.extend(([" "] if segments else []) + sentence)
        return segments

    def key_value(self, caption_key: str, value: Segment | None, prefix: str = "") -> Line:
        caption = self.style.caption(caption_key)
        return [f"{prefix}{caption}{self.style.separator}", value if value is not None else self.style.missing()]


def document_values(rng: random.Random, style: Style) -> dict[str, Segment]:
    """Values shared by a whole document: its RFMO, place, date, issuing authority, signatory."""
    return {
        "RFMO": style.rfmo_mention(),
        "RFMO_FULL": style.rfmo_mention(full_name_share=1.0),
        "PLACE": Ent(rng.choice(PORTS), "PORT"),
        "DOC_DATE": style.date(style.random_date()),
        "AUTHORITY": rng.choice(AUTHORITIES),
        "PERSON": rng.choice(PERSON_NAMES),
        "REF": f"{rng.choice(('AUTH', 'REF', 'FL', 'DOC', 'No.'))} {rng.randint(2019, 2026)}/{rng.randint(1, 9999):04d}",
    }


# --- sentence pools ---------------------------------------------------------------------------

IDENTITY = (
    "The [fishing vessel|vessel|F/V|ship] {VESSEL_NAME} ([IMO|IMO No.|IMO number] {IMO}, [call sign|IRCS|radio call sign] {IRCS}) [is|has been] [entered on|included in|added to] the {RFMO} [record|register|list] of authorised vessels.",
    "{VESSEL_NAME}, [IMO|IMO number] {IMO}, [flies the flag of|is registered in|is flagged to] {FLAG}.",
    "[We refer to|This concerns|Reference is made to] the {VESSEL_TYPE} {VESSEL_NAME}, [flag|flag State] {FLAG}, [call sign|IRCS] {IRCS}.",
    "[The|This] [vessel|ship] {VESSEL_NAME} ({FLAG}) [bears|carries] the [call sign|international radio call sign] {IRCS}.",
    "{VESSEL_NAME}[ is a|, a] {VESSEL_TYPE} [registered|flagged] [in|to] {FLAG}[,|] [with IMO number|IMO] {IMO}.",
    "[The vessel|F/V] {VESSEL_NAME} [(flag: {FLAG})|of {FLAG}] [is concerned|is the vessel in question].",
)
PARTICULARS = (
    "[She|The vessel|It] [measures|has a length overall of|is] {LENGTH} and [is of|has a gross tonnage of|displaces] {TONNAGE}.",
    "[Built in|Constructed in|Year of build:] {BUILD_YEAR}, [the vessel|she] [is registered at|has her home port in|is based in] {PORT}.",
    "[Her|The vessel's|Its] [national registration number|registration number|official number] is {REGISTRATION_NUMBER}[ and her MMSI is {MMSI}|].",
    "[The vessel|She] [fishes with|uses|is equipped with] {GEAR_TYPE}[ and measures {LENGTH}|].",
    "{TONNAGE}, {LENGTH}, [built|year of build] {BUILD_YEAR}.",
    "[MMSI|The MMSI] {MMSI} [is assigned to the vessel|was reported by AIS].",
    "[The|Its] {RFMO} [vessel ID|record number|identifier] is {RFMO_ID}.",
)
OWNERSHIP = (
    "[The vessel is owned by|The registered owner is|Owner:|The owner of record is] {OWNER}.",
    "{OWNER} [operates|manages|charters] the vessel[ from {PLACE}|].",
    "[According to the|Per the] {OTHER_RFMO} [record|register], [the owner is|she is owned by] {OWNER}.",
)
AUTHORISATION = (
    "[The authorisation|This authorisation|The licence] [is valid|applies|runs] from {START} [to|until|through] {END}.",
    "[Authorisation period|Validity]: {START} - {END}.",
    "[It|The authorisation] [expires on|ends on|lapses on] {END}[ unless renewed|].",
    "[Fishing|Operations] [with {GEAR_TYPE}|] [is|are] [permitted|authorised] in the {RFMO} Convention Area between {START} and {END}.",
)
INCIDENT = (
    "[On|Early on] {EVENT_DATE} the vessel was [sighted|observed|detected] [fishing|transhipping|operating] [in the {RFMO} Convention Area|on the high seas|without authorisation] [by a patrol aircraft|by a coastal State patrol|by satellite].",
    "[Inspectors|Officers] [in|at] {PLACE} [boarded|inspected] {VESSEL_NAME} on {EVENT_DATE} and [found|recorded] [undeclared catch|unmarked gear|falsified logbooks].",
    "The vessel [previously|also] [appeared|was listed] on the {OTHER_RFMO} IUU [list|vessel list] [since|as of] {EVENT_DATE}.",
    "[It|The vessel] [was last reported|was last seen] [near|at|off] {PLACE} on {EVENT_DATE}.",
)
CLOSING_NOTICE = (
    "[Port States|Members and Cooperating Non-Members] are [requested|urged] to deny [port access|landing and transhipment] to the [vessels|vessels listed above].",
    "[Further information|More details] [is|are] available from the {RFMO} Secretariat.",
    "The list will be [reviewed|considered] at the next annual meeting of the {RFMO_FULL}.",
)


# --- layouts ----------------------------------------------------------------------------------


class Layout:
    name: str
    vessels_range: tuple[int, int] = (1, 2)

    def opening(self, ctx: DocContext) -> list[Block]:
        return []

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        raise NotImplementedError

    def closing(self, ctx: DocContext, vessel_count: int) -> list[Block]:
        return []

    def continuation(self, ctx: DocContext) -> list[Line]:
        return []


TABLE_FIELDS = (
    "IMO",
    "IRCS",
    "FLAG",
    "REGISTRATION_NUMBER",
    "PORT",
    "OWNER",
    "VESSEL_TYPE",
    "GEAR_TYPE",
    "TONNAGE",
    "LENGTH",
    "BUILD_YEAR",
    "MMSI",
    "RFMO_ID",
)


class RegistryExtract(Layout):
    """A multi-row, space-aligned table of one RFMO's vessels, header repeated on each page."""

    name = "registry_extract"
    vessels_range = (5, 90)

    def _columns(self, ctx: DocContext) -> list[tuple[str, int]]:
        if "columns" not in ctx.state:
            available = [key for key in TABLE_FIELDS if any(key in ctx.mentions(r) for r in ctx.candidates)]
            chosen = ctx.rng.sample(available, min(len(available), ctx.rng.randint(3, 7)))
            keys = ["VESSEL_NAME"] + chosen
            if ctx.rng.random() < 0.3:
                ctx.rng.shuffle(keys)
            if ctx.rng.random() < 0.4:
                keys.append("DATES")
            ctx.state["columns"] = [(key, self._width(ctx, key)) for key in keys]
            ctx.state["gap"] = ctx.rng.choice(("  ", "   ", " | "))
            ctx.state["numbered"] = ctx.rng.random() < 0.5
        return ctx.state["columns"]  # type: ignore[return-value]

    def _caption(self, ctx: DocContext, key: str) -> str:
        return ctx.style.caption_case("Authorised period") if key == "DATES" else ctx.style.caption(key)

    def _width(self, ctx: DocContext, key: str) -> int:
        if key == "DATES":
            sample = ctx.style.date_format(ctx.style.random_date())
            return max(len(self._caption(ctx, key)), 2 * len(sample) + 3)
        lengths = [len(segment_text(ctx.mentions(r)[key])) for r in ctx.candidates if key in ctx.mentions(r)]
        return max([len(self._caption(ctx, key)), len(ctx.style.missing())] + lengths)

    def _header(self, ctx: DocContext) -> list[Line]:
        cells = [self._caption(ctx, key).ljust(width) for key, width in self._columns(ctx)]
        gap = ctx.state["gap"]
        prefix = "No.  " if ctx.state["numbered"] else ""
        header = (prefix + str(gap).join(cells)).rstrip()
        return [[header], ["-" * len(header)]]

    def opening(self, ctx: DocContext) -> list[Block]:
        title = ctx.rng.choice(
            (
                "Record of Authorised Vessels",
                "AUTHORISED VESSEL LIST",
                "Vessel register extract",
                "List of vessels authorised to fish",
            )
        )
        lines: list[Line] = [[ctx.values["RFMO_FULL"]], [title]]
        lines.append(
            [
                ctx.rng.choice(("Extract as at ", "Status on ", "Generated ", "Data as of ")),
                ctx.style.date(ctx.style.random_date()),
            ]
        )
        return [Block(lines + [[""]]), Block(self._header(ctx))]

    def continuation(self, ctx: DocContext) -> list[Line]:
        return self._header(ctx)

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        mentions = ctx.mentions(record)
        line: Line = [f"{index + 1:<5d}"] if ctx.state["numbered"] else []
        columns = self._columns(ctx)
        for position, (key, width) in enumerate(columns):
            cell: list[Segment] = (
                self._dates_cell(ctx) if key == "DATES" else [mentions.get(key) or ctx.style.missing()]
            )
            line.extend(cell)
            if position < len(columns) - 1:
                line.append(" " * (width - sum(len(segment_text(s)) for s in cell)) + str(ctx.state["gap"]))
        return [Block([line])]

    def _dates_cell(self, ctx: DocContext) -> list[Segment]:
        start = ctx.style.random_date()
        return [ctx.style.date(start), " - ", ctx.style.date(one_year_later(start))]

    def closing(self, ctx: DocContext, vessel_count: int) -> list[Block]:
        return [
            Block([[""], [f"Total vessels listed: {vessel_count}"], ["Source: ", ctx.values["RFMO"], " Secretariat"]])
        ]


class AuthorisationLetter(Layout):
    """A flag-State letter authorising one or more vessels, in prose."""

    name = "authorisation_letter"
    vessels_range = (1, 3)

    def opening(self, ctx: DocContext) -> list[Block]:
        v = ctx.values
        head = [[str(v["AUTHORITY"]).upper()], [f"P.O. Box {ctx.rng.randint(100, 9999)}"], [""]]
        dated = ctx.rng.choice(([v["PLACE"], ", ", v["DOC_DATE"]], ["Date: ", v["DOC_DATE"]], [v["DOC_DATE"]]))
        head += [[f"Our ref.: {v['REF']}"], dated, [""]]
        subject = fill_any(
            ctx.rng,
            (
                "[Subject|Re|SUBJECT]: [Authorisation|Licence|Permit] to fish in the {RFMO} Convention Area",
                "[Subject|Re]: Inclusion of vessels in the {RFMO_FULL} record",
                "[Subject|Re]: [Authorisation|Renewal of authorisation] under {RFMO} [measures|rules]",
            ),
            v,
        )
        salutation = ctx.rng.choice(("Dear Sir or Madam,", "Dear Sirs,", "To whom it may concern,", "Dear Operator,"))
        return [Block(head), ctx.paragraph(subject or []), Block([[""], [salutation], [""]])]

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        values = ctx.vessel_values(record)
        if index == 0 and "OWNER" in values and ctx.rng.random() < 0.5:
            addressee = ctx.paragraph(
                ["[To: ", values["OWNER"], "]"] if ctx.rng.random() < 0.5 else ["Attention: ", values["OWNER"]]
            )
        else:
            addressee = Block([])
        body = ctx.sentences((IDENTITY, PARTICULARS, OWNERSHIP, AUTHORISATION), values)
        extra = ctx.sentences((PARTICULARS,), values) if ctx.rng.random() < 0.5 else []
        return [
            addressee,
            ctx.paragraph(body + ([" "] + extra if extra else []), "    " if ctx.rng.random() < 0.3 else ""),
            Block([[""]]),
        ]

    def closing(self, ctx: DocContext, vessel_count: int) -> list[Block]:
        v = ctx.values
        conditions = ctx.sentences(
            (
                (
                    "[This authorisation is subject to|The vessel(s) must comply with] the conservation and management measures of the {RFMO} and of the {OTHER_RFMO}.",
                    "[A copy of this letter|This letter] [must be kept|shall be carried] on board [at all times|during fishing operations].",
                ),
            ),
            {**v, "OTHER_RFMO": Ent(ctx.rng.choice(OTHER_RFMOS), "RFMO")},
        )
        sign = [
            [""],
            [ctx.rng.choice(("Yours faithfully,", "Sincerely,", "Yours sincerely,"))],
            [""],
            [str(v["PERSON"])],
            [f"Director, {v['AUTHORITY']}"],
        ]
        return [ctx.paragraph(conditions), Block(sign)]


class InspectionReport(Layout):
    """A port inspection form: key/value lines, an authorisations list, a catch table, free text."""

    name = "inspection_report"
    vessels_range = (1, 2)

    def opening(self, ctx: DocContext) -> list[Block]:
        v = ctx.values
        title = ctx.rng.choice(
            (
                "PORT INSPECTION REPORT",
                "Report of Port State Inspection",
                "INSPECTION REPORT (PSMA Annex C)",
                "Port State Control - Fishing Vessel Inspection",
            )
        )
        lines: list[Line] = [[title], [""], [f"Report no.{ctx.style.separator}{v['REF']}"]]
        lines.append([ctx.style.caption_case("Port of inspection"), ctx.style.separator, v["PLACE"]])
        lines.append(
            [
                ctx.style.caption_case(ctx.rng.choice(("Date of inspection", "Inspection date", "Date"))),
                ctx.style.separator,
                v["DOC_DATE"],
            ]
        )
        lines.append([ctx.style.caption_case("Inspecting authority"), ctx.style.separator, str(v["AUTHORITY"])])
        return [Block(lines + [[""]])]

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        values = ctx.vessel_values(record)
        numbered = ctx.rng.random() < 0.5
        keys = [
            "VESSEL_NAME",
            "IMO",
            "IRCS",
            "MMSI",
            "FLAG",
            "REGISTRATION_NUMBER",
            "PORT",
            "VESSEL_TYPE",
            "TONNAGE",
            "LENGTH",
            "BUILD_YEAR",
        ]
        if ctx.rng.random() < 0.6:
            keys[1:] = ctx.rng.sample(keys[1:], len(keys) - 1)
        shown = [key for key in keys if key in values or ctx.rng.random() < 0.3]
        heading = ctx.rng.choice(
            ("Vessel identification", "VESSEL DETAILS", "Particulars of the vessel", "Section {n}: Vessel")
        ).replace("{n}", str(index + 1))
        form = [[heading]] + [
            ctx.key_value(key, values.get(key), f"{n + 1}. " if numbered else "") for n, key in enumerate(shown)
        ]
        owner = [
            ctx.key_value("OWNER", values.get("OWNER")),
            ["Gear on board", ctx.style.separator, values.get("GEAR_TYPE") or ctx.style.missing()],
        ]
        authorisations = [
            ["Authorisations held:"],
            ["  ", values["RFMO"], "  ", values["START"], " to ", values["END"]],
        ]
        if ctx.rng.random() < 0.5:
            authorisations.append(
                [
                    "  ",
                    values["OTHER_RFMO"],
                    "  ",
                    ctx.style.date(ctx.style.random_date()),
                    " to ",
                    ctx.style.date(ctx.style.random_date()),
                ]
            )
        findings = ctx.sentences((INCIDENT, IDENTITY, OWNERSHIP), values)
        return [
            Block(form + [[""]]),
            Block(owner + [[""]] + authorisations + [[""]]),
            Block(self._catch_table(ctx) + [[""]]),
            Block([[ctx.rng.choice(("Inspector's comments:", "Findings", "Observations:"))]]),
            ctx.paragraph(findings),
            Block([[""]]),
        ]

    def _catch_table(self, ctx: DocContext) -> list[Line]:
        rows = [["Species          Code   Catch on board (kg)"]]
        for code, species in ctx.rng.sample(SPECIES, ctx.rng.randint(1, 5)):
            rows.append([f"{species:<17s}{code:<7s}{ctx.rng.randint(50, 250000):>12,d}"])
        return rows

    def closing(self, ctx: DocContext, vessel_count: int) -> list[Block]:
        return [
            Block(
                [
                    [f"Inspector{ctx.style.separator}{ctx.values['PERSON']}"],
                    ["Signature: ______________"],
                    ["Master's comments: none"],
                ]
            )
        ]


class IUUNotice(Layout):
    """A news-like notice about vessels put on an IUU list."""

    name = "iuu_notice"
    vessels_range = (1, 3)

    def opening(self, ctx: DocContext) -> list[Block]:
        v = ctx.values
        headline = (
            fill_any(
                ctx.rng,
                (
                    "{RFMO} [adds vessels to|updates] [its|the] IUU Vessel List",
                    "[NOTICE|Press release]: provisional IUU vessel list of the {RFMO_FULL}",
                    "[Vessels|Fishing vessels] [blacklisted|listed] for illegal fishing",
                ),
                v,
            )
            or []
        )
        lede = (
            fill_any(
                ctx.rng,
                (
                    "{PLACE}, {DOC_DATE} - The {RFMO_FULL} [has published|released] [its|an updated] list of vessels [presumed to have carried out|found engaged in] illegal, unreported and unregulated (IUU) fishing.",
                    "[{DOC_DATE}|On {DOC_DATE}], the {RFMO} Secretariat [announced|confirmed] that the following vessels [were|have been] placed on the IUU [list|vessel list].",
                ),
                v,
            )
            or []
        )
        return [
            ctx.paragraph(headline),
            Block([["=" * min(ctx.width, line_length(headline))], [""]]),
            ctx.paragraph(lede),
            Block([[""]]),
        ]

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        values = ctx.vessel_values(record)
        pools = (
            (IDENTITY, INCIDENT, PARTICULARS, OWNERSHIP, INCIDENT) if index == 0 else (IDENTITY, INCIDENT, OWNERSHIP)
        )
        return [ctx.paragraph(ctx.sentences(pools, values)), Block([[""]])]

    def closing(self, ctx: DocContext, vessel_count: int) -> list[Block]:
        return [ctx.paragraph(ctx.sentences((CLOSING_NOTICE, CLOSING_NOTICE), ctx.values))]


class VesselCertificate(Layout):
    """A registry / licence certificate, one page per vessel, particulars in two columns."""

    name = "vessel_certificate"
    vessels_range = (1, 2)

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        values = ctx.vessel_values(record)
        title = ctx.rng.choice(
            (
                "CERTIFICATE OF REGISTRY",
                "FISHING LICENCE",
                "CERTIFICATE OF AUTHORISATION TO FISH",
                "Certificate of Registration of a Fishing Vessel",
            )
        )
        issuer: Line = [values["FLAG"], " - "] if "FLAG" in values and ctx.rng.random() < 0.6 else []
        head = [
            [title.center(ctx.width).rstrip()],
            issuer + [str(values["AUTHORITY"])],
            [f"Certificate No. {ctx.rng.choice('ABCFR')}-{ctx.rng.randint(1000, 99999)}"],
            [""],
        ]
        preamble = (
            fill_any(
                ctx.rng,
                (
                    "This is to certify that the vessel described below [has been|is] [entered in the register of fishing vessels|authorised to fish] [in accordance with|under] the [Fisheries Act|regulations of the {RFMO}].",
                    "[The vessel|The ship] [described|particularised] below is [licensed|authorised] for [fishing|fishing and transhipment] in the {RFMO} area.",
                ),
                values,
            )
            or []
        )
        keys = [
            key
            for key in (
                "VESSEL_NAME",
                "IRCS",
                "IMO",
                "MMSI",
                "FLAG",
                "REGISTRATION_NUMBER",
                "PORT",
                "OWNER",
                "VESSEL_TYPE",
                "GEAR_TYPE",
                "TONNAGE",
                "LENGTH",
                "BUILD_YEAR",
                "RFMO_ID",
            )
            if key in values
        ]
        validity = (
            fill_any(
                ctx.rng,
                (
                    "[Valid|This certificate is valid] from {START} [until|to] {END}.",
                    "[Date of issue|Issued]: {DOC_DATE}    [Expiry|Valid until]: {END}",
                ),
                values,
            )
            or []
        )
        issued = (
            fill_any(
                ctx.rng,
                ("Issued at {PLACE} on {DOC_DATE}.", "[Place and date of issue|Issued]: {PLACE}, {DOC_DATE}"),
                values,
            )
            or []
        )
        return [
            Block(head, new_page=index > 0),
            ctx.paragraph(preamble),
            Block([[""]] + self._particulars(ctx, keys, values) + [[""]]),
            ctx.paragraph(validity),
            ctx.paragraph(issued),
            Block([[""], [f"({values['PERSON']})"], ["Registrar"]]),
        ]

    def _particulars(self, ctx: DocContext, keys: list[str], values: dict[str, Segment]) -> list[Line]:
        lines: list[Line] = []
        two_columns = ctx.rng.random() < 0.6
        step = 2 if two_columns else 1
        caption_width = max(len(ctx.style.caption(key)) for key in keys) + 1
        for first in range(0, len(keys), step):
            line: Line = []
            for key in keys[first : first + step]:
                if line:
                    line.append(" " * max(2, 42 - line_length(line)))
                line += [ctx.style.caption(key).ljust(caption_width) + ctx.style.separator.strip() + " ", values[key]]
            lines.append(line)
        return lines


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (RegistryExtract(), AuthorisationLetter(), InspectionReport(), IUUNotice(), VesselCertificate())
}
LAYOUT_NAMES: tuple[str, ...] = tuple(LAYOUTS)
