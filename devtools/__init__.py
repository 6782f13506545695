"""Development tooling (local services in their own process groups); not part of the package."""
