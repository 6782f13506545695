"""A search engine for ``argilla-server`` that answers from the server's own database.

Argilla keeps every record, response and suggestion in its SQL database and mirrors them into
Elasticsearch/OpenSearch only to search them. Neither can run here, so this engine skips the
mirror (the write hooks are no-ops) and evaluates the same filters, sorts, text queries, progress
counts and metadata metrics in Python over the rows it reads back. That is fine for the local
scale this serves (thousands of pages); production uses a real Argilla with Elasticsearch.

Loaded by ``launcher.py`` inside the server's own virtual environment, never by the project.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime
from typing import Any, Callable, Iterable, List, Optional, Union
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from argilla_server.database import AsyncSessionLocal
from argilla_server.enums import MetadataPropertyType, ResponseStatusFilter, SimilarityOrder, SortOrder
from argilla_server.models import (
    Dataset,
    MetadataProperty,
    Record,
    Response,
    Suggestion,
    User,
    VectorSettings,
)
from argilla_server.search_engine.base import (
    AndFilter,
    Filter,
    FilterScope,
    FloatMetadataMetrics,
    IntegerMetadataMetrics,
    MetadataFilterScope,
    MetadataMetrics,
    Order,
    RangeFilter,
    RecordFilterScope,
    ResponseFilterScope,
    SearchEngine,
    SearchResponseItem,
    SearchResponses,
    SuggestionFilterScope,
    TermsFilter,
    TermsMetrics,
    TextQuery,
)

ENGINE_NAME = "oceanid-database"
MATCH_SCORE = 1.0


# --- reading values out of a record -------------------------------------------------------------


def _comparable(value: Any) -> Any:
    """Dates compare as epoch milliseconds, as Elasticsearch range filters on dates do."""
    if isinstance(value, datetime):
        return value.timestamp() * 1000
    return value


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _terms_of(value: Any) -> set[str]:
    """A stored value as the keyword terms Elasticsearch would index: lists match on any element,
    span values match on their labels."""
    terms = set()
    for element in _as_list(value):
        if isinstance(element, dict):
            if "label" in element:
                terms.add(str(element["label"]))
            elif "value" in element:
                terms.add(str(element["value"]))
        else:
            terms.add(str(element))
    return terms


def _numbers_of(value: Any) -> list[float]:
    return [_comparable(v) for v in _as_list(value) if isinstance(_comparable(v), (int, float))]


def _suggestion_property(record: Record, question: str, prop: str) -> Any:
    for suggestion in record.suggestions:
        if suggestion.question.name == question:
            return getattr(suggestion, prop)
    return None


def _responses_of(record: Record, user: Optional[User]) -> list[Response]:
    if user is None:
        return list(record.responses)
    return [response for response in record.responses if response.user_id == user.id]


def _response_question_value(response: Response, question: str) -> Any:
    return (response.values or {}).get(question, {}).get("value")


def _scope_values(record: Record, scope: FilterScope) -> list:
    """Every value a record holds for a filter/sort scope (a record may hold several, e.g. one per response)."""
    if isinstance(scope, RecordFilterScope):
        return _as_list(getattr(record, scope.property))
    if isinstance(scope, MetadataFilterScope):
        return _as_list((record.metadata_ or {}).get(scope.metadata_property))
    if isinstance(scope, SuggestionFilterScope):
        return _as_list(_suggestion_property(record, scope.question, scope.property))
    if isinstance(scope, ResponseFilterScope):
        responses = _responses_of(record, scope.user)
        if scope.question:
            return [_response_question_value(response, scope.question) for response in responses]
        return [getattr(response, scope.property) for response in responses]
    raise ValueError(f"cannot filter on scope {scope!r}")


# --- filters ------------------------------------------------------------------------------------


def _matches_response_status(record: Record, filter: TermsFilter) -> bool:
    """``pending`` means: no response yet (from this user, when the filter is the user's own)."""
    responses = _responses_of(record, filter.scope.user)
    wanted = {str(v) for v in filter.values}
    if ResponseStatusFilter.pending.value in wanted and not responses:
        return True
    return any(str(response.status) in wanted for response in responses)


def _matches_terms(record: Record, filter: TermsFilter) -> bool:
    if isinstance(filter.scope, ResponseFilterScope) and not filter.scope.question:
        return _matches_response_status(record, filter)
    wanted = {str(v) for v in filter.values}
    return any(_terms_of(value) & wanted for value in _scope_values(record, filter.scope))


def _in_range(number: float, filter: RangeFilter) -> bool:
    return (filter.ge is None or number >= filter.ge) and (filter.le is None or number <= filter.le)


def _matches_range(record: Record, filter: RangeFilter) -> bool:
    numbers = [n for value in _scope_values(record, filter.scope) for n in _numbers_of(value)]
    return any(_in_range(number, filter) for number in numbers)


def matches_filter(record: Record, filter: Optional[Filter]) -> bool:
    if filter is None:
        return True
    if isinstance(filter, AndFilter):
        return all(matches_filter(record, f) for f in filter.filters)
    if isinstance(filter, TermsFilter):
        return _matches_terms(record, filter)
    if isinstance(filter, RangeFilter):
        return _matches_range(record, filter)
    raise ValueError(f"cannot evaluate filter {filter!r}")


# --- text queries (a useful subset of Elasticsearch's simple_query_string, AND between terms) -----

_QUERY_PART = re.compile(r'(-?)"([^"]+)"|(-?)(\S+)')
_WORD = re.compile(r"\w+")


def _field_text(value: Any) -> str:
    if isinstance(value, list):  # chat fields: [{"role", "content"}, ...]
        return " ".join(_field_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_field_text(item) for item in value.values())
    return "" if value is None else str(value)


def _text_of(record: Record, dataset: Dataset, field: Optional[str]) -> str:
    names = [field] if field else [f.name for f in dataset.fields if not f.is_image]
    return " ".join(_field_text(record.fields.get(name)) for name in names).lower()


def _term_matches(term: str, words: set[str], text_: str) -> bool:
    if term.endswith("*"):
        return any(word.startswith(term[:-1]) for word in words)
    term_words = _WORD.findall(term)
    if len(term_words) > 1:  # "M/V" or "4,992" are one query term but several indexed words
        return term in text_
    return bool(term_words) and term_words[0] in words


def matches_text(record: Record, dataset: Dataset, query: Optional[Union[TextQuery, str]]) -> bool:
    if query is None:
        return True
    if isinstance(query, str):
        query = TextQuery(q=query)
    text_ = _text_of(record, dataset, query.field)
    words = set(_WORD.findall(text_))
    for negate_phrase, phrase, negate_term, term in _QUERY_PART.findall(query.q.lower()):
        found = phrase in text_ if phrase else _term_matches(term, words, text_)
        if found == bool(negate_phrase or negate_term):
            return False
    return True


# --- sorting ------------------------------------------------------------------------------------


def _sort_key(record: Record, scope: FilterScope) -> Any:
    values = [_comparable(v) for v in _scope_values(record, scope) if v is not None]
    if not values:
        return None
    numbers = [v for v in values if isinstance(v, (int, float))]
    if numbers and len(numbers) == len(values):
        return sum(numbers) / len(numbers)
    return str(values[0])


def _stable_sort(records: list[Record], key: Callable[[Record], Any], descending: bool) -> list[Record]:
    """Missing values go last whatever the direction, as in Elasticsearch."""
    present = [r for r in records if key(r) is not None]
    missing = [r for r in records if key(r) is None]
    return sorted(present, key=key, reverse=descending) + missing


def sort_records(records: list[Record], sort: Optional[List[Order]]) -> list[Record]:
    ordered = sorted(records, key=lambda r: (r.inserted_at, str(r.id)))
    for order in reversed(sort or []):
        ordered = _stable_sort(
            ordered, lambda r, scope=order.scope: _sort_key(r, scope), order.order == SortOrder.desc
        )
    return ordered


# --- vectors ------------------------------------------------------------------------------------


def _cosine(a: List[float], b: List[float]) -> float:
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b)) / norm if norm else 0.0


class DatabaseSearchEngine(SearchEngine):
    """Registered as ``oceanid-database`` (set ``ARGILLA_SEARCH_ENGINE`` to that name)."""

    @classmethod
    async def new_instance(cls) -> "DatabaseSearchEngine":
        return cls()

    async def close(self):
        pass

    async def ping(self) -> bool:
        async with AsyncSessionLocal() as db:
            return (await db.execute(text("SELECT 1"))).scalar() == 1

    async def info(self) -> dict:
        return {"engine": ENGINE_NAME, "backend": "argilla database"}

    # The database is the index: nothing to mirror.
    async def create_index(self, dataset: Dataset):
        pass

    async def delete_index(self, dataset: Dataset):
        pass

    async def configure_metadata_property(self, dataset: Dataset, metadata_property: MetadataProperty):
        pass

    async def configure_index_vectors(self, vector_settings: VectorSettings):
        pass

    async def index_records(self, dataset: Dataset, records: Iterable[Record]):
        pass

    async def partial_record_update(self, record: Record, **update):
        pass

    async def delete_records(self, dataset: Dataset, records: Iterable[Record]):
        pass

    async def update_record_response(self, response: Response):
        pass

    async def delete_record_response(self, response: Response):
        pass

    async def update_record_suggestion(self, suggestion: Suggestion):
        pass

    async def delete_record_suggestion(self, suggestion: Suggestion):
        pass

    async def _records(self, dataset_id: UUID, with_vectors: bool = False) -> list[Record]:
        options = [
            selectinload(Record.responses),
            selectinload(Record.suggestions).selectinload(Suggestion.question),
        ]
        if with_vectors:
            options.append(selectinload(Record.vectors))
        async with AsyncSessionLocal() as db:
            result = await db.execute(select(Record).where(Record.dataset_id == dataset_id).options(*options))
            return list(result.scalars().all())

    async def _dataset_with_fields(self, dataset: Dataset) -> Dataset:
        async with AsyncSessionLocal() as db:
            result = await db.execute(
                select(Dataset).where(Dataset.id == dataset.id).options(selectinload(Dataset.fields))
            )
            return result.scalar_one()

    async def _matching(
        self, dataset: Dataset, query: Optional[Union[TextQuery, str]], filter: Optional[Filter], **load
    ) -> list[Record]:
        records = await self._records(dataset.id, **load)
        if query is not None:
            dataset = await self._dataset_with_fields(dataset)
        return [r for r in records if matches_text(r, dataset, query) and matches_filter(r, filter)]

    async def search(
        self,
        dataset: Dataset,
        query: Optional[Union[TextQuery, str]] = None,
        filter: Optional[Filter] = None,
        sort: Optional[List[Order]] = None,
        offset: int = 0,
        limit: int = 100,
        user_id: Optional[str] = None,
    ) -> SearchResponses:
        matching = sort_records(await self._matching(dataset, query, filter), sort)
        page = matching[offset : offset + limit]
        return SearchResponses(
            items=[SearchResponseItem(record_id=r.id, score=MATCH_SCORE) for r in page], total=len(matching)
        )

    async def similarity_search(
        self,
        dataset: Dataset,
        vector_settings: VectorSettings,
        value: Optional[List[float]] = None,
        record: Optional[Record] = None,
        query: Optional[Union[TextQuery, str]] = None,
        filter: Optional[Filter] = None,
        max_results: int = 100,
        order: SimilarityOrder = SimilarityOrder.most_similar,
        threshold: Optional[float] = None,
    ) -> SearchResponses:
        if bool(value) == bool(record):
            raise ValueError("Must provide either vector value or record to compute the similarity search")
        target = value or record.vector_value_by_vector_settings(vector_settings)
        if not target:
            raise ValueError("Cannot find a vector value to apply with provided info")
        scored = []
        for candidate in await self._matching(dataset, query, filter, with_vectors=True):
            vector = next((v.value for v in candidate.vectors if v.vector_settings_id == vector_settings.id), None)
            if vector is None or (record is not None and candidate.id == record.id):
                continue
            scored.append((_cosine(target, vector), candidate.id))
        scored.sort(reverse=order == SimilarityOrder.most_similar)
        items = [
            SearchResponseItem(record_id=record_id, score=score)
            for score, record_id in scored[:max_results]
            if threshold is None or score >= threshold
        ]
        return SearchResponses(items=items, total=len(items))

    async def get_dataset_progress(self, dataset: Dataset) -> dict:
        if dataset.is_draft:
            return {}
        async with AsyncSessionLocal() as db:
            statuses = (await db.execute(select(Record.status).where(Record.dataset_id == dataset.id))).scalars()
            counts = Counter(str(status) for status in statuses)
        return {"total": sum(counts.values()), **counts}

    async def get_dataset_user_progress(self, dataset: Dataset, user: User) -> dict:
        if dataset.is_draft:
            return {}
        async with AsyncSessionLocal() as db:
            statuses = (
                await db.execute(
                    select(Response.status)
                    .join(Record, Response.record_id == Record.id)
                    .where(Record.dataset_id == dataset.id, Response.user_id == user.id)
                )
            ).scalars()
            counts = Counter(str(status) for status in statuses)
        return {"total": sum(counts.values()), **counts}

    async def compute_metrics_for(self, metadata_property: MetadataProperty) -> MetadataMetrics:
        async with AsyncSessionLocal() as db:
            metadata = (
                await db.execute(select(Record.metadata_).where(Record.dataset_id == metadata_property.dataset_id))
            ).scalars()
            values = [v for m in metadata for v in _as_list((m or {}).get(metadata_property.name))]
        if metadata_property.type == MetadataPropertyType.terms:
            counts = Counter(str(v) for v in values)
            return TermsMetrics(
                total=sum(counts.values()),
                values=[TermsMetrics.TermCount(term=t, count=c) for t, c in counts.most_common()],
            )
        metrics_class = (
            IntegerMetadataMetrics if metadata_property.type == MetadataPropertyType.integer else FloatMetadataMetrics
        )
        numbers = [v for v in values if isinstance(v, (int, float))]
        return metrics_class(min=min(numbers, default=None), max=max(numbers, default=None))


def register() -> None:
    SearchEngine.register(engine_name=ENGINE_NAME)(DatabaseSearchEngine)
