"""Rule-based bootstrap extractor: fills the entities table until a trained model exists.

Rule families, each with its own confidence:

* labelled fields ("IMO No.: 9086758", "Flag State - Vanuatu", "Call sign   JILE"), in forms, prose and
  OCR text where I/1/l and O/0 are confused;
* tables whose text layer is columns separated by runs of spaces (or tabs / pipes): a header row
  with known column names labels the cells below it by column position;
* identifier patterns checked by their validators (IMO check digit, MMSI MID), only where the
  context speaks of that identifier;
* vocabularies: RFMO acronyms and names, FAO vessel types and gears, country names in flag context;
* dates, tonnages and lengths with their units, build years;
* an optional :class:`Gazetteer` of registry names.

Overlaps are resolved by :func:`remove_overlaps` (best score, then longest).
"""

from oceanid_dagster.domain.rules.extractor import SCORES, extract_spans

__all__ = ["SCORES", "extract_spans"]
