"""The one shape every row step returns: a task row's cell texts by field, before typing."""
from __future__ import annotations

from dataclasses import dataclass, field

# The fields a task row can carry (the column roles of `parsers.headers`, STT aside).
TASK_FIELDS = ("objective", "task", "activity", "content", "product", "lead", "partners",
               "timeline", "budget", "note", "monitor")


@dataclass
class RawTask:
    """A task row with its cell texts by field, before typing (see `pipeline.fields.normalize`)."""

    source_part: str                   # appendix | body
    fields: dict[str, str]
    stt: str = ""
    area_code: int | None = None
    area_title: str | None = None
    subarea: str | None = None
    page: int | None = None
    source_row: int | None = None
    table_index: int | None = None
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)   # header → text of columns no field takes
