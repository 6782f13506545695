"""Rule-based bootstrap extractor: fills the entities table until a trained model exists.

Rule families, each with its own confidence:

* labelled fields ("IMO No.: 9086758", "Flag State - Vanuatu", "Call sign   JILE", "c/s bcfd5"), in
  forms, prose and OCR text where I/1/l and O/0 are confused, in records ('"call_sign": "ECFP"',
  "<VesselName>...</VesselName>", "flagState=NZL"), with keys in English, French, Spanish, Portuguese,
  German, Italian and Dutch;
* tables whose text layer is columns separated by runs of spaces (or tabs / pipes): a header row
  with known column names labels the cells below it by column position; a table on its side (a
  field name, then one cell per vessel) labels each cell by its row;
* names and flags in list items ("3. KOPERE | New Zealand | ZMR7336") and in prose around the word
  for vessel ("the Ecuadorian-flagged ship PATILLO", "TAISEI MARU, a Japanese fishing vessel");
* identifier patterns checked by their validators (IMO check digit, MMSI MID), only where the
  context speaks of that identifier;
* vocabularies: RFMO acronyms and names, FAO vessel types and gears, country names in flag context;
* dates, tonnages and lengths with their units, build years;
* an optional :class:`Gazetteer` of registry names;
* a name read once on a page, wherever else the page writes it (:func:`repeated_mentions`).

Overlaps are resolved by :func:`remove_overlaps` (best score, then longest).
"""

from oceanid_dagster.domain.rules.extractor import SCORES, extract_spans, repeated_mentions

__all__ = ["SCORES", "extract_spans", "repeated_mentions"]
