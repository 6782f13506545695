"""Layouts written for silver training data, so the model sees more than the five printed layouts:
forms captioned in other languages (alone or beside English), vessel lists written inline, pipe
tables with two-line headers, and briefing prose in English, French and Spanish.

The per-document choices (which language, which caption, which separator) are drawn once per
document, as in :mod:`oceanid_dagster.samples.layouts`.
"""

from __future__ import annotations

from oceanid_dagster.samples.layouts import (
    CLOSING_NOTICE,
    IDENTITY,
    OWNERSHIP,
    PARTICULARS,
    TABLE_FIELDS,
    DocContext,
    Layout,
    Record,
    fill_any,
)
from oceanid_dagster.samples.text import Block, Ent, Line, Segment, segment_text

LANGUAGES = ("fr", "es", "pt", "de", "it", "nl")

# Field captions as forms in each language write them (cp1252, the renderer's fonts).
FOREIGN_CAPTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "VESSEL_NAME": ("Nom du navire", "Navire", "Nom du bateau"),
        "IMO": ("Numéro OMI", "N° OMI", "OMI"),
        "MMSI": ("MMSI", "Numéro MMSI"),
        "IRCS": ("Indicatif d'appel", "Indicatif radio", "Indicatif international d'appel radio"),
        "FLAG": ("Pavillon", "État du pavillon", "Nationalité"),
        "REGISTRATION_NUMBER": ("Immatriculation", "N° d'immatriculation", "Marquage extérieur"),
        "PORT": ("Port d'attache", "Port d'immatriculation"),
        "OWNER": ("Armateur", "Propriétaire", "Exploitant"),
        "VESSEL_TYPE": ("Type de navire", "Catégorie"),
        "GEAR_TYPE": ("Engin de pêche", "Engin", "Méthode de pêche"),
        "TONNAGE": ("Jauge brute", "Tonnage brut", "Jauge"),
        "LENGTH": ("Longueur hors tout", "Longueur", "LHT"),
        "BUILD_YEAR": ("Année de construction", "Construit en"),
        "RFMO_ID": ("N° ORGP", "Identifiant ORGP"),
    },
    "es": {
        "VESSEL_NAME": ("Nombre del buque", "Buque", "Nombre de la embarcación"),
        "IMO": ("Número OMI", "N° OMI", "OMI"),
        "MMSI": ("MMSI", "Número MMSI"),
        "IRCS": ("Indicativo de llamada", "Señal de llamada", "Indicativo internacional de radio"),
        "FLAG": ("Pabellón", "Estado de pabellón", "Bandera"),
        "REGISTRATION_NUMBER": ("Matrícula", "Número de registro", "Folio"),
        "PORT": ("Puerto base", "Puerto de matrícula"),
        "OWNER": ("Armador", "Propietario", "Operador"),
        "VESSEL_TYPE": ("Tipo de buque", "Clase de buque"),
        "GEAR_TYPE": ("Arte de pesca", "Arte", "Método de pesca"),
        "TONNAGE": ("Arqueo bruto", "Tonelaje", "TRB"),
        "LENGTH": ("Eslora total", "Eslora"),
        "BUILD_YEAR": ("Año de construcción", "Año de construccion"),
        "RFMO_ID": ("N° OROP", "Registro OROP"),
    },
    "pt": {
        "VESSEL_NAME": ("Nome da embarcação", "Embarcação", "Nome do navio"),
        "IMO": ("Número IMO", "N° IMO", "OMI"),
        "MMSI": ("MMSI",),
        "IRCS": ("Indicativo de chamada", "Indicativo rádio"),
        "FLAG": ("Bandeira", "Estado de bandeira"),
        "REGISTRATION_NUMBER": ("Número de registo", "Matrícula"),
        "PORT": ("Porto de registo", "Porto de armamento"),
        "OWNER": ("Armador", "Proprietário"),
        "VESSEL_TYPE": ("Tipo de embarcação",),
        "GEAR_TYPE": ("Arte de pesca", "Aparelho"),
        "TONNAGE": ("Arqueação bruta", "Tonelagem"),
        "LENGTH": ("Comprimento fora a fora", "Comprimento"),
        "BUILD_YEAR": ("Ano de construção",),
        "RFMO_ID": ("N° ORGP",),
    },
    "de": {
        "VESSEL_NAME": ("Name des Schiffes", "Schiffsname", "Fahrzeug"),
        "IMO": ("IMO-Nummer", "IMO-Nr.", "IMO"),
        "MMSI": ("MMSI", "MMSI-Nummer"),
        "IRCS": ("Rufzeichen", "Internationales Rufzeichen", "Unterscheidungssignal"),
        "FLAG": ("Flagge", "Flaggenstaat", "Staatszugehörigkeit"),
        "REGISTRATION_NUMBER": ("Registriernummer", "Kennzeichen", "Äußere Kennzeichnung"),
        "PORT": ("Heimathafen", "Registerhafen"),
        "OWNER": ("Eigner", "Eigentümer", "Reederei"),
        "VESSEL_TYPE": ("Schiffstyp", "Fahrzeugart"),
        "GEAR_TYPE": ("Fanggerät", "Fangmethode"),
        "TONNAGE": ("Bruttoraumzahl", "BRZ", "Tonnage"),
        "LENGTH": ("Länge über alles", "Länge", "LüA"),
        "BUILD_YEAR": ("Baujahr",),
        "RFMO_ID": ("RFMO-Nr.", "Registernummer RFMO"),
    },
    "it": {
        "VESSEL_NAME": ("Nome della nave", "Nome del peschereccio", "Unità"),
        "IMO": ("Numero IMO", "N. IMO", "IMO"),
        "MMSI": ("MMSI", "Numero MMSI"),
        "IRCS": ("Nominativo internazionale", "Indicativo di chiamata", "Nominativo radio"),
        "FLAG": ("Bandiera", "Stato di bandiera", "Nazionalità"),
        "REGISTRATION_NUMBER": ("Numero di iscrizione", "Matricola", "Numero UE"),
        "PORT": ("Porto di iscrizione", "Porto di armamento"),
        "OWNER": ("Armatore", "Proprietario", "Società armatrice"),
        "VESSEL_TYPE": ("Tipo di nave", "Tipologia"),
        "GEAR_TYPE": ("Attrezzo da pesca", "Attrezzo", "Sistema di pesca"),
        "TONNAGE": ("Stazza lorda", "GT", "Stazza"),
        "LENGTH": ("Lunghezza fuori tutto", "Lunghezza", "LFT"),
        "BUILD_YEAR": ("Anno di costruzione",),
        "RFMO_ID": ("N. ORGP",),
    },
    "nl": {
        "VESSEL_NAME": ("Naam van het vaartuig", "Scheepsnaam", "Vaartuig"),
        "IMO": ("IMO-nummer", "IMO nr.", "IMO"),
        "MMSI": ("MMSI", "MMSI-nummer"),
        "IRCS": ("Roepnaam", "Internationale roepletters", "Roepletters"),
        "FLAG": ("Vlag", "Vlaggenstaat", "Nationaliteit"),
        "REGISTRATION_NUMBER": ("Registratienummer", "Visserijnummer", "Buitenmarkering"),
        "PORT": ("Thuishaven", "Haven van registratie"),
        "OWNER": ("Eigenaar", "Reder", "Exploitant"),
        "VESSEL_TYPE": ("Type vaartuig", "Scheepstype"),
        "GEAR_TYPE": ("Vistuig", "Vismethode"),
        "TONNAGE": ("Brutotonnage", "GT"),
        "LENGTH": ("Lengte over alles", "Lengte"),
        "BUILD_YEAR": ("Bouwjaar",),
        "RFMO_ID": ("ROVB-nummer",),
    },
}
FORM_TITLES = {
    "fr": ("FICHE NAVIRE", "Fiche d'identification du navire", "AUTORISATION DE PÊCHE", "Rapport d'inspection"),
    "es": ("FICHA DEL BUQUE", "Licencia de pesca", "INFORME DE INSPECCIÓN", "Registro de buques autorizados"),
    "pt": ("FICHA DA EMBARCAÇÃO", "Licença de pesca", "RELATÓRIO DE INSPEÇÃO"),
    "de": ("SCHIFFSDATENBLATT", "Fanglizenz", "Kontrollbericht", "Anlandeerklärung"),
    "it": ("SCHEDA NAVE", "Licenza di pesca", "Verbale di ispezione", "Dichiarazione di sbarco"),
    "nl": ("SCHEEPSGEGEVENS", "Visvergunning", "Inspectierapport"),
}
FORM_KEYS = ("VESSEL_NAME", *TABLE_FIELDS)

FOREIGN_PROSE = {
    "fr": (
        "Le navire {VESSEL_NAME} ([OMI|n° OMI] {IMO}, indicatif d'appel {IRCS}) bat pavillon {FLAG}.",
        "Le [navire de pêche|palangrier|senneur] {VESSEL_NAME}, [immatriculé|enregistré] à {PORT}, appartient à {OWNER}.",
        "{VESSEL_NAME} ({FLAG}) a été [inscrit|ajouté] sur la liste des navires INN le {EVENT_DATE}.",
        "L'autorisation du navire {VESSEL_NAME} est valable du {START} au {END}.",
    ),
    "es": (
        "El buque {VESSEL_NAME} ([OMI|número OMI] {IMO}, indicativo de llamada {IRCS}) enarbola pabellón de {FLAG}.",
        "El [pesquero|palangrero|cerquero] {VESSEL_NAME}, con puerto base en {PORT}, es propiedad de {OWNER}.",
        "{VESSEL_NAME} ({FLAG}) fue [incluido|añadido] en la lista de buques IUU el {EVENT_DATE}.",
        "La autorización del buque {VESSEL_NAME} es válida del {START} al {END}.",
    ),
    "pt": (
        "A embarcação {VESSEL_NAME} (IMO {IMO}, indicativo de chamada {IRCS}) arvora a bandeira de {FLAG}.",
        "O [navio|palangreiro] {VESSEL_NAME}, registado em {PORT}, pertence a {OWNER}.",
    ),
    "de": (
        "Das Fischereifahrzeug {VESSEL_NAME} (IMO {IMO}, Rufzeichen {IRCS}) fährt unter der Flagge von {FLAG}.",
        "Das Schiff {VESSEL_NAME}, Heimathafen {PORT}, gehört der Firma {OWNER}.",
        "Die Genehmigung für {VESSEL_NAME} gilt vom {START} bis zum {END}.",
    ),
    "it": (
        "Il peschereccio {VESSEL_NAME} (IMO {IMO}, nominativo {IRCS}) batte bandiera {FLAG}.",
        "La nave {VESSEL_NAME}, iscritta nel porto di {PORT}, appartiene a {OWNER}.",
        "L'autorizzazione della nave {VESSEL_NAME} è valida dal {START} al {END}.",
    ),
    "nl": (
        "Het vissersvaartuig {VESSEL_NAME} (IMO {IMO}, roepnaam {IRCS}) voert de vlag van {FLAG}.",
        "Het schip {VESSEL_NAME}, thuishaven {PORT}, is eigendom van {OWNER}.",
    ),
}


class MultilingualForm(Layout):
    """An identification form captioned in French, Spanish or Portuguese, often beside English."""

    name = "multilingual_form"
    vessels_range = (1, 2)

    def _language(self, ctx: DocContext) -> str:
        return ctx.state.setdefault("language", ctx.rng.choice(LANGUAGES))  # type: ignore[return-value]

    def _caption(self, ctx: DocContext, key: str) -> str:
        captions = ctx.state.setdefault("captions", {})
        if key not in captions:
            foreign = ctx.rng.choice(FOREIGN_CAPTIONS[self._language(ctx)][key])
            bilingual = ctx.state.setdefault("bilingual", ctx.rng.random() < 0.6)
            captions[key] = f"{foreign} / {ctx.style.caption(key)}" if bilingual else foreign
        return ctx.style.caption_case(captions[key])

    def opening(self, ctx: DocContext) -> list[Block]:
        title = ctx.rng.choice(FORM_TITLES[self._language(ctx)])
        return [Block([[title.upper() if ctx.rng.random() < 0.5 else title], [str(ctx.values["AUTHORITY"])], [""]])]

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        values = ctx.vessel_values(record)
        keys = [key for key in FORM_KEYS if key in values]
        captions = {key: self._caption(ctx, key) for key in keys}
        aligned = ctx.state.setdefault("aligned", ctx.rng.random() < 0.6)
        width = max(len(caption) for caption in captions.values()) + 2
        separator = ctx.state.setdefault("separator", ctx.rng.choice((": ", " : ", "  ", " .... ")))
        lines: list[Line] = []
        for key in keys:
            caption = captions[key]
            lines.append([caption.ljust(width) if aligned else caption + str(separator), values[key]])
        prose = fill_any(ctx.rng, FOREIGN_PROSE[self._language(ctx)], values)
        return [Block(lines + [[""]], new_page=index > 0), ctx.paragraph(prose or []), Block([[""]])]

    def closing(self, ctx: DocContext, vessel_count: int) -> list[Block]:
        return [Block([["Date: ", ctx.values["DOC_DATE"], "    Signature: ____________"]])]


# One vessel written on one line, as notices and circulars list them; {N} is the item number.
INLINE_ITEMS = (
    "{N}. {VESSEL_NAME} ({FLAG}) - IMO {IMO} - [call sign|IRCS] {IRCS}",
    "{N}) {VESSEL_NAME}, {FLAG}, IMO {IMO}, {IRCS}, {OWNER}",
    "- {VESSEL_NAME} [flag|flagged] {FLAG}; [IMO|IMO No.] {IMO}; [IRCS|call sign] {IRCS}",
    "{N}. {VESSEL_NAME} | {FLAG} | {IRCS} | {REGISTRATION_NUMBER}",
    "{N}. {VESSEL_NAME} (IMO {IMO}, MMSI {MMSI}), owned by {OWNER}",
    "* {VESSEL_NAME} [{FLAG}] reg. {REGISTRATION_NUMBER}, {VESSEL_TYPE}, {TONNAGE}",
    "{N}. {VESSEL_NAME} - {VESSEL_TYPE} - {FLAG} - {PORT}",
    "{VESSEL_NAME} (ex-{OTHER_NAME}), {FLAG}, IMO {IMO}",
    "{N}. {VESSEL_NAME}; {IRCS}; {FLAG}; {GEAR_TYPE}; {LENGTH}",
)
ANY_VESSEL_ITEM = ("{N}. {VESSEL_NAME} ({FLAG})", "{N}. {VESSEL_NAME}")


class VesselListNotice(Layout):
    """A circular listing vessels one per line (numbered, bulleted, separated by dashes, pipes or
    semicolons), between prose paragraphs."""

    name = "vessel_list_notice"
    vessels_range = (3, 25)

    def opening(self, ctx: DocContext) -> list[Block]:
        lede = fill_any(
            ctx.rng,
            (
                "CIRCULAR {REF} - The {RFMO} Secretariat [notifies|informs] Members of the following [vessels|changes to the record]:",
                "[Notice|Communication] from the {AUTHORITY}, {PLACE}, {DOC_DATE}. The following vessels [are|have been] [authorised|de-listed|placed on the IUU list]:",
                "{DOC_DATE} - [Vessels|Fishing vessels] [notified|reported] to the {RFMO_FULL}:",
            ),
            ctx.values,
        )
        return [ctx.paragraph(lede or []), Block([[""]])]

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        values = dict(ctx.vessel_values(record))
        values["N"] = str(index + 1)
        other = ctx.rng.choice(ctx.candidates)
        if other is not record and other.get("vessel_name"):
            values["OTHER_NAME"] = Ent(str(other["vessel_name"]), "VESSEL_NAME")
        template = ctx.state.setdefault("item", ctx.rng.choice(INLINE_ITEMS))
        item = (
            fill_any(ctx.rng, (str(template),), values)
            or fill_any(ctx.rng, INLINE_ITEMS, values)
            or fill_any(ctx.rng, ANY_VESSEL_ITEM, values)
        )
        indent = ctx.state.setdefault("indent", ctx.rng.choice(("", "", "   ")))
        return [ctx.paragraph(item or [], str(indent))]

    def closing(self, ctx: DocContext, vessel_count: int) -> list[Block]:
        return [Block([[""]]), ctx.paragraph(ctx.sentences((CLOSING_NOTICE,), ctx.values))]


class PipeTable(Layout):
    """A table drawn with pipes, its captions wrapped over two header lines."""

    name = "pipe_table"
    vessels_range = (4, 40)

    def _columns(self, ctx: DocContext) -> list[tuple[str, int, tuple[str, str]]]:
        if "columns" not in ctx.state:
            available = [key for key in TABLE_FIELDS if any(key in ctx.mentions(r) for r in ctx.candidates)]
            keys = ["VESSEL_NAME"] + ctx.rng.sample(available, min(len(available), ctx.rng.randint(3, 7)))
            columns = []
            for key in keys:
                caption = self._two_lines(ctx.style.caption(key))
                values = [len(segment_text(ctx.mentions(r)[key])) for r in ctx.candidates if key in ctx.mentions(r)]
                columns.append((key, max([len(caption[0]), len(caption[1]), 2] + values), caption))
            ctx.state["columns"] = columns
        return ctx.state["columns"]  # type: ignore[return-value]

    @staticmethod
    def _two_lines(caption: str) -> tuple[str, str]:
        words = caption.split(" ")
        cut = (len(words) + 1) // 2
        return " ".join(words[:cut]), " ".join(words[cut:])

    def _row(self, cells: list[list[Segment]], widths: list[int]) -> Line:
        line: Line = ["|"]
        for cell, width in zip(cells, widths):
            line += [" ", *cell, " " * (width - sum(len(segment_text(s)) for s in cell) + 1), "|"]
        return line

    def _header(self, ctx: DocContext) -> list[Line]:
        columns = self._columns(ctx)
        widths = [width for _, width, _ in columns]
        return [
            self._row([[caption[0]] for _, _, caption in columns], widths),
            self._row([[caption[1]] for _, _, caption in columns], widths),
            ["|" + "|".join("-" * (width + 2) for width in widths) + "|"],
        ]

    def opening(self, ctx: DocContext) -> list[Block]:
        title = ctx.rng.choice(("Record of vessels - extract", "AUTHORISED VESSELS", "Vessel list as at"))
        return [
            Block([[ctx.values["RFMO_FULL"]], [title, " ", ctx.values["DOC_DATE"]], [""]]),
            Block(self._header(ctx)),
        ]

    def continuation(self, ctx: DocContext) -> list[Line]:
        return self._header(ctx)

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        mentions = ctx.mentions(record)
        columns = self._columns(ctx)
        cells = [[mentions.get(key) or ctx.rng.choice(("N/A", "-", ""))] for key, _, _ in columns]
        return [Block([self._row(cells, [width for _, width, _ in columns])])]


BRIEFING = (
    "[According to|Records of] the {RFMO}, the {FLAG}-flagged {VESSEL_TYPE} {VESSEL_NAME} [changed owner|was sold] [in|during] {BUILD_YEAR}.",
    "{VESSEL_NAME}, [which|a vessel that] [flies|flew] the flag of {FLAG}, [is owned by|belongs to] {OWNER}.",
    "[AIS data|Satellite tracks] [show|showed] that {VESSEL_NAME} (MMSI {MMSI}) [switched off its transponder|went dark] near {PLACE}.",
    "The [reefer|carrier|longliner] {VESSEL_NAME}, call sign {IRCS}, [arrived in|left] {PLACE} on {EVENT_DATE}.",
    "[Its|The vessel's] IMO number, {IMO}, [links it to|matches] [earlier|previous] [sightings|reports].",
)


class BriefingProse(Layout):
    """An analyst's briefing: paragraphs of prose mentioning vessels mid-sentence, in English
    or, for some documents, French or Spanish."""

    name = "briefing_note"
    vessels_range = (1, 4)

    def opening(self, ctx: DocContext) -> list[Block]:
        heading = ctx.rng.choice(("Briefing note", "ANALYST NOTE", "Intelligence summary", "Case file summary"))
        return [Block([[heading, " - ", ctx.values["DOC_DATE"]], [""]])]

    def vessel(self, ctx: DocContext, record: Record, index: int) -> list[Block]:
        values = ctx.vessel_values(record)
        language = ctx.state.setdefault("language", ctx.rng.choice(("en", "en", "en", "fr", "es")))
        if language == "en":
            pools = (BRIEFING, IDENTITY, BRIEFING, PARTICULARS, OWNERSHIP)
        else:
            own = FOREIGN_PROSE[str(language)]
            pools = tuple((sentence,) for sentence in ctx.rng.sample(own, len(own)))
        return [ctx.paragraph(ctx.sentences(pools, values)), Block([[""]])]


VARIED_LAYOUTS: tuple[Layout, ...] = (MultilingualForm(), VesselListNotice(), PipeTable(), BriefingProse())
