"""The NER training dataset: gold pages (people's corrections) + silver pages (generated documents)
+ handwritten pages (the packaged reference pages: real layouts, weighted as gold, train only).

Pages are cut into word-level examples (``tokens`` + BIO ``ner_tags``); sub-word tokenisation
happens at training time, so the dataset does not depend on the base model.

Splits are by document, so no document has pages on both sides of a split: a document's split is a
hash of its id. The gold test split is frozen: gold documents that were in a previous dataset's
test split stay there, whatever their hash says, so test scores of successive models compare.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from oceanid_dagster.domain.alignment import Word, split_words, word_tags_from_spans
from oceanid_dagster.domain.annotation import DISCARDED
from oceanid_dagster.domain.corrections import ACCEPT, ADD, MODIFY, REJECT
from oceanid_dagster.domain.documents import document_id
from oceanid_dagster.domain.labels import BIO_TAGS, LABEL_NAMES, split_bio_tag
from oceanid_dagster.domain.page_kinds import Fingerprint, fingerprints
from oceanid_dagster.domain.page_kinds import from_json as kinds_from_json
from oceanid_dagster.domain.page_kinds import to_json as kinds_to_json
from oceanid_dagster.domain.spans import Span, remove_overlaps

if TYPE_CHECKING:
    from oceanid_dagster.training.reference import ReferencePage

GOLD = "gold"
SILVER = "silver"
HANDWRITTEN = "handwritten"
SOURCES = (GOLD, SILVER, HANDWRITTEN)
TRAIN, VALIDATION, TEST = "train", "validation", "test"
SPLITS = (TRAIN, VALIDATION, TEST)
KEPT_CORRECTIONS = (ACCEPT, MODIFY, ADD)
DROPPED_CORRECTIONS = (REJECT,)
DEFAULT_MAX_WORDS = 64
CARD_FILENAME = "README.md"


@dataclass(frozen=True)
class LabelledPage:
    document_id: str
    page_number: int
    text: str
    spans: tuple[Span, ...]
    source: str  # GOLD | SILVER | HANDWRITTEN


@dataclass(frozen=True)
class SplitFractions:
    test: float = 0.15
    validation: float = 0.10

    def __post_init__(self) -> None:
        if self.test < 0 or self.validation < 0 or self.test + self.validation >= 1:
            raise ValueError(f"split fractions must be >= 0 and leave room for train: {self}")


class PageLike(Protocol):
    text: str
    spans: Sequence[Span]


class DocumentLike(Protocol):
    pages: Sequence[PageLike]


# --- inputs -----------------------------------------------------------------------------------


class StaleCorrection(ValueError):
    """A corrected span whose text is no longer on its page (the page was read again since)."""


REANCHORED = "corrected spans re-anchored by their text (page re-read since the review)"


def gold_pages(
    page_rows: Iterable[Mapping[str, Any]],
    correction_rows: Iterable[Mapping[str, Any]],
    report: Counter | None = None,
) -> list[LabelledPage]:
    """Pages people reviewed, with their corrected spans.

    ``page_rows``: ``{document_id, page_number, text}`` (``raw_ocr``) of every page people
    reviewed. ``correction_rows``: ``entity_corrections`` rows ``{record_id, document_id,
    page_number, start_char, end_char, label, correction[, text, response_status]}``. Every
    reviewed page is gold; its spans are the rows that were accepted, modified (the row holds the
    corrected label/offsets) or added. A page submitted with no entities, or whose spans were all
    rejected, is gold with no entities; a page the annotator discarded (``response_status ==
    "discarded"``: unusable OCR, not a vessel document) is left out.

    A page read again since its review keeps its gold spans where their text is still on it (moved
    to the occurrence nearest the old offsets); a page with a span whose text is gone is left out,
    since its gold labels would be incomplete. Both are counted by reason in ``report``.
    """
    report = report if report is not None else Counter()
    texts = {(row["document_id"], int(row["page_number"])): row["text"] for row in page_rows}
    spans_by_page: dict[tuple[str, int], set[Span]] = {}
    left_out: set[tuple[str, int]] = set()
    for row in correction_rows:
        key = (row["document_id"], int(row["page_number"]))
        if key not in texts:
            report["corrections left out: their page has no OCR text any more"] += 1
            continue
        if row.get("response_status") == DISCARDED:
            left_out.add(key)
            continue
        page_spans = spans_by_page.setdefault(key, set())
        try:
            span = _corrected_span(row, texts[key], report)
        except StaleCorrection:
            if key not in left_out:
                report["gold pages left out: a corrected span's text is no longer on the re-read page"] += 1
            left_out.add(key)
            continue
        if span is not None:
            page_spans.add(span)
    return [
        LabelledPage(
            doc_id, page_number, text, tuple(remove_overlaps(list(spans_by_page.get((doc_id, page_number), ())))), GOLD
        )
        for (doc_id, page_number), text in sorted(texts.items())
        if (doc_id, page_number) not in left_out
    ]


def _corrected_span(row: Mapping[str, Any], page_text: str, report: Counter) -> Span | None:
    record = row.get("record_id")
    correction = row.get("correction")
    if correction in DROPPED_CORRECTIONS:
        return None
    if correction not in KEPT_CORRECTIONS:
        raise ValueError(
            f"correction {record!r}: unknown correction {correction!r} "
            f"(expected one of {KEPT_CORRECTIONS + DROPPED_CORRECTIONS})"
        )
    start, end = int(row["start_char"]), int(row["end_char"])
    expected = row.get("text")
    if page_text[start:end] != expected and expected is not None:
        start, end = _reanchor(expected, page_text, start, record)
        report[REANCHORED] += 1
    elif end > len(page_text):
        raise StaleCorrection(f"correction {record!r}: span {start}:{end} runs past the page text")
    try:
        return Span(start, end, row["label"])
    except ValueError as error:
        raise ValueError(f"correction {record!r}: {error}") from None


def _reanchor(text: str, page_text: str, old_start: int, record: object) -> tuple[int, int]:
    """The occurrence of ``text`` nearest its old offset; :class:`StaleCorrection` when there is none."""
    starts = [match.start() for match in re.finditer(re.escape(text), page_text)] if text else []
    if not starts:
        raise StaleCorrection(f"correction {record!r}: {text!r} is no longer on the page (was it re-read?)")
    start = min(starts, key=lambda candidate: abs(candidate - old_start))
    return start, start + len(text)


def silver_pages(documents: Iterable[DocumentLike]) -> list[LabelledPage]:
    """Pages of generated documents; a document's id is the hash of its text, as for uploads, so a
    document generated twice is one document (kept once)."""
    pages: list[LabelledPage] = []
    seen: set[str] = set()
    for document in documents:
        content = "\f".join(page.text for page in document.pages).encode("utf-8")
        doc_id = document_id(content)
        if doc_id in seen:
            continue
        seen.add(doc_id)
        for number, page in enumerate(document.pages, start=1):
            pages.append(LabelledPage(doc_id, number, page.text, tuple(remove_overlaps(list(page.spans))), SILVER))
    return pages


# --- splits -----------------------------------------------------------------------------------


def handwritten_pages(pages: Iterable[ReferencePage]) -> list[LabelledPage]:
    """Hand-written pages with gold spans (:mod:`oceanid_dagster.training.reference`'s reference
    pages) as training pages: the rules' development set, so never the pages a release is decided
    on; always in train, where they show the model real layouts the generator does not make."""
    return [
        LabelledPage(f"handwritten:{page.name}", 1, page.text, tuple(remove_overlaps(list(page.spans))), HANDWRITTEN)
        for page in pages
    ]


def _bucket(doc_id: str) -> float:
    return int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:16], 16) / 2**64


def hash_split(doc_id: str, fractions: SplitFractions = SplitFractions()) -> str:
    """The split of a document, from the hash of its id alone (stable across runs and machines)."""
    bucket = _bucket(doc_id)
    if bucket < fractions.test:
        return TEST
    if bucket < fractions.test + fractions.validation:
        return VALIDATION
    return TRAIN


def gold_test_ids(
    pages: Iterable[LabelledPage], frozen_test_ids: Iterable[str] = (), fractions: SplitFractions = SplitFractions()
) -> frozenset[str]:
    """The gold documents that are test: those in test before, those their hash puts there, and,
    while these are fewer than ``fractions.test`` of the gold documents (rounded up, one at least
    once there are two), the next ones by hash rank. A few dozen corrected documents of a new kind
    then always have some in the frozen test, where the next release is measured on them, instead
    of none when their hashes happen to fall elsewhere."""
    gold = sorted({page.document_id for page in pages if page.source == GOLD}, key=_bucket)
    chosen = set(frozen_test_ids) | {doc_id for doc_id in gold if hash_split(doc_id, fractions) == TEST}
    wanted = math.ceil(fractions.test * len(gold)) if len(gold) >= 2 else 0
    for doc_id in gold:
        if len(chosen & set(gold)) >= wanted:
            break
        chosen.add(doc_id)
    return frozenset(chosen)


def assign_split(page: LabelledPage, frozen_test_ids: frozenset[str], fractions: SplitFractions) -> str:
    if page.source == GOLD and page.document_id in frozen_test_ids:
        return TEST
    if page.source == HANDWRITTEN:
        return TRAIN
    return hash_split(page.document_id, fractions)


# --- examples ---------------------------------------------------------------------------------


def page_examples(page: LabelledPage, max_words: int = DEFAULT_MAX_WORDS) -> list[dict[str, Any]]:
    """A page as examples of at most ``max_words`` words, cut at line ends where possible, never inside an entity
    unless the entity alone is longer than ``max_words``."""
    for span in page.spans:
        if span.end > len(page.text):
            raise ValueError(
                f"document {page.document_id} page {page.page_number}: span {span} runs past the page text"
            )
    words = split_words(page.text)
    tags = word_tags_from_spans(words, page.spans)
    line_starts = _line_start_indexes(page.text, words)
    return [
        {
            "id": f"{page.document_id}:{page.page_number}:{index}",
            "document_id": page.document_id,
            "page_number": page.page_number,
            "source": page.source,
            "tokens": [word.text for word in words[start:stop]],
            "ner_tags": tags[start:stop],
        }
        for index, (start, stop) in enumerate(_chunk_bounds(tags, line_starts, max_words))
    ]


def _line_start_indexes(text: str, words: Sequence[Word]) -> set[int]:
    return {index for index in range(1, len(words)) if "\n" in text[words[index - 1].end : words[index].start]}


def _chunk_bounds(tags: Sequence[str], line_starts: set[int], max_words: int) -> list[tuple[int, int]]:
    if max_words < 1:
        raise ValueError(f"max_words must be >= 1, got {max_words}")
    bounds: list[tuple[int, int]] = []
    start = 0
    while start < len(tags):
        stop = min(start + max_words, len(tags))
        if stop < len(tags):
            stop = _best_cut(tags, line_starts, start, stop)
        bounds.append((start, stop))
        start = stop
    return bounds


def _best_cut(tags: Sequence[str], line_starts: set[int], start: int, limit: int) -> int:
    """The last position in ``(start, limit]`` outside an entity, preferring a line start in the window's
    second half (an earlier one would leave a tiny example); ``limit`` when an entity fills the window."""
    candidates = [cut for cut in range(limit, start, -1) if split_bio_tag(tags[cut])[0] != "I"]
    half_way = start + (limit - start) // 2
    at_line_start = [cut for cut in candidates if cut in line_starts and cut > half_way]
    return (at_line_start or candidates or [limit])[0]


# --- the DatasetDict --------------------------------------------------------------------------


def dataset_features():
    from datasets import ClassLabel, Features, List, Value

    return Features(
        {
            "id": Value("string"),
            "document_id": Value("string"),
            "page_number": Value("int32"),
            "source": Value("string"),
            "tokens": List(Value("string")),
            "ner_tags": List(ClassLabel(names=list(BIO_TAGS))),
        }
    )


def build_dataset(
    pages: Iterable[LabelledPage],
    frozen_test_ids: Iterable[str] = (),
    fractions: SplitFractions = SplitFractions(),
    max_words: int = DEFAULT_MAX_WORDS,
    gold_repeats: int = 1,
    handwritten_repeats: int | None = None,
):
    """A ``DatasetDict`` with ``train``/``validation``/``test`` (each possibly empty); gold pages
    repeated ``gold_repeats`` times in ``train`` only, handwritten pages ``handwritten_repeats`` times
    (``gold_repeats`` when None); evaluation counts each page once."""
    from datasets import DatasetDict

    frozen = frozenset(frozen_test_ids)
    pages_by_split: dict[str, list[LabelledPage]] = {split: [] for split in SPLITS}
    seen: set[tuple[str, int]] = set()
    for page in pages:
        key = (page.document_id, page.page_number)
        if key in seen:
            raise ValueError(f"document {page.document_id} page {page.page_number} given twice")
        seen.add(key)
        pages_by_split[assign_split(page, frozen, fractions)].append(page)
    return DatasetDict(
        {
            split: examples_dataset(
                split_pages,
                max_words,
                gold_repeats if split == TRAIN else 1,
                handwritten_repeats if split == TRAIN else 1,
            )
            for split, split_pages in pages_by_split.items()
        }
    )


def examples_dataset(
    pages: Iterable[LabelledPage],
    max_words: int = DEFAULT_MAX_WORDS,
    gold_repeats: int = 1,
    handwritten_repeats: int | None = None,
):
    """One ``Dataset`` of the examples of ``pages`` (no splitting); each gold page's examples appear
    ``gold_repeats`` times and each handwritten page's ``handwritten_repeats`` times (ids suffixed
    ``:r1``, ``:r2``...), so a few dozen corrected pages weigh against thousands of silver ones."""
    from datasets import Dataset

    repeats = {GOLD: gold_repeats, HANDWRITTEN: gold_repeats if handwritten_repeats is None else handwritten_repeats}
    for name, value in (("gold_repeats", repeats[GOLD]), ("handwritten_repeats", repeats[HANDWRITTEN])):
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    features = dataset_features()
    columns: dict[str, list[Any]] = {name: [] for name in features}  # from columns: an empty split keeps its schema
    for page in pages:
        examples = page_examples(page, max_words)
        for copy in range(repeats.get(page.source, 1)):
            for example in examples:
                for name in features:
                    columns[name].append(f"{example['id']}:r{copy}" if name == "id" and copy else example[name])
    return Dataset.from_dict(columns, features=features)


def gold_test_document_ids(dataset) -> set[str]:
    """The gold documents of ``dataset``'s test split: pass them as ``frozen_test_ids`` to the next build."""
    test = dataset[TEST]
    return {doc_id for doc_id, source in zip(test["document_id"], test["source"]) if source == GOLD}


# --- card, save, load -------------------------------------------------------------------------


def split_statistics(dataset) -> dict[str, dict[str, Any]]:
    """Per split: examples, documents, words, examples per source and entities per label."""
    names = dataset[TRAIN].features["ner_tags"].feature.names
    stats: dict[str, dict[str, Any]] = {}
    for split in SPLITS:
        part = dataset[split]
        entities = Counter(
            split_bio_tag(names[tag_id])[1]
            for tags in part["ner_tags"]
            for tag_id in tags
            if names[tag_id].startswith("B-")
        )
        stats[split] = {
            "examples": len(part),
            "documents": len(set(part["document_id"])),
            "words": sum(len(tokens) for tokens in part["tokens"]),
            "sources": dict(sorted(Counter(part["source"]).items())),
            "entities": {label: entities.get(label, 0) for label in LABEL_NAMES},
        }
    return stats


def dataset_card(dataset, title: str = "Oceanid vessel NER dataset") -> str:
    """README.md for the dataset repo: what it is, how it is split, and counts per split and label."""
    stats = split_statistics(dataset)
    header = "| | " + " | ".join(SPLITS) + " |\n|---|" + "---:|" * len(SPLITS) + "\n"

    def row(name: str, values: Iterable[Any]) -> str:
        return f"| {name} | " + " | ".join(str(value) for value in values) + " |\n"

    counts = header
    for key in ("examples", "documents", "words"):
        counts += row(key, (stats[split][key] for split in SPLITS))
    for source in SOURCES:
        counts += row(f"{source} examples", (stats[split]["sources"].get(source, 0) for split in SPLITS))
    labels = header + "".join(
        row(label, (stats[split]["entities"][label] for split in SPLITS)) for label in LABEL_NAMES
    )
    return (
        "---\nlanguage:\n- en\ntask_categories:\n- token-classification\npretty_name: "
        f"{title}\n---\n\n# {title}\n\n"
        "Word-level examples (`tokens`, BIO `ner_tags`) of vessel documents for named-entity recognition.\n"
        "`source` is `gold` (pages corrected by people in Argilla), `silver` (documents generated from\n"
        "public RFMO authorised-vessel lists) or `handwritten` (hand-annotated pages in real layouts, train\n"
        "only). Splits are by document (hash of the document id); gold\n"
        "documents once in `test` stay there in later versions, so test scores compare across models.\n\n"
        f"Tags: {', '.join(f'`{tag}`' for tag in BIO_TAGS)}.\n\n"
        f"## Counts\n\n{counts}\n## Entities per label\n\n{labels}"
    )


def save_dataset(dataset, folder: Path) -> Path:
    """``save_to_disk`` plus the dataset card, into ``folder`` (ready to publish)."""
    folder = Path(folder)
    # datasets writes an empty split as zero shards and then cannot load it back; one empty shard loads.
    dataset.save_to_disk(
        str(folder), num_shards={split: 1 if len(part) == 0 else None for split, part in dataset.items()}
    )
    (folder / CARD_FILENAME).write_text(dataset_card(dataset), encoding="utf-8")
    return folder


EVALUATION_PAGES_FILE = "evaluation_pages.jsonl"


def evaluation_pages(
    pages: Iterable[LabelledPage], frozen_test_ids: Iterable[str] = (), fractions: SplitFractions = SplitFractions()
) -> list[LabelledPage]:
    """The whole test-split pages (text and spans) on which extractors are compared before a release
    ships: the gold test pages where people have corrected any, else the silver test pages."""
    frozen = frozenset(frozen_test_ids)
    test = [page for page in pages if assign_split(page, frozen, fractions) == TEST]
    gold = [page for page in test if page.source == GOLD]
    return gold or test


def save_evaluation_pages(folder: Path, pages: Iterable[LabelledPage]) -> Path:
    path = Path(folder) / EVALUATION_PAGES_FILE
    with path.open("w", encoding="utf-8") as stream:
        for page in pages:
            row = {
                "document_id": page.document_id,
                "page_number": page.page_number,
                "source": page.source,
                "text": page.text,
                "spans": [[span.start, span.end, span.label] for span in page.spans],
            }
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def load_evaluation_pages(folder: Path) -> list[LabelledPage]:
    """The pages :func:`save_evaluation_pages` wrote; a dataset from before them has none (an error)."""
    path = Path(folder) / EVALUATION_PAGES_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: this dataset revision has no evaluation pages; rebuild ner_training_dataset")
    pages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        spans = tuple(Span(start, end, label) for start, end, label in row["spans"])
        pages.append(LabelledPage(row["document_id"], row["page_number"], row["text"], spans, row["source"]))
    return pages


LEARNT_KINDS_FILE = "learnt_kinds.json"


def learnt_kinds(pages: Iterable[LabelledPage], test_ids: Iterable[str]) -> list[Fingerprint]:
    """The fingerprints of the corrected pages the model learns from (the gold test documents left
    out, so a gold test page is never judged against its own fingerprint)."""
    test = frozenset(test_ids)
    return fingerprints(
        (page.text, page.spans) for page in pages if page.source == GOLD and page.document_id not in test
    )


def save_learnt_kinds(folder: Path, kinds: Sequence[Fingerprint]) -> Path:
    path = Path(folder) / LEARNT_KINDS_FILE
    path.write_text(json.dumps(kinds_to_json(kinds)) + "\n", encoding="utf-8")
    return path


def load_learnt_kinds(folder: Path) -> list[Fingerprint]:
    """What :func:`save_learnt_kinds` wrote; none for a dataset from before them."""
    path = Path(folder) / LEARNT_KINDS_FILE
    return kinds_from_json(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else []


def load_dataset_folder(folder: Path):
    """A dataset saved by :func:`save_dataset`; checks that its tags are those of the label schema."""
    from datasets import load_from_disk

    dataset = load_from_disk(str(folder))
    missing = [split for split in SPLITS if split not in dataset]
    if missing:
        raise ValueError(f"dataset in {folder} lacks splits {missing}")
    names = tuple(dataset[TRAIN].features["ner_tags"].feature.names)
    if names != BIO_TAGS:
        raise ValueError(f"dataset in {folder} has tags {names}, the label schema has {BIO_TAGS}: rebuild it")
    return dataset


# --- hub --------------------------------------------------------------------------------------


def publish_dataset(hub, repo_id: str, folder: Path, revision: str) -> str:
    """Publish a folder written by :func:`save_dataset` as ``revision`` of the dataset repo."""
    return hub.publish_folder(
        repo_id, Path(folder), revision, repo_type="dataset", commit_message=f"NER dataset {revision}"
    )


def published_gold_test_ids(hub, repo_id: str, work_dir: Path) -> tuple[set[str], str | None]:
    """``(gold test document ids, revision)`` of the latest published dataset; ``(set(), None)`` before the first."""
    revision = hub.latest_revision(repo_id, repo_type="dataset")
    if revision is None:
        return set(), None
    folder = hub.download(repo_id, revision, Path(work_dir) / revision, repo_type="dataset")
    return gold_test_document_ids(load_dataset_folder(folder)), revision
