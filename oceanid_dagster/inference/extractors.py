"""Extractors that turn page texts into entity spans: the released NER model, or the rule-based
bootstrap extractor that fills the table until a model has been released. No Dagster here."""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from oceanid_dagster.domain import rules
from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.domain.identifiers import validate_identifier
from oceanid_dagster.domain.page_kinds import Fingerprint, kinship
from oceanid_dagster.domain.page_kinds import from_json as kinds_from_json
from oceanid_dagster.domain.spans import Span, SpanIndex, remove_overlaps

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


Collect = Callable[[], list[PageEntities]]


def start_extraction(extractor: Extractor, texts: Sequence[str]) -> Collect:
    """Start reading ``texts`` and return what collects the result: an extractor that works in other
    processes (``start``) goes on while the caller does something else; any other reads them now."""
    start = getattr(extractor, "start", None)
    if start is not None:
        return start(texts)
    found = extractor.extract_pages(texts)
    return lambda: found


class RuleExtractor:
    source = RULES

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer
        self.version = rules_version()

    def extract_pages(self, texts: Sequence[str]) -> list[PageEntities]:
        return [PageEntities(rules.extract_spans(text, self.gazetteer), None) for text in texts]


class RulePool:
    """The rules read pages in ``workers`` processes: they are pure Python, so one process uses one
    core. ``start`` hands the pages out (``PAGES_PER_TASK`` to a task) and returns at once, so the
    caller can run the model or write the previous batch meanwhile. Use it as a context manager; the
    processes start with the first pages and stop on exit."""

    source = RULES
    PAGES_PER_TASK = 8

    def __init__(self, gazetteer: Gazetteer | None, workers: int) -> None:
        self.gazetteer = gazetteer
        self.workers = workers
        self.version = rules_version()
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> RulePool:
        return self

    def __exit__(self, *_exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def start(self, texts: Sequence[str]) -> Collect:
        if self.workers <= 1 or len(texts) <= 1:
            found = RuleExtractor(self.gazetteer).extract_pages(texts)
            return lambda: found
        size = self.PAGES_PER_TASK
        tasks = [list(texts[index : index + size]) for index in range(0, len(texts), size)]
        futures = [self._processes().submit(_rule_worker_pages, task) for task in tasks]
        return lambda: [page for future in futures for page in future.result()]

    def extract_pages(self, texts: Sequence[str]) -> list[PageEntities]:
        return self.start(texts)()

    def _processes(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver, not fork: the caller (a Dagster run worker) has threads that may hold locks
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["oceanid_dagster.inference.extractors"])
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_start_rule_worker, initargs=(self.gazetteer,)
            )
        return self._pool


_worker_rules: RuleExtractor | None = None


def _start_rule_worker(gazetteer: Gazetteer | None) -> None:
    global _worker_rules
    _worker_rules = RuleExtractor(gazetteer)


def _rule_worker_pages(texts: list[str]) -> list[PageEntities]:
    assert _worker_rules is not None, "a RulePool worker reads pages only after _start_rule_worker"
    return _worker_rules.extract_pages(texts)


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
    miss on pages of a kind the rules do not know, without overriding what they find;
    ``gap_fill_labels``, where set, fills only those labels (the ones filling was measured to help).

    ``model_page_max_uncertainty``: where set, a page the model reads with at most that uncertainty
    (mean normalised entropy of its word tags) is the model's alone, the identifiers still checked:
    a model sure of a page has learnt its kind (from people's corrections), where the rules may
    misread it; on the layouts it has not learnt it is unsure and the rules keep their labels.

    ``model_page_min_kinship``: where set, so is a page of a kind people have corrected, one sharing
    at least that much of the layout of one of the corrected pages the model learnt
    (``learnt_kinds``, :mod:`oceanid_dagster.domain.page_kinds`), however unsure the model is of it."""

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
        learnt_kinds: Sequence[Fingerprint] = (),
        model_page_min_kinship: float | None = None,
        gap_fill_labels: frozenset[str] | None = None,
    ) -> None:
        self.model = model
        self.rules = rules or RuleExtractor(gazetteer)
        self.rule_labels = frozenset(rule_labels)
        self.served_version = served_version
        self.gap_fill_min_score = gap_fill_min_score
        self.model_page_max_uncertainty = model_page_max_uncertainty
        self.learnt_kinds = list(learnt_kinds)
        self.model_page_min_kinship = model_page_min_kinship
        self.gap_fill_labels = gap_fill_labels

    @classmethod
    def as_shipped(cls, model, shipping: dict, **kwargs) -> ModelExtractor:
        """The combination a release's manifest says it ships with (its ``shipping`` section)."""
        return cls(
            model,
            rule_labels=frozenset(shipping.get("rule_labels", [])),
            gap_fill_min_score=shipping.get("gap_fill_min_score"),
            model_page_max_uncertainty=shipping.get("model_page_max_uncertainty"),
            learnt_kinds=kinds_from_json(shipping.get("learnt_kinds", [])),
            model_page_min_kinship=shipping.get("model_page_min_kinship"),
            gap_fill_labels=frozenset(labels) if (labels := shipping.get("gap_fill_labels")) is not None else None,
            **kwargs,
        )

    @property
    def version(self) -> str:
        """The release; on Triton, with the model version Triton said it served (``@triton:<model>/<n>``),
        which is what ran even when the GPU host has not installed the newest release yet."""
        release = self.model.version or "unversioned"
        served = self.served_version() if self.served_version else None
        return f"{release}@triton:{served}" if served else release

    def extract_pages(self, texts: Sequence[str]) -> list[PageEntities]:
        return self.start(texts)()

    def start(self, texts: Sequence[str]) -> Collect:
        """The rules start first (in their processes, when pooled) and read while the model runs."""
        collect_rules = start_extraction(self.rules, texts)
        predictions = self.model.predict_pages(texts)

        def merged() -> list[PageEntities]:
            return [
                PageEntities(
                    self._merge(text, prediction.spans, rules.spans, self.models_page(text, prediction.uncertainty)),
                    prediction.uncertainty,
                )
                for text, prediction, rules in zip(texts, predictions, collect_rules())
            ]

        return merged

    def models_page(self, text: str, uncertainty: float) -> bool:
        """Whether the page is the model's alone (the identifiers still checked)."""
        limit, kin = self.model_page_max_uncertainty, self.model_page_min_kinship
        if limit is not None and uncertainty <= limit:
            return True
        return kin is not None and kinship(text, self.learnt_kinds) >= kin

    def _merge(self, text: str, model_spans: list[Span], rule_spans: list[Span], models_page: bool) -> list[Span]:
        rule_labels = frozenset() if models_page else self.rule_labels
        from_rules = rule_labels | CHECKED_IDENTIFIERS
        kept = [span for span in model_spans if span.label not in rule_labels and _passes_validator(text, span)]
        if self.gap_fill_min_score is not None and rule_labels:
            found_by_rules = SpanIndex(rule_spans)
            kept += [
                span
                for span in model_spans
                if span.label in rule_labels
                and (self.gap_fill_labels is None or span.label in self.gap_fill_labels)
                and span.score >= self.gap_fill_min_score
                and _passes_validator(text, span)
                and not found_by_rules.overlaps(span)
            ]
        merged = remove_overlaps([span for span in rule_spans if span.label in from_rules] + kept)
        # what the model filled in once, the page may write again
        return remove_overlaps(merged + rules.repeated_mentions(text, merged))


def _passes_validator(text: str, span: Span) -> bool:
    if span.label not in CHECKED_IDENTIFIERS:
        return True
    ok, _, _ = validate_identifier(span.label, span.text_in(text))
    return ok
