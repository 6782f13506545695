"""Jobs: what runs together."""

from dagster import AssetSelection, define_asset_job

TRAINING_ASSETS = ("ner_training_dataset", "ner_model", "ner_model_onnx", "ner_model_release")

# Corrections → dataset → model → ONNX → release. A failed blocking check on the ONNX export
# stops the release step of that night's run; the schedule itself keeps running.
training_job = define_asset_job(
    name="nightly_training",
    selection=AssetSelection.assets(*TRAINING_ASSETS),
    description="Retrain the vessel NER model on the latest corrections and publish it if it is no worse.",
    tags={"oceanid/pipeline": "training"},
)
