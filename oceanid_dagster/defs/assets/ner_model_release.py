"""``ner_model_release``: a release ships only if it extracts better than what ships now.

The challenger (the CPU model it would serve, with the rules for the labels they do better), the
rules and the current release — re-scored on the same pages, never compared by a stored number —
extract the dataset revision's evaluation pages (gold test pages where any exist). The challenger is
published as an immutable release only when its micro F1 beats the incumbent's (or when forced);
otherwise it is published for inspection as ``candidate-<time>``, which no reader of releases takes.
The decision and every score are in the metadata and in the manifest.

Its output and data version are the release serving afterwards, so a refused challenger changes
nothing downstream, and a published one re-extracts the documents (``extracted_entities`` automation).
"""

import itertools
import tempfile
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from oceanid_dagster import settings
from oceanid_dagster.defs.assets.ner_training_dataset import TRAINING_GROUP
from oceanid_dagster.defs.automation import after_upstream
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.resources.artifact_store import ArtifactStoreResource
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.training.shipping import CHALLENGER, CHAMPION, MODEL_ALONE, RULES, VALIDATION_MARGIN

# Dagster resolves Config/resource annotations at decoration time: no `from __future__ import annotations` here.
NO_RELEASE = "none"


class NerReleaseConfig(dg.Config):
    force: bool = Field(default=False, description="Publish even if the challenger does not extract better.")
    validation_margin: float = Field(
        default=VALIDATION_MARGIN,
        ge=0,
        le=0.2,
        description="On the validation pages the challenger may trail the release serving now by this much "
        "(retraining's own spread), never the rules.",
    )


def _champion(hub, repo_id: str, work_dir: Path) -> tuple[Path, dict[str, Any]] | None:
    from oceanid_dagster.serving.hub_client import read_manifest

    version = hub.latest_revision(repo_id)
    if not version:
        return None
    folder = hub.download(repo_id, version, work_dir)
    return folder, read_manifest(folder)


def _evaluation_pages(hub, model_hub: ModelHubResource, dataset_revision: str, work_dir: Path):
    """The dataset's evaluation pages, and the fingerprints of the corrected pages it trains on."""
    from oceanid_dagster.training.dataset import load_evaluation_pages, load_learnt_kinds
    from oceanid_dagster.training.shipping import EvaluationPage

    folder = hub.download(model_hub.dataset_repo, dataset_revision, work_dir, repo_type="dataset")
    return [EvaluationPage.of(page) for page in load_evaluation_pages(folder)], load_learnt_kinds(folder)


def _build(ner_model_onnx: dict, artifact_store: ArtifactStoreResource, work: Path) -> Path:
    from oceanid_dagster.training.release import build_release

    model_dir = artifact_store.get_folder(ner_model_onnx["model_artifact"], work / "model")
    onnx_dir = artifact_store.get_folder(ner_model_onnx["onnx_artifact"], work / "onnx")
    int8 = ner_model_onnx.get("onnx_int8")
    return build_release(
        model_dir,
        onnx_dir / ner_model_onnx["onnx_fp32"],
        onnx_dir / int8 if int8 else None,
        metrics=ner_model_onnx["metrics"],
        base_model=ner_model_onnx["base_model"],
        dataset_revision=ner_model_onnx["dataset_revision"],
        out_dir=work / "releases",
    )


class _PerPageText:
    """A page method's results per page text, computed once for every combination scored."""

    def __init__(self, pages_method) -> None:
        self._method, self._seen = pages_method, {}

    def __call__(self, texts):
        missing = [text for text in dict.fromkeys(texts) if text not in self._seen]
        if missing:
            self._seen.update(zip(missing, self._method(missing)))
        return [self._seen[text] for text in texts]


class _RememberedModel:
    def __init__(self, model) -> None:
        self.version, self.predict_pages = model.version, _PerPageText(model.predict_pages)


class _RememberedRules:
    def __init__(self, rules) -> None:
        self.extract_pages = _PerPageText(rules.extract_pages)


def shipping_decision(
    candidate: Path,
    champion: tuple[Path, dict] | None,
    pages,
    force: bool,
    validation_margin: float = VALIDATION_MARGIN,
    learnt_kinds=(),
):
    """Score rules, challenger and champion on ``pages``, on the validation pages and on the reference
    pages, and decide (see :mod:`oceanid_dagster.training.shipping`). ``learnt_kinds``: fingerprints
    of the corrected pages the challenger learnt, by which it may be given pages of those kinds."""
    from oceanid_dagster.domain.labels import LABEL_NAMES
    from oceanid_dagster.inference.extractors import ModelExtractor, RuleExtractor
    from oceanid_dagster.inference.runtime import OnnxNerModel
    from oceanid_dagster.training.reference import reference_pages
    from oceanid_dagster.training.shipping import (
        GAP_FILL_SCORES,
        Candidate,
        best_candidate,
        choice_tolerance,
        decide,
        evaluation_weight,
        kinship_thresholds,
        labels_filling_helps,
        labels_rules_do_better,
        micro_f1,
        page_counts,
        routing_thresholds,
        score_extractor,
        validation_bar,
    )

    page_sets = {
        "eval": pages,
        "valid": reference_pages(settings.validation_pages_dir()),
        "ref": reference_pages(settings.reference_pages_dir()),
    }
    model = _RememberedModel(OnnxNerModel.load(candidate))
    rule_extractor = _RememberedRules(RuleExtractor())  # every combination merges with the same rule spans

    def scored(extractor) -> dict[str, dict]:
        return {name: score_extractor(extractor, on) for name, on in page_sets.items()}

    rules, alone = scored(rule_extractor), scored(ModelExtractor(model, rules=rule_extractor))
    per_label = labels_rules_do_better(alone["eval"], rules["eval"]) | labels_rules_do_better(
        alone["valid"], rules["valid"]
    )
    champion_scores, champion_version = None, None
    if champion is not None:
        folder, manifest = champion
        champion_version = manifest["version"]
        shipped = manifest.get("shipping", {})
        champion_scores = scored(ModelExtractor.as_shipped(OnnxNerModel.load(folder), shipped, rules=rule_extractor))
    candidates = []

    def uncertainties(on) -> list[float]:
        return [prediction.uncertainty for prediction in model.predict_pages([page.text for page in on])]

    thresholds = routing_thresholds(uncertainties(pages), uncertainties(page_sets["valid"]))
    combinations = itertools.product(
        dict.fromkeys([per_label, frozenset(LABEL_NAMES)]),
        GAP_FILL_SCORES,
        thresholds,
        kinship_thresholds(learnt_kinds, pages),
    )

    def combined(rule_labels, fill, uncertainty, kinship, fill_labels=None) -> ModelExtractor:
        return ModelExtractor(
            model,
            rule_labels=rule_labels,
            gap_fill_min_score=fill,
            model_page_max_uncertainty=uncertainty,
            rules=rule_extractor,
            learnt_kinds=learnt_kinds,
            model_page_min_kinship=kinship,
            gap_fill_labels=fill_labels,
        )

    def candidate(rule_labels, fill, uncertainty, kinship, fill_labels=None) -> Candidate:
        # the reference pages are shown, not decided on: scored for the chosen candidate only
        extractor = combined(rule_labels, fill, uncertainty, kinship, fill_labels)
        evaluation, validation = (score_extractor(extractor, page_sets[name]) for name in ("eval", "valid"))
        counts = page_counts(extractor, page_sets["valid"])
        return Candidate(fill, uncertainty, evaluation, validation, rule_labels, kinship, counts, fill_labels)

    unfilled = {}
    for rule_labels, fill, uncertainty, kinship in combinations:
        candidates.append(candidate(rule_labels, fill, uncertainty, kinship))
        if fill is None:
            unfilled[rule_labels, uncertainty, kinship] = candidates[-1]
    # ... and each gap fill again, filling only the labels it helps on the evaluation and the validation pages
    for filled in [c for c in candidates if c.gap_fill_min_score is not None]:
        without = unfilled[filled.rule_labels, filled.model_page_max_uncertainty, filled.model_page_min_kinship]
        helped = (
            labels_filling_helps([filled.evaluation, filled.validation], [without.evaluation, without.validation])
            & filled.rule_labels
        )
        if helped and helped != filled.rule_labels:
            candidates.append(
                candidate(
                    filled.rule_labels,
                    filled.gap_fill_min_score,
                    filled.model_page_max_uncertainty,
                    filled.model_page_min_kinship,
                    helped,
                )
            )
    incumbent = champion_scores or rules
    bar = validation_bar(micro_f1(incumbent["valid"]), micro_f1(rules["valid"]), validation_margin)
    chosen = best_candidate(
        candidates, micro_f1(incumbent["eval"]), bar, evaluation_weight(pages), choice_tolerance(pages)
    )

    chosen_reference = score_extractor(
        combined(
            chosen.rule_labels,
            chosen.gap_fill_min_score,
            chosen.model_page_max_uncertainty,
            chosen.model_page_min_kinship,
            chosen.gap_fill_labels,
        ),
        page_sets["ref"],
    )

    def by_extractor(page_set: str, challenger: dict) -> dict[str, dict]:
        got = {CHALLENGER: challenger, RULES: rules[page_set], MODEL_ALONE: alone[page_set]}
        return {**got, CHAMPION: champion_scores[page_set]} if champion_scores else got

    return decide(
        chosen.evaluation,
        rules["eval"],
        champion_scores["eval"] if champion_scores else None,
        champion_version,
        chosen.rule_labels,
        force,
        model_alone=alone["eval"],
        validation=by_extractor("valid", chosen.validation),
        reference=by_extractor("ref", chosen_reference),
        gap_fill_min_score=chosen.gap_fill_min_score,
        model_page_max_uncertainty=chosen.model_page_max_uncertainty,
        validation_margin=validation_margin,
        model_page_min_kinship=chosen.model_page_min_kinship,
        learnt_kinds=learnt_kinds,
        gap_fill_labels=chosen.gap_fill_labels,
    )


def _or_never(threshold: float | None) -> float | str:
    return "never" if threshold is None else threshold


def _publish_candidate(context, hub, model_hub: ModelHubResource, folder: Path, reason: str) -> str:
    """The refused challenger on the hub as ``candidate-<time>``, for a person to inspect; the
    release serving stays, also when this upload fails (it is not a release)."""
    from oceanid_dagster.serving.hub_client import HubError
    from oceanid_dagster.training.release import as_candidate

    candidate = as_candidate(folder)
    try:
        hub.publish_folder(model_hub.model_repo, candidate, candidate.name, commit_message=f"Not shipped: {reason}")
    except HubError as error:
        context.log.warning(f"the refused challenger could not be published for inspection: {error}")
        return f"not published: {error}"
    context.log.info(f"refused challenger published for inspection as {candidate.name} (not a release)")
    return candidate.name


@dg.asset(
    group_name=TRAINING_GROUP,
    kinds={"huggingface", "onnx"},
    code_version=source_version(
        "training/release.py",
        "training/shipping.py",
        "training/reference.py",
        "inference/extractors.py",
        "serving/hub_client.py",
        "serving/triton_config.py",
    ),
    automation_condition=after_upstream(),
    description="Publishes the ONNX model as an immutable release only if, on the same evaluation pages, it "
    "extracts better than what ships now (the current release re-scored, or the rules). The value is the "
    "release serving afterwards.",
)
def ner_model_release(
    context: dg.AssetExecutionContext,
    config: NerReleaseConfig,
    ner_model_onnx: dict,
    model_hub: ModelHubResource,
    artifact_store: ArtifactStoreResource,
) -> dg.Output[str]:
    from oceanid_dagster.training.release import record_shipping

    hub = model_hub.client()
    with tempfile.TemporaryDirectory(prefix="ner-release-") as work_dir:
        work = Path(work_dir)
        pages, kinds = _evaluation_pages(hub, model_hub, ner_model_onnx["dataset_revision"], work / "dataset")
        champion = _champion(hub, model_hub.model_repo, work / "champion")
        folder = _build(ner_model_onnx, artifact_store, work)
        decision = shipping_decision(folder, champion, pages, config.force, config.validation_margin, kinds)
        champion_version = champion[1]["version"] if champion else ""
        table = decision.table()
        metadata = {
            "published": decision.ships,
            "decision": decision.reason,
            "incumbent": decision.incumbent,
            "champion": champion_version,
            "evaluation_pages": len(pages),
            "micro_f1": dg.MetadataValue.json(decision.manifest()["micro_f1"]),
            "validation_micro_f1": dg.MetadataValue.json(decision.manifest()["validation_micro_f1"]),
            "validation_bar": decision.validation_bar,
            "reference_micro_f1": dg.MetadataValue.json(decision.manifest()["reference_micro_f1"]),
            "labels_from_rules": ", ".join(sorted(decision.rule_labels)) or "none",
            "gap_fill_min_score": _or_never(decision.gap_fill_min_score),
            "gap_fill_labels": "every rule label"
            if decision.gap_fill_labels is None
            else ", ".join(sorted(decision.gap_fill_labels)),
            "model_page_max_uncertainty": _or_never(decision.model_page_max_uncertainty),
            "model_page_min_kinship": _or_never(decision.model_page_min_kinship),
            "learnt_kinds": len(kinds),
            "comparison": dg.MetadataValue.md(markdown_table(table, list(table[0]), limit=len(table))),
            "repo": model_hub.model_repo,
            "cpu_precision": ner_model_onnx.get("cpu_precision", "int8"),
        }
        record_shipping(folder, decision.manifest())
        if not decision.ships:
            context.log.warning(f"release refused: {decision.reason}")
            metadata["published_for_inspection"] = _publish_candidate(context, hub, model_hub, folder, decision.reason)
            return dg.Output(
                champion_version, data_version=dg.DataVersion(champion_version or NO_RELEASE), metadata=metadata
            )
        hub.publish_folder(model_hub.model_repo, folder, folder.name, commit_message=decision.reason)
    context.log.info(f"published {folder.name} to {model_hub.display_name}: {decision.reason}")
    return dg.Output(
        folder.name, data_version=dg.DataVersion(folder.name), metadata={**metadata, "version": folder.name}
    )
