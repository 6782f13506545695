"""Hand-written vessel documents in layouts the sample generator does not make (authorisation
lists, inspection and boarding reports, certificates, notices, letters, tables, forms in three
languages, OCR'd licences), each with its gold spans, in two packaged sets:

* the reference pages (``reference_pages``): the rules' development set. The rules were mended on
  their failures, so they score the rules optimistically; the shipping decision shows them and the
  tests hold the rules to them.
* the validation pages (``validation_pages``): never trained on. Before people have corrected any
  page, a challenger's own test pages are generated ones, on which a model trained on generated data
  does best; the validation pages keep that comparison honest: a release must also be no worse than
  what ships on them, and how the model and the rules combine is chosen on them too
  (:mod:`oceanid_dagster.training.shipping`). Never used to mend the rules: a validation page whose
  errors are read to mend them moves to the reference pages, and fresh pages replace it (pages the
  rules were mended on flatter them, and a combination chosen there leaves too much to the rules).

Each page is ``<name>.txt`` with ``<name>.ann`` beside it: ``label<TAB>surface`` lines in page
order (``\\n`` for a line break inside a surface); a surface lands on its next whole-token
occurrence, or on the one a third column names (``FLAG<TAB>Ghana<TAB>2``: the second "Ghana"). No Dagster here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from oceanid_dagster.domain.spans import Span

REFERENCE_DIR = Path(__file__).with_name("reference_pages")
VALIDATION_DIR = Path(__file__).with_name("validation_pages")


@dataclass(frozen=True)
class ReferencePage:
    name: str
    text: str
    spans: list[Span]


def load_reference_page(path: Path) -> ReferencePage:
    """A page and its annotations as spans; an annotation not on the page is an error naming both."""
    text = path.read_text(encoding="utf-8")
    spans, searched_from = [], Counter()
    annotations = path.with_suffix(".ann")
    for number, line in enumerate(annotations.read_text(encoding="utf-8").splitlines(), start=1):
        label, _, surface = line.partition("\t")
        surface, _, nth = surface.partition("\t")
        surface = surface.replace("\\n", "\n")
        start = _nth_occurrence(text, surface, int(nth)) if nth else _occurrence(text, surface, searched_from[surface])
        if start < 0 or not surface:
            raise ValueError(f"{annotations}:{number}: {surface!r} is not on the page (after earlier occurrences)")
        searched_from[surface] = start + 1
        spans.append(Span(start, start + len(surface), label))
    return ReferencePage(path.stem, text, spans)


def _nth_occurrence(text: str, surface: str, nth: int) -> int:
    start = -1
    for _ in range(nth):
        start = text.find(surface, start + 1)
        if start < 0:
            return -1
    return start


def _occurrence(text: str, surface: str, start: int) -> int:
    """The next occurrence of ``surface`` that is a whole token ("25" the length, not the "25" of
    "2025" or of "25.7"), else the next one at all."""
    first = position = text.find(surface, start)
    while position >= 0:
        end = position + len(surface)
        if not _joins(text, position - 1, -1, surface[0]) and not _joins(text, end, 1, surface[-1]):
            return position
        position = text.find(surface, position + 1)
    return first


def _joins(text: str, index: int, step: int, edge: str) -> bool:
    """Whether the character at ``index`` continues the token whose edge character is ``edge``:
    a letter or digit, or a "." / "," between digits."""
    if not edge.isalnum() or not 0 <= index < len(text):
        return False
    char = text[index]
    beyond = index + step
    return char.isalnum() or (char in ".," and 0 <= beyond < len(text) and text[beyond].isdigit() and edge.isdigit())


def reference_page_paths(folder: Path = REFERENCE_DIR) -> list[Path]:
    return sorted(folder.glob("*.txt"))


def reference_pages(folder: Path = REFERENCE_DIR) -> list[ReferencePage]:
    return [load_reference_page(path) for path in reference_page_paths(folder)]
