"""Sensors for outside systems only: uploads and Argilla."""
