"""The code location loads, validates with Dagster's own CLI, and does not import torch to do so."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture
def env(tmp_path: Path) -> dict:
    (tmp_path / "dagster_home").mkdir()
    return {**os.environ, "OCEANID_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path / "dagster_home")}


def test_loading_definitions_does_not_import_training_libraries(env):
    code = (
        "import sys, oceanid_dagster.definitions as d; d.defs().resolve_all_asset_keys();"
        "heavy = sorted(m for m in ('torch', 'transformers', 'optimum', 'datasets') if m in sys.modules);"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    "command",
    [
        [str(BIN / "dagster"), "definitions", "validate", "-m", "oceanid_dagster.definitions"],
        [str(BIN / "dg"), "check", "defs"],
    ],
    ids=["dagster-definitions-validate", "dg-check-defs"],
)
def test_dagster_cli_validates_the_code_location(env, command):
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_prod_profile_takes_secrets_from_the_environment_only(env, monkeypatch):
    from oceanid_dagster.defs.resources.profiles import resources_for_profile

    monkeypatch.setenv("MOTHERDUCK_TOKEN", "md-secret-token")
    resources = resources_for_profile("prod")
    assert resources["warehouse"].database.startswith("md:")
    # The configuration Dagster stores and shows holds the variable's name, never its value.
    assert "md-secret-token" not in repr(resources)
    with pytest.raises(ValueError, match="OCEANID_PROFILE"):
        resources_for_profile("staging")


def test_raw_ocr_is_stale_when_the_scans_word_layout_changes(tmp_path, monkeypatch):
    """raw_ocr's code version hashes the scan's word layout (reading/layout.py), not only the PDF reader."""
    from oceanid_dagster.defs import versions
    from oceanid_dagster.defs.assets.raw_ocr import raw_ocr

    [version] = set(raw_ocr.code_versions_by_key.values())
    package = tmp_path / "package"
    shutil.copytree(versions.PACKAGE / "reading", package / "reading")
    (package / "defs/resources").mkdir(parents=True)
    shutil.copy(versions.PACKAGE / "defs/resources/ocr_engine.py", package / "defs/resources")
    monkeypatch.setattr(versions, "PACKAGE", package)
    sources = ("reading", "defs/resources/ocr_engine.py")
    assert versions.source_version.__wrapped__(*sources) == version
    layout = package / "reading/layout.py"
    layout.write_text(layout.read_text() + "\n# a mend of the scan's layout\n")
    assert versions.source_version.__wrapped__(*sources) != version
