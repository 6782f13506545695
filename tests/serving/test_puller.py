from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oceanid_dagster.domain.labels import BIO_TAGS, NUM_BIO_TAGS
from oceanid_dagster.serving import puller
from oceanid_dagster.serving.hub_client import LocalFolderHub, verify_manifest, write_manifest
from oceanid_dagster.serving.triton_config import ner_model_config
from tests.serving.releases import build_release

REPO_ROOT = Path(__file__).resolve().parents[2]
REPO_ID = "oceanid/vessel-ner"
MODEL = "distilbert-base-uncased"
R1, R2, R3 = "release-20250101T000000Z", "release-20250201T000000Z", "release-20250301T000000Z"


class CountingHub(LocalFolderHub):
    downloads = 0

    def download(self, *args, **kwargs):
        self.downloads += 1
        return super().download(*args, **kwargs)


@pytest.fixture
def paths(tmp_path):
    (tmp_path / "triton").mkdir()
    (tmp_path / "hub").mkdir()
    return tmp_path


@pytest.fixture
def hub(paths) -> CountingHub:
    return CountingHub(paths / "hub")


def publish(hub: LocalFolderHub, paths: Path, version: str, **release_options) -> Path:
    folder = build_release(paths / "releases" / version, version, **release_options)
    hub.publish_folder(REPO_ID, folder, version)
    return folder


def puller_args(paths: Path, *extra: str) -> list[str]:
    return ["--repository", str(paths / "triton"), "--hub-dir", str(paths / "hub"), "--repo-id", REPO_ID, *extra]


def run_puller(paths: Path, hub: LocalFolderHub, *extra: str) -> int:
    return puller.pull(puller.config_from_args(puller.parse_args(puller_args(paths, *extra))), hub)


def model_dir(paths: Path) -> Path:
    return paths / "triton" / MODEL


def versions(paths: Path) -> list[int]:
    return puller.installed_versions(model_dir(paths))


def leftovers(paths: Path) -> list[Path]:
    work = paths / "triton.puller"
    return [*(work / "tmp").iterdir(), *(work / "trash").iterdir()]


def state(paths: Path) -> dict:
    return json.loads((paths / "triton.puller" / "state.json").read_text())


# --- the normal path ---------------------------------------------------------------------------


def test_installs_the_newest_release_as_a_triton_version(paths, hub, caplog):
    publish(hub, paths, R1)
    release = publish(hub, paths, R2)
    caplog.set_level(logging.INFO, logger="oceanid-model-puller")

    assert run_puller(paths, hub) == puller.EXIT_OK

    assert versions(paths) == [1]
    installed = model_dir(paths) / "1"
    assert (installed / "model.onnx").read_bytes() == (release / "model.onnx").read_bytes()
    assert verify_manifest(installed) == []
    assert (model_dir(paths) / "config.pbtxt").read_text() == (release / "config.pbtxt").read_text()
    assert sorted(p.name for p in (paths / "triton").iterdir()) == [MODEL]  # nothing else Triton could load
    assert [(i["release"], i["version"]) for i in state(paths)["installed"]] == [(R2, 1)]
    assert f"installed release={R2} version=1" in caplog.text
    assert leftovers(paths) == []


def test_unchanged_release_is_skipped_without_downloading(paths, hub, caplog):
    publish(hub, paths, R1)
    assert run_puller(paths, hub) == puller.EXIT_OK
    first_inode = (model_dir(paths) / "1").stat().st_ino
    caplog.set_level(logging.INFO, logger="oceanid-model-puller")

    assert run_puller(paths, hub) == puller.EXIT_OK

    assert hub.downloads == 1
    assert versions(paths) == [1] and (model_dir(paths) / "1").stat().st_ino == first_inode
    assert f"up-to-date release={R1} version=1" in caplog.text


def test_each_newer_release_becomes_the_next_version_and_old_ones_are_pruned(paths, hub):
    for release in (R1, R2, R3):
        publish(hub, paths, release)
        assert run_puller(paths, hub, "--keep", "2") == puller.EXIT_OK

    assert versions(paths) == [2, 3]
    assert json.loads((model_dir(paths) / "3" / "manifest.json").read_text())["version"] == R3
    assert leftovers(paths) == []


def test_repository_full_of_old_versions_gets_highest_plus_one_and_is_trimmed(paths, hub):
    for version in [*range(1, 13), 40]:
        (model_dir(paths) / str(version)).mkdir(parents=True)
        (model_dir(paths) / str(version) / "model.onnx").write_bytes(b"old")
    for not_a_version in ("0", "07", "notes"):
        (model_dir(paths) / not_a_version).mkdir()
    publish(hub, paths, R1)

    assert run_puller(paths, hub, "--keep", "3") == puller.EXIT_OK

    assert versions(paths) == [12, 40, 41]
    assert verify_manifest(model_dir(paths) / "41") == []
    assert {"0", "07", "notes"} <= {p.name for p in model_dir(paths).iterdir()}  # not ours to delete


def test_version_deleted_by_an_operator_is_installed_again(paths, hub):
    publish(hub, paths, R1)
    run_puller(paths, hub)
    os.rename(model_dir(paths) / "1", paths / "moved-away")

    assert run_puller(paths, hub) == puller.EXIT_OK
    assert versions(paths) == [1] and verify_manifest(model_dir(paths) / "1") == []


def test_empty_hub_is_not_an_error(paths, hub, caplog):
    caplog.set_level(logging.INFO, logger="oceanid-model-puller")
    assert run_puller(paths, hub) == puller.EXIT_OK
    assert "no-release" in caplog.text and versions(paths) == []


# --- rejected releases -------------------------------------------------------------------------


def test_corrupted_file_is_rejected_and_nothing_is_installed(paths, hub, caplog):
    publish(hub, paths, R1)
    run_puller(paths, hub)
    publish(hub, paths, R2)
    hub_model = hub.repo_dir(REPO_ID) / R2 / "model.onnx"
    corrupted = bytearray(hub_model.read_bytes())
    corrupted[-1] ^= 0xFF
    hub_model.write_bytes(bytes(corrupted))

    assert run_puller(paths, hub) == puller.EXIT_REJECTED

    assert "model.onnx: sha256 does not match manifest.json" in caplog.text
    assert versions(paths) == [1]
    assert leftovers(paths) == []
    assert R2 in state(paths)["rejected"]


def test_rejected_release_is_not_downloaded_again_unless_asked(paths, hub, caplog):
    publish(hub, paths, R1, onnx_width=5)
    assert run_puller(paths, hub) == puller.EXIT_REJECTED

    assert run_puller(paths, hub) == puller.EXIT_REJECTED
    assert hub.downloads == 1 and "--retry-rejected" in caplog.text

    assert run_puller(paths, hub, "--retry-rejected") == puller.EXIT_REJECTED
    assert hub.downloads == 2


def test_newer_good_release_after_a_rejected_one_installs(paths, hub):
    publish(hub, paths, R1, onnx_width=5)
    run_puller(paths, hub)
    publish(hub, paths, R2)

    assert run_puller(paths, hub) == puller.EXIT_OK
    assert versions(paths) == [1] and state(paths)["installed"][-1]["release"] == R2


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"onnx_width": 5}, f"model.onnx: logits width 5 != num_labels {NUM_BIO_TAGS} in manifest.json"),
        ({"config_width": 7}, f"config.pbtxt: logits width 7 != num_labels {NUM_BIO_TAGS} in manifest.json"),
        ({"model_name": "other-model"}, "triton_model_name 'other-model' != 'distilbert-base-uncased'"),
    ],
)
def test_release_disagreeing_with_itself_is_rejected_with_the_reason(paths, hub, caplog, options, reason):
    publish(hub, paths, R1, **options)

    assert run_puller(paths, hub) == puller.EXIT_REJECTED
    assert reason in caplog.text
    assert not model_dir(paths).exists()


def test_release_with_an_invalid_onnx_file_is_rejected(paths, hub, caplog):
    folder = build_release(paths / "bad", R1)
    (folder / "model.onnx").write_bytes(b"this is not a protobuf")
    manifest = json.loads((folder / "manifest.json").read_text())
    fields = {k: v for k, v in manifest.items() if k != "files"}
    write_manifest(folder, **fields)  # checksums agree: the ONNX check must catch it
    hub.publish_folder(REPO_ID, folder, R1)

    assert run_puller(paths, hub) == puller.EXIT_REJECTED
    assert "model.onnx: onnx.checker failed" in caplog.text


def test_smaller_label_schema_is_accepted_when_consistent(paths, hub):
    labels = BIO_TAGS[:5]
    publish(hub, paths, R1, labels=labels)

    assert run_puller(paths, hub) == puller.EXIT_OK
    assert "dims: [ -1, 5 ]" in (model_dir(paths) / "config.pbtxt").read_text()


# --- crashes and races (real processes) --------------------------------------------------------


def start_slow_puller(paths: Path, marker: Path, delay_s: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.serving.slow_puller", str(marker), str(delay_s), *puller_args(paths)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(path: Path, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if process.poll() is not None:
            pytest.fail(f"slow puller exited early: {process.stdout.read()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("slow puller never started downloading")
        time.sleep(0.02)


def test_killed_mid_download_leaves_no_version_and_the_next_run_cleans_up(paths, hub, caplog):
    publish(hub, paths, R1)
    run_puller(paths, hub)
    config_before = (model_dir(paths) / "config.pbtxt").read_bytes()
    publish(hub, paths, R2)
    marker = paths / "downloading"
    slow = start_slow_puller(paths, marker, delay_s=30)
    wait_for(marker, slow)

    assert versions(paths) == [1]  # the upstream puller had already created version 2 here
    os.kill(slow.pid, signal.SIGKILL)
    slow.wait(timeout=30)

    partial = leftovers(paths)
    assert len(partial) == 1 and any(partial[0].iterdir())
    assert versions(paths) == [1] and (model_dir(paths) / "config.pbtxt").read_bytes() == config_before

    caplog.set_level(logging.INFO, logger="oceanid-model-puller")
    assert run_puller(paths, hub) == puller.EXIT_OK
    assert "cleanup removing leftover" in caplog.text
    assert versions(paths) == [1, 2] and verify_manifest(model_dir(paths) / "2") == []
    assert leftovers(paths) == []


def test_second_puller_while_one_is_running_does_nothing(paths, hub, caplog):
    publish(hub, paths, R1)
    marker = paths / "downloading"
    first = start_slow_puller(paths, marker, delay_s=0.3)
    wait_for(marker, first)

    assert run_puller(paths, hub) == puller.EXIT_LOCKED
    assert f"another puller (pid {first.pid})" in caplog.text
    assert hub.downloads == 0

    output, _ = first.communicate(timeout=120)
    assert first.returncode == puller.EXIT_OK, output
    assert versions(paths) == [1] and verify_manifest(model_dir(paths) / "1") == []
    assert leftovers(paths) == []


# --- configuration and the command line --------------------------------------------------------


def test_missing_repository_is_a_configuration_error(paths):
    assert puller.main(["--repository", str(paths / "nope"), "--hub-dir", str(paths / "hub")]) == puller.EXIT_CONFIG


def test_work_dir_on_another_filesystem_is_refused(paths, hub, caplog):
    other_filesystem = Path("/dev/shm")
    assert os.stat(other_filesystem).st_dev != os.stat(paths).st_dev, "test needs /dev/shm on its own filesystem"
    work = other_filesystem / f"puller-{os.getpid()}"
    try:
        assert run_puller(paths, hub, "--work-dir", str(work)) == puller.EXIT_CONFIG
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert "another filesystem" in caplog.text


def test_corrupt_state_file_is_a_configuration_error(paths, hub, caplog):
    publish(hub, paths, R1)
    run_puller(paths, hub)
    (paths / "triton.puller" / "state.json").write_text("{")

    assert run_puller(paths, hub) == puller.EXIT_CONFIG
    assert "state file" in caplog.text and "corrupt" in caplog.text


def test_unreachable_hugging_face_hub_is_exit_3(paths):
    environment = {k: v for k, v in os.environ.items() if k != "OCEANID_HUB_DIR"}
    code = subprocess.run(
        [
            sys.executable,
            "-m",
            "oceanid_dagster.serving.puller",
            "--repository",
            str(paths / "triton"),
            "--repo-id",
            REPO_ID,
        ],
        cwd=REPO_ROOT,
        env={**environment, "PYTHONPATH": str(REPO_ROOT), "HF_HUB_OFFLINE": "1", "HF_TOKEN": "hf_secret_value"},
        capture_output=True,
        text=True,
    )
    assert code.returncode == puller.EXIT_HUB, code.stderr
    assert "hub-unavailable exit=3" in code.stderr
    assert "hf_secret_value" not in code.stderr


def test_puller_and_hub_client_import_without_dagster_or_torch():
    probe = (
        "import sys, oceanid_dagster.serving.puller; "
        "print(sorted({'dagster', 'torch', 'transformers'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


# --- hardening ---------------------------------------------------------------------------------

PYTHON_BACKEND = ner_model_config().replace('platform: "onnxruntime_onnx"', 'backend: "python"')


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"config_bytes": PYTHON_BACKEND.encode()}, "is not ONNX Runtime: refused"),
        (
            {"config_bytes": ner_model_config().replace("onnxruntime_onnx", "tensorrt_plan").encode()},
            "is not ONNX Runtime: refused",
        ),
        ({"config_bytes": ner_model_config().encode("utf-16")}, "config.pbtxt: not UTF-8 text"),
        ({"labels_bytes": '["O", "B-IMO"]'.encode("utf-16")}, "labels.json: not UTF-8 text"),
    ],
    ids=["python-backend", "tensorrt", "config-utf16", "labels-utf16"],
)
def test_a_release_that_is_not_plain_onnxruntime_or_not_utf8_is_rejected_and_recorded(
    paths, hub, caplog, options, reason
):
    publish(hub, paths, R1, **options)
    assert run_puller(paths, hub) == puller.EXIT_REJECTED
    assert reason in caplog.text
    assert versions(paths) == [] and R1 in state(paths)["rejected"]


def test_a_release_holding_a_symbolic_link_is_rejected(paths):
    folder = build_release(paths / "linked", R1)
    (folder / "extra.txt").symlink_to("/etc/hostname")
    with pytest.raises(puller.ReleaseRejected, match=r"symbolic links \(extra.txt\)"):
        puller.check_release(folder, MODEL, R1)


def test_installed_versions_are_readable_by_a_triton_running_as_another_user(paths, hub):
    publish(hub, paths, R1)
    os.umask(0o077)  # a puller started with a strict umask
    try:
        assert run_puller(paths, hub) == puller.EXIT_OK
    finally:
        os.umask(0o022)
    installed = model_dir(paths) / "1"
    assert stat.S_IMODE(installed.stat().st_mode) == 0o755
    assert {stat.S_IMODE(path.stat().st_mode) for path in installed.rglob("*") if path.is_file()} == {0o644}
    assert stat.S_IMODE((model_dir(paths) / "config.pbtxt").stat().st_mode) == 0o644


def test_gpu_pinning_is_the_hosts_configuration_applied_to_the_installed_config(paths, hub):
    from google.protobuf import text_format
    from tritonclient.grpc import model_config_pb2

    publish(hub, paths, R1)
    assert run_puller(paths, hub, "--gpus", "1,0") == puller.EXIT_OK
    installed = (model_dir(paths) / "config.pbtxt").read_text()
    parsed = text_format.Parse(installed, model_config_pb2.ModelConfig())  # Triton's own schema
    assert [list(group.gpus) for group in parsed.instance_group] == [[1, 0]]
    assert (model_dir(paths) / "1" / "config.pbtxt").read_text() != installed, "the release itself is untouched"


def test_gpu_ids_that_are_not_numbers_are_a_config_error(paths):
    with pytest.raises(puller.ConfigError, match="--gpus 'first'"):
        puller.config_from_args(puller.parse_args(puller_args(paths, "--gpus", "first")))
