"""Text with gold entity spans: lines of segments, blocks of lines, pages of blocks.

A layout writes *segments* (plain text or an :class:`Ent`); this module wraps them into lines,
packs lines into pages and turns each page into text plus exact character spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oceanid_dagster.domain.spans import Span


@dataclass(frozen=True)
class Ent:
    """An entity mention: ``text`` is written as is and becomes a gold span of ``label``."""

    text: str
    label: str


Segment = str | Ent
Line = list[Segment]


@dataclass(frozen=True)
class SamplePage:
    """One page of a synthetic document: ``text[span.start:span.end]`` is each gold entity."""

    text: str
    spans: list[Span]


@dataclass(frozen=True)
class SampleDocument:
    name: str
    layout: str
    pages: list[SamplePage]


@dataclass
class Block:
    """Lines that belong together (a paragraph, a table row, a form section)."""

    lines: list[Line]
    new_page: bool = False


def segment_text(segment: Segment) -> str:
    return segment.text if isinstance(segment, Ent) else segment


def line_length(line: Line) -> int:
    return sum(len(segment_text(segment)) for segment in line)


def _atoms(segments: list[Segment]) -> list[list[Segment]]:
    """Runs of segments with no whitespace between them; an entity is never broken."""
    atoms: list[list[Segment]] = [[]]
    for segment in segments:
        if isinstance(segment, Ent):
            atoms[-1].append(segment)
            continue
        for part in re.split(r"(\s+)", segment):
            if not part:
                continue
            if part.isspace():
                atoms.append([])
            else:
                atoms[-1].append(part)
    return [atom for atom in atoms if atom]


def wrap(segments: list[Segment], width: int, indent: str = "") -> list[Line]:
    """Greedy word wrap of a paragraph to ``width`` characters, keeping entities whole."""
    lines: list[Line] = []
    current: Line = []
    current_length = 0
    for atom in _atoms(segments):
        atom_length = sum(len(segment_text(segment)) for segment in atom)
        if current and current_length + 1 + atom_length > width:
            lines.append(current)
            current, current_length = [], 0
        if current:
            current.append(" ")
            current_length += 1
        elif indent:
            current.append(indent)
            current_length += len(indent)
        current.extend(atom)
        current_length += atom_length
    if current:
        lines.append(current)
    return lines


def paginate(blocks: list[Block], lines_per_page: int, continuation: list[Line] | None = None) -> list[list[Line]]:
    """Pack blocks onto pages; a block that does not fit starts the next page.

    ``continuation`` lines (a repeated table header) start every page after the first.
    """
    continuation = continuation or []
    pages: list[list[Line]] = [[]]
    for block in blocks:
        lines = list(block.lines)
        if block.new_page and pages[-1]:
            pages.append([])
        while lines:
            room = lines_per_page - len(pages[-1])
            fits_whole = len(lines) <= room
            if not fits_whole and pages[-1] and len(lines) <= lines_per_page - len(continuation):
                pages.append(list(continuation))
                continue
            take = lines if fits_whole else lines[: max(room, 1)]
            pages[-1].extend(take)
            lines = lines[len(take) :]
            if lines:
                pages.append(list(continuation))
    return [page for page in pages if page]


def build_page(lines: list[Line]) -> SamplePage:
    """Join lines with newlines and record each entity's character offsets."""
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for line_number, line in enumerate(lines):
        if line_number:
            parts.append("\n")
            offset += 1
        for segment in line:
            text = segment_text(segment)
            if isinstance(segment, Ent) and text:
                spans.append(Span(offset, offset + len(text), segment.label))
            parts.append(text)
            offset += len(text)
    return SamplePage(text="".join(parts).rstrip("\n"), spans=spans)
