import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dagster import asset, materialize

from oceanid_dagster.cli import release_summary
from oceanid_dagster.defs.assets.ner_model import training_artifact
from oceanid_dagster.defs.assets.ner_model_onnx import ONNX_CHECKS, ner_model_onnx
from oceanid_dagster.defs.assets.ner_model_release import ner_model_release
from oceanid_dagster.defs.resources.artifact_store import ArtifactStoreResource
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.resources.ner_runtime import NerRuntimeResource
from oceanid_dagster.defs.resources.triton import TritonResource
from oceanid_dagster.domain.labels import LABEL2ID
from oceanid_dagster.domain.spans import Span
from oceanid_dagster.inference.extractors import RuleExtractor
from oceanid_dagster.serving.hub_client import LocalFolderHub, read_manifest, verify_manifest
from oceanid_dagster.training.dataset import LabelledPage
from oceanid_dagster.training.release import build_release
from tests.inference.test_onnx_export import _save_biased_copy
from tests.inference.tiny_model import gold_spans, metrics_with_f1

DATASET_REVISION = "dataset-20260101T000000Z"


def publish_gold_dataset(hub: LocalFolderHub, repo: str, sentences, work_dir: Path, learnt_kinds=()) -> None:
    """A dataset in the training format whose test split is the given sentences, as gold (and the
    fingerprints of corrected training pages, ``learnt_kinds``)."""
    from datasets import Dataset, DatasetDict

    from oceanid_dagster.training.dataset import (
        dataset_features,
        publish_dataset,
        save_dataset,
        save_evaluation_pages,
        save_learnt_kinds,
    )

    def split(rows):
        return Dataset.from_dict(
            {
                "id": [f"doc{index}-1-0" for index in range(len(rows))],
                "document_id": [f"doc{index}" for index in range(len(rows))],
                "page_number": [1] * len(rows),
                "source": ["gold"] * len(rows),
                "tokens": [sentence.words for sentence in rows],
                "ner_tags": [[LABEL2ID[tag] for tag in sentence.tags] for sentence in rows],
            },
            features=dataset_features(),
        )

    dataset = DatasetDict({"train": split(sentences[:4]), "validation": split([]), "test": split(sentences)})
    folder = save_dataset(dataset, work_dir / "dataset")
    save_evaluation_pages(folder, evaluation_pages_of(sentences))
    save_learnt_kinds(folder, learnt_kinds)
    publish_dataset(hub, repo, folder, DATASET_REVISION)


def evaluation_pages_of(sentences) -> list[LabelledPage]:
    """One gold page per sentence, its entities as spans."""
    return [
        LabelledPage(
            f"doc{index}", 1, sentence.text,
            tuple(Span(start, start + len(text), label) for label, text, start in gold_spans([sentence])), "gold",
        )
        for index, sentence in enumerate(sentences)
    ]  # fmt: skip


@pytest.fixture
def model_hub(tmp_path, tiny_model) -> ModelHubResource:
    resource = ModelHubResource(local_dir=str(tmp_path / "hub"))
    publish_gold_dataset(resource.client(), resource.dataset_repo, tiny_model.eval_sentences, tmp_path)
    return resource


def trained_model_stub(model_dir: Path, f1: float):
    @asset(name="ner_model")
    def stub(artifact_store: ArtifactStoreResource) -> dict:
        return {
            "model_artifact": artifact_store.put_folder(model_dir, training_artifact(datetime.now(UTC))),
            "metrics": metrics_with_f1(f1),
            "dataset_revision": DATASET_REVISION,
            "base_model": "tiny-distilbert",
        }

    return stub


def run_chain(model_hub, model_dir: Path, f1: float):
    return materialize(
        [trained_model_stub(model_dir, f1), ner_model_onnx, ner_model_release],
        resources={
            "model_hub": model_hub,
            "artifact_store": ArtifactStoreResource(uri=str(Path(model_hub.local_dir).parent / "artifacts")),
        },
    )


def release_metadata(result) -> dict:
    return {
        key: value.value
        for key, value in result.asset_materializations_for_node("ner_model_release")[0].metadata.items()
    }


def test_a_model_that_beats_the_rules_ships_and_a_worse_one_then_does_not(model_hub, tiny_model, tmp_path):
    model_dir = shutil.copytree(tiny_model.folder, tmp_path / "training" / "model")
    hub = model_hub.client()

    first = run_chain(model_hub, model_dir, f1=0.5)  # the stored training F1 plays no part
    assert first.success
    checks = {evaluation.check_name: evaluation.passed for evaluation in first.get_asset_check_evaluations()}
    assert checks == dict.fromkeys(ONNX_CHECKS, True)
    (version,) = hub.list_revisions(model_hub.model_repo)
    assert first.output_for_node("ner_model_release") == version
    released = hub.download(model_hub.model_repo, version, tmp_path / "downloaded")
    assert verify_manifest(released) == []
    metadata = release_metadata(first)
    assert metadata["published"] is True and metadata["incumbent"] == "rules"
    assert metadata["micro_f1"]["challenger"] > metadata["micro_f1"]["rules"]
    shipping = read_manifest(released)["shipping"]
    assert shipping["ships"] is True and shipping["micro_f1"] == metadata["micro_f1"]

    biased = _save_biased_copy(tiny_model.folder, tmp_path / "biased", "B-PORT")
    worse = run_chain(model_hub, biased, f1=0.99)
    assert worse.success
    assert hub.list_revisions(model_hub.model_repo) == [version]
    metadata = release_metadata(worse)
    assert metadata["published"] is False and metadata["incumbent"] == version
    assert "does not beat" in metadata["decision"]
    assert worse.output_for_node("ner_model_release") == version, "the champion keeps serving"
    # what `oceanid train` prints after each run
    assert release_summary(first.asset_materializations_for_node("ner_model_release")).startswith(
        f"ner_model_release: published {version}: challenger micro F1"
    )
    refused = release_summary(worse.asset_materializations_for_node("ner_model_release"))
    assert refused.startswith(f"ner_model_release: not published, {version} still serves: challenger micro F1")
    assert "(inspect: candidate-" in refused
    assert "not reached" in release_summary([])


def test_the_champion_is_re_scored_on_todays_pages_not_by_its_stored_number(model_hub, tiny_model, tmp_path):
    """A champion whose manifest claims F1 0.99 but which extracts badly loses to a better challenger."""
    from oceanid_dagster.training.onnx_export import export_onnx

    biased = _save_biased_copy(tiny_model.folder, tmp_path / "biased", "B-PORT")
    champion = build_release(
        biased, export_onnx(biased, tmp_path / "biased-onnx"), None, metrics=metrics_with_f1(0.99),
        base_model="tiny", dataset_revision=DATASET_REVISION, out_dir=tmp_path / "champion",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    hub = model_hub.client()
    hub.publish_folder(model_hub.model_repo, champion, champion.name, commit_message="champion")

    result = run_chain(model_hub, shutil.copytree(tiny_model.folder, tmp_path / "model"), f1=0.1)
    metadata = release_metadata(result)
    assert metadata["incumbent"] == champion.name and metadata["published"] is True
    assert metadata["micro_f1"]["champion"] < metadata["micro_f1"]["challenger"]
    validation = metadata["validation_micro_f1"]
    assert metadata["validation_bar"] == pytest.approx(max(validation["champion"] - 0.02, validation["rules"]))


def test_a_model_that_does_not_beat_the_rules_does_not_ship(model_hub, tiny_model, tmp_path):
    biased = _save_biased_copy(tiny_model.folder, tmp_path / "biased", "B-PORT")
    result = run_chain(model_hub, biased, f1=0.99)
    assert result.success
    assert model_hub.client().list_revisions(model_hub.model_repo) == []
    metadata = release_metadata(result)
    assert metadata["published"] is False and metadata["incumbent"] == "rules"
    assert result.output_for_node("ner_model_release") == ""

    # published for inspection, as a candidate no reader of releases takes
    candidate = metadata["published_for_inspection"]
    assert candidate.startswith("candidate-")
    inspected = model_hub.client().download(model_hub.model_repo, candidate, tmp_path / "inspected")
    assert verify_manifest(inspected) == []
    manifest = read_manifest(inspected)
    assert manifest["version"] == candidate and manifest["shipping"]["ships"] is False
    assert "(candidate: not shipped)" in (inspected / "README.md").read_text()
    assert model_hub.client().latest_revision(model_hub.model_repo) is None
    runtime = NerRuntimeResource(
        models_cache_dir=str(tmp_path / "models"), model_hub=model_hub, triton=TritonResource()
    )
    assert isinstance(runtime.load_extractor(), RuleExtractor), "extraction stays on the rules"


def test_a_model_that_cannot_read_the_packaged_pages_ships_only_for_the_pages_it_reads_surely(
    model_hub, tiny_model, tmp_path, monkeypatch
):
    """The tiny model beats the rules on its own sentences but cannot read real layouts: it ships
    routed, its own pages read by it, the validation pages left to the rules, no worse there."""
    monkeypatch.delenv("OCEANID_REFERENCE_PAGES")
    monkeypatch.delenv("OCEANID_VALIDATION_PAGES")
    model_dir = shutil.copytree(tiny_model.folder, tmp_path / "training" / "model")
    result = run_chain(model_hub, model_dir, f1=0.9)
    assert result.success
    metadata = release_metadata(result)
    validation, reference = metadata["validation_micro_f1"], metadata["reference_micro_f1"]
    assert validation["rules"] > 0.6 and validation["model_alone"] < 0.5 * validation["rules"], validation
    assert reference["rules"] > 0.9 and reference["model_alone"] < 0.5 * reference["rules"], reference
    # the labels the rules read better on the validation pages stay the rules' on unsure pages
    assert {"VESSEL_NAME", "FLAG", "BUILD_YEAR"} <= set(metadata["labels_from_rules"].split(", "))
    assert metadata["published"] is True and metadata["model_page_max_uncertainty"] != "never"
    assert metadata["micro_f1"]["challenger"] > metadata["micro_f1"]["rules"]
    assert validation["challenger"] >= validation["rules"] == metadata["validation_bar"]  # no champion: the rules'
    (version,) = model_hub.client().list_revisions(model_hub.model_repo)
    shipping = read_manifest(model_hub.client().download(model_hub.model_repo, version, tmp_path / "got"))["shipping"]
    assert shipping["model_page_max_uncertainty"] == metadata["model_page_max_uncertainty"]


def test_the_release_reads_the_datasets_learnt_kinds_and_never_ships_routing_by_kind_untried(tiny_model, tmp_path):
    """Corrected pages of a kind none of the evaluation pages is of: the release counts their
    fingerprints, and does not route by kind, which no page measured."""
    from oceanid_dagster.domain.page_kinds import fingerprints

    form = "TRANSHIPMENT DECLARATION: fishing vessel offloading, receiving carrier, remarks, observer, port, date, time"
    model_hub = ModelHubResource(local_dir=str(tmp_path / "hub"))
    publish_gold_dataset(
        model_hub.client(), model_hub.dataset_repo, tiny_model.eval_sentences, tmp_path, fingerprints([(form, [])])
    )
    result = run_chain(model_hub, shutil.copytree(tiny_model.folder, tmp_path / "model"), f1=0.5)
    metadata = release_metadata(result)
    assert metadata["learnt_kinds"] == 1 and metadata["model_page_min_kinship"] == "never"
