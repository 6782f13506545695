"""The code location: every definition under ``oceanid_dagster/defs/``, found by ``dg``.

Resources and executor come from the deployment profile (``defs/resources/profiles.py``).
"""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
