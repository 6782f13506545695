"""Small builders of UI metadata shared by the assets: markdown previews and lists."""

from __future__ import annotations

from collections.abc import Sequence


def markdown_table(rows: Sequence[dict], columns: Sequence[str], limit: int = 20) -> str:
    """A small markdown preview for the UI (cells shortened, pipes escaped)."""
    header = "| " + " | ".join(columns) + " |\n| " + " | ".join("---" for _ in columns) + " |\n"
    body = "".join("| " + " | ".join(_cell(row.get(column)) for column in columns) + " |\n" for row in rows[:limit])
    more = f"\n… and {len(rows) - limit} more rows" if len(rows) > limit else ""
    return header + body + more


def markdown_list(lines: Sequence[str]) -> str:
    return "\n".join(f"- {line.replace('|', '/')}" for line in lines)


def _cell(value: object, width: int = 60) -> str:
    text = "" if value is None else str(value).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"
