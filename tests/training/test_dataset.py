from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from oceanid_dagster.domain.labels import BIO_TAGS
from oceanid_dagster.domain.spans import Span
from oceanid_dagster.serving.hub_client import LocalFolderHub
from oceanid_dagster.training.dataset import (
    GOLD,
    REANCHORED,
    SILVER,
    SPLITS,
    TEST,
    LabelledPage,
    SplitFractions,
    build_dataset,
    dataset_card,
    gold_pages,
    gold_test_document_ids,
    hash_split,
    learnt_kinds,
    load_dataset_folder,
    load_learnt_kinds,
    page_examples,
    publish_dataset,
    published_gold_test_ids,
    save_dataset,
    save_learnt_kinds,
    silver_pages,
)
from oceanid_dagster.training.reference import REFERENCE_DIR


def as_gold(pages: list[LabelledPage]) -> list[LabelledPage]:
    return [replace(page, source=GOLD) for page in pages]


PAGE_TEXT = "Vessel SEAWIN DIAMOND, IMO 9305427, flag South Africa."


def correction(record_id, start, end, label, kind="accept", document="d1", page=1, text=None):
    return {
        "record_id": record_id,
        "document_id": document,
        "page_number": page,
        "start_char": start,
        "end_char": end,
        "label": label,
        "correction": kind,
        "text": text,
    }


def test_gold_pages_keep_accepted_modified_added_and_drop_rejected():
    pages = gold_pages(
        [{"document_id": "d1", "page_number": 1, "text": PAGE_TEXT}],
        [
            correction("r1", 7, 21, "VESSEL_NAME", "accept", text="SEAWIN DIAMOND"),
            correction("r1", 27, 34, "IMO", "modify"),
            correction("r1", 42, 54, "FLAG", "add"),
            correction("r1", 0, 6, "OWNER", "reject"),
        ],
    )
    assert pages == [
        LabelledPage("d1", 1, PAGE_TEXT, (Span(7, 21, "VESSEL_NAME"), Span(27, 34, "IMO"), Span(42, 54, "FLAG")), GOLD)
    ]


def test_gold_page_with_every_span_rejected_is_all_outside():
    pages = gold_pages(
        [{"document_id": "d1", "page_number": 1, "text": PAGE_TEXT}], [correction("r1", 0, 6, "OWNER", "reject")]
    )
    assert pages[0].spans == ()
    assert set(page_examples(pages[0])[0]["ner_tags"]) == {"O"}


def test_discarded_page_is_left_out():
    rows = [
        {"document_id": "d1", "page_number": 1, "text": PAGE_TEXT},
        {"document_id": "d1", "page_number": 2, "text": PAGE_TEXT},
    ]
    discarded = {**correction("r2", 0, 6, "OWNER", "reject", page=2), "response_status": "discarded"}
    submitted = {**correction("r1", 7, 21, "VESSEL_NAME"), "response_status": "submitted"}
    assert [page.page_number for page in gold_pages(rows, [submitted, discarded])] == [1]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (correction("r9", 7, 21, "SHIP"), "r9.*unknown entity label"),
        (correction("r10", 7, 21, "FLAG", kind="maybe"), "r10.*unknown correction"),
    ],
)
def test_bad_correction_is_an_error_naming_the_record(row, message):
    with pytest.raises(ValueError, match=message):
        gold_pages([{"document_id": "d1", "page_number": 1, "text": PAGE_TEXT}], [row])


def test_corrections_of_a_re_read_page_are_re_anchored_by_their_text():
    reread = "Page 1 of 2\n" + PAGE_TEXT  # the text moved by 12 characters
    report = Counter()
    rows = [
        correction("r1", 7, 21, "VESSEL_NAME", text="SEAWIN DIAMOND"),
        correction("r1", 27, 34, "IMO", text="9305427"),
    ]
    (page,) = gold_pages([{"document_id": "d1", "page_number": 1, "text": reread}], rows, report)
    assert [span.text_in(reread) for span in page.spans] == ["SEAWIN DIAMOND", "9305427"]
    assert report == Counter({REANCHORED: 2})


def test_a_re_read_page_whose_corrected_text_is_gone_is_left_out_with_a_reason():
    rows = [
        {"document_id": "d1", "page_number": 1, "text": PAGE_TEXT.replace("SEAWIN", "SEAW1N")},
        {"document_id": "d1", "page_number": 2, "text": PAGE_TEXT},
    ]
    corrections = [
        correction("r1", 7, 21, "VESSEL_NAME", text="SEAWIN DIAMOND"),
        correction("r1", 27, 34, "IMO", text="9305427"),
        correction("r2", 7, 21, "VESSEL_NAME", page=2, text="SEAWIN DIAMOND"),
        correction("r3", 50, 99, "FLAG", page=3),
    ]
    report = Counter()
    pages = gold_pages(rows, corrections, report)
    assert [page.page_number for page in pages] == [2]
    assert report == Counter(
        {
            "gold pages left out: a corrected span's text is no longer on the re-read page": 1,
            "corrections left out: their page has no OCR text any more": 1,
        }
    )


def test_long_page_is_cut_at_line_ends_and_never_inside_an_entity():
    lines = [f"line {index} ALPHA BRAVO CHARLIE" for index in range(10)]
    text = "\n".join(lines)
    spans = tuple(
        Span(text.index(line) + 7, text.index(line) + len(line), "VESSEL_NAME")
        for line in lines
        if line.startswith("line 1")
    )
    examples = page_examples(LabelledPage("d", 1, text, spans, SILVER), max_words=12)
    assert [example["tokens"][:2] for example in examples] == [["line", str(index)] for index in range(0, 10, 2)]
    assert all(example["ner_tags"][0] == "O" for example in examples)
    assert sum(len(example["tokens"]) for example in examples) == 50


def test_entity_longer_than_the_limit_is_cut():
    text = "A B C D E"
    examples = page_examples(LabelledPage("d", 1, text, (Span(0, 9, "OWNER"),), SILVER), max_words=2)
    assert [len(example["tokens"]) for example in examples] == [2, 2, 1]


def test_splits_are_by_document_without_leakage(documents):
    dataset = build_dataset(silver_pages(documents))
    document_splits: dict[str, set[str]] = {}
    for split in SPLITS:
        for doc_id in dataset[split]["document_id"]:
            document_splits.setdefault(doc_id, set()).add(split)
    assert len(document_splits) == len(documents)
    assert all(len(splits) == 1 for splits in document_splits.values())
    assert all(len(dataset[split]) > 0 for split in SPLITS)
    assert all(hash_split(doc_id) == splits.pop() for doc_id, splits in document_splits.items())


def test_frozen_gold_test_ids_stay_in_test_and_new_gold_goes_by_hash(documents):
    gold = as_gold(silver_pages(documents))
    frozen = {page.document_id for page in gold if hash_split(page.document_id) != TEST}
    frozen = set(sorted(frozen)[:3])
    dataset = build_dataset(gold, frozen_test_ids=frozen)
    test_ids = gold_test_document_ids(dataset)
    assert frozen <= test_ids
    assert test_ids - frozen == {page.document_id for page in gold if hash_split(page.document_id) == TEST}
    assert gold_test_document_ids(build_dataset(gold, frozen_test_ids=test_ids)) == test_ids


def test_silver_documents_are_never_frozen(documents):
    pages = silver_pages(documents)
    frozen = {pages[0].document_id}
    dataset = build_dataset(pages, frozen_test_ids=frozen)
    expected_split = hash_split(pages[0].document_id)
    assert pages[0].document_id in set(dataset[expected_split]["document_id"])


def test_same_page_twice_is_refused(documents):
    pages = silver_pages(documents[:1])
    with pytest.raises(ValueError, match="given twice"):
        build_dataset(pages + pages[:1])


def test_features_use_the_label_schema_and_round_trip_through_a_folder(documents, tmp_path):
    dataset = build_dataset(silver_pages(documents))
    tags = dataset["train"].features["ner_tags"].feature
    assert tuple(tags.names) == BIO_TAGS
    folder = save_dataset(dataset, tmp_path / "ds")
    loaded = load_dataset_folder(folder)
    for split in SPLITS:
        assert loaded[split].to_list() == dataset[split].to_list()
    example = loaded["train"][0]
    assert set(example) == {"id", "document_id", "page_number", "source", "tokens", "ner_tags"}
    assert len(example["tokens"]) == len(example["ner_tags"])
    assert (folder / "README.md").read_text(encoding="utf-8") == dataset_card(dataset)


def test_card_counts_examples_and_entities_per_split(documents):
    dataset = build_dataset(silver_pages(documents))
    card = dataset_card(dataset)
    counts = " | ".join(str(len(dataset[split])) for split in SPLITS)
    assert f"| examples | {counts} |" in card
    vessel_names = [
        sum(tags.count(BIO_TAGS.index("B-VESSEL_NAME")) for tags in dataset[split]["ner_tags"]) for split in SPLITS
    ]
    assert f"| VESSEL_NAME | {' | '.join(map(str, vessel_names))} |" in card
    assert sum(vessel_names) == sum(
        span.label == "VESSEL_NAME" for doc in documents for page in doc.pages for span in page.spans
    )


def test_a_document_generated_twice_is_one_document(documents):
    assert silver_pages([documents[0], documents[1], documents[0]]) == silver_pages(documents[:2])


def test_an_empty_split_keeps_the_schema_and_saves(documents, tmp_path):
    gold = as_gold(silver_pages(documents[:1]))
    dataset = build_dataset(gold, frozen_test_ids={gold[0].document_id})
    assert [len(dataset[split]) for split in SPLITS] == [0, 0, sum(len(page_examples(page)) for page in gold)]
    loaded = load_dataset_folder(save_dataset(dataset, tmp_path / "ds"))
    assert tuple(loaded["train"].features["ner_tags"].feature.names) == BIO_TAGS
    assert f"| examples | 0 | 0 | {len(dataset['test'])} |" in dataset_card(dataset)


def test_loading_a_dataset_with_other_tags_is_refused(documents, tmp_path):
    from datasets import ClassLabel, List

    dataset = build_dataset(silver_pages(documents[:10]))
    stale = dataset.cast_column("ner_tags", List(ClassLabel(names=[*BIO_TAGS, "B-EXTRA"])))
    with pytest.raises(ValueError, match="rebuild it"):
        load_dataset_folder(save_dataset(stale, tmp_path / "stale"))


def test_frozen_test_split_survives_a_round_trip_through_the_hub(documents, tmp_path):
    hub = LocalFolderHub(tmp_path / "hub")
    assert published_gold_test_ids(hub, "oceanid/ner", tmp_path / "work") == (set(), None)
    first_gold = as_gold(silver_pages(documents[:8]))
    first = build_dataset(first_gold, fractions=SplitFractions(test=0.5))
    publish_dataset(hub, "oceanid/ner", save_dataset(first, tmp_path / "v1"), "dataset-20260101T000000Z")

    frozen, revision = published_gold_test_ids(hub, "oceanid/ner", tmp_path / "work")
    assert revision == "dataset-20260101T000000Z" and frozen == gold_test_document_ids(first) != set()
    # The next night: more gold, and a split policy that would now put every document in train.
    second = build_dataset(as_gold(silver_pages(documents)), frozen_test_ids=frozen, fractions=SplitFractions(test=0.0))
    assert gold_test_document_ids(second) == frozen


def test_a_line_start_near_the_window_start_does_not_make_a_tiny_example():
    examples = page_examples(LabelledPage("d", 1, "A\nB C D E F", (), SILVER), max_words=4)
    assert [example["tokens"] for example in examples] == [["A", "B", "C", "D"], ["E", "F"]]


def test_a_page_submitted_with_no_entities_is_gold_with_no_spans():
    reviewed = [
        {"document_id": "d1", "page_number": 1, "text": PAGE_TEXT},
        {"document_id": "d1", "page_number": 2, "text": PAGE_TEXT},
    ]
    pages = gold_pages(reviewed, [correction("r1", 7, 21, "VESSEL_NAME", text="SEAWIN DIAMOND")])
    assert [(page.page_number, page.spans) for page in pages] == [(1, (Span(7, 21, "VESSEL_NAME"),)), (2, ())]


def test_evaluation_pages_are_the_gold_test_pages_when_there_are_any_and_round_trip(tmp_path):
    from oceanid_dagster.training.dataset import evaluation_pages, load_evaluation_pages, save_evaluation_pages

    spans = (Span(7, 21, "VESSEL_NAME"),)
    silver = [LabelledPage(f"s{index}", 1, PAGE_TEXT, spans, SILVER) for index in range(40)]
    gold = LabelledPage("g1", 1, PAGE_TEXT, spans, GOLD)
    only_silver = evaluation_pages(silver)
    assert only_silver and all(page.source == SILVER for page in only_silver), "silver test pages without gold"
    assert evaluation_pages([*silver, gold], frozen_test_ids={"g1"}) == [gold]
    save_evaluation_pages(tmp_path, [gold, *only_silver])
    assert load_evaluation_pages(tmp_path) == [gold, *only_silver]
    with pytest.raises(FileNotFoundError, match="rebuild ner_training_dataset"):
        load_evaluation_pages(tmp_path / "older")


def test_gold_pages_are_repeated_in_train_only():
    spans = (Span(7, 21, "VESSEL_NAME"),)
    gold = LabelledPage("g1", 1, PAGE_TEXT, spans, GOLD)
    silver = LabelledPage("s1", 1, PAGE_TEXT, spans, SILVER)
    everything_in_train = SplitFractions(test=0.0, validation=0.0)
    dataset = build_dataset([gold, silver], fractions=everything_in_train, gold_repeats=3)
    assert sorted(dataset["train"]["id"]) == ["g1:1:0", "g1:1:0:r1", "g1:1:0:r2", "s1:1:0"]
    in_test = build_dataset([gold], frozen_test_ids={"g1"}, gold_repeats=3)
    assert in_test["test"]["id"] == ["g1:1:0"], "the test split counts each page once"
    with pytest.raises(ValueError, match="gold_repeats"):
        build_dataset([gold], gold_repeats=0)


def test_handwritten_pages_are_always_in_train_weighted_as_gold_and_never_evaluated_on():
    """The reference pages train the model on real layouts; were they hashed into test they would
    become the pages a release is decided on, and they are the rules' development set."""
    from oceanid_dagster.training.dataset import HANDWRITTEN, evaluation_pages, handwritten_pages
    from oceanid_dagster.training.reference import reference_pages

    handwritten = handwritten_pages(reference_pages(REFERENCE_DIR))
    assert len(handwritten) == len(reference_pages(REFERENCE_DIR)) >= 26
    assert all(page.source == HANDWRITTEN and page.spans for page in handwritten)
    everything_in_test = SplitFractions(test=0.99, validation=0.0)
    dataset = build_dataset(handwritten, fractions=everything_in_test, gold_repeats=2)
    assert len(dataset["test"]) == len(dataset["validation"]) == 0
    once = build_dataset(handwritten, fractions=everything_in_test, gold_repeats=1)
    assert len(dataset["train"]) == 2 * len(once["train"])
    # weighed apart from people's corrections where asked
    thrice = build_dataset(handwritten, fractions=everything_in_test, gold_repeats=8, handwritten_repeats=3)
    assert len(thrice["train"]) == 3 * len(once["train"])
    with pytest.raises(ValueError, match="handwritten_repeats"):
        build_dataset(handwritten, handwritten_repeats=0)
    assert set(dataset["train"]["source"]) == {HANDWRITTEN}
    assert evaluation_pages(handwritten, fractions=everything_in_test) == []
    assert "| handwritten examples | " in dataset_card(dataset)


def test_a_few_corrected_documents_always_have_some_in_the_gold_test():
    from oceanid_dagster.training.dataset import GOLD, SILVER, LabelledPage, SplitFractions, gold_test_ids, hash_split

    fractions = SplitFractions(test=0.15, validation=0.10)
    ids = [f"doc{index:02d}" for index in range(200)]
    outside_test = [doc_id for doc_id in ids if hash_split(doc_id, fractions) != TEST][:12]
    pages = [LabelledPage(doc_id, 1, "x", (), GOLD) for doc_id in outside_test]
    chosen = gold_test_ids(pages + [LabelledPage("silver1", 1, "x", (), SILVER)], (), fractions)
    assert len(chosen) == 2 and chosen <= set(outside_test)  # ceil(0.15 * 12), none by hash alone
    assert gold_test_ids(pages, chosen, fractions) == chosen  # stable: the same next night
    assert gold_test_ids(pages[:1], (), fractions) == frozenset()  # a single document stays in train
    assert gold_test_ids(pages, {"older"}, fractions) >= {"older"}  # frozen ones stay


def test_the_learnt_kinds_are_the_corrected_training_pages_layouts_never_a_test_pages(tmp_path):
    def form(doc_id: str, heading: str, source: str = GOLD) -> LabelledPage:
        text = f"{heading} notice to masters: vessel details as recorded by the registry office\n{PAGE_TEXT}"
        offset = len(text) - len(PAGE_TEXT)
        return LabelledPage(doc_id, 1, text, (Span(offset + 7, offset + 21, "VESSEL_NAME"),), source)

    pages = [form("train", "Licence"), form("test", "Transhipment"), form("silver", "Inspection", SILVER)]
    kinds = learnt_kinds(pages, test_ids={"test"})
    assert len(kinds) == 1 and kinds == learnt_kinds(pages[:1], ())  # the test and silver pages' layouts left out
    assert save_learnt_kinds(tmp_path, kinds).is_file() and load_learnt_kinds(tmp_path) == kinds
    assert load_learnt_kinds(tmp_path / "a dataset from before") == []
