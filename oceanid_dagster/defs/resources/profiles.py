"""Resources by deployment profile: ``OCEANID_PROFILE=local`` (default: DuckDB file, uploads folder,
folder hub under $OCEANID_HOME, the packaged registry sample where no lists are configured) or
``prod`` (MotherDuck, PostgreSQL at DATABASE_URL, S3/R2 bucket, Hugging Face Hub, remote Argilla, Triton on Calypso, the
published registry lists). Secrets only through ``dg.EnvVar``."""

from __future__ import annotations

import os

import dagster as dg

from oceanid_dagster import settings
from oceanid_dagster.defs.deployment import executor_for_profile
from oceanid_dagster.defs.resources.alert_webhook import AlertWebhookResource
from oceanid_dagster.defs.resources.argilla import ArgillaResource
from oceanid_dagster.defs.resources.artifact_store import ArtifactStoreResource
from oceanid_dagster.defs.resources.document_store import DocumentStoreResource
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.resources.ner_runtime import NerRuntimeResource
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.defs.resources.postgres import LOCAL_DATABASE_URL, PostgresResource
from oceanid_dagster.defs.resources.registry_lists import RegistryListsResource
from oceanid_dagster.defs.resources.s3 import split_s3_uri
from oceanid_dagster.defs.resources.triton import TritonResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource

PROFILES = ("local", "prod")
LOCAL_ARGILLA_URL = "http://127.0.0.1:6900"
LOCAL_ARGILLA_OWNER_KEY = "oceanid.owner.apikey"


def current_profile() -> str:
    profile = os.environ.get("OCEANID_PROFILE", "local")
    if profile not in PROFILES:
        raise ValueError(f"OCEANID_PROFILE must be 'local' or 'prod', not {profile!r}")
    return profile


def _optional_env(name: str) -> dg.EnvVar | None:
    return dg.EnvVar(name) if os.environ.get(name) else None


def triton_resource() -> TritonResource:
    return TritonResource(
        base_url=os.environ.get("TRITON_BASE_URL"),
        cf_access_client_id=_optional_env("CF_ACCESS_CLIENT_ID"),
        cf_access_client_secret=_optional_env("CF_ACCESS_CLIENT_SECRET"),
    )


def _s3_credentials() -> dict:
    return {
        "aws_access_key_id": _optional_env("AWS_ACCESS_KEY_ID"),
        "aws_secret_access_key": _optional_env("AWS_SECRET_ACCESS_KEY"),
    }


def artifact_resources(uri: str) -> dict:
    """The artifact store, and, when it is a bucket, the IO manager beside it in the same bucket:
    with both on S3 no step reads another step's disk (on Kubernetes each step is its own pod)."""
    if not uri.startswith("s3://"):
        return {"artifact_store": ArtifactStoreResource(uri=uri)}
    from dagster_aws.s3 import S3PickleIOManager, S3Resource

    endpoint = os.environ.get("S3_ENDPOINT_URL")
    bucket, prefix = split_s3_uri(uri.rstrip("/"))
    root = f"{prefix}/" if prefix else ""
    store = ArtifactStoreResource(uri=f"s3://{bucket}/{root}artifacts", s3_endpoint_url=endpoint, **_s3_credentials())
    s3 = S3Resource(endpoint_url=endpoint, region_name=store.region_name, **_s3_credentials())
    return {
        "artifact_store": store,
        "io_manager": S3PickleIOManager(s3_resource=s3, s3_bucket=bucket, s3_prefix=f"{root}io"),
    }


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
        "registry_lists": RegistryListsResource(
            registry_dir=os.environ.get("OCEANID_REGISTRY_DIR"), allow_packaged_sample=True
        ),
        # make dev starts this server and sets DATABASE_URL to it
        "postgres": PostgresResource(url=_optional_env("DATABASE_URL") or LOCAL_DATABASE_URL),
        "alert_webhook": AlertWebhookResource(url=_optional_env("OCEANID_ALERT_WEBHOOK_URL")),
        **artifact_resources(settings.artifacts_uri()),
    }


def prod_resources() -> dict:
    model_hub = ModelHubResource(
        use_hugging_face=True,
        hf_token=dg.EnvVar("HF_TOKEN"),
        model_repo=os.environ.get("OCEANID_MODEL_REPO", "oceanid/vessel-ner"),
        dataset_repo=os.environ.get("OCEANID_DATASET_REPO", "oceanid/vessel-ner-annotations"),
    )
    return {
        "warehouse": WarehouseResource(
            database=os.environ.get("OCEANID_WAREHOUSE", "md:oceanid"), motherduck_token=dg.EnvVar("MOTHERDUCK_TOKEN")
        ),
        "document_store": DocumentStoreResource(
            uploads_uri=os.environ.get("OCEANID_UPLOADS_URI", "s3://oceanid-uploads/"),
            s3_endpoint_url=os.environ.get("S3_ENDPOINT_URL"),
            aws_access_key_id=dg.EnvVar("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=dg.EnvVar("AWS_SECRET_ACCESS_KEY"),
        ),
        "ocr_engine": OcrEngineResource(
            engine=os.environ.get("OCEANID_OCR_ENGINE", "tesseract"),
            remote_url=os.environ.get("OCEANID_OCR_URL"),
            triton=triton_resource(),
        ),
        "model_hub": model_hub,
        "ner_runtime": NerRuntimeResource(
            models_cache_dir=os.environ.get("OCEANID_MODELS_CACHE", "/tmp/oceanid-models"),
            model_hub=model_hub,
            triton=triton_resource(),
        ),
        "argilla": ArgillaResource(
            api_url=dg.EnvVar("ARGILLA_API_URL"),
            api_key=dg.EnvVar("ARGILLA_API_KEY"),
            workspace=os.environ.get("ARGILLA_WORKSPACE", "oceanid"),
            dataset_name=os.environ.get("ARGILLA_DATASET", "vessel-entities"),
        ),
        # No sample stand-in: without the published lists, vessel_registry fails saying so.
        "registry_lists": RegistryListsResource(registry_dir=os.environ.get("OCEANID_REGISTRY_DIR")),
        "postgres": PostgresResource(url=dg.EnvVar("DATABASE_URL")),
        "alert_webhook": AlertWebhookResource(url=_optional_env("OCEANID_ALERT_WEBHOOK_URL")),
        # each step is its own pod: step outputs and artifacts live in the bucket, not on a disk
        **artifact_resources(os.environ.get("OCEANID_ARTIFACTS_URI", "s3://oceanid-artifacts/dagster")),
    }


def resources_for_profile(profile: str | None = None) -> dict:
    profile = profile or current_profile()
    if profile not in PROFILES:
        raise ValueError(f"OCEANID_PROFILE must be 'local' or 'prod', not {profile!r}")
    return prod_resources() if profile == "prod" else local_resources()


@dg.definitions
def resources() -> dg.Definitions:
    """The resources and executor of the current profile, merged into the code location."""
    profile = current_profile()
    return dg.Definitions(resources=resources_for_profile(profile), executor=executor_for_profile(profile))
