"""``oceanid-model-puller``: install the newest released NER model into a Triton model repository.

Runs on the GPU host from a systemd timer. Importable without Dagster or torch (standard library,
``huggingface_hub`` and ``onnx`` only).

One run:

1. takes an exclusive lock (``<work-dir>/lock``); another running puller -> exit 75;
2. deletes what a crashed run left in ``<work-dir>/tmp`` and ``<work-dir>/trash``;
3. asks the hub for the newest release; skips if it is the one installed (``<work-dir>/state.json``);
4. downloads it into ``<work-dir>/tmp/`` (same filesystem as the repository, never inside it, so
   Triton's poller sees nothing until the end);
5. verifies every file's sha256/size against ``manifest.json``, runs ``onnx.checker`` and checks
   that the ``logits`` width equals ``num_labels`` in the manifest and in ``config.pbtxt``;
6. installs ``config.pbtxt`` at ``<repository>/<model>/config.pbtxt`` and renames the folder to
   ``<repository>/<model>/<n>/`` (n = highest + 1) -- both atomic renames;
7. records the install and keeps the newest ``--keep`` versions.

Exit codes (also in ``deploy/systemd/README.md``):

====  ===========================================================================================
0     installed a new version, or already up to date, or the hub has no release yet
1     unexpected error (bug): the traceback is in the log
2     configuration error: bad flag/env, repository missing, work dir on another filesystem
3     hub unavailable or download failed (transient: the next timer run retries)
4     release rejected (checksum, ONNX check, label-count or model-name mismatch): needs a new
      release; the rejected release is not downloaded again unless ``--retry-rejected``
5     install failed (disk full, permissions): nothing partial was left in the repository
75    another puller holds the lock (normal when runs overlap)
====  ===========================================================================================

Log lines are ``key=value`` after a fixed event word (``installed``, ``up-to-date``, ``rejected``,
``hub-unavailable``, ...), so ``journalctl -u oceanid-model-puller`` can be grepped.
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oceanid_dagster import settings
from oceanid_dagster.serving.hub_client import (
    HubClient,
    HubError,
    HuggingFaceHub,
    LocalFolderHub,
    read_manifest,
    verify_manifest,
)
from oceanid_dagster.serving.triton_config import (
    NER_INPUT_NAMES,
    NER_OUTPUT_NAME,
    TRITON_NER_MODEL_NAME,
    TritonConfigError,
    config_model_name,
    output_width,
    pin_gpus,
)

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_CONFIG = 2
EXIT_HUB = 3
EXIT_REJECTED = 4
EXIT_INSTALL = 5
EXIT_LOCKED = 75

DEFAULT_REPO_ID = "oceanid/vessel-ner"
DEFAULT_KEEP = 3
MODEL_FILE = "model.onnx"
CONFIG_FILE = "config.pbtxt"
LABELS_FILE = "labels.json"
_STATE_HISTORY = 20
_VERSION_DIR = re.compile(r"^[1-9][0-9]*$")  # Triton ignores names that are not numbers or start with 0

log = logging.getLogger("oceanid-model-puller")


class PullerError(Exception):
    exit_code = EXIT_UNEXPECTED
    event = "error"


class ConfigError(PullerError):
    exit_code = EXIT_CONFIG
    event = "config-error"


class HubUnavailable(PullerError):
    exit_code = EXIT_HUB
    event = "hub-unavailable"


class ReleaseRejected(PullerError):
    exit_code = EXIT_REJECTED
    event = "rejected"


class InstallFailed(PullerError):
    exit_code = EXIT_INSTALL
    event = "install-failed"


class Locked(PullerError):
    exit_code = EXIT_LOCKED
    event = "locked"


@dataclass(frozen=True)
class PullerConfig:
    repository: Path
    model_name: str = TRITON_NER_MODEL_NAME
    repo_id: str = DEFAULT_REPO_ID
    hub_dir: Path | None = None
    hf_token: str | None = field(default=None, repr=False)
    keep: int = DEFAULT_KEEP
    work_dir: Path | None = None
    retry_rejected: bool = False
    gpus: tuple[int, ...] = ()  # instance_group.gpus of the installed config; () = Triton's choice

    @property
    def model_dir(self) -> Path:
        return self.repository / self.model_name

    @property
    def work(self) -> Path:
        # A sibling of the repository, not inside it: Triton treats every folder in the repository
        # as a model, and any change inside a model folder as a reason to reload it.
        return self.work_dir or self.repository.with_name(self.repository.name + ".puller")

    @property
    def tmp_dir(self) -> Path:
        return self.work / "tmp"

    @property
    def trash_dir(self) -> Path:
        return self.work / "trash"

    @property
    def state_path(self) -> Path:
        return self.work / "state.json"

    @property
    def lock_path(self) -> Path:
        return self.work / "lock"


# --- entry points ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        config = config_from_args(parse_args(argv))
        hub = make_hub(config)
    except PullerError as error:
        _log_failure(error)
        return error.exit_code
    return pull(config, hub)


def pull(config: PullerConfig, hub: HubClient) -> int:
    """One puller run; returns the process exit code."""
    try:
        _prepare_work_dir(config)
        with exclusive_lock(config.lock_path):
            _clean_leftovers(config)
            _pull_locked(config, hub)
        return EXIT_OK
    except PullerError as error:
        _log_failure(error)
        return error.exit_code
    except Exception:
        log.exception("unexpected-error model=%s (a bug: please report with this traceback)", config.model_name)
        return EXIT_UNEXPECTED


def _log_failure(error: PullerError) -> None:
    level = logging.WARNING if isinstance(error, Locked) else logging.ERROR
    log.log(level, "%s exit=%d %s", error.event, error.exit_code, error)


# --- configuration -----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="oceanid-model-puller",
        description="Install the newest released NER model into a Triton model repository.",
        epilog="Exit codes: 0 ok/up to date, 1 bug, 2 config, 3 hub unavailable, 4 release rejected, "
        "5 install failed, 75 another puller running.",
    )
    parser.add_argument(
        "--repository",
        type=Path,
        default=env.get("OCEANID_TRITON_REPOSITORY") or settings.triton_repository_dir(),
        help="Triton model repository (env OCEANID_TRITON_REPOSITORY; default $OCEANID_HOME/triton)",
    )
    parser.add_argument(
        "--model-name",
        default=env.get("OCEANID_TRITON_MODEL", TRITON_NER_MODEL_NAME),
        help="model folder inside the repository (env OCEANID_TRITON_MODEL)",
    )
    parser.add_argument(
        "--repo-id",
        default=env.get("OCEANID_MODEL_REPO", DEFAULT_REPO_ID),
        help="model repo on the hub (env OCEANID_MODEL_REPO)",
    )
    parser.add_argument(
        "--hub-dir",
        type=Path,
        default=env.get("OCEANID_HUB_DIR") or None,
        help="local hub folder (env OCEANID_HUB_DIR); without it the Hugging Face Hub is used with HF_TOKEN",
    )
    parser.add_argument(
        "--keep",
        type=int,
        default=int(env.get("OCEANID_PULLER_KEEP", DEFAULT_KEEP)),
        help="how many newest versions to keep (env OCEANID_PULLER_KEEP)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=env.get("OCEANID_PULLER_WORK_DIR") or None,
        help="lock, state and downloads; same filesystem as the repository (default <repository>.puller)",
    )
    parser.add_argument("--retry-rejected", action="store_true", help="download a release rejected earlier again")
    parser.add_argument(
        "--gpus",
        default=env.get("OCEANID_TRITON_GPUS", ""),
        help="GPU ids the model's instances run on, e.g. 0 or 0,1 (env OCEANID_TRITON_GPUS; default: all)",
    )
    return parser.parse_args(argv)


def config_from_args(args: argparse.Namespace) -> PullerConfig:
    if args.keep < 1:
        raise ConfigError(f"--keep must be at least 1, got {args.keep}")
    repository = Path(args.repository).absolute()
    if not repository.is_dir():
        raise ConfigError(f"repository {repository} does not exist: create it or pass --repository")
    if not args.model_name or "/" in args.model_name:
        raise ConfigError(f"--model-name {args.model_name!r} must be a plain folder name")
    return PullerConfig(
        repository=repository,
        model_name=args.model_name,
        repo_id=args.repo_id,
        hub_dir=Path(args.hub_dir).absolute() if args.hub_dir else None,
        hf_token=os.environ.get("HF_TOKEN") or None,
        keep=args.keep,
        work_dir=Path(args.work_dir).absolute() if args.work_dir else None,
        retry_rejected=args.retry_rejected,
        gpus=_gpu_ids(args.gpus),
    )


def _gpu_ids(text: str) -> tuple[int, ...]:
    try:
        gpus = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"--gpus {text!r}: expected GPU ids like 0 or 0,1") from None
    if any(gpu < 0 for gpu in gpus):
        raise ConfigError(f"--gpus {text!r}: GPU ids are >= 0")
    return gpus


def make_hub(config: PullerConfig) -> HubClient:
    if config.hub_dir is not None:
        if not config.hub_dir.is_dir():
            raise ConfigError(f"hub folder {config.hub_dir} does not exist (OCEANID_HUB_DIR / --hub-dir)")
        return LocalFolderHub(config.hub_dir)
    return HuggingFaceHub(token=config.hf_token)


def _prepare_work_dir(config: PullerConfig) -> None:
    try:
        for folder in (config.work, config.tmp_dir, config.trash_dir):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"cannot create work dir {config.work}: {error}; pass --work-dir") from error
    if os.stat(config.work).st_dev != os.stat(config.repository).st_dev:
        raise ConfigError(
            f"work dir {config.work} is on another filesystem than {config.repository}: the final rename "
            "would not be atomic; pass a --work-dir on the repository's filesystem"
        )


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    with open(path, "a+") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            lock_file.seek(0)
            holder = lock_file.read().strip() or "unknown"
            raise Locked(f"another puller (pid {holder}) holds {path}; this run does nothing") from error
        lock_file.seek(0)
        lock_file.truncate()
        lock_file.write(str(os.getpid()))
        lock_file.flush()
        yield  # the kernel drops the lock when the process dies, so a killed run never blocks the next


def _clean_leftovers(config: PullerConfig) -> None:
    for parent in (config.tmp_dir, config.trash_dir):
        for leftover in parent.iterdir():
            log.warning("cleanup removing leftover of an interrupted run: %s", leftover)
            _remove(leftover)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


# --- the run -----------------------------------------------------------------------------------


def _pull_locked(config: PullerConfig, hub: HubClient) -> None:
    state = load_state(config.state_path)
    latest = _hub_call(lambda: hub.latest_revision(config.repo_id), f"listing releases of {config.repo_id}")
    if latest is None:
        log.info("no-release repo=%s: nothing to install yet", config.repo_id)
        return
    current = _current_install(state, config)
    if current and current["release"] >= latest:
        log.info("up-to-date release=%s version=%s model=%s", current["release"], current["version"], config.model_name)
        return
    rejected = state["rejected"].get(latest)
    if rejected and not config.retry_rejected:
        raise ReleaseRejected(
            f"release={latest} was rejected earlier ({rejected}); publish a newer release or pass --retry-rejected"
        )
    staging = Path(tempfile.mkdtemp(prefix="download-", dir=config.tmp_dir))
    try:
        version = _download_check_install(hub, config, state, latest, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already when installed
    _record_install(state, latest, version)
    save_state(config.state_path, state)
    log.info(
        "installed release=%s version=%d model=%s repository=%s", latest, version, config.model_name, config.repository
    )
    for removed in prune_versions(config):
        log.info("pruned version=%d model=%s (keeping newest %d)", removed, config.model_name, config.keep)


def _download_check_install(
    hub: HubClient, config: PullerConfig, state: dict[str, Any], release: str, staging: Path
) -> int:
    log.info("downloading release=%s repo=%s into=%s", release, config.repo_id, staging)
    _hub_call(lambda: hub.download(config.repo_id, release, staging), f"downloading {config.repo_id}@{release}")
    try:
        check_release(staging, config.model_name, release)
    except ReleaseRejected as error:
        state["rejected"][release] = str(error)
        save_state(config.state_path, state)
        raise
    return _install_guarded(staging, config)


def _hub_call(call, what: str):
    try:
        return call()
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise InstallFailed(f"{what}: no space left on {error.filename or 'disk'}") from error
        raise HubUnavailable(f"{what}: {type(error).__name__}: {error}") from error
    except HubError as error:
        raise HubUnavailable(f"{what}: {error}") from error


def _current_install(state: dict[str, Any], config: PullerConfig) -> dict[str, Any] | None:
    """The last recorded install, if its version folder is still there (an operator may delete it)."""
    if not state["installed"]:
        return None
    last = state["installed"][-1]
    return last if (config.model_dir / str(last["version"])).is_dir() else None


def _record_install(state: dict[str, Any], release: str, version: int) -> None:
    state["installed"].append({"release": release, "version": version, "installed_at": datetime.now(UTC).isoformat()})
    state["installed"] = state["installed"][-_STATE_HISTORY:]
    state["rejected"].pop(release, None)


# --- checks ------------------------------------------------------------------------------------


def check_release(folder: Path, model_name: str, revision: str) -> None:
    """Raise :class:`ReleaseRejected` naming every reason ``folder`` must not be served."""
    links = _symbolic_links(folder)
    if links:
        raise ReleaseRejected(f"release={revision} holds symbolic links ({', '.join(links[:5])}): refused")
    problems = verify_manifest(folder)
    if problems:
        raise ReleaseRejected(f"release={revision} fails manifest check: " + "; ".join(problems[:10]))
    manifest = read_manifest(folder)
    num_labels = manifest["num_labels"]
    problems = [
        *_manifest_identity_problems(manifest, model_name, revision),
        *_onnx_problems(folder / MODEL_FILE, num_labels),
        *_config_problems(folder / CONFIG_FILE, model_name, num_labels),
        *_labels_file_problems(folder / LABELS_FILE, manifest["labels"]),
    ]
    if problems:
        raise ReleaseRejected(f"release={revision}: " + "; ".join(problems))


def _manifest_identity_problems(manifest: dict[str, Any], model_name: str, revision: str) -> list[str]:
    problems = []
    if manifest["version"] != revision:
        problems.append(f"manifest.json version {manifest['version']!r} != hub revision {revision!r}")
    if manifest["triton_model_name"] != model_name:
        problems.append(f"manifest.json triton_model_name {manifest['triton_model_name']!r} != {model_name!r}")
    return problems


def _onnx_problems(path: Path, num_labels: int) -> list[str]:
    import onnx

    if not path.is_file():
        return [f"{MODEL_FILE}: missing"]
    try:
        onnx.checker.check_model(str(path))
        graph = onnx.load(str(path), load_external_data=False).graph
    except Exception as error:  # onnx raises several unrelated types for a bad file
        return [f"{MODEL_FILE}: onnx.checker failed: {error}"]
    problems = [
        f"{MODEL_FILE}: missing input {name!r}" for name in NER_INPUT_NAMES if name not in {i.name for i in graph.input}
    ]
    outputs = {output.name: output for output in graph.output}
    if NER_OUTPUT_NAME not in outputs:
        return problems + [f"{MODEL_FILE}: no output named {NER_OUTPUT_NAME!r}"]
    dims = outputs[NER_OUTPUT_NAME].type.tensor_type.shape.dim
    width = dims[-1].dim_value if dims and dims[-1].HasField("dim_value") else None
    if width != num_labels:
        problems.append(f"{MODEL_FILE}: {NER_OUTPUT_NAME} width {width} != num_labels {num_labels} in manifest.json")
    return problems


def _symbolic_links(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in Path(folder).rglob("*") if path.is_symlink())


def _utf8_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


# Only ONNX Runtime may serve a release: a release must never be a way to install Python-backend
# (or any other) code on the GPU host.
_PLATFORM = re.compile(r'^\s*platform\s*:\s*"([^"]*)"', re.MULTILINE)
_BACKEND = re.compile(r'^\s*backend\s*:\s*"([^"]*)"', re.MULTILINE)
ALLOWED_PLATFORM, ALLOWED_BACKEND = "onnxruntime_onnx", "onnxruntime"


def _runtime_problems(text: str) -> list[str]:
    platforms, backends = _PLATFORM.findall(text), _BACKEND.findall(text)
    if any(p != ALLOWED_PLATFORM for p in platforms) or any(b != ALLOWED_BACKEND for b in backends):
        return [f"{CONFIG_FILE}: platform {platforms} / backend {backends} is not ONNX Runtime: refused"]
    if not platforms and not backends:
        return [f"{CONFIG_FILE}: names no platform or backend (expected platform {ALLOWED_PLATFORM!r})"]
    return []


def _config_problems(path: Path, model_name: str, num_labels: int) -> list[str]:
    if not path.is_file():
        return [f"{CONFIG_FILE}: missing"]
    text = _utf8_text(path)
    if text is None:
        return [f"{CONFIG_FILE}: not UTF-8 text"]
    runtime = _runtime_problems(text)
    if runtime:
        return runtime
    try:
        width = output_width(text)
    except TritonConfigError as error:
        return [f"{CONFIG_FILE}: {error}"]
    problems = []
    if width != num_labels:
        problems.append(f"{CONFIG_FILE}: {NER_OUTPUT_NAME} width {width} != num_labels {num_labels} in manifest.json")
    name = config_model_name(text)
    if name not in (None, model_name):
        problems.append(f"{CONFIG_FILE}: name {name!r} != model folder {model_name!r}")
    return problems


def _labels_file_problems(path: Path, labels: list[str]) -> list[str]:
    if not path.is_file():
        return []
    text = _utf8_text(path)
    if text is None:
        return [f"{LABELS_FILE}: not UTF-8 text"]
    try:
        on_disk = json.loads(text)
    except json.JSONDecodeError as error:
        return [f"{LABELS_FILE}: not valid JSON ({error})"]
    return [] if on_disk == labels else [f"{LABELS_FILE} differs from manifest.json labels"]


# --- install -----------------------------------------------------------------------------------


def installed_versions(model_dir: Path) -> list[int]:
    if not model_dir.is_dir():
        return []
    return sorted(int(entry.name) for entry in model_dir.iterdir() if entry.is_dir() and _VERSION_DIR.match(entry.name))


def _install_guarded(staging: Path, config: PullerConfig) -> int:
    try:
        return install_release(staging, config)
    except (OSError, TritonConfigError) as error:
        raise InstallFailed(f"installing into {config.model_dir}: {error}") from error


def install_release(staging: Path, config: PullerConfig) -> int:
    """Move a checked release into place as the next version; returns its version number."""
    config.model_dir.mkdir(parents=True, exist_ok=True)
    _readable_by_all(staging)
    _fsync_tree(staging)
    # config first: a new version must never be loaded with an older config (e.g. other width)
    _install_config(staging / CONFIG_FILE, config)
    version = (installed_versions(config.model_dir) or [0])[-1] + 1
    os.rename(staging, config.model_dir / str(version))
    _fsync_dir(config.model_dir)
    return version


def _readable_by_all(folder: Path) -> None:
    """0755 folders, 0644 files: Triton may run as another user than the puller."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _install_config(source: Path, config: PullerConfig) -> None:
    target = config.model_dir / CONFIG_FILE
    wanted = pin_gpus(source.read_text(encoding="utf-8"), config.gpus).encode("utf-8")
    if target.is_file() and target.read_bytes() == wanted:
        return
    staged = config.tmp_dir / f"{CONFIG_FILE}.new"
    staged.write_bytes(wanted)
    staged.chmod(0o644)
    _fsync_file(staged)
    os.replace(staged, target)
    log.info("config-updated model=%s path=%s", config.model_name, target)


def prune_versions(config: PullerConfig) -> list[int]:
    """Remove all but the newest ``keep`` versions; each leaves the repository in one rename."""
    old = installed_versions(config.model_dir)[: -config.keep]
    for version in old:
        doomed = config.trash_dir / f"{config.model_name}-{version}"
        os.rename(config.model_dir / str(version), doomed)
        shutil.rmtree(doomed)
    return old


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            _fsync_file(path)
    _fsync_dir(folder)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as stream:
        os.fsync(stream.fileno())


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- state -------------------------------------------------------------------------------------


def load_state(path: Path) -> dict[str, Any]:
    empty: dict[str, Any] = {"installed": [], "rejected": {}}
    if not path.exists():
        return empty
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"state file {path} is corrupt ({error}); move it away to start afresh") from error
    return {**empty, **state}


def save_state(path: Path, state: dict[str, Any]) -> None:
    staged = path.with_name(path.name + ".new")
    staged.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _fsync_file(staged)
    os.replace(staged, path)


if __name__ == "__main__":
    sys.exit(main())
