"""Once a model is released, extracted_entities runs it (ONNX Runtime int8) instead of the rules."""

from __future__ import annotations

from oceanid_dagster.serving.hub_client import read_manifest
from tests.ingestion.helpers import register, run_batch, upload
from tests.pdf_fixtures import text_pdf

NOTICE = "IUU notice: the reefer IBUKI (IMO 9666481, call sign 3ELC8), flag Panama, sighted 13 Aug 2025."


def test_the_latest_release_extracts_entities_with_page_uncertainty(home, resources, instance, release_folder):
    manifest = read_manifest(release_folder)
    hub = resources["model_hub"]
    hub.client().publish_folder(hub.model_repo, release_folder, manifest["version"])
    ids = register(resources, instance, upload(home, {"notice.pdf": text_pdf(NOTICE, "Second page, IMO 9086758.")}))

    assert run_batch(instance, resources, ids).success

    warehouse = resources["warehouse"]
    entities = warehouse.query("SELECT label, text, source, model_version FROM entities")
    assert {(row["source"], row["model_version"]) for row in entities} == {("model", manifest["version"])}
    # Identifiers with a validator are confirmed by the rules even where the model missed them.
    assert {("IMO", "9666481"), ("IMO", "9086758")} <= {(row["label"], row["text"]) for row in entities}
    predictions = warehouse.query(
        "SELECT page_number, model_version, uncertainty FROM page_predictions ORDER BY page_number"
    )
    assert [row["page_number"] for row in predictions] == [1, 2]
    assert all(0.0 <= row["uncertainty"] <= 1.0 for row in predictions)
    assert (home / "models" / manifest["version"] / "model_int8.onnx").exists(), "the release is cached locally"
