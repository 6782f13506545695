"""The nightly chain as Kubernetes runs it with ``k8s_job_executor``: each step is its own pod.

Each step here is its own process, started by Dagster's CLI with its own empty working directory,
``$OCEANID_HOME``, ``$DAGSTER_HOME`` and ``$TMPDIR``, so a step that read a path another step
wrote would fail. What the steps share is what pods share in production: the bucket (a real local
S3 endpoint, moto's server) holding the step outputs (``S3PickleIOManager``) and the training
artifacts, and the model hub (a folder standing in for the Hugging Face Hub, outside every pod).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3

from oceanid_dagster.serving.hub_client import LocalFolderHub, read_manifest, verify_manifest

BUCKET = "oceanid-artifacts"
CHAIN = ("ner_training_dataset", "ner_model", "ner_model_onnx", "ner_model_release")


def step_config(tiny_base_location: str) -> dict[str, dict]:
    return {
        "ner_training_dataset": {"silver_documents": 6, "seed": 3, "test_fraction": 0.5},
        "ner_model": {"base_model": tiny_base_location, "max_steps": 3, "batch_size": 8, "max_length": 64},
        "ner_model_onnx": {"max_length": 64},
        "ner_model_release": {"force": True},  # a 3-step model does not beat the rules: ship it anyway
    }


def run_in_own_pod(asset: str, config: dict, pods: Path, shared_env: dict[str, str]) -> subprocess.CompletedProcess:
    pod = pods / asset
    folders = {name: pod / name for name in ("workdir", "home", "dagster_home", "tmp")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    env = {
        **os.environ,
        **shared_env,
        "OCEANID_HOME": str(folders["home"]),
        "DAGSTER_HOME": str(folders["dagster_home"]),
        "TMPDIR": str(folders["tmp"]),
    }
    dagster = Path(sys.executable).with_name("dagster")
    command = [str(dagster), "asset", "materialize", "-m", "oceanid_dagster.definitions", "--select", asset]
    command += ["--config-json", json.dumps({"ops": {asset: {"config": config}}})]
    return subprocess.run(command, cwd=folders["workdir"], env=env, capture_output=True, text=True, timeout=600)


def test_each_step_in_its_own_pod_hands_on_through_the_bucket(s3_endpoint, tiny_base, tmp_path):
    s3 = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )
    s3.create_bucket(Bucket=BUCKET)
    hub_dir = tmp_path / "hugging-face-hub"
    shared_env = {
        "OCEANID_PROFILE": "local",
        "OCEANID_ARTIFACTS_URI": f"s3://{BUCKET}/nightly",
        "S3_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "OCEANID_HUB_DIR": str(hub_dir),
        "HF_HUB_OFFLINE": "1",
    }
    configs = step_config(tiny_base.location)

    for asset in CHAIN:
        step = run_in_own_pod(asset, configs[asset], tmp_path / "pods", shared_env)
        assert step.returncode == 0, f"{asset} failed in its own pod:\n{step.stdout[-3000:]}\n{step.stderr[-6000:]}"

    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET, Prefix="nightly/")["Contents"]}
    assert {f"nightly/io/{asset}" for asset in CHAIN} <= keys, "every step's output is in the bucket"
    stored = {key.split("/")[-2].split("-")[0] for key in keys if key.endswith("/inventory.json")}
    assert stored == {"model", "onnx"}, keys

    hub = LocalFolderHub(hub_dir)
    [release] = hub.list_revisions("oceanid/vessel-ner")
    folder = hub.download("oceanid/vessel-ner", release, tmp_path / "release")
    assert verify_manifest(folder) == []
    [dataset_revision] = hub.list_revisions("oceanid/vessel-ner-annotations", repo_type="dataset")
    assert read_manifest(folder)["dataset_revision"] == dataset_revision

    for asset in CHAIN:
        left = [p for p in (tmp_path / "pods" / asset).rglob("*") if p.is_file() and "dagster_home" not in p.parts]
        assert not [p for p in left if p.suffix in (".onnx", ".safetensors", ".bin")], f"{asset} left {left}"
