"""Beyond one machine: how runs and steps land on the K3s cluster.

Runs are Kubernetes Jobs (``K8sRunLauncher``, set in the Helm values) and, in the ``prod``
profile, each step is its own pod (``k8s_job_executor``). Training carries a
``dagster-k8s/config`` tag asking for a GPU and pinning the pod to the GPU node (Calypso).
"""

from __future__ import annotations

import os
from typing import Any

GPU_NODE_LABEL = "oceanid.io/gpu-node"
GPU_TAINT_KEY = "nvidia.com/gpu"


def gpu_training_tags(gpus: int = 1, memory: str = "16Gi", cpu: str = "4") -> dict[str, Any]:
    """op_tags for the training step: one NVIDIA GPU, on the GPU node, tolerating its taint."""
    return {
        "dagster-k8s/config": {
            "container_config": {
                "resources": {
                    "requests": {"cpu": cpu, "memory": memory},
                    "limits": {"nvidia.com/gpu": gpus, "memory": memory},
                }
            },
            "pod_spec_config": {
                "node_selector": {GPU_NODE_LABEL: "true"},
                "tolerations": [{"key": GPU_TAINT_KEY, "operator": "Exists", "effect": "NoSchedule"}],
            },
        }
    }


def executor_for_profile(profile: str):
    """``k8s_job_executor`` in production (each step its own pod), Dagster's default elsewhere."""
    if profile != "prod" or os.environ.get("OCEANID_EXECUTOR", "k8s") != "k8s":
        return None
    from dagster_k8s import k8s_job_executor

    return k8s_job_executor.configured({"max_concurrent": 4})


def run_config_in_one_process(profile: str) -> dict[str, Any]:
    """Run config that runs every step of a run in its run worker, where the executor allows it
    (Dagster's default executor; not ``k8s_job_executor``, which gives each step its own pod)."""
    if executor_for_profile(profile) is not None:
        return {}
    return {"execution": {"config": {"in_process": {}}}}
