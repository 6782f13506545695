"""Which extractor ships: a measured comparison on the same pages, never a stored number.

Before a release can become what ``extracted_entities`` uses, the challenger model, the rules and
the current shipping release (re-scored on today's test pages) extract the same evaluation pages
(:func:`oceanid_dagster.training.dataset.evaluation_pages`). For each label the challenger takes
the rules' spans where the rules score higher (labelled fields, validated identifiers) and its own
elsewhere; that combination ships only if its micro F1 beats the extractor shipping now, and is
no worse than it on the reference pages (:mod:`oceanid_dagster.training.reference`: hand-written
pages in layouts the generator does not make), so that a model which only learnt the generator's
templates never replaces a better extractor. No Dagster here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from oceanid_dagster.domain.evaluation import span_scores
from oceanid_dagster.domain.labels import LABEL_NAMES
from oceanid_dagster.domain.spans import Span

GAP_FILL_SCORES = (None, 0.99, 0.95, 0.9)  # the model's confidence to fill what the rules miss; None: never
ROUTING_STEPS = 8  # page-uncertainty thresholds tried for routing, from the evaluation pages' own


def routing_thresholds(page_uncertainties: Sequence[float], steps: int = ROUTING_STEPS) -> list[float | None]:
    """Thresholds under which the model reads a page alone: None (never), then the uncertainties of
    the evaluation pages at ``steps`` evenly spaced ranks, so the choice follows how sure this
    model is of the pages it has learnt, whatever its scale."""
    values = sorted(set(page_uncertainties))
    if not values:
        return [None]
    picks = sorted({values[round(index * (len(values) - 1) / max(steps - 1, 1))] for index in range(steps)})
    return [None, *picks]


RULES = "rules"
CHAMPION = "champion"
CHALLENGER = "challenger"
MODEL_ALONE = "model_alone"  # the challenger without the rules' labels: shown, not decided on


@dataclass(frozen=True)
class EvaluationPage:
    text: str
    spans: Sequence[Span]


def score_extractor(extractor, pages: Sequence[EvaluationPage]) -> dict[str, dict[str, float]]:
    """Span-exact scores per label and ``micro`` of ``extractor`` (``extract_pages``) on ``pages``."""
    found = extractor.extract_pages([page.text for page in pages])
    return span_scores((list(page.spans), entities.spans) for page, entities in zip(pages, found))


def labels_rules_do_better(model_scores: dict, rules_scores: dict) -> frozenset[str]:
    """Labels on which the rules' F1 beats the model's on the evaluation pages."""
    return frozenset(
        label
        for label in LABEL_NAMES
        if label in rules_scores and rules_scores[label]["f1"] > model_scores.get(label, {}).get("f1", 0.0)
    )


@dataclass(frozen=True)
class Candidate:
    """One way of combining the challenger with the rules, scored on both page sets."""

    gap_fill_min_score: float | None
    model_page_max_uncertainty: float | None
    evaluation: dict[str, dict[str, float]]
    reference: dict[str, dict[str, float]]


def best_candidate(candidates: Sequence[Candidate], incumbent_reference_f1: float) -> Candidate:
    """The candidate with the best micro F1 on the evaluation pages among those no worse than the
    incumbent on the reference pages (ties: the one leaving most to the rules); else the first (the
    decision then refuses it, saying why)."""
    holding = [c for c in candidates if c.reference["micro"]["f1"] >= incumbent_reference_f1]
    if not holding:
        return candidates[0]

    def key(candidate: Candidate) -> tuple[float, float, float]:
        fill, uncertainty = candidate.gap_fill_min_score, candidate.model_page_max_uncertainty
        return (
            candidate.evaluation["micro"]["f1"],
            1.0 if uncertainty is None else -uncertainty,  # never routing ranks first, then the strictest
            2.0 if fill is None else fill,  # never filling ranks first, then the most confident
        )

    return max(holding, key=key)


@dataclass(frozen=True)
class ShippingDecision:
    ships: bool
    reason: str
    incumbent: str  # what ships now: "rules" or the champion's version
    rule_labels: frozenset[str]
    scores: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # extractor -> label -> scores
    reference_scores: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # on the reference pages
    gap_fill_min_score: float | None = None
    model_page_max_uncertainty: float | None = None

    def table(self) -> list[dict[str, object]]:
        """Rows ``label, <extractor> F1..., <extractor> (reference pages) F1...`` for the UI, micro first."""
        labels = ["micro", *sorted({label for scores in self.scores.values() for label in scores} - {"micro"})]
        return [
            {
                "label": label,
                **{name: scores.get(label, {}).get("f1") for name, scores in self.scores.items()},
                **{
                    f"{name} (reference pages)": scores.get(label, {}).get("f1")
                    for name, scores in self.reference_scores.items()
                },
                "from": "rules" if label in self.rule_labels else ("model" if label != "micro" else ""),
            }
            for label in labels
        ]

    def manifest(self) -> dict[str, object]:
        return {
            "ships": self.ships,
            "reason": self.reason,
            "incumbent": self.incumbent,
            "rule_labels": sorted(self.rule_labels),
            "micro_f1": {name: scores["micro"]["f1"] for name, scores in self.scores.items()},
            "reference_micro_f1": {name: scores["micro"]["f1"] for name, scores in self.reference_scores.items()},
            "gap_fill_min_score": self.gap_fill_min_score,
            "model_page_max_uncertainty": self.model_page_max_uncertainty,
        }


def decide(
    challenger: dict,
    rules: dict,
    champion: dict | None,
    champion_version: str | None,
    rule_labels: frozenset[str],
    force: bool = False,
    min_gain: float = 0.0,
    model_alone: dict | None = None,
    reference: dict[str, dict] | None = None,
    gap_fill_min_score: float | None = None,
    model_page_max_uncertainty: float | None = None,
) -> ShippingDecision:
    """``challenger``: scores of the challenger *with* ``rule_labels`` from the rules. ``reference``:
    scores on the reference pages by extractor name (``challenger``, ``rules``, ``champion``...)."""
    scores = {CHALLENGER: challenger, RULES: rules, **({CHAMPION: champion} if champion else {})}
    if model_alone is not None:
        scores[MODEL_ALONE] = model_alone
    incumbent_name = CHAMPION if champion else RULES
    incumbent = champion_version if champion else RULES
    new, old = challenger["micro"]["f1"], scores[incumbent_name]["micro"]["f1"]
    beats = new > old + min_gain
    reference = reference or {}
    holds, on_reference = True, ""
    if reference:
        ref_new, ref_old = reference[CHALLENGER]["micro"]["f1"], reference[incumbent_name]["micro"]["f1"]
        holds = ref_new >= ref_old
        on_reference = f"; on the reference pages {ref_new:.4f} vs {ref_old:.4f}"
    if force and not (beats and holds):
        reason = f"forced: challenger micro F1 {new:.4f} vs {incumbent} {old:.4f}{on_reference}"
    elif beats and holds:
        reason = f"challenger micro F1 {new:.4f} beats {incumbent} {old:.4f} on the same pages{on_reference}"
    elif beats:
        reason = (
            f"challenger micro F1 {new:.4f} beats {incumbent} {old:.4f} on the evaluation pages but is worse on "
            f"the reference pages{on_reference}"
        )
    else:
        reason = f"challenger micro F1 {new:.4f} does not beat {incumbent} {old:.4f} on the same pages"
    return ShippingDecision(
        (beats and holds) or force,
        reason,
        incumbent,
        rule_labels,
        scores,
        reference,
        gap_fill_min_score,
        model_page_max_uncertainty,
    )
