import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
from tokenizers import Tokenizer

from oceanid_dagster.domain.bio_decode import TokenTag, tokens_to_spans
from oceanid_dagster.domain.labels import BIO_TAGS, LABEL2ID
from oceanid_dagster.inference.runtime import NerDecoder, OnnxNerModel, ReleaseFolderError, softmax
from tests.inference.tiny_model import gold_spans, page_text, synthetic_sentences


def found(text: str, spans) -> list[tuple[str, str, int]]:
    return [(span.label, span.text_in(text), span.start) for span in spans]


def test_release_model_finds_the_entities_of_each_page(release_folder, tiny_model):
    model = OnnxNerModel.load(release_folder)
    sentences = tiny_model.eval_sentences[:8]
    predictions = model.predict_batch([sentence.text for sentence in sentences])
    for sentence, spans in zip(sentences, predictions):
        assert found(sentence.text, spans) == gold_spans([sentence])
        assert all(0.5 < span.score <= 1.0 for span in spans)
    assert model.version == release_folder.name


def test_fp32_and_int8_give_the_same_spans(release_folder, tiny_model):
    texts = [sentence.text for sentence in tiny_model.eval_sentences]
    fp32 = OnnxNerModel.load(release_folder, quantized=False).predict_batch(texts)
    int8 = OnnxNerModel.load(release_folder, quantized=True).predict_batch(texts)
    assert [[(s.start, s.end, s.label) for s in page] for page in fp32] == [
        [(s.start, s.end, s.label) for s in page] for page in int8
    ]


def test_long_page_is_read_in_overlapping_windows_with_page_offsets(release_folder):
    sentences = synthetic_sentences(20, seed=7)
    text = page_text(sentences)
    model = OnnxNerModel.load(release_folder, max_length=48, stride=12, batch_size=4)
    assert len(model.decoder.encode_windows([text]).windows) > 5
    assert found(text, model.predict(text)) == gold_spans(sentences)


def test_windows_are_batched_by_length_and_come_back_in_page_order(release_folder, tiny_model):
    """A short page is padded to the other short ones, not to the longest page; fp32 logits are the
    same as one window at a time, so the spans are too."""
    model = OnnxNerModel.load(release_folder, quantized=False, max_length=48, stride=12, batch_size=2)
    long_page = page_text(synthetic_sentences(12, seed=3))
    texts = [tiny_model.eval_sentences[0].text, long_page, tiny_model.eval_sentences[1].text, long_page]
    widths = []
    ort_logits = model.logits_fn

    def recording(input_ids, attention_mask):
        widths.append(input_ids.shape[1])
        return ort_logits(input_ids, attention_mask)

    model.logits_fn = recording
    encoded = model.decoder.encode_windows(texts)
    batched = model.window_logits(encoded)
    short = max(len(window.input_ids) for window in encoded.windows if window.page in (0, 2))
    assert widths[0] == short < max(widths), "the two short pages share the first batch"
    one_by_one = OnnxNerModel(model.decoder, ort_logits, batch_size=1).window_logits(encoded)
    for window, row, alone in zip(encoded.windows, batched, one_by_one):
        np.testing.assert_allclose(row[: len(window.input_ids)], alone, atol=1e-4)
    assert model.predict_batch(texts) == OnnxNerModel(model.decoder, ort_logits, batch_size=1).predict_batch(texts)


def test_empty_pages_have_no_spans(release_folder):
    model = OnnxNerModel.load(release_folder)
    assert model.predict_batch(["", "   ", "imo 9074729"])[:2] == [[], []]


# --- windowing and decoding, with an oracle instead of a model -----------------------------------


def oracle_logits(tokenizer: Tokenizer, blind_edge: int = 0):
    """A logits function that tags every token starting with a digit B-IMO (sub-tokens ``##..`` O).

    Within ``blind_edge`` tokens of a window's content edges it predicts O for everything, the way a
    model lacking context errs: the decoder must take those tokens from a window that saw more.
    """

    def logits_fn(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        logits = np.zeros((*input_ids.shape, len(BIO_TAGS)), dtype=np.float32)
        for row, (ids, mask) in enumerate(zip(input_ids, attention_mask)):
            last_content = int(mask.sum()) - 2  # after [CLS] ... before [SEP]
            for position in range(1, last_content + 1):
                near_edge = min(position - 1, last_content - position) < blind_edge
                is_number = tokenizer.id_to_token(int(ids[position]))[0].isdigit()
                tag = "B-IMO" if is_number and not near_edge else "O"
                logits[row, position, LABEL2ID[tag]] = 8.0
        return logits

    return logits_fn


@pytest.fixture
def numbers_page() -> tuple[str, list[tuple[str, str, int]]]:
    text = "start of the list . " + page_text(synthetic_sentences(25, seed=3)) + " end of the list ."
    return text, [("IMO", match.group(), match.start()) for match in re.finditer(r"\d+", text)]


def _oracle_model(tiny_model, max_length: int, stride: int, blind_edge: int) -> OnnxNerModel:
    tokenizer = Tokenizer.from_file(str(tiny_model.folder / "tokenizer.json"))
    decoder = NerDecoder(tokenizer, BIO_TAGS, max_length=max_length, stride=stride, pad_id=tiny_model.pad_id)
    return OnnxNerModel(decoder, oracle_logits(tokenizer, blind_edge), batch_size=5)


def test_window_offsets_map_back_to_the_page_characters(tiny_model, numbers_page):
    text, numbers = numbers_page
    windowed = _oracle_model(tiny_model, max_length=16, stride=6, blind_edge=0)
    assert len(windowed.decoder.encode_windows([text]).windows) > 10
    assert found(text, windowed.predict(text)) == numbers


def test_overlaps_are_decoded_from_the_window_with_more_context(tiny_model, numbers_page):
    text, numbers = numbers_page
    with_overlap = _oracle_model(tiny_model, max_length=16, stride=6, blind_edge=2)
    assert found(text, with_overlap.predict(text)) == numbers
    # without overlap the blind edges lose numbers: the test above can fail
    without_overlap = _oracle_model(tiny_model, max_length=16, stride=0, blind_edge=2)
    assert len(without_overlap.predict(text)) < len(numbers)


@pytest.mark.parametrize("outside_share", [0.0, 0.6, 0.95])
def test_decoding_gives_the_spans_of_every_token_s_tag(tiny_model, numbers_page, outside_share):
    """The decoder builds tokens only for entity words and the words that end them; its spans must be
    those of ``tokens_to_spans`` over every token, whatever mix of B-, I- and O tags the model gives
    (random tags here, so I- after O, I- of another label and entity runs across sub-tokens occur)."""
    text, _ = numbers_page
    tokenizer = Tokenizer.from_file(str(tiny_model.folder / "tokenizer.json"))
    decoder = NerDecoder(tokenizer, BIO_TAGS, max_length=512, stride=8, pad_id=tiny_model.pad_id)
    encoded = decoder.encode_windows([text])
    (window,) = encoded.windows
    page = encoded.pages[0]
    rng = np.random.default_rng(len(text))
    tag_ids = np.where(rng.random(len(page)) < outside_share, LABEL2ID["O"], rng.integers(0, len(BIO_TAGS), len(page)))
    logits = np.zeros((len(window.input_ids), len(BIO_TAGS)), dtype=np.float32)
    logits[window.content_start + np.arange(len(page)), tag_ids] = 6.0
    every_token = [
        TokenTag(start, end, word_id, BIO_TAGS[tag_id], float(softmax(logits[window.content_start + index]).max()))
        for index, ((start, end), word_id, tag_id) in enumerate(zip(page.offsets, page.word_ids, tag_ids))
    ]
    expected = tokens_to_spans(every_token)
    assert len(expected) > 3
    assert decoder.decode(encoded, [logits]) == [expected]


def test_page_uncertainty_is_low_for_confident_and_high_for_flat_logits(tiny_model, numbers_page):
    text, _ = numbers_page
    model = _oracle_model(tiny_model, max_length=64, stride=8, blind_edge=0)
    encoded = model.decoder.encode_windows([text, text])
    confident = model.window_logits(encoded)
    flat = [np.zeros_like(window) for window in confident]
    assert model.decoder.page_uncertainty(encoded, confident)[0] < 0.05
    assert model.decoder.page_uncertainty(encoded, flat)[0] == pytest.approx(1.0)


def test_logits_of_the_wrong_width_are_rejected(tiny_model):
    model = _oracle_model(tiny_model, max_length=64, stride=8, blind_edge=0)
    encoded = model.decoder.encode_windows(["imo 9074729"])
    with pytest.raises(ValueError, match="5 logits per token but the release has 31 labels"):
        model.decoder.decode(encoded, [np.zeros((6, 5), dtype=np.float32)])


def test_window_settings_must_leave_room_for_content(tiny_model):
    tokenizer = Tokenizer.from_file(str(tiny_model.folder / "tokenizer.json"))
    with pytest.raises(ValueError, match="stride"):
        NerDecoder(tokenizer, BIO_TAGS, max_length=16, stride=14)
    with pytest.raises(ValueError, match="no room"):
        NerDecoder(tokenizer, BIO_TAGS, max_length=2)


# --- release folder problems ---------------------------------------------------------------------


def test_loading_a_release_without_the_int8_model_names_the_file(release_folder, tmp_path):
    broken = shutil.copytree(release_folder, tmp_path / "release")
    (broken / "model_int8.onnx").unlink()
    with pytest.raises(ReleaseFolderError, match=r"has no model_int8\.onnx"):
        OnnxNerModel.load(broken)


def test_malformed_labels_file_is_reported(release_folder, tmp_path):
    broken = shutil.copytree(release_folder, tmp_path / "release")
    (broken / "labels.json").write_text(json.dumps({"0": "O"}))
    with pytest.raises(ReleaseFolderError, match=r"labels\.json: expected a non-empty JSON list"):
        OnnxNerModel.load(broken)


def test_inference_module_imports_no_torch_transformers_or_dagster():
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, oceanid_dagster.inference.runtime; "
            "print(sorted({'torch', 'transformers', 'dagster'} & set(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert heavy.stdout.strip() == "[]"
