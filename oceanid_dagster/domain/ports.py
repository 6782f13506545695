"""Ports as places: a port name as the lists spell it ("ZHOU SHAN", "Zhoushan", "BUSAN, KOR") to
one port with its country and, where the packaged gazetteer (``data/ports.csv``) knows it, a
point to put on a map."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from oceanid_dagster.domain.countries import lookup_country
from oceanid_dagster.domain.vessel_records import normalise_name


@dataclass(frozen=True)
class Port:
    name: str
    country: str  # ISO alpha-3, '' when unknown
    latitude: float | None = None
    longitude: float | None = None


def port_key(name: str) -> str:
    """Spelling-insensitive key: accents, case, spaces and a trailing ", COUNTRY" do not matter."""
    head, _, tail = name.rpartition(",")
    if head and lookup_country(tail.strip()) is not None:
        name = head
    return normalise_name(name).replace(" ", "")


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Port]:
    text = resources.files("oceanid_dagster.domain").joinpath("data/ports.csv").read_text(encoding="utf-8")
    ports: dict[str, Port] = {}
    for row in csv.DictReader(text.splitlines()):
        port = Port(row["name"], row["country"], float(row["latitude"]), float(row["longitude"]))
        for spelling in [row["name"], *filter(None, row["aliases"].split("|"))]:
            ports[port_key(spelling)] = port
    return ports


def resolve_port(name: str, flag: str = "") -> Port:
    """The gazetteer's port for this spelling, else the name as given, in the country a
    ", COUNTRY" suffix names, else the vessel's flag state."""
    known = gazetteer().get(port_key(name))
    if known is not None:
        return known
    head, _, tail = name.rpartition(",")
    country = lookup_country(tail.strip()) if head else None
    return Port((head if country else name).strip(), country.alpha_3 if country else flag)
