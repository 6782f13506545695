"""The one label schema.

Every other copy of the entity types (Argilla span question, training ``id2label``, BIO tags,
ONNX output width, Triton ``config.pbtxt``, the decoder) is derived from :data:`ENTITY_LABELS`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityLabel:
    name: str
    description: str


ENTITY_LABELS: tuple[EntityLabel, ...] = (
    EntityLabel("VESSEL_NAME", 'a vessel\'s name, current or previous ("TAISEI MARU NO.24")'),
    EntityLabel("IMO", "IMO ship number, the 7 digits (check digit valid)"),
    EntityLabel("MMSI", "9-digit Maritime Mobile Service Identity"),
    EntityLabel("IRCS", "international radio call sign"),
    EntityLabel("FLAG", 'flag state, as name or code ("Vanuatu", "VUT")'),
    EntityLabel("REGISTRATION_NUMBER", "national registration number, WIN, or an RFMO's vessel id"),
    EntityLabel("PORT", "a port (of registry, landing, inspection)"),
    EntityLabel("OWNER", "person or company that owns, operates, charters or manages the vessel"),
    EntityLabel("VESSEL_TYPE", 'vessel type ("purse seiner", "reefer", "stern trawler")'),
    EntityLabel("GEAR_TYPE", 'fishing gear or method ("drifting longlines")'),
    EntityLabel("TONNAGE", 'a tonnage with its unit when adjacent ("4,992 GT")'),
    EntityLabel("LENGTH", 'a length with its unit when adjacent ("117 m")'),
    EntityLabel("BUILD_YEAR", "year built"),
    EntityLabel("RFMO", 'a fisheries management organisation ("IOTC", "WCPFC")'),
    EntityLabel("DATE", "a date (authorisation start/end, inspection, sighting)"),
)

LABEL_NAMES: tuple[str, ...] = tuple(label.name for label in ENTITY_LABELS)
LABEL_DESCRIPTIONS: dict[str, str] = {label.name: label.description for label in ENTITY_LABELS}

OUTSIDE_TAG = "O"
BIO_TAGS: tuple[str, ...] = (OUTSIDE_TAG,) + tuple(f"{prefix}-{name}" for name in LABEL_NAMES for prefix in ("B", "I"))
ID2LABEL: dict[int, str] = dict(enumerate(BIO_TAGS))
LABEL2ID: dict[str, int] = {tag: index for index, tag in ID2LABEL.items()}
NUM_BIO_TAGS = len(BIO_TAGS)


def is_entity_label(name: str) -> bool:
    return name in LABEL_DESCRIPTIONS


def split_bio_tag(tag: str) -> tuple[str, str | None]:
    """``"B-IMO"`` -> ``("B", "IMO")``; ``"O"`` -> ``("O", None)``."""
    if tag == OUTSIDE_TAG:
        return OUTSIDE_TAG, None
    prefix, _, label = tag.partition("-")
    if prefix not in ("B", "I") or not is_entity_label(label):
        raise ValueError(f"not a BIO tag of the label schema: {tag!r}")
    return prefix, label
