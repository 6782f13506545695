"""The one ``Definitions`` of the code location. Resources are chosen by deployment profile:
``OCEANID_PROFILE=local`` (default: DuckDB file, uploads folder, folder hub under $OCEANID_HOME)
or ``prod`` (MotherDuck, S3/R2 bucket, Hugging Face Hub, remote Argilla, Triton on Calypso)."""

from __future__ import annotations

import os

from dagster import Definitions, EnvVar, load_asset_checks_from_modules, load_assets_from_modules

from oceanid_dagster import settings
from oceanid_dagster.assets import annotation, documents, extracted_entities, raw_ocr, release, training, vessel_registry
from oceanid_dagster.deployment import executor_for_profile
from oceanid_dagster.resources.argilla import ArgillaResource
from oceanid_dagster.resources.document_store import DocumentStoreResource
from oceanid_dagster.resources.model_hub import ModelHubResource
from oceanid_dagster.resources.ner_runtime import NerRuntimeResource
from oceanid_dagster.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.resources.triton import TritonResource
from oceanid_dagster.resources.warehouse import WarehouseResource
from oceanid_dagster.schedules import nightly_training_schedule
from oceanid_dagster.sensors.annotation_sensor import annotation_sensor
from oceanid_dagster.sensors.upload_sensor import upload_sensor
from oceanid_dagster.jobs import training_job

INGESTION_MODULES = [documents, raw_ocr, extracted_entities]
TRAINING_MODULES = [training, release]
ASSET_MODULES = [*INGESTION_MODULES, annotation, vessel_registry, *TRAINING_MODULES]


def ingestion_definitions() -> list:
    """Assets and checks of upload → raw_ocr → extracted_entities (the CLI materialises these)."""
    return [*load_assets_from_modules(INGESTION_MODULES), *load_asset_checks_from_modules(INGESTION_MODULES)]


def training_definitions() -> list:
    """Assets and checks of dataset → model → ONNX → release (``oceanid train`` materialises these)."""
    return [*load_assets_from_modules(TRAINING_MODULES), *load_asset_checks_from_modules(TRAINING_MODULES)]


LOCAL_ARGILLA_URL = "http://127.0.0.1:6900"
LOCAL_ARGILLA_OWNER_KEY = "oceanid.owner.apikey"


def _optional_env(name: str) -> EnvVar | None:
    return EnvVar(name) if os.environ.get(name) else None


def triton_resource() -> TritonResource:
    return TritonResource(
        base_url=os.environ.get("TRITON_BASE_URL"),
        cf_access_client_id=_optional_env("CF_ACCESS_CLIENT_ID"),
        cf_access_client_secret=_optional_env("CF_ACCESS_CLIENT_SECRET"),
    )


def local_resources() -> dict:
    home = settings.oceanid_home()
    model_hub = ModelHubResource(local_dir=str(settings.hub_dir()))
    return {
        "warehouse": WarehouseResource(database=str(settings.warehouse_path())),
        "document_store": DocumentStoreResource(uploads_uri=str(settings.uploads_dir())),
        "ocr_engine": OcrEngineResource(),
        "model_hub": model_hub,
        "ner_runtime": NerRuntimeResource(
            models_cache_dir=str(home / "models"), model_hub=model_hub, triton=triton_resource()
        ),
        "argilla": ArgillaResource(
            api_url=os.environ.get("ARGILLA_API_URL", LOCAL_ARGILLA_URL),
            # the local launcher's owner key (printed by make dev) when ARGILLA_API_KEY is unset
            api_key=_optional_env("ARGILLA_API_KEY") or LOCAL_ARGILLA_OWNER_KEY,
        ),
    }


def prod_resources() -> dict:
    model_hub = ModelHubResource(
        use_hugging_face=True,
        hf_token=EnvVar("HF_TOKEN"),
        model_repo=os.environ.get("OCEANID_MODEL_REPO", "oceanid/vessel-ner"),
        dataset_repo=os.environ.get("OCEANID_DATASET_REPO", "oceanid/vessel-ner-annotations"),
    )
    return {
        "warehouse": WarehouseResource(
            database=os.environ.get("OCEANID_WAREHOUSE", "md:oceanid"), motherduck_token=EnvVar("MOTHERDUCK_TOKEN")
        ),
        "document_store": DocumentStoreResource(
            uploads_uri=os.environ.get("OCEANID_UPLOADS_URI", "s3://oceanid-uploads/"),
            s3_endpoint_url=os.environ.get("S3_ENDPOINT_URL"),
            aws_access_key_id=EnvVar("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=EnvVar("AWS_SECRET_ACCESS_KEY"),
        ),
        "ocr_engine": OcrEngineResource(
            engine=os.environ.get("OCEANID_OCR_ENGINE", "tesseract"), remote_url=os.environ.get("OCEANID_OCR_URL")
        ),
        "model_hub": model_hub,
        "ner_runtime": NerRuntimeResource(
            models_cache_dir=os.environ.get("OCEANID_MODELS_CACHE", "/tmp/oceanid-models"),
            model_hub=model_hub,
            triton=triton_resource(),
        ),
        "argilla": ArgillaResource(
            api_url=EnvVar("ARGILLA_API_URL"),
            api_key=EnvVar("ARGILLA_API_KEY"),
            workspace=os.environ.get("ARGILLA_WORKSPACE", "oceanid"),
            dataset_name=os.environ.get("ARGILLA_DATASET", "vessel-entities"),
        ),
    }


def resources_for_profile(profile: str | None = None) -> dict:
    profile = profile or os.environ.get("OCEANID_PROFILE", "local")
    if profile not in ("local", "prod"):
        raise ValueError(f"OCEANID_PROFILE must be 'local' or 'prod', not {profile!r}")
    return prod_resources() if profile == "prod" else local_resources()


PROFILE = os.environ.get("OCEANID_PROFILE", "local")

defs = Definitions(
    assets=load_assets_from_modules(ASSET_MODULES),
    asset_checks=load_asset_checks_from_modules(ASSET_MODULES),
    jobs=[training_job],
    schedules=[nightly_training_schedule],
    sensors=[upload_sensor, annotation_sensor],
    resources=resources_for_profile(PROFILE),
    executor=executor_for_profile(PROFILE),
)
