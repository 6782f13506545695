from __future__ import annotations

import pytest
from transformers import AutoModelForTokenClassification, AutoTokenizer, BertForTokenClassification

from oceanid_dagster.domain.alignment import split_words
from oceanid_dagster.domain.labels import ID2LABEL, NUM_BIO_TAGS
from oceanid_dagster.training.base_models import (
    HUB_BASE_MODEL,
    OFFLINE_BASE_MODEL,
    hub_is_reachable,
    offline_base_model,
    resolve_base_model,
)
from oceanid_dagster.training.trainer import load_base


def test_default_is_distilbert_from_the_hub_when_reachable():
    base = resolve_base_model(hub_reachable=True)
    assert (base.name, base.location, base.source) == (HUB_BASE_MODEL, HUB_BASE_MODEL, "hub")


def test_offline_default_is_the_packaged_minilm_with_a_classification_head():
    base = resolve_base_model(hub_reachable=False)
    assert base == offline_base_model() and base.name == OFFLINE_BASE_MODEL
    tokenizer, model = load_base(base)
    assert isinstance(model, BertForTokenClassification)
    assert model.config.num_labels == NUM_BIO_TAGS and model.config.id2label == ID2LABEL
    assert model.config.num_hidden_layers == 6 and tokenizer.is_fast
    assert tokenizer.tokenize("TAISEI MARU") == ["tai", "##sei", "maru"]  # the pretrained uncased vocabulary


def test_attention_dropout_replaces_the_bases_own_in_bert_and_distilbert(tiny_base):
    """Training sets it to 0 by default (its CPU attention kernel stays fused); None keeps the base's."""
    _, bert = load_base(offline_base_model(), attention_dropout=0.0)
    assert {layer.attention.self.dropout_prob for layer in bert.bert.encoder.layer} == {0.0}
    assert bert.config.hidden_dropout_prob == 0.1  # only the attention probabilities'
    _, distilbert = load_base(tiny_base, attention_dropout=0.0)
    assert distilbert.config.attention_dropout == 0.0
    assert {layer.attention.dropout.p for layer in distilbert.distilbert.transformer.layer} == {0.0}
    _, kept = load_base(tiny_base)
    assert kept.config.attention_dropout == 0.1


def test_hub_offline_setting_means_unreachable(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub_is_reachable() is False


def test_requested_folder_is_used_and_a_hub_id_offline_is_an_error(tiny_base):
    assert resolve_base_model(tiny_base.location).location == tiny_base.location
    with pytest.raises(RuntimeError, match="'bert-base-cased'.*offline"):
        resolve_base_model("bert-base-cased", hub_reachable=False)


def test_tiny_base_loads_with_auto_classes_and_splits_words_like_the_dataset(tiny_base):
    tokenizer = AutoTokenizer.from_pretrained(tiny_base.location)
    model = AutoModelForTokenClassification.from_pretrained(tiny_base.location, num_labels=NUM_BIO_TAGS)
    assert model.config.model_type == "distilbert" and model.config.dim == 32 and model.config.n_layers == 2
    text = "IMO: 9305427, SEAWIN DIAMOND (4,992 GT) a_b"
    encoding = tokenizer(text)
    assert max(word for word in encoding.word_ids() if word is not None) + 1 == len(split_words(text))
    assert encoding.tokens()[0] == "[CLS]" and encoding.tokens()[-1] == "[SEP]"
