"""Field keys: the phrases that label a value ("IMO No.", "Flag State", "Call sign") and table column headers."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Labels whose values have a strict shape, so "IMO 9086758" needs no colon to count as a field.
# FLAG too: its value must be a country, so "flag Japan," is a field.
STRICT_LABELS = frozenset({"IMO", "MMSI", "IRCS", "TONNAGE", "LENGTH", "BUILD_YEAR", "REGISTRATION_NUMBER", "FLAG"})

_RFMO_ACRONYMS = (
    "IOTC",
    "WCPFC",
    "ICCAT",
    "IATTC",
    "CCSBT",
    "NAFO",
    "NEAFC",
    "NPFC",
    "SPRFMO",
    "SIOFA",
    "CCAMLR",
    "GFCM",
    "SEAFO",
    "NASCO",
    "CCBSP",
    "SPRFMO",
    "APFIC",
    "WECAFC",
    "CECAF",
    "RECOFI",
    # the same bodies' acronyms in French and Spanish
    "CTOI",  # IOTC
    "CICTA",  # ICCAT (fr)
    "CICAA",  # ICCAT (es)
    "CIAT",  # IATTC
    "CPANE",  # NEAFC
    "OPANO",  # NAFO
    "CCRVMA",  # CCAMLR
    "CGPM",  # GFCM
    "OROP-PS",  # SPRFMO
    "ORP-PS",  # SPRFMO (fr)
)
_RFMO_NAMES = (
    "Indian Ocean Tuna Commission",
    "Western and Central Pacific Fisheries Commission",
    "International Commission for the Conservation of Atlantic Tunas",
    "Inter-American Tropical Tuna Commission",
    "Commission for the Conservation of Southern Bluefin Tuna",
    "Northwest Atlantic Fisheries Organization",
    "North-East Atlantic Fisheries Commission",
    "North East Atlantic Fisheries Commission",
    "North Pacific Fisheries Commission",
    "South Pacific Regional Fisheries Management Organisation",
    "Southern Indian Ocean Fisheries Agreement",
    "Commission for the Conservation of Antarctic Marine Living Resources",
    "General Fisheries Commission for the Mediterranean",
    "South East Atlantic Fisheries Organisation",
)
_OCR_I = "[I1l|!‘’']"
_OCR_O = "[O0]"
_NUMBER_WORD = r"(?:N[o0]|Nr|Number|Nummer|N[uú]mero|Num|ID|#)\b\.?"
_RFMO_ALT = "|".join(sorted(set(_RFMO_ACRONYMS), key=lambda name: (-len(name), name)))  # longest first

# (label or None for fields whose value is not an entity, key phrase). Earlier phrases win where two
# start at the same place, so longer and "not an entity" phrases come first.
# Keys read only where they open a line (fields.py): "Name ...... FU YUAN YU 7880", "Ship        BEITIR",
# "Navire : ..." (or as a record's quoted "name").
LINE_START_KEYS = frozenset({"name", "ship", "navire", "buque"})

FIELD_KEYS: tuple[tuple[str | None, str], ...] = (
    (None, r"(?:registered\s+)?owner(?:'s)?\s+(?:address|country|nationality|contact|e-?mail|tel(?:ephone)?)"),
    (None, r"operator(?:'s)?\s+(?:address|country|nationality|contact|e-?mail|tel(?:ephone)?)"),
    (
        None,
        r"(?:name\s+of\s+(?:the\s+)?master|master\s+of\s+(?:the\s+)?(?:fishing\s+|carrier\s+|receiving\s+)?(?:vessel|ship)|"
        r"master(?:'s)?(?:\s+name)?(?:\s+and\s+nationality)?|"
        r"captain|nationality\s+of\s+(?:the\s+)?master)",
    ),
    (None, r"port\s+state(?:\s+authority)?|flag\s+state\s+authority|authorising\s+entity|issuing\s+authority"),
    (
        None,
        r"(?:e-?mail|tel(?:ephone)?|phone|fax|address|remarks|comments|signature|"
        r"species|crew|area|position|page|ref(?:erence)?\s*(?:No)?\.?)",
    ),
    (
        None,
        r"(?:date(?:\s+of\s+(?:inspection|issue|sighting|entry|report)|(?!\s+of\s+(?:build|construction)))|valid\s+(?:from|"
        r"until|to)|period|authori[sz]ed\s+(?:from|to|until)|start\s+date|end\s+date)",
    ),
    (
        None,
        r"(?:engine\s+power|power|hold\s+capacity|freezing\s+capacity|beam|breadth|depth|draught|draft|manga|puntal|calado)",
    ),
    (None, r"voyage(?:\s+{_NUMBER_WORD})?"),
    (
        "IMO",
        rf"(?:LR\s*/\s*|Lloyd'?s(?:\s+register)?\s*(?:/\s*)?)?{_OCR_I}M{_OCR_O}(?:\s+ship)?(?:\s+identification)?(?:[\s\-]*{_NUMBER_WORD})?",
    ),
    (
        "IMO",
        rf"(?:(?:num[eé]ro|n[°º]\.?)\s+)?OMI|ship\s+identification\s+{_NUMBER_WORD}|"
        rf"Lloyd'?s(?:\s+register)?\s*{_NUMBER_WORD}",
    ),
    ("MMSI", rf"MMS{_OCR_I}(?:[\s\-]*{_NUMBER_WORD})?"),
    (
        "IRCS",
        rf"(?:international\s+)?(?:radio\s+)?ca[l1I|]{{2}}[\s\-]*s[i1l]gn(?:\s*{_NUMBER_WORD})?|"
        rf"IRC[S5](?:\s*{_NUMBER_WORD})?|I\.R\.C\.S\.?|callsign|(?:radio\s+)?call\s+signal|signal\s+letters|call\s+letters|"
        r"code\s+letters|c/s|cs|distinctive\s+(?:number\s+or\s+)?(?:letters|signal)|"
        r"indicatif(?:\s+d['’]appel)?(?:\s+radio)?|indicativo(?:\s+de\s+(?:llamada|chamada))?(?:\s+de\s+radio)?|"
        r"se(?:[ñn]|fi)al\s+(?:distintiva\s+)?de\s+llamada|distintivo\s+de\s+llamada|"  # OCR reads ñ as "fi"
        r"indicativo\s+(?:internacional(?:\s+de\s+radio)?|di\s+chiamata|r[aá]dio)|"
        # German, Dutch, Italian
        r"(?:internationales\s+)?rufzeichen|unterscheidungssignal|roepnaam|(?:internationale\s+)?roepletters|"
        r"nominativo(?:\s+(?:internazionale|radio))?|"
        # Norwegian, Danish, Swedish
        r"(?:radio)?kall?e?signal|(?:radio)?kaldesignal|anropssignal|kall[ie]?merki",
    ),
    (
        "REGISTRATION_NUMBER",
        rf"(?:{_RFMO_ALT}|RFMO)\s+(?:regist(?:ration|ry|er)\s*(?:number|{_NUMBER_WORD})|"
        rf"record\s+(?:number|{_NUMBER_WORD})|vessel\s+ID|VID|serial\s+{_NUMBER_WORD}|"
        rf"ID|{_NUMBER_WORD})",
    ),
    (
        "REGISTRATION_NUMBER",
        rf"(?:national\s+|official\s+)?regist(?:ration|ry|er)\s*{_NUMBER_WORD}|(?:national\s+)?registration|"
        rf"reg\.?\s*{_NUMBER_WORD}|(?:number|no\.?)\s+of\s+regist(?:ration|ry)|registered\s+{_NUMBER_WORD}|"
        # "reg. 8391" in lower case (a capital "Reg. 1224/2009" is a regulation)
        r"(?-i:reg)\.(?=[ \t]*\d)",
    ),
    (
        "REGISTRATION_NUMBER",
        rf"WIN|UVI|CFR|vessel\s+(?:ID|number|{_NUMBER_WORD})|"
        rf"(?:fishing\s+)?(?:licen[cs]e|authori[sz]ation|permit)(?!\s+holder)(?:\s*{_NUMBER_WORD})?|"
        rf"official\s+(?:number|{_NUMBER_WORD})|ext(?:ernal|\.)?\s*(?:markings?|marks?|ID|identification)|side\s+(?:number|{_NUMBER_WORD})|"
        r"(?:boat|hull)\s+mark(?:s|ings?)?|"
        rf"port\s+(?:letters|marks?)(?:\s*(?:/|&|and)\s*(?:{_NUMBER_WORD}|numbers?))?|PLN|"
        r"(?:num[eé]ro\s+d['’])?immatriculation|matr[ií]cula|matricola|"
        r"marcatura\s+esterna|registriernummer|kennzeichen|[aä]u(?:ß|ss)ere\s+kennzeichnung|numero\s+di\s+iscrizione|numero\s+UE|"
        r"registratienummer|visserijnummer|buitenmarkering|n[uú]mero\s+de\s+registo|"
        r"registreringsmerke|registreringsnummer|fiskerimerke|distriktsbeteckning|skr[aá]setingarmerki|"
        r"kendingsbogstaver|kendingsnummer|tanda\s+selar|marking|"
        r"skipaskr[aá]rn[uú]mer|umd[aæ]misn[uú]mer",
    ),
    (
        "VESSEL_NAME",
        r"name(?:\s+and\s+(?:type|IMO\s+(?:number|No\.?)))?\s+of\s+(?:the\s+)?(?:fishing\s+|receiving\s+|donor\s+|catching\s+)?"
        r"(?:vessel|ship|boat|carrier|reefer)|(?:fishing\s+)?(?:vessel|"
        r"boat)(?:'s)?\s+name|ship(?:'s)?\s+name|name\s+(?:on|painted\s+on)\s+(?:the\s+)?hull|"
        r"[FM]/?V\s+name|nom\s+du\s+(?:navire|bateau)|nombre\s+del\s+(?:buque|barco)|"
        r"name\s+des\s+(?:fischerei)?(?:schiffes|fahrzeugs|fahrzeuges)|schiffsname|naam\s+(?:schip|vaartuig)|nome\s+(?:della\s+nave|del\s+peschereccio|do\s+navio)|"
        r"nome\s+da\s+embarca[cç][aã]o|nombre\s+de\s+la\s+embarcaci[oó]n|naam\s+van\s+het\s+vaartuig|scheepsnaam|"
        r"(?:fart[øo]yets|fart[øo]jets|fartygets|skipets|skibets)\s+navn|fartygets\s+namn|fart[øo]ynavn|"
        r"skips?navn|nafn\s+skips|nombre\s+de\s+la\s+nave|embarcaci[oó]n|embarca[cç][aã]o",
    ),
    # "Vessel type" and "Vessel flag" are the type's and the flag's keys
    (
        "VESSEL_NAME",
        r"(?:previous|former|current|present)\s+(?:vessel\s+)?names?|vessel(?!\s+(?:type|category|flag)\b)|VSL",
    ),
    (
        "PORT",
        r"(?:intended\s+|last\s+|next\s+|previous\s+)?port\s+of\s+(?:registry|registration|register|reg[il]stry|"
        r"reg\.?|landing|inspection|call|entry|departure|arrival(?:\s*/\s*departure)?|loading|discharge|discharging|"
        r"unloading|shipment|destination|embarkation|disembarkation)|home\s*port|registered\s+port|"
        r"base\s+port|lying\s+(?:at|in)|"
        r"porto\s+de\s+escala(?:\s+pretendido)?|puerto\s+de\s+(?:escala|inspecci[oó]n|desembarque)|"
        r"porto\s+di\s+(?:sbarco|scalo)|"
        r"(?:port\s*(?:/|or)\s*)?(?:place|location)\s+of\s+(?:issue|inspection|landing|transhipment|transshipment|"
        r"registration|registry|detention|delivery|bunkering)|"
        r"destination|puerto\s+de\s+registro|"
        r"port\s+d['’]attache|puerto\s+(?:base|de\s+matr[ií]cula)|heimathafen|registerhafen|"
        r"porto\s+d[ie]\s+(?:iscrizione|armamento|registo|inscri[cç][aã]o)|thuishaven|haven\s+van\s+registratie|"
        r"hjemm?e?havn|hemmahamn|heimsta[ðd]ur|heimah[öo]fn|port|puerto|porto",
    ),
    (
        "OWNER",
        r"(?:registered\s+|beneficial\s+|former\s+|previous\s+|vessel\s+|ship\s*)?owner(?:s|'s)?(?:\s*/\s*(?:operator|opr))?"
        r"(?:\s+name)?|"
        r"operators?(?:\s+name)?|(?:ship\s+)?manager|charterers?|"
        r"(?:owning|operating|management|fishing)\s+company|company(?:\s+name)?|"
        r"armateur|armador|propri[eé]taire|propietario|armatore|propriet[aá]rio|societ[aà]\s+armatrice|"
        r"(?:name\s+of\s+(?:the\s+)?)?assured|"  # an insurance policy's assured is the vessel's owner
        # a sale's sellers and buyers, a licence's or permit's holder
        r"sellers?|buyers?|(?:licen[cs]e|permit|authori[sz]ation)\s+holder|"
        r"eigner|eigent[uü]mer|reederei|(?:lizenz|erlaubnis)?inhaber|eigenaar|reder|eier|ejer|[äa]gare|rederi|eigari|eigandi|"
        r"reia[ðd]i|[uú]tger[ðd]arfelag",
    ),
    (
        "FLAG",
        r"(?:current\s+|previous\s+|former\s+|last\s+)?flag(?:\s+(?:state|code))?(?:\s+of\s+(?:the\s+)?(?:vessel|"
        r"ship))?|vessel\s+flag|nationality(?:\s+of\s+(?:the\s+)?vessel)?|"
        r"country\s+of\s+(?:registration|registry|flag)|pavillon|pabell[oó]n|bandera|"
        r"flagge?|flaggenstaat|flaggstat|staatszugeh[oö]rigkeit|(?:stato\s+di\s+)?bandiera|vlag(?:genstaat)?|"
        r"(?:estado\s+de\s+)?bandeira",
    ),
    (
        "VESSEL_TYPE",
        r"(?:vessel|ship)\s+(?:type|category)|(?:type|kind)\s+of\s+(?:vessel|ship)|vessel\s+category|"
        r"type\s+de\s+navire|tipo\s+de\s+buque|schiffstyp|fahrzeugart|tipo\s+di\s+nave|"
        r"type\s+vaartuig|scheepstype|tipo\s+de\s+embarca[cç][aã]o|skipsslag|skipsgerð|fart[øo]ytype",
    ),
    (
        "GEAR_TYPE",
        r"type\s+of\s+(?:fishing\s+)?gear|(?:fishing\s+)?gear(?:\s+type)?|gear\s+used|"
        r"(?:type\s+of\s+)?fishing\s+methods?|fishing\s+technique|"
        r"engins?(?:\s+de\s+p[eê]che)?|arte(?:\s+de\s+pesca)?|aparejos?(?:\s+de\s+pesca)?|fangger[aä]t|fangmethode|"
        r"attrezzo(?:\s+da\s+pesca)?|petrechos?(?:\s+de\s+pesca)?|sistema\s+di\s+pesca|vistuig|vismethode|(?:fangst)?redskap|redskab",
    ),
    ("VESSEL_TYPE", r"type"),
    ("VESSEL_NAME", "|".join(sorted(LINE_START_KEYS))),
    (
        "TONNAGE",
        r"gross\s+(?:register(?:ed)?\s+)?(?:tonnage|tonnes|tons)|net\s+tonnage|tonnage|"
        r"GR?T\s*/\s*NR?T|GRT|GT|NRT|NT|TRB|TRG|jauge(?:\s+brute)?|arqueo(?:\s+bruto)?|bruttoraumzahl|BRZ|stazza(?:\s+lorda)?|"
        r"brutotonnage|arquea[cç][aã]o\s+bruta|tonelagem|bruttotonnas?je|bruttotonnage|bruttotonnal[øo]g|"
        r"br[uú]tt[oó]tonn|bruttotonn",
    ),
    (
        "LENGTH",
        # ... an export's key with its unit ("length_m", "loa_m")
        r"(?:loa|length)\s+(?:m|metres|meters)|length\s+over\s*all|length|LOA|LHT|longueur(?:\s+hors\s+tout)?|eslora(?:\s+total)?|"
        r"l(?:ä|ae)nge(?:\s+(?:ü|ue)ber\s+alles)?|LüA|lunghezza(?:\s+fuori\s+tutto)?|LFT|lengte(?:\s+over\s+alles)?|"
        r"comprimento(?:\s+fora\s+a\s+fora)?|(?:st[øo]rste\s+)?lengde|(?:st[øo]rste\s+)?l[æa]ngde|l[äa]ngd|longd|lengd",
    ),
    (
        "BUILD_YEAR",
        r"year\s+(?:of\s+)?buil[td]|(?:year|date)\s+of\s+(?:construction|build)|when\s+built|construction\s+year|built|"
        r"ann[eé]e\s+de\s+construction|a[ñn]o\s+(?:de\s+)?construcci[oó]n|baujahr|anno\s+di\s+costruzione|"
        r"bouwjaar|ano\s+de\s+constru[cç][aã]o|bygge?[åa]r|bygt\s+[áa]r|sm[ií][ðd]a[áa]r",
    ),
)

# Column headers of tables: the field keys plus the short names only a header row uses.
COLUMN_KEYS: tuple[tuple[str | None, str], ...] = (
    ("VESSEL_NAME", r"name|(?:fishing\s+)?(?:vessel|ship|boat)(?:\s+name)?"),
    (
        "DATE",
        r"(?:authori[sz]ation\s+|auth\.?\s+)?(?:start|end|from|to|until|expiry|expires|"
        r"date)(?:\s+date)?|valid\s+(?:from|to|until)|date\s+(?:of\s+(?!construction\b|build\b|birth\b))?\w+",
    ),
    ("BUILD_YEAR", r"year|ann[eé]e|a[ñn]o|anno|jahr"),
    # an RFMO's list names the flag state as the member that notified the vessel
    ("FLAG", r"flg|(?:flag\s+)?(?:contracting\s+party|CPC|CCM|member(?:\s+state)?|participant)|flag\s+CP"),
    # the short column names of other languages' tables
    ("VESSEL_NAME", r"nom|nombre|nome|naam|nave|buque|barco|navire|navio|navn|namn|nafn"),
    ("IRCS", r"ind\.?\s*(?:d['’])?appel|distintivo|se[ñn]al"),
    # ... and a register's own short name for its number: "NZ reg."
    ("REGISTRATION_NUMBER", r"imm(?:at)?\.|(?:[A-Z]{2}\s+)?reg\."),
    ("TONNAGE", r"JB|TRB|TRG|BT|BRT"),
    # an export's holder of the licence and its method
    ("OWNER", r"(?:licen[cs]e|permit)\s+holder|holder"),
    ("GEAR_TYPE", r"method"),
    # a movements log's "FROM / TO": the port a vessel came from and the one it goes to
    ("PORT", r"(?:from|origin)\s*/\s*(?:to|destination)|origin|(?:last|next|previous)\s+port"),
    (None, r"state|province|region|district"),
    (None, r"no\.?|#|s/?n|serial|item|remarks?|status|move(?:ment)?|arr\s*/\s*dep"),
    # the other columns of AIS and VMS position exports
    (None, r"(?:timestamp|time|date\s*time)(?:\s+utc)?|lat(?:itude)?|lon(?:g|gitude)?|sog|cog|speed|course|heading"),
) + FIELD_KEYS

# A slash right after a key is a telex's separator ("CALLSIGN/ZM2675", "GRT/143"); a record's quoted
# key ('"call_sign": "ECFP"') and an XML element ("<callsign>ECFP</callsign>") separate like a colon.
# Quotes as typed (straight), as word processors print them (curly, guillemets), and as OCR reads a
# straight one ('“ircs’: “CUEP"').
_QUOTE = "[\"'“”‘’„«»]"
_SEPARATOR = re.compile(
    # OCR reads a speck after a colon as a full stop ("Indicativo de chamada:. ECLP")
    # ... or a speck before it ("VSL NAME   _: LU HUANG YUAN YU 108"); a form's asterisk marks a required field
    rf"(?:{_QUOTE}|\*)?[ \t]*(?:_[ \t]*)?[:;：=](?:[ \t]*[.,](?=[ \t]))*[ \t]*{_QUOTE}?(?:\n[ \t]*(?=\S))?|>(?=[^<\s])|"
    # a record's quoted key and quoted value, the colon between them lost ('"flag"  "NOR"')
    rf"{_QUOTE}[ \t]+{_QUOTE}(?=\S)|"
    # a leader, after the key's own full stop too ("Name of ship. .........")
    # (with the specks OCR reads into it: "Name.......-::- AHLMA WEST", "marking... . G454")
    r"(?:\.[ \t]+(?=\.{3}|…))?[ \t]*(?:(?:\.{3,}|…+)(?:[ \t]*[.:\-_~]+(?=[ \t.:\-_~]*[ \t]))*[ \t]*)+|"
    # ... and a leader of spaced dots ("Name . . . . . GLOR NA DTONN")
    r"[ \t]+\.{2,}[ \t]+|[ \t]+\.(?:[ \t]+\.){2,}[ \t]+|[ \t]+[-–—][ \t]+|[ \t]{2,}(?![ \t]*\|)|\t|/(?=[^\s/])|"
    # a two-cell pipe row, key then value: "| IRCS | UBTI |"
    r"[ \t]*\|[ \t]*(?=[^|\s][^|\n]*\|?[ \t]*(?:\n|$))"
)
# "a length of 25 m", "jauge brute de 182,90": measures only, whose values have a strict shape.
_OF_SEPARATOR = re.compile(r"[ \t]+(?:of|de|du)[ \t]+")
OF_LABELS = frozenset({"TONNAGE", "LENGTH"})
# "Its call sign, ZM2734, ...": an appositive comma before a value of strict shape.
_STRICT_SEPARATOR = re.compile(r"[ \t]*[:#,]?[ \t]*\n?[ \t]*")
# "The registered owner is X." / "Its official number is 447872.": the value ends with the sentence.
_PROSE_SEPARATOR = re.compile(r"[ \t]+(?:(?:is|was)(?:[ \t]+now)?|now)[ \t\n]+")
# "Call sign changed from ZMKT to ZMKT2": the old value, then the new one after "to".
_CHANGE_SEPARATOR = re.compile(r"[ \t]+(?:(?:has[ \t]+been|was)[ \t]+)?(?:changed|amended|updated)[ \t]+from[ \t]+")
_CHANGE_TO = re.compile(r"[ \t]+to[ \t]+")
# "IRCS: UBFR3 -> UBFR4": a new value after an arrow.
_ARROW = re.compile(r"[ \t]*(?:->|→|=>|⇒)[ \t]*")
_SENTENCE_END = re.compile(r"\.(?=\s+[^\d\s]|\s*$)")
# ... and a record's closing quote ("ECFP", "flag": ...) or closing element (ECFP</callsign>).
# ... and a dash between a list item's fields ("owner AWALUDIN — 49 GT"), and a telex's "//".
# ... and the next of an export's pairs on one line ("loa=19 M flag_state=RUS").
_VALUE_BREAK = re.compile(
    rf"\n|[ \t]{{2,}}|\t|\||;|//|</|{_QUOTE}[ \t]*(?=[,}}\]]|$)|[ \t]+—[ \t]+|[ \t]+(?=[A-Za-z][\w.]*=)"
)
# "owner AWALUDIN": after a plain space, an owner in capitals that runs to the end of its field.
_CAPS_VALUE_WORD = r"[A-Z0-9&][A-Z0-9&.,'’()\-]*"
_CAPS_VALUE_SEPARATOR = re.compile(
    rf"[ \t](?={_CAPS_VALUE_WORD}(?:[ \t]{_CAPS_VALUE_WORD})*[ \t]*(?:[ \t]—|;|\||\n|$))"
)
# ... or a company in title case with its legal form: "to Irish owners Wave Crest Fishing Ltd on Friday".
_COMPANY_VALUE_SEPARATOR = re.compile(
    # ... or after a comma, in apposition: "the operator, Genpuku Gyogyo K.K., has been fined"
    r"(?:,?[ \t]+|[ \t]*\n[ \t]*)(?=(?:[A-Z][\w&'.\-]*,?[ \t]+){1,6}(?:Ltd|Limited|Inc|Corp|LLC|S\.?A|S\.?L|GmbH|"
    r"B\.?V|N\.?V|A/S|AS|ASA|AB|Pty|PLC|PT|Lda|Ltda|SAS|SpA|Srl|hf|ehf|P/F|K\.K|Sp\.[ \t]z[ \t]o\.o)\b)"
)
CAPS_VALUE_LABELS = frozenset({"OWNER"})


@dataclass(frozen=True)
class FieldKey:
    start: int
    end: int
    value_start: int
    label: str | None
    strict: bool  # separated from its value by plain space only
    colon: bool = False  # separated by ":" (or "=" ...), so it ends the value of a key before it
    sentence: bool = False  # "<key> is <value>.": the value ends with the sentence
    change: bool = False  # "<key> changed from <value> to <value>": two values, the old and the new
    paired: str | None = None  # the key's own label, before a value in brackets of ``label`` ("Name (IRCS)")


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    label: str
    validated: bool = False


_WORD_GAP = re.compile(re.escape(r"\s+"))
# A replacement template, the backslash escaped: a key's words are on one line ("OWNER / OPERATOR" over
# "Name:" is no "owner name").
_JOINED_WORD_GAP = r"[ \\t]*"


def _key_alternatives(keys: tuple[tuple[str | None, str], ...]) -> str:
    """One named group per key; the words of a key may also run together, as record field names write
    them ("VesselName", "flagState", "yearOfBuild"): a key still stands alone between word boundaries."""
    joined = (_WORD_GAP.sub(_JOINED_WORD_GAP, pattern) for _, pattern in keys)
    return "|".join(f"(?P<k{index}>{pattern})" for index, pattern in enumerate(joined))


# A key may carry a qualifier in brackets: a unit ("Length (m)") or the scheme of the number ("UVI (IMO)").
# no digits: "No. (2025)FT-200033" is a value; nor a bracket glued to what follows: "(ZHE)CHUANDENG..." is one
_QUALIFIER = r"(?:[ \t]*\((?P<qualifier>[^()\n\d]{1,40})\)(?![^\W_]))?"
_FIELD_KEY_RE = re.compile(
    rf"(?<![\w])(?:{_key_alternatives(FIELD_KEYS)})(?:\(s\))?(?![\w]){_QUALIFIER}", re.IGNORECASE
)
_COLUMN_KEY_RE = re.compile(rf"^(?:{_key_alternatives(COLUMN_KEYS)})(?:\(s\))?\.?{_QUALIFIER}\.?$", re.IGNORECASE)
_QUALIFIER_KEY_RE = re.compile(rf"^(?:{_key_alternatives(FIELD_KEYS)})$", re.IGNORECASE)


def _matched_group(match: re.Match[str]) -> str:
    return next(name for name, value in match.groupdict().items() if value is not None and name.startswith("k"))


def _matched_key(match: re.Match[str], keys: tuple[tuple[str | None, str], ...]) -> str | None:
    return keys[int(_matched_group(match)[1:])][0]


def key_words(match: re.Match[str]) -> str:
    """The key's own words, casefolded, without its "(s)" or qualifier: "Product name(s)" ends on "name"."""
    return match.group(_matched_group(match)).casefold()


def _key_labels(match: re.Match[str], keys: tuple[tuple[str | None, str], ...]) -> tuple[str | None, str | None]:
    """The label of the key, or of its qualifier where that names an entity itself ("UVI (IMO)" is an IMO);
    and the key's own label where the qualifier names another entity, whose value a value may give in
    brackets after the key's own ("Name (IRCS): TAURUS (UBTI)")."""
    label = _matched_key(match, keys)
    qualifier = match.group("qualifier")
    qualified = _QUALIFIER_KEY_RE.match(qualifier.strip()) if qualifier else None
    if label is None or qualified is None:
        return label, None
    qualifier_label = _matched_key(qualified, FIELD_KEYS)
    if qualifier_label is None:
        return label, None
    return qualifier_label, (label if label != qualifier_label else None)


def _key_label(match: re.Match[str], keys: tuple[tuple[str | None, str], ...]) -> str | None:
    return _key_labels(match, keys)[0]
