"""The published RFMO authorised-vessel lists: a folder of CSVs (``OCEANID_REGISTRY_DIR``).

The small sample packaged with the project stands in for them only where ``allow_packaged_sample``
is set (the local profile), and every asset that used it says so in its metadata. In production a
missing folder is an error, never a silent switch to sample data.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import dagster as dg
from pydantic import Field

from oceanid_dagster.domain.registry import Record
from oceanid_dagster.samples.registry_csv import load_sample_registry, read_registry_dir

PACKAGED_SAMPLE = "packaged sample (oceanid_dagster/samples/data): not the full registries"


class RegistryListsUnavailableError(RuntimeError):
    """No registry lists are configured and the packaged sample is not allowed here."""


@lru_cache(maxsize=1)
def _packaged_sample() -> tuple[Record, ...]:
    return tuple(load_sample_registry())


class RegistryListsResource(dg.ConfigurableResource):
    """Where the RFMO lists are read from, and whether the packaged sample may stand in for them."""

    registry_dir: str | None = Field(default=None, description="Folder of published RFMO CSV lists.")
    allow_packaged_sample: bool = Field(
        default=False, description="Use the packaged sample when no folder is set (local profile only)."
    )

    def read(self, skipped: Counter | None = None) -> tuple[list[Record], str]:
        """The normalised records of every list, and where they came from; rows left out are
        counted by reason in ``skipped``."""
        if self.registry_dir:
            return read_registry_dir(self.registry_dir, skipped), self.registry_dir
        return self.sample_instead("no registry folder is configured (OCEANID_REGISTRY_DIR)")

    def sample_instead(self, why: str) -> tuple[list[Record], str]:
        """The packaged sample, where allowed; otherwise a clear error saying ``why`` it was needed."""
        if not self.allow_packaged_sample:
            raise RegistryListsUnavailableError(
                f"{why}; the packaged sample is only used in the local profile. Set OCEANID_REGISTRY_DIR "
                "to the published RFMO CSV lists and materialise vessel_registry."
            )
        dg.get_dagster_logger().warning(f"{why}: using the {PACKAGED_SAMPLE}")
        return [dict(record) for record in _packaged_sample()], PACKAGED_SAMPLE
