"""Extractors that turn page texts into entity spans: the released NER model, or the rule-based
bootstrap extractor that fills the table until a model has been released. No Dagster here."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from oceanid_dagster.domain import rules
from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.domain.identifiers import validate_identifier
from oceanid_dagster.domain.spans import Span, remove_overlaps

RULES = "rules"
MODEL = "model"
# Identifiers with a check (IMO check digit, MMSI MID, call-sign shape) are confirmed by the rules
# even when the model tags them, and a model span that fails its validator is dropped.
CHECKED_IDENTIFIERS = frozenset({"IMO", "MMSI"})


@dataclass(frozen=True)
class PageEntities:
    spans: list[Span]
    uncertainty: float | None  # for active learning: how unsure the model was about the page


class Extractor(Protocol):
    source: str
    version: str

    def extract_pages(self, texts: Sequence[str]) -> list[PageEntities]: ...


class RuleExtractor:
    source = RULES

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer
        self.version = rules_version()

    def extract_pages(self, texts: Sequence[str]) -> list[PageEntities]:
        return [PageEntities(rules.extract_spans(text, self.gazetteer), None) for text in texts]


@cache
def rules_version() -> str:
    """Changes whenever the rules change, so entities say exactly which rules produced them."""
    digest = hashlib.sha256()
    for module in sorted(Path(rules.__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return f"rules-{digest.hexdigest()[:8]}"


class ModelExtractor:
    """The released model, with identifiers still checked by their validators, and the rules for the
    labels the release found them better at (``rule_labels``, measured before it shipped).

    ``gap_fill_min_score``: where set, the model's spans of those rule labels are kept too when they
    are at least that confident and no rule span overlaps them, so the model fills what the rules
    miss on pages of a kind the rules do not know, without overriding what they find.

    ``model_page_max_uncertainty``: where set, a page the model reads with at most that uncertainty
    (mean normalised entropy of its word tags) is the model's alone, the identifiers still checked:
    a model sure of a page has learnt its kind (from people's corrections), where the rules may
    misread it; on the layouts it has not learnt it is unsure and the rules keep their labels."""

    source = MODEL

    def __init__(
        self,
        model,  # inference.OnnxNerModel
        gazetteer: Gazetteer | None = None,
        rule_labels: frozenset[str] = frozenset(),
        served_version: Callable[[], str | None] | None = None,
        gap_fill_min_score: float | None = None,
        model_page_max_uncertainty: float | None = None,
        rules: Extractor | None = None,  # default: RuleExtractor(gazetteer)
    ) -> None:
        self.model = model
        self.rules = rules or RuleExtractor(gazetteer)
        self.rule_labels = frozenset(rule_labels)
        self.served_version = served_version
        self.gap_fill_min_score = gap_fill_min_score
        self.model_page_max_uncertainty = model_page_max_uncertainty

    @property
    def version(self) -> str:
        """The release; on Triton, with the model version Triton said it served (``@triton:<model>/<n>``),
        which is what ran even when the GPU host has not installed the newest release yet."""
        release = self.model.version or "unversioned"
        served = self.served_version() if self.served_version else None
        return f"{release}@triton:{served}" if served else release

    def extract_pages(self, texts: Sequence[str]) -> list[PageEntities]:
        predictions = self.model.predict_pages(texts)
        rule_pages = self.rules.extract_pages(texts)
        return [
            PageEntities(
                self._merge(text, prediction.spans, rules.spans, prediction.uncertainty), prediction.uncertainty
            )
            for text, prediction, rules in zip(texts, predictions, rule_pages)
        ]

    def _merge(self, text: str, model_spans: list[Span], rule_spans: list[Span], uncertainty: float) -> list[Span]:
        limit = self.model_page_max_uncertainty
        rule_labels = frozenset() if limit is not None and uncertainty <= limit else self.rule_labels
        from_rules = rule_labels | CHECKED_IDENTIFIERS
        kept = [span for span in model_spans if span.label not in rule_labels and _passes_validator(text, span)]
        if self.gap_fill_min_score is not None and rule_labels:
            kept += [
                span
                for span in model_spans
                if span.label in rule_labels
                and span.score >= self.gap_fill_min_score
                and _passes_validator(text, span)
                and not any(span.overlaps(found) for found in rule_spans)
            ]
        return remove_overlaps([span for span in rule_spans if span.label in from_rules] + kept)


def _passes_validator(text: str, span: Span) -> bool:
    if span.label not in CHECKED_IDENTIFIERS:
        return True
    ok, _, _ = validate_identifier(span.label, span.text_in(text))
    return ok
