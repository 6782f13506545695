"""The rules over several processes give the rules' spans, page for page, in order."""

from oceanid_dagster.domain.gazetteer import Gazetteer
from oceanid_dagster.inference.extractors import RuleExtractor, RulePool, start_extraction
from oceanid_dagster.samples.generator import generate_documents
from oceanid_dagster.samples.registry_csv import load_sample_registry


def test_a_rule_pool_finds_what_the_rules_find_on_every_page_in_order():
    registry = load_sample_registry()
    gazetteer = Gazetteer.from_records(registry)
    texts = [page.text for document in generate_documents(registry, 12, seed=8, pages=3) for page in document.pages]
    assert len(texts) > 2 * RulePool.PAGES_PER_TASK  # several tasks, so their order matters
    expected = RuleExtractor(gazetteer).extract_pages(texts)
    assert sum(len(page.spans) for page in expected) > 100

    with RulePool(gazetteer, workers=2) as pool:
        collect_first, collect_second = start_extraction(pool, texts), start_extraction(pool, texts[::-1])
        assert collect_second() == expected[::-1]
        assert collect_first() == expected
        assert pool.extract_pages(texts[:1]) == expected[:1]
    assert RulePool(gazetteer, workers=1).extract_pages(texts) == expected
