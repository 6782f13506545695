"""Page kinds: a page of a kind people corrected is told from other pages by its layout's words."""

from oceanid_dagster.domain.page_kinds import (
    KINSHIP_MIN,
    fingerprint,
    fingerprints,
    from_json,
    kinship,
    layout_words,
    to_json,
)
from oceanid_dagster.domain.spans import Span
from oceanid_dagster.training.reference import REFERENCE_DIR, VALIDATION_DIR, reference_pages

DECLARATION = """TRANSHIPMENT DECLARATION - At-sea transfer
Declaration no. TD-2024-4250      Date of transfer: {day}
PART A - FISHING VESSEL (OFFLOADING)
  Vessel name ........ {donor}
  Flag State / Call sign ........ {donor_flag} / {donor_ircs}
PART B - RECEIVING CARRIER
  Vessel name ........ {carrier}
  Flag State / Call sign ........ {carrier_flag} / {carrier_ircs}
Product: mackerel, 558 t transferred.
Remarks: the carrier {carrier} came alongside {donor} at 1730 UTC.
Observer signature and stamp of the receiving master"""


def declaration(**values) -> tuple[str, list[Span]]:
    """A declaration's text and the spans of its values (each value's every occurrence)."""
    text = DECLARATION.format(**values)
    spans = []
    for value in values.values():
        start = text.find(value)
        while start >= 0:
            spans.append(Span(start, start + len(value), "VESSEL_NAME"))  # the label plays no part
            start = text.find(value, start + len(value))
    return text, sorted(set(spans))


FIRST = declaration(
    day="18/04/2022", donor="KAP FARVEL", donor_flag="Norway", donor_ircs="LAYK",
    carrier="OSTROVNOY", carrier_flag="Russia", carrier_ircs="UBQZ2",
)  # fmt: skip
SECOND = declaration(
    day="02/11/2024", donor="HAI FENG", donor_flag="China", donor_ircs="BZW4",
    carrier="BALTIC PRIDE", carrier_flag="Liberia", carrier_ircs="D5AB7",
)  # fmt: skip


def test_layout_words_leave_out_the_values_and_numbers_and_keep_no_text():
    text, spans = FIRST
    words = layout_words(text, spans)
    assert layout_words("KAP FARVEL 2022") == layout_words("KAP FARVEL") == layout_words("kap farvel 1730")
    assert not layout_words("KAP FARVEL") & words and not layout_words("Norway Russia") & words
    assert layout_words("transhipment declaration") <= words
    assert not any(word in "".join(sorted(words)) for word in ("transhipment", "carrier", "vessel"))  # hashed


def test_a_page_of_a_corrected_kind_is_akin_to_it_whatever_its_values():
    learnt = fingerprints([FIRST])
    assert kinship(SECOND[0], learnt) >= KINSHIP_MIN
    assert kinship(SECOND[0], []) == 0.0


def test_the_validation_and_reference_pages_are_not_of_that_kind():
    learnt = fingerprints([FIRST, SECOND])
    pages = reference_pages(VALIDATION_DIR) + reference_pages(REFERENCE_DIR)
    assert len(pages) >= 40
    akin = {page.name: kinship(page.text, learnt) for page in pages}
    assert max(akin.values()) < KINSHIP_MIN - 0.1, akin


def test_a_page_with_too_few_layout_words_leaves_no_fingerprint():
    text = "Name: OCEAN STAR  Flag: Panama  IMO 9305427"
    assert fingerprint(text, [Span(6, 16, "VESSEL_NAME"), Span(24, 30, "FLAG")]) is None
    assert fingerprints([(text, [])]) == []


def test_fingerprints_are_distinct_and_survive_json():
    learnt = fingerprints([FIRST, FIRST, SECOND])
    assert len(learnt) == 1  # the two declarations share their whole layout
    assert from_json(to_json(learnt)) == learnt
