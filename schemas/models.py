"""The two tables every plan becomes: `documents` (one row per file) and `tasks` (one per task row).

The pydantic models are the single definition of each column: its name, type and meaning.
`schemas.arrow` derives the Parquet schemas from them, so the two cannot drift apart.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.levels import IssuerLevel

SourceFormat = Literal["docx", "pdf", "txt"]
SourcePart = Literal["appendix", "body"]


class PlanDocument(BaseModel):
    """One plan file (kế hoạch CCHC) and what its header block says about it."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(description="stable id: first 16 hex digits of the file's SHA-256")
    source_file: str = Field(description="path relative to the raw folder (data/raw)")
    source_format: SourceFormat
    sha256: str
    title: str | None = Field(None, description="the plan's title (KẾ HOẠCH … / PHỤ LỤC …)")
    issuer: str | None = Field(None, description="cơ quan ban hành, e.g. Sở Ngoại vụ, UBND tỉnh Hà Tĩnh")
    issuer_agency: str | None = Field(None, description="the issuer's canonical agency name (see view agencies)")
    issuer_level: IssuerLevel = "unknown"
    province: str | None = None
    plan_year: int | None = None
    plan_period: str | None = Field(None, description="'2026', '2025-H2', '2026-2030'")
    plan_number: str | None = Field(None, description="số ký hiệu, e.g. 3369/QĐ-UBND; '/KH-SNgV' when blank")
    issued_date: date | None = None
    framework_doc_id: str | None = Field(None, description="the framework plan this one is compared with")
    supersedes: str | None = Field(None, description="the earlier version this plan replaces, as its sidecar names it"
                                                      " (file name or plan number; see view stg_plan_versions)")
    task_count: int = 0
    warnings: list[str] = Field(default_factory=list)
    parser_version: str = ""
    ingested_at: datetime


class TaskRow(BaseModel):
    """One task row of a plan: a phụ lục table row, or a "- " bullet of the plan's body."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str
    row_no: int = Field(description="1..n in document order")
    source_part: SourcePart
    area_code: int | None = Field(None, description="lĩnh vực 1–7 (Nghị quyết 76/NQ-CP); null without areas")
    area_title: str | None = None
    subarea: str | None = Field(None, description="e.g. '7.1 Chính quyền số'")
    stt: str | None = Field(None, description="số thứ tự as printed")
    objective: str | None = Field(None, description="mục tiêu / chỉ tiêu")
    objective_code: str | None = Field(None, description="e.g. '1.12' in a framework")
    task: str | None = Field(None, description="nhiệm vụ")
    task_code: str | None = Field(None, description="first nhiệm vụ code, e.g. '2.17'")
    task_codes: list[str] = Field(default_factory=list, description="every nhiệm vụ code in the cell")
    activity: str | None = Field(None, description="hoạt động")
    activity_codes: list[str] = Field(default_factory=list)
    content: str = Field(description="the most specific action text: hoạt động, else nhiệm vụ, else nội dung")
    product: str | None = Field(None, description="sản phẩm / kết quả / tài liệu kiểm chứng")
    lead_raw: str | None = Field(None, description="chủ trì, as printed")
    leads: list[str] = Field(default_factory=list, description="chủ trì, canonical agency names")
    partners_raw: str | None = Field(None, description="phối hợp, as printed")
    partners: list[str] = Field(default_factory=list)
    lead_roles: dict[str, str] = Field(default_factory=dict,
                                       description="chủ trì name → the role printed beside it ('chủ trì, phối hợp kiểm tra')")
    partner_roles: dict[str, str] = Field(default_factory=dict, description="phối hợp name → the role printed beside it")
    assigned_by: str | None = Field(None, description="the document that says who does it, when the cell cites one"
                                                      " instead of an agency ('Theo phân công tại Quyết định …')")
    monitor_raw: str | None = Field(None, description="theo dõi, kiểm tra, đôn đốc, as printed")
    monitors: list[str] = Field(default_factory=list)
    timeline_raw: str | None = Field(None, description="thời gian thực hiện / hoàn thành, as printed")
    due_start: date | None = None
    due_end: date | None = None
    due_dates: list[date] = Field(default_factory=list, description="every deadline in the cell")
    recurrence: str | None = Field(None, description="once|continuous|weekly|monthly|quarterly|periodic|on_event"
                                                     "|per_roadmap")
    timeline_condition: str | None = Field(None, description="the event an event-bound deadline waits for")
    budget_raw: str | None = Field(None, description="kinh phí, as printed")
    budget_vnd: int | None = None
    budget_basis: str | None = Field(None, description="funding basis when no amount is given")
    note: str | None = Field(None, description="ghi chú")
    page: int | None = None
    table_index: int | None = None
    source_row: int | None = Field(None, description="line (text) or row index (table) in the source")
    extra: dict[str, str] = Field(default_factory=dict,
                                  description="header → text of the columns no field takes (named in documents.warnings)")
    warnings: list[str] = Field(default_factory=list)

    @field_validator("lead_roles", "partner_roles", "extra", mode="before")
    @classmethod
    def _pairs_to_map(cls, value):
        """A Parquet map reads back as (key, value) pairs: take them as the dict they were."""
        return dict(value) if isinstance(value, list) else value
