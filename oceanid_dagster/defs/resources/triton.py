"""Triton Inference Server over KServe V2 HTTP, behind Cloudflare Access.

Tensors travel with Triton's binary-data extension (encoded and decoded by ``tritonclient.http``);
``requests`` carries them, with connect/read timeouts and retries on connection errors and on the
gateway statuses Cloudflare returns while the origin is down. The Cloudflare Access service token
goes in ``CF-Access-Client-Id`` / ``CF-Access-Client-Secret`` and never into logs or errors.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import requests
from dagster import ConfigurableResource
from pydantic import Field, PrivateAttr
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from oceanid_dagster.serving.triton_config import NER_OUTPUT_NAME, TRITON_NER_MODEL_NAME

_RETRY_STATUSES = (429, 502, 503, 504, 520, 521, 522, 523, 524)  # 52x: Cloudflare cannot reach the origin
_BINARY_HEADER = "Inference-Header-Content-Length"
DOCLING_MODEL_NAME = "docling_granite_python"
DOCLING_OUTPUT_NAME = "response"
DOCLING_PROMPT = "Convert this page to text, keeping table columns."


class TritonError(RuntimeError):
    """Triton could not answer; the message names the server URL and the model, never credentials."""


class TritonUnavailableError(TritonError):
    pass


class TritonModelNotReadyError(TritonError):
    pass


class TritonAccessDeniedError(TritonError):
    pass


class TritonResource(ConfigurableResource):
    """Client for the NER model on Triton (KServe V2 HTTP)."""

    base_url: str | None = Field(
        default=None, description="TRITON_BASE_URL, e.g. https://triton.example.org; unset = no Triton."
    )
    model_name: str = Field(default=TRITON_NER_MODEL_NAME, description="Model name in the Triton repository.")
    model_version: str = Field(default="", description="Version to call; empty = the server's policy (newest).")
    cf_access_client_id: str | None = Field(
        default=None, description="Cloudflare Access service token id (EnvVar CF_ACCESS_CLIENT_ID)."
    )
    cf_access_client_secret: str | None = Field(
        default=None, description="Cloudflare Access service token secret (EnvVar CF_ACCESS_CLIENT_SECRET)."
    )
    connect_timeout_s: float = Field(default=5.0, description="TCP/TLS connect timeout per attempt.")
    read_timeout_s: float = Field(default=60.0, description="Time to wait for a response per attempt.")
    retries: int = Field(default=3, description="Retries after connection errors and 429/502/503/504/52x.")
    backoff_s: float = Field(default=0.5, description="Backoff factor between retries (doubles each time).")

    _session: requests.Session | None = PrivateAttr(default=None)
    _served: str | None = PrivateAttr(default=None)

    @property
    def served_version(self) -> str | None:
        """``<model>/<version>`` Triton said it ran for the last inference (None before any)."""
        return self._served

    # --- KServe V2 endpoints ---------------------------------------------------------------------

    def server_ready(self) -> bool:
        return self._request("GET", "/v2/health/ready").status_code == 200

    def model_ready(self, model_name: str | None = None) -> bool:
        path = self._model_path() if model_name is None else f"/v2/models/{model_name}"
        return self._request("GET", f"{path}/ready").status_code == 200

    def model_metadata(self) -> dict[str, Any]:
        response = self._request("GET", self._model_path())
        if response.status_code != 200:
            raise self._not_ready(response)
        return response.json()

    def infer_logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """``[batch, sequence]`` token ids and mask -> ``[batch, sequence, labels]`` float32 logits."""
        input_ids, attention_mask = _checked_inputs(input_ids, attention_mask)
        inputs = [
            _binary_tensor("input_ids", input_ids, "INT64"),
            _binary_tensor("attention_mask", attention_mask, "INT64"),
        ]
        response = self._post_tensors(f"{self._model_path()}/infer", inputs, NER_OUTPUT_NAME)
        if response.status_code != 200:
            if not self.model_ready():
                raise self._not_ready(response)
            raise TritonError(
                f"Triton at {self.base_url} refused inference on {self.model_name!r}: {_server_message(response)}"
            )
        result = _binary_result(response)
        logits = result.as_numpy(NER_OUTPUT_NAME)
        if logits is None:
            raise TritonError(f"Triton response has no {NER_OUTPUT_NAME!r} output")
        answer = result.get_response()
        self._served = f"{answer['model_name']}/{answer['model_version']}" if answer.get("model_version") else None
        return logits.astype(np.float32, copy=False)

    def docling_convert(self, pdf: bytes, prompt: str = DOCLING_PROMPT) -> dict[str, Any]:
        """One PDF through ``docling_granite_python`` (its config: BYTES tensors of dims ``[1]``,
        no batch dimension; raw PDF bytes, sent as binary tensor data) -> ``{"text", "tables", "metadata"}``."""
        inputs = [
            _binary_tensor(name, np.array([value], dtype=np.object_), "BYTES")
            for name, value in (("pdf_data", pdf), ("prompt", prompt.encode("utf-8")))
        ]
        response = self._post_tensors(f"/v2/models/{DOCLING_MODEL_NAME}/infer", inputs, DOCLING_OUTPUT_NAME)
        if response.status_code != 200:
            raise TritonError(f"Triton at {self.base_url} refused {DOCLING_MODEL_NAME!r}: {_server_message(response)}")
        answer = _binary_result(response).as_numpy(DOCLING_OUTPUT_NAME)
        if answer is None or not len(answer):
            raise TritonError(f"{DOCLING_MODEL_NAME} answered without a {DOCLING_OUTPUT_NAME!r} output")
        return json.loads(answer.reshape(-1)[0])

    # --- plumbing --------------------------------------------------------------------------------

    def _post_tensors(self, path: str, inputs: list, output_name: str) -> requests.Response:
        """An inference request with Triton's binary-data extension, asking for ``output_name`` in binary."""
        from tritonclient.http import InferenceServerClient, InferRequestedOutput

        body, json_size = InferenceServerClient.generate_request_body(
            inputs, outputs=[InferRequestedOutput(output_name, binary_data=True)]
        )
        headers = {"Content-Type": "application/octet-stream", _BINARY_HEADER: str(json_size)}
        return self._request("POST", path, data=body, headers=headers)

    def _model_path(self) -> str:
        version = f"/versions/{self.model_version}" if self.model_version else ""
        return f"/v2/models/{self.model_name}{version}"

    def _not_ready(self, response: requests.Response) -> TritonModelNotReadyError:
        return TritonModelNotReadyError(
            f"model {self.model_name!r}{' version ' + self.model_version if self.model_version else ''} is not ready "
            f"on Triton at {self.base_url} (HTTP {response.status_code}: {_server_message(response)}); "
            "is a release installed in the model repository (see oceanid-model-puller)?"
        )

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        if not self.base_url:
            raise TritonError("Triton is not configured: set TRITON_BASE_URL")
        url = self.base_url.rstrip("/") + path
        try:
            response = self._http().request(
                method, url, timeout=(self.connect_timeout_s, self.read_timeout_s), allow_redirects=False, **kwargs
            )
        except requests.RequestException as error:
            raise TritonUnavailableError(
                f"Triton at {self.base_url} unreachable after {self.retries + 1} attempts: {error}"
            ) from None  # the chained exception holds the request, credentials included
        if response.status_code in _RETRY_STATUSES:
            raise TritonUnavailableError(
                f"Triton at {self.base_url} answered HTTP {response.status_code} after {self.retries + 1} attempts"
            )
        if _is_access_denial(response):
            raise TritonAccessDeniedError(
                f"Cloudflare Access refused {self.base_url} (HTTP {response.status_code}): "
                "check CF_ACCESS_CLIENT_ID / CF_ACCESS_CLIENT_SECRET"
            )
        return response

    def _http(self) -> requests.Session:
        if self._session is None:
            retry = Retry(
                total=self.retries,
                connect=self.retries,
                read=self.retries,
                status=self.retries,
                backoff_factor=self.backoff_s,
                status_forcelist=_RETRY_STATUSES,
                allowed_methods=frozenset({"GET", "POST"}),  # inference has no side effects
                raise_on_status=False,
            )
            session = requests.Session()
            session.mount("http://", HTTPAdapter(max_retries=retry))
            session.mount("https://", HTTPAdapter(max_retries=retry))
            session.headers.update(self._access_headers())
            self._session = session
        return self._session

    def _access_headers(self) -> dict[str, str]:
        if bool(self.cf_access_client_id) != bool(self.cf_access_client_secret):
            raise TritonError("set both CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET, or neither")
        if not self.cf_access_client_id:
            return {}
        target = urlsplit(self.base_url or "")
        if target.scheme != "https" and not _is_loopback(target.hostname):
            raise TritonError(
                f"refusing to send Cloudflare Access credentials over {target.scheme or 'no'} scheme to "
                f"{target.hostname}: use an https:// TRITON_BASE_URL"
            )
        return {
            "CF-Access-Client-Id": self.cf_access_client_id,
            "CF-Access-Client-Secret": self.cf_access_client_secret,
        }


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _checked_inputs(input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    input_ids, attention_mask = np.asarray(input_ids), np.asarray(attention_mask)
    if input_ids.ndim != 2 or input_ids.shape != attention_mask.shape:
        raise ValueError(
            "input_ids and attention_mask must both be [batch, sequence]; "
            f"got {input_ids.shape} and {attention_mask.shape}"
        )
    return input_ids.astype(np.int64, copy=False), attention_mask.astype(np.int64, copy=False)


def _binary_tensor(name: str, array: np.ndarray, datatype: str):
    from tritonclient.http import InferInput

    tensor = InferInput(name, list(array.shape), datatype)
    tensor.set_data_from_numpy(array, binary_data=True)
    return tensor


def _binary_result(response: requests.Response):
    from tritonclient.http import InferenceServerClient

    header_length = response.headers.get(_BINARY_HEADER)
    return InferenceServerClient.parse_response_body(
        response.content,  # requests has already undone any Content-Encoding
        header_length=int(header_length) if header_length is not None else None,
    )


def _server_message(response: requests.Response) -> str:
    try:
        return str(response.json().get("error", response.text))[:300]
    except ValueError:
        return response.text[:300]


def _is_access_denial(response: requests.Response) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.is_redirect and "cloudflareaccess.com" in location
