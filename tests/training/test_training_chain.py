"""The whole nightly chain on the tiny model: dataset → model → ONNX (blocking checks) → release,
as the nightly job runs it, then the release drives extraction. The tiny model (150 steps on six
documents) does not beat the rules, so the release is forced here; the shipping decision is still
measured and recorded."""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterInstance, materialize

from oceanid_dagster.defs.assets.ner_model import ner_model
from oceanid_dagster.defs.assets.ner_model_onnx import ner_model_onnx
from oceanid_dagster.defs.assets.ner_model_release import ner_model_release
from oceanid_dagster.defs.assets.ner_training_dataset import ner_training_dataset
from oceanid_dagster.defs.resources.artifact_store import ArtifactStoreResource
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.resources.ner_runtime import NerRuntimeResource
from oceanid_dagster.defs.resources.registry_lists import RegistryListsResource
from oceanid_dagster.defs.resources.triton import TritonResource
from oceanid_dagster.defs.selections import TRAINING_ASSETS, training_definitions
from oceanid_dagster.inference.extractors import ModelExtractor
from oceanid_dagster.serving.hub_client import read_manifest

SAMPLE_REGISTRY = RegistryListsResource(allow_packaged_sample=True)


def test_nightly_chain_publishes_a_release_the_pipeline_then_uses(warehouse, tmp_path, tiny_base, monkeypatch):
    monkeypatch.setenv("OCEANID_HOME", str(tmp_path / "home"))
    hub = ModelHubResource(local_dir=str(tmp_path / "hub"))
    run_config = {
        "ops": {
            "ner_training_dataset": {"config": {"silver_documents": 6, "seed": 3}},
            "ner_model": {
                "config": {
                    "base_model": tiny_base.location,
                    "max_steps": 150,
                    "batch_size": 8,
                    "max_length": 64,
                    "learning_rate": 0.005,
                }
            },
            "ner_model_release": {"config": {"force": True}},
        }
    }
    assert {key.to_user_string() for asset in training_definitions() for key in asset.keys} >= set(TRAINING_ASSETS)

    result = materialize(
        [ner_training_dataset, ner_model, ner_model_onnx, ner_model_release],
        resources={
            "warehouse": warehouse,
            "model_hub": hub,
            "registry_lists": SAMPLE_REGISTRY,
            "artifact_store": ArtifactStoreResource(uri=str(tmp_path / "artifacts")),
        },
        run_config=run_config,
        instance=DagsterInstance.ephemeral(),
    )

    assert result.success
    checks = {evaluation.check_name: evaluation.passed for evaluation in result.get_asset_check_evaluations()}
    assert checks and all(checks.values()), checks
    [release] = hub.client().list_revisions(hub.model_repo)
    manifest = read_manifest(hub.client().download(hub.model_repo, release, tmp_path / "downloaded"))
    assert manifest["dataset_revision"] == result.output_for_node("ner_training_dataset")
    assert manifest["base_model"] == Path(tiny_base.location).name

    shipping = manifest["shipping"]
    assert shipping["incumbent"] == "rules" and set(shipping["micro_f1"]) == {"challenger", "rules", "model_alone"}
    release_metadata = result.asset_materializations_for_node("ner_model_release")[0].metadata
    assert release_metadata["evaluation_pages"].value > 0

    runtime = NerRuntimeResource(models_cache_dir=str(tmp_path / "models"), model_hub=hub, triton=TritonResource())
    extractor = runtime.load_extractor()
    assert isinstance(extractor, ModelExtractor) and extractor.version == release
    assert extractor.rule_labels == frozenset(shipping["rule_labels"]), "the release's per-label choice is applied"
