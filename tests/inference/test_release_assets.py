import shutil
from pathlib import Path

import pytest
from dagster import asset, materialize

from oceanid_dagster.defs.assets.ner_model_onnx import ONNX_CHECKS, ner_model_onnx
from oceanid_dagster.defs.assets.ner_model_release import ner_model_release
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.domain.labels import LABEL2ID
from oceanid_dagster.serving.hub_client import LocalFolderHub, verify_manifest
from tests.inference.tiny_model import metrics_with_f1

DATASET_REVISION = "dataset-20260101T000000Z"


def publish_gold_dataset(hub: LocalFolderHub, repo: str, sentences, work_dir: Path) -> None:
    """A dataset in the training format whose test split is the given sentences, as gold."""
    from datasets import Dataset, DatasetDict

    from oceanid_dagster.training.dataset import dataset_features, publish_dataset, save_dataset

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
    publish_dataset(hub, repo, save_dataset(dataset, work_dir / "dataset"), DATASET_REVISION)


@pytest.fixture
def model_hub(tmp_path, tiny_model) -> ModelHubResource:
    resource = ModelHubResource(local_dir=str(tmp_path / "hub"))
    publish_gold_dataset(resource.client(), resource.dataset_repo, tiny_model.eval_sentences, tmp_path)
    return resource


def trained_model_stub(model_dir: Path, f1: float):
    @asset(name="ner_model")
    def stub() -> dict:
        return {
            "model_dir": str(model_dir),
            "metrics": metrics_with_f1(f1),
            "dataset_revision": DATASET_REVISION,
            "base_model": "tiny-distilbert",
        }

    return stub


def run_chain(model_hub, model_dir: Path, f1: float):
    return materialize(
        [trained_model_stub(model_dir, f1), ner_model_onnx, ner_model_release],
        resources={"model_hub": model_hub},
    )


def test_chain_exports_checks_and_publishes_then_refuses_a_worse_model(model_hub, tiny_model, tmp_path):
    model_dir = shutil.copytree(tiny_model.folder, tmp_path / "training" / "model")
    hub = model_hub.client()

    first = run_chain(model_hub, model_dir, f1=0.9)
    assert first.success
    checks = {evaluation.check_name: evaluation.passed for evaluation in first.get_asset_check_evaluations()}
    assert checks == dict.fromkeys(ONNX_CHECKS, True)
    (version,) = hub.list_revisions(model_hub.model_repo)
    assert first.output_for_node("ner_model_release") == version
    assert verify_manifest(hub.download(model_hub.model_repo, version, tmp_path / "downloaded")) == []

    worse = run_chain(model_hub, model_dir, f1=0.5)
    assert worse.success
    assert hub.list_revisions(model_hub.model_repo) == [version]
    release_metadata = worse.asset_materializations_for_node("ner_model_release")[0].metadata
    assert release_metadata["published"].value is False
    assert "worse, not published" in release_metadata["decision"].value
