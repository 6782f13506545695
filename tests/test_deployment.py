"""Deployment beyond one machine: the real Kubernetes Job manifest, the Dagster+ config check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster_k8s.job import DagsterK8sJobConfig, UserDefinedDagsterK8sConfig, construct_dagster_k8s_job

from oceanid_dagster.defs.deployment import GPU_NODE_LABEL, executor_for_profile, gpu_training_tags

REPO = Path(__file__).resolve().parents[1]


def test_training_step_job_requests_a_gpu_on_the_gpu_node():
    user_config = UserDefinedDagsterK8sConfig.from_dict(gpu_training_tags()["dagster-k8s/config"])
    job_config = DagsterK8sJobConfig(
        job_image="ghcr.io/oceanid/oceanid-dagster:latest",
        dagster_home="/opt/dagster/dagster_home",
        instance_config_map="dagster-instance",
    )
    job = construct_dagster_k8s_job(
        job_config,
        args=["dagster", "api", "execute_step"],
        job_name="dagster-step-ner-model",
        user_defined_k8s_config=user_config,
    ).to_dict()

    pod = job["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert str(container["resources"]["limits"]["nvidia.com/gpu"]) == "1"
    assert container["image"] == "ghcr.io/oceanid/oceanid-dagster:latest"
    assert pod["node_selector"] == {GPU_NODE_LABEL: "true"}
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in [
        {k: v for k, v in toleration.items() if v is not None} for toleration in pod["tolerations"]
    ]


def test_prod_profile_runs_each_step_as_a_kubernetes_job():
    assert executor_for_profile("prod").name == "k8s"
    assert executor_for_profile("local") is None


def test_dagster_cloud_yaml_passes_the_dagster_plus_check():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dagster-cloud"), "ci", "check", "--dagster-cloud-connect-check", "skip"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed: 1" in result.stdout


def test_in_prod_step_outputs_and_training_artifacts_live_in_the_bucket(monkeypatch):
    """One pod per step, no shared disk: nothing may be handed on through a local path."""
    from dagster_aws.s3 import S3PickleIOManager

    from oceanid_dagster.defs.resources.profiles import resources_for_profile

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "r2-secret-value")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://account.r2.cloudflarestorage.com")
    resources = resources_for_profile("prod")
    assert isinstance(resources["io_manager"], S3PickleIOManager)
    assert (resources["io_manager"].s3_bucket, resources["io_manager"].s3_prefix) == ("oceanid-artifacts", "dagster/io")
    assert resources["artifact_store"].uri == "s3://oceanid-artifacts/dagster/artifacts"
    assert resources["artifact_store"].s3_endpoint_url == "https://account.r2.cloudflarestorage.com"
    assert "r2-secret-value" not in repr(resources)


def test_locally_artifacts_are_a_folder_under_the_home(monkeypatch, tmp_path):
    from oceanid_dagster.defs.resources.profiles import resources_for_profile

    monkeypatch.setenv("OCEANID_HOME", str(tmp_path))
    monkeypatch.delenv("OCEANID_ARTIFACTS_URI", raising=False)
    resources = resources_for_profile("local")
    assert resources["artifact_store"].uri == str(tmp_path / "artifacts")
    assert "io_manager" not in resources  # Dagster's filesystem IO manager under DAGSTER_HOME


def test_helm_values_put_dagster_storage_in_postgres_and_artifacts_in_the_bucket():
    import yaml

    values = yaml.safe_load((Path(__file__).resolve().parents[1] / "deploy/helm/values.yaml").read_text())
    assert values["postgresql"]["enabled"] is False and values["postgresql"]["postgresqlDatabase"] == "dagster"
    [deployment] = values["dagster-user-deployments"]["deployments"]
    env = {item["name"]: item["value"] for item in deployment["env"]}
    assert env["OCEANID_PROFILE"] == "prod" and env["OCEANID_ARTIFACTS_URI"].startswith("s3://")


def test_dagster_processes_write_partition_events_in_batches(monkeypatch, tmp_path):
    """make dev, the benchmarks' dagster dev and the Helm values all turn batch writing on."""
    import yaml

    from benchmarks.dagster_dev import DagsterDev
    from oceanid_dagster import settings

    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE", raising=False)
    assert int(settings.dagster_process_env()["DAGSTER_EVENT_BATCH_SIZE"]) >= 100
    values = yaml.safe_load((Path(__file__).resolve().parents[1] / "deploy/helm/values.yaml").read_text())
    [deployment] = values["dagster-user-deployments"]["deployments"]
    env = {item["name"]: item["value"] for item in deployment["env"]}
    assert env["DAGSTER_EVENT_BATCH_SIZE"] == settings.DAGSTER_EVENT_BATCH_SIZE
    assert DagsterDev(tmp_path).env["DAGSTER_EVENT_BATCH_SIZE"] == settings.DAGSTER_EVENT_BATCH_SIZE
