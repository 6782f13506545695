"""What the resources on an S3-compatible bucket (Cloudflare R2, MinIO, AWS) share: where the
bucket is, its credentials (from ``EnvVar``, never logged) and one way to build the client."""

from __future__ import annotations

from dagster import ConfigurableResource
from pydantic import Field


class S3BucketResource(ConfigurableResource):
    s3_endpoint_url: str | None = Field(default=None, description="e.g. https://<account>.r2.cloudflarestorage.com")
    aws_access_key_id: str | None = Field(default=None, description="From EnvVar; never logged.")
    aws_secret_access_key: str | None = Field(default=None, description="From EnvVar; never logged.")
    region_name: str = "auto"

    def _s3_client(self):
        import boto3  # only S3 deployments pay for the import
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint_url,
            aws_access_key_id=self.aws_access_key_id,
            aws_secret_access_key=self.aws_secret_access_key,
            region_name=self.region_name,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=10, read_timeout=60),
        )


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` → (bucket, key), the key taken as it is: keys may hold ``?``, ``#``, ``%``."""
    if not uri.startswith("s3://"):
        raise ValueError(f"not an s3:// URI: {uri!r}")
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key
