"""Run the real puller with a local hub that pauses after copying each file.

Used by the kill and race tests: ``python -m tests.serving.slow_puller MARKER DELAY_S -- puller args``.
``MARKER`` is created once the first file has landed, so a test knows the download is under way.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from oceanid_dagster.serving import puller
from oceanid_dagster.serving.hub_client import LocalFolderHub


class SlowLocalFolderHub(LocalFolderHub):
    def __init__(self, root: Path, marker: Path, delay_s: float) -> None:
        super().__init__(root)
        self.marker = marker
        self.delay_s = delay_s

    def _copy_file(self, source: Path, target: Path) -> None:
        super()._copy_file(source, target)
        self.marker.touch()
        time.sleep(self.delay_s)


if __name__ == "__main__":
    marker, delay_s, puller_args = Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    config = puller.config_from_args(puller.parse_args(puller_args))
    sys.exit(puller.pull(config, SlowLocalFolderHub(config.hub_dir, marker, delay_s)))
