"""Argilla: where people correct the extracted entities.

One dataset (``dataset_name`` in ``workspace``), one record per OCR page (id ``document_id:page``),
the extractor's spans as suggestions of the ``entities`` span question. Dataset settings come from
the label schema. Dataset creation goes through the ``argilla`` SDK; records and responses go through
the bulk and search endpoints directly (via the SDK's HTTP client) so each batch is one retryable
request and a re-push sends suggestions only, never responses.

Every call is retried with exponential backoff on connection errors, timeouts and 5xx/429 answers;
then an :class:`ArgillaUnavailableError` names the server URL (never the API key).
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from dagster import ConfigurableResource
from pydantic import Field

from oceanid_dagster.domain.annotation import (
    FINAL_RESPONSE_STATUSES,
    AnnotatedPage,
    AnnotationPage,
    parse_record_id,
)
from oceanid_dagster.domain.labels import ENTITY_LABELS, LABEL_NAMES
from oceanid_dagster.domain.spans import Span

if TYPE_CHECKING:
    import argilla as rg

TEXT_FIELD = "text"
ENTITIES_QUESTION = "entities"
SEARCH_PAGE_SIZE = 500
RETRYABLE_STATUS = {429, 500, 502, 503, 504}

T = TypeVar("T")


class ArgillaUnavailableError(RuntimeError):
    """Argilla did not answer usefully after every retry."""


_FINAL_RESPONSES_QUERY = {
    "filters": {
        "and": [
            {
                "type": "terms",
                "scope": {"entity": "response", "property": "status"},
                "values": list(FINAL_RESPONSE_STATUSES),
            }
        ]
    }
}


class ArgillaDatasetMismatchError(RuntimeError):
    """The dataset on the server does not match the label schema."""


@dataclass(frozen=True)
class DatasetActivity:
    """Cheap to fetch; what the sensor compares with its cursor."""

    dataset_id: str
    last_activity_at: datetime
    total_records: int
    completed_records: int
    final_responses: int = 0

    @property
    def key(self) -> str:
        """Changes whenever responses arrive, however they arrive: the SDK's bulk
        ``dataset.records.log(...)`` moves the counts but not ``last_activity_at``."""
        return f"{self.last_activity_at.isoformat()}|{self.completed_records}|{self.final_responses}"


def annotation_guidelines() -> str:
    rows = "\n".join(f"| `{label.name}` | {label.description} |" for label in ENTITY_LABELS)
    return (
        "# Vessel entities\n\n"
        "Each record is one page of an uploaded vessel document (registry extract, inspection report, "
        "authorisation list, notice). The highlighted spans are the model's suggestions.\n\n"
        "- Keep a suggestion that is right, fix its label or its extent when it is almost right, delete it "
        "when it is wrong, and mark every entity the model missed.\n"
        "- Mark the whole entity and nothing around it: `4,992 GT`, not `4,992 GT,`.\n"
        "- Two entities side by side are two spans.\n"
        "- **Discard** a page only when it cannot be annotated (unreadable OCR, not a vessel document).\n"
        "- Sort by the `model_uncertainty` metadata, highest first, to correct the pages the model is "
        "least sure about first.\n\n"
        "| label | covers |\n| --- | --- |\n" + rows + "\n"
    )


def _sdk():
    """The argilla SDK, imported on first use: it imports Hugging Face ``datasets``, which loading the
    code location (definitions, sensors) must not pay for."""
    import argilla

    return argilla


def dataset_settings() -> rg.Settings:
    rg = _sdk()
    return rg.Settings(
        guidelines=annotation_guidelines(),
        fields=[rg.TextField(name=TEXT_FIELD, title="Page text", use_markdown=False)],
        questions=[
            rg.SpanQuestion(
                name=ENTITIES_QUESTION,
                field=TEXT_FIELD,
                labels=list(LABEL_NAMES),
                allow_overlapping=False,
                title="Vessel entities",
                description="Keep, fix, delete or add entity spans.",
                required=True,
            )
        ],
        metadata=[
            rg.TermsMetadataProperty("document_id", title="Document id"),
            rg.IntegerMetadataProperty("page_number", title="Page"),
            rg.TermsMetadataProperty("filename", title="File name"),
            rg.TermsMetadataProperty("extractor_version", title="Extractor version"),
            rg.FloatMetadataProperty("model_uncertainty", title="Model uncertainty"),
        ],
        allow_extra_metadata=False,
    )


@functools.lru_cache(maxsize=8)
def _argilla_client(api_url: str, api_key: str, timeout_s: float) -> rg.Argilla:
    """One SDK client (and connection pool) per server and key in this process.

    The SDK's transport retries a refused connection once; slow answers and 5xx are retried by
    :meth:`ArgillaResource._retrying`.
    """
    return _sdk().Argilla(api_url=api_url, api_key=api_key, timeout=timeout_s, retries=1)


def _is_retryable(error: Exception) -> bool:
    if isinstance(error, httpx.TransportError):
        return True
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in RETRYABLE_STATUS
    from argilla._exceptions import ArgillaAPIError

    if isinstance(error, ArgillaAPIError):
        return error.status_code in RETRYABLE_STATUS
    return False


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _record_payload(page: AnnotationPage, question_id: str) -> dict[str, Any]:
    spans = sorted(page.spans)
    return {
        "external_id": page.record_id,
        "fields": {TEXT_FIELD: page.text},
        "metadata": {
            "document_id": page.document_id,
            "page_number": page.page_number,
            "filename": page.filename,
            "extractor_version": page.extractor_version,
            "model_uncertainty": page.model_uncertainty,
        },
        # Always sent, empty when the extractor found nothing: it replaces an older suggestion.
        "suggestions": [
            {
                "question_id": question_id,
                "type": "model",
                "agent": page.extractor_version,
                "value": [{"start": s.start, "end": s.end, "label": s.label} for s in spans],
                "score": [s.score for s in spans] or None,  # Argilla refuses an empty score list
            }
        ],
    }


def _suggested_spans(record: dict[str, Any], question_id: str) -> tuple[Span, ...]:
    for suggestion in record.get("suggestions") or []:
        if suggestion["question_id"] == question_id:
            scores = suggestion.get("score") or [1.0] * len(suggestion["value"] or [])
            return tuple(
                Span(item["start"], item["end"], item["label"], score)
                for item, score in zip(suggestion["value"] or [], scores)
            )
    return ()


def _response_spans(response: dict[str, Any]) -> tuple[Any, ...]:
    value = ((response.get("values") or {}).get(ENTITIES_QUESTION) or {}).get("value")
    return tuple(value or ())


class ArgillaResource(ConfigurableResource):
    """The annotation dataset on one Argilla server."""

    api_url: str = Field(description="Base URL of the Argilla server, e.g. http://127.0.0.1:6900.")
    api_key: str = Field(description="API key of an owner/admin user (from EnvVar ARGILLA_API_KEY).")
    workspace: str = "oceanid"
    dataset_name: str = "vessel-entities"
    timeout_s: float = Field(default=30.0, description="Per request.")
    max_attempts: int = Field(default=4, description="Tries per call before giving up.")
    backoff_s: float = Field(default=1.0, description="First wait between tries; doubles each time.")
    batch_size: int = Field(default=200, description="Records per bulk upsert request.")

    # --- plumbing -------------------------------------------------------------------------------

    def with_patience(self, max_attempts: int, timeout_s: float) -> ArgillaResource:
        """The same dataset with fewer or shorter tries, e.g. for a sensor tick that must answer quickly."""
        return self.model_copy(
            update={"max_attempts": min(max_attempts, self.max_attempts), "timeout_s": min(timeout_s, self.timeout_s)}
        )

    def dataset_url(self, dataset_id: str) -> str:
        """Where annotators open the dataset in the Argilla UI."""
        return f"{self.api_url.rstrip('/')}/dataset/{dataset_id}/annotation-mode"

    def _client(self) -> rg.Argilla:
        return _argilla_client(self.api_url, self.api_key, self.timeout_s)

    def _retrying(self, what: str, call: Callable[[], T]) -> T:
        for attempt in range(1, self.max_attempts + 1):
            try:
                return call()
            except Exception as error:
                if not _is_retryable(error):
                    raise
                if attempt == self.max_attempts:
                    raise ArgillaUnavailableError(
                        f"Argilla at {self.api_url} did not {what} after {attempt} attempts: "
                        f"{type(error).__name__}: {error}"
                    ) from None
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def _request(self, what: str, method: str, path: str, **kwargs: Any) -> Any:
        def call() -> Any:
            response = self._client().api.http_client.request(method, path, **kwargs)
            response.raise_for_status()
            return response.json() if response.content else None

        try:
            return self._retrying(what, call)
        except httpx.HTTPStatusError as error:
            raise ArgillaUnavailableError(
                f"Argilla at {self.api_url} refused to {what}: HTTP {error.response.status_code} "
                f"{error.response.text[:500]}"
            ) from None

    # --- dataset --------------------------------------------------------------------------------

    def _find_dataset(self, client: rg.Argilla) -> rg.Dataset | None:
        workspace = client.workspaces(self.workspace)
        if workspace is None:
            raise ArgillaDatasetMismatchError(f"Argilla at {self.api_url} has no workspace {self.workspace!r}")
        if not any(d.name == self.dataset_name for d in workspace.datasets):
            return None
        return client.datasets(self.dataset_name, workspace=self.workspace)  # with its settings loaded

    def _ensure_dataset(self) -> rg.Dataset:
        client = self._client()
        dataset = self._find_dataset(client)
        if dataset is not None and dataset._model.status == "draft":
            # A creation cut short (settings are added one request at a time) leaves an unpublished
            # draft, which holds no records yet: start it over.
            dataset.delete()
            dataset = None
        if dataset is None:
            dataset = (
                _sdk()
                .Dataset(name=self.dataset_name, workspace=self.workspace, settings=dataset_settings(), client=client)
                .create()
            )
        self._check_labels(dataset)
        return dataset

    def _check_labels(self, dataset: rg.Dataset) -> None:
        question = dataset.settings.questions[ENTITIES_QUESTION]
        labels = set(question.labels) if question is not None else set()
        if labels != set(LABEL_NAMES):
            raise ArgillaDatasetMismatchError(
                f"Argilla dataset {self.workspace}/{self.dataset_name} at {self.api_url}: the "
                f"{ENTITIES_QUESTION!r} question's labels differ from the label schema "
                f"(missing {sorted(set(LABEL_NAMES) - labels)}, unknown {sorted(labels - set(LABEL_NAMES))})"
            )

    def health(self) -> str:
        """Log in and look for the dataset, changing nothing: a one-line summary, or an
        :class:`ArgillaUnavailableError` / :class:`ArgillaDatasetMismatchError` saying what failed."""
        me = self._request("log in", "GET", "/api/v1/me")
        dataset = self._retrying("read the dataset", lambda: self._find_dataset(self._client()))
        if dataset is None:
            return f"logged in as {me['username']}; dataset {self.workspace}/{self.dataset_name} not created yet"
        self._check_labels(dataset)
        return f"logged in as {me['username']}; dataset {self.workspace}/{self.dataset_name} matches the label schema"

    def ensure_dataset(self) -> str:
        """Create the dataset if missing (settings from the label schema); return its id."""
        return str(self._retrying("create or read the dataset", self._ensure_dataset).id)

    def _question_id(self, dataset_id: str) -> str:
        questions = self._request("list questions", "GET", f"/api/v1/datasets/{dataset_id}/questions")["items"]
        return next(q["id"] for q in questions if q["name"] == ENTITIES_QUESTION)

    # --- pipeline -> Argilla --------------------------------------------------------------------

    def upsert_pages(self, pages: Sequence[AnnotationPage]) -> int:
        """Create or update one record per page; suggestions are replaced, human responses never sent.

        Returns the number of records written.
        """
        if not pages:
            return 0
        dataset_id = self.ensure_dataset()
        question_id = self._question_id(dataset_id)
        for start in range(0, len(pages), self.batch_size):
            batch = pages[start : start + self.batch_size]
            self._request(
                f"upsert records {batch[0].record_id}..{batch[-1].record_id}",
                "PUT",
                f"/api/v1/datasets/{dataset_id}/records/bulk",
                json={"items": [_record_payload(page, question_id) for page in batch]},
            )
        return len(pages)

    # --- Argilla -> pipeline --------------------------------------------------------------------

    def activity(self) -> DatasetActivity:
        """When people last annotated, how many records are done and how many carry a submitted or
        discarded response (three small requests)."""
        dataset_id = self.ensure_dataset()
        dataset = self._request("read the dataset", "GET", f"/api/v1/datasets/{dataset_id}")
        progress = self._request("read progress", "GET", f"/api/v1/datasets/{dataset_id}/progress")
        final = self._request(
            "count final responses",
            "POST",
            f"/api/v1/datasets/{dataset_id}/records/search",
            params={"offset": 0, "limit": 1},
            json=_FINAL_RESPONSES_QUERY,
        )
        return DatasetActivity(
            dataset_id=dataset_id,
            last_activity_at=_parse_time(dataset["last_activity_at"]),
            total_records=progress.get("total", 0),
            completed_records=progress.get("completed", 0),
            final_responses=final.get("total", 0),
        )

    def _search(self, dataset_id: str, body: dict[str, Any], include: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
        """Every record matching a search body, page by page."""
        offset = 0
        while True:
            page = self._request(
                "search records",
                "POST",
                f"/api/v1/datasets/{dataset_id}/records/search",
                params={"include": list(include), "offset": offset, "limit": SEARCH_PAGE_SIZE},
                json=body,
            )
            yield from (item["record"] for item in page["items"])
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                return

    def _records_with_final_responses(self, dataset_id: str) -> Iterator[dict[str, Any]]:
        body = {
            **_FINAL_RESPONSES_QUERY,
            "sort": [{"scope": {"entity": "record", "property": "inserted_at"}, "order": "asc"}],
        }
        return self._search(dataset_id, body, include=["responses", "suggestions"])

    def record_ids(self) -> set[str]:
        """The id (``document_id:page``) of every record in the dataset."""
        dataset_id = self.ensure_dataset()
        return {record["external_id"] for record in self._search(dataset_id, {})}

    def _usernames(self) -> dict[str, str]:
        users = self._request("list users", "GET", "/api/v1/users")["items"]
        return {user["id"]: user["username"] for user in users}

    def fetch_annotated_pages(self, since: datetime | None = None) -> list[AnnotatedPage]:
        """Every submitted or discarded response updated after ``since`` (all when None), oldest first.

        Records whose id is not ``document_id:page`` (added by hand in the UI) are skipped.
        """
        dataset_id = self.ensure_dataset()
        question_id = self._question_id(dataset_id)
        usernames = self._usernames()
        pages = [
            page
            for record in self._records_with_final_responses(dataset_id)
            for page in self._annotated_pages(record, question_id, usernames)
            if since is None or page.submitted_at > since
        ]
        return sorted(pages, key=lambda page: (page.submitted_at, page.record_id, page.annotator))

    @staticmethod
    def _annotated_pages(
        record: dict[str, Any], question_id: str, usernames: dict[str, str]
    ) -> Iterable[AnnotatedPage]:
        try:
            parse_record_id(record.get("external_id") or "")
        except ValueError:
            return []
        return [
            AnnotatedPage(
                record_id=record["external_id"],
                text=record["fields"].get(TEXT_FIELD) or "",
                suggested=_suggested_spans(record, question_id),
                response_spans=_response_spans(response),
                status=response["status"],
                annotator=usernames.get(response["user_id"], response["user_id"]),
                submitted_at=_parse_time(response["updated_at"]),
                metadata=record.get("metadata") or {},
            )
            for response in record.get("responses") or []
            if response["status"] in FINAL_RESPONSE_STATUSES
        ]


def argilla_configured() -> bool:
    """An Argilla server is configured for this deployment (``make dev`` sets ``ARGILLA_API_URL``):
    ingestion runs push pages to it, and new extractions are re-suggested."""
    return bool(os.environ.get("ARGILLA_API_URL"))
