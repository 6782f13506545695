from __future__ import annotations

import subprocess
import sys

from dagster import DagsterInstance, materialize
from transformers import AutoModelForTokenClassification, AutoTokenizer

from oceanid_dagster.cli import training_summary
from oceanid_dagster.defs.assets.ner_model import ner_model
from oceanid_dagster.defs.assets.ner_training_dataset import NerDatasetConfig, ner_training_dataset
from oceanid_dagster.defs.resources.artifact_store import ArtifactStoreResource
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.resources.registry_lists import RegistryListsResource
from oceanid_dagster.defs.selections import TRAINING_ASSETS
from oceanid_dagster.domain.labels import LABEL_NAMES
from oceanid_dagster.training.dataset import gold_test_document_ids, load_dataset_folder

SAMPLE_REGISTRY = RegistryListsResource(allow_packaged_sample=True)


def test_dataset_then_model_on_the_tiny_base(warehouse, tmp_path, tiny_base, monkeypatch):
    monkeypatch.setenv("OCEANID_HOME", str(tmp_path / "home"))
    hub = ModelHubResource(local_dir=str(tmp_path / "hub"))
    artifacts = ArtifactStoreResource(uri=str(tmp_path / "artifacts"))
    run_config = {
        "ops": {
            "ner_training_dataset": {"config": {"silver_documents": 6, "seed": 3}},
            "ner_model": {
                "config": {"base_model": tiny_base.location, "max_steps": 3, "batch_size": 8, "max_length": 64}
            },
        }
    }
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [ner_training_dataset, ner_model],
        resources={
            "warehouse": warehouse,
            "model_hub": hub,
            "registry_lists": SAMPLE_REGISTRY,
            "artifact_store": artifacts,
        },
        run_config=run_config,
        instance=instance,
    )
    assert result.success
    messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert any(
        message.startswith("step 3/3") and " loss " in message for message in messages
    )  # progress in the run's logs

    revision = result.output_for_node("ner_training_dataset")
    client = hub.client()
    assert client.latest_revision(hub.dataset_repo, repo_type="dataset") == revision
    published = load_dataset_folder(
        client.download(hub.dataset_repo, revision, tmp_path / "check", repo_type="dataset")
    )
    gold_ids = gold_test_document_ids(published)
    assert gold_ids == {row["document_id"] for row in warehouse.query("SELECT document_id FROM entity_corrections")}

    summary = result.output_for_node("ner_model")
    assert summary["dataset_revision"] == revision
    assert summary["metrics"]["eval_split"] == "gold test"
    assert set(summary["metrics"]["per_label"]) == set(LABEL_NAMES)
    model_dir = artifacts.get_folder(summary["model_artifact"], tmp_path / "model")
    AutoModelForTokenClassification.from_pretrained(model_dir)
    AutoTokenizer.from_pretrained(model_dir)
    assert not (tmp_path / "home" / "training").exists(), "training scratch is not left on the step's disk"
    metadata = result.asset_materializations_for_node("ner_model")[0].metadata
    assert metadata["f1"].value == summary["metrics"]["f1"]
    assert metadata["training_arithmetic"].value in {"bf16 autocast", "fp32"}
    assert metadata["training_steps"].value == 3  # max_steps 3 in this run's config
    assert (metadata["planned_steps"].value, metadata["step_limit"].value) == (3, "max_steps")
    assert 0 < metadata["training_loop_seconds"].value <= metadata["training_seconds"].value
    assert metadata["seconds_per_step"].value > 0
    # what `oceanid train` prints of it
    summary_line = training_summary(result.asset_materializations_for_node("ner_model"))
    assert summary_line.startswith("ner_model: 3 of 3 steps (max_steps), training loop ")
    assert summary_line.endswith(f"gold test F1 {metadata['f1'].value:.4f}")
    assert training_summary([]) is None
    assert len(metadata["per_label"].value.records) == len(LABEL_NAMES) + 1
    assert metadata["report"].value.startswith("![per-label F1 and loss](data:image/png;base64,")


def test_a_second_dataset_keeps_the_first_gold_test_split(warehouse, tmp_path):
    hub = ModelHubResource(local_dir=str(tmp_path / "hub"))
    resources = {"warehouse": warehouse, "model_hub": hub, "registry_lists": SAMPLE_REGISTRY}
    first = materialize(
        [ner_training_dataset],
        resources=resources,
        run_config={"ops": {"ner_training_dataset": {"config": {"silver_documents": 4}}}},
    )
    # Next night the split policy puts every new document in train; the published gold test stays.
    config = {"silver_documents": 4, "test_fraction": 0.0}
    second = materialize(
        [ner_training_dataset], resources=resources, run_config={"ops": {"ner_training_dataset": {"config": config}}}
    )
    metadata = second.asset_materializations_for_node("ner_training_dataset")[0].metadata
    assert metadata["previous_revision"].value == first.output_for_node("ner_training_dataset")
    assert metadata["frozen_gold_test_documents"].value > 0
    client = hub.client()
    datasets = [
        load_dataset_folder(
            client.download(
                hub.dataset_repo,
                run.output_for_node("ner_training_dataset"),
                tmp_path / str(index),
                repo_type="dataset",
            )
        )
        for index, run in enumerate((first, second))
    ]
    assert gold_test_document_ids(datasets[1]) == gold_test_document_ids(datasets[0]) != set()


def test_silver_data_covers_every_layout_and_a_share_read_as_ocr(warehouse, tmp_path):
    from oceanid_dagster.samples.generator import SILVER_LAYOUT_NAMES

    hub = ModelHubResource(local_dir=str(tmp_path / "hub"))
    config = {"silver_documents": 18, "ocr_share": 0.5, "seed": 5}
    result = materialize(
        [ner_training_dataset],
        resources={"warehouse": warehouse, "model_hub": hub, "registry_lists": SAMPLE_REGISTRY},
        run_config={"ops": {"ner_training_dataset": {"config": config}}},
    )
    table = result.asset_materializations_for_node("ner_training_dataset")[0].metadata["silver_layouts"].value
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    assert {row[0].strip("| ") for row in rows} == set(SILVER_LAYOUT_NAMES)
    documents = sum(int(row[1]) for row in rows)
    ocr_read = sum(int(row[3].strip(" |")) for row in rows)
    assert documents == 18 and 4 <= ocr_read <= 14


def test_the_reference_pages_train_as_handwritten_pages_unless_switched_off(warehouse, tmp_path):
    """``OCEANID_REFERENCE_PAGES`` (the tests' own pages) become train-only examples, counted in the UI."""
    from oceanid_dagster import settings
    from oceanid_dagster.training.reference import reference_page_paths

    hub = ModelHubResource(local_dir=str(tmp_path / "hub"))
    resources = {"warehouse": warehouse, "model_hub": hub, "registry_lists": SAMPLE_REGISTRY}

    def built(**config):
        run_config = {"ops": {"ner_training_dataset": {"config": {"silver_documents": 4, **config}}}}
        result = materialize([ner_training_dataset], resources=resources, run_config=run_config)
        return result.asset_materializations_for_node("ner_training_dataset")[0].metadata

    pages = len(reference_page_paths(settings.reference_pages_dir()))
    with_pages, without = built(), built(handwritten_pages=False)
    assert with_pages["handwritten_pages"].value == pages > 0 and without["handwritten_pages"].value == 0
    repeats = NerDatasetConfig().handwritten_repeats
    assert with_pages["train_examples"].value >= without["train_examples"].value + repeats * pages
    assert with_pages["test_examples"].value == without["test_examples"].value
    assert "handwritten" in with_pages["splits"].value


def test_loading_the_assets_module_does_not_import_torch():
    modules = ", ".join(f"oceanid_dagster.defs.assets.{name}" for name in TRAINING_ASSETS)
    code = f"import sys, {modules}; print(sorted(m for m in ('torch', 'transformers', 'datasets') if m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    )
