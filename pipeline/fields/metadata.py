"""Document metadata from a plan's header block and its phụ lục title.

Reads the "Số: …" line, the "<place>, ngày … tháng … năm …" line, the KẾ HOẠCH title and
the "(Kèm theo Kế hoạch/Quyết định số … của …)" line: issuer, level, province, plan year
and period, plan number, issue date, title. Only the header lines are read, so a plan
number cited in the body ("Thực hiện Kế hoạch số 520/KH-UBND …") is never taken as its own.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources

import regex as re

from parsers.grid import ParsedFile
from parsers.textutil.clean import fold, one_line
from pipeline.fields.letterhead import Letterhead, display_name, read_letterhead

_NUMBER = re.compile(r"\bsố\s*+:?\s*+(\d*+\s*+/\s*+[\p{Lu}Đ][\p{L}\d&]*(?:-[\p{L}\d&]+)*)", re.I)
_ATTACHED = re.compile(r"k[eè]m theo\s+(kế hoạch|quyết định|văn bản)", re.I)
_DATE_WORDS = re.compile(r"ngày\s*+(\d{0,2})\s*+tháng\s*+(\d{0,2})\s*+năm\s*+(\d{4})", re.I)
_DATE_SLASH = re.compile(r"ngày\s*+(\d{1,2})?\s*+/\s*+(\d{1,2})\s*+/\s*+(\d{4})", re.I)
_OF_ISSUER = re.compile(r"\bcủa\s+(.+?)\)?\s*$", re.I)
_YEAR = re.compile(r"năm\s+(20\d\d)\b", re.I)
_RANGE = re.compile(r"giai đoạn\s+(20\d\d)\s*[-–]\s*(20\d\d)", re.I)
_HALF = re.compile(r"(06|6)\s*tháng\s*(đầu|cuối)\s*năm\s*(20\d\d)", re.I)
_HEAD_LINES = 60


@dataclass
class Metadata:
    """What the header block says about a plan; None where it is silent."""

    title: str | None = None
    issuer: str | None = None
    issuer_level: str = "unknown"
    province: str | None = None
    plan_year: int | None = None
    plan_period: str | None = None
    plan_number: str | None = None
    issued_date: date | None = None
    warnings: list[str] = field(default_factory=list)


@cache
def provinces() -> list[str]:
    """Return the province names (34 after the 2025 merger, plus the former ones), longest first."""
    with (resources.files("schemas") / "provinces.csv").open(encoding="utf-8") as fh:
        return sorted((row["province"] for row in csv.DictReader(fh)), key=len, reverse=True)


def read_metadata(parsed: ParsedFile) -> Metadata:
    """Given a parsed file, return its metadata from the header lines and the phụ lục title."""
    head = [b.text for b in parsed.body[:_HEAD_LINES]]
    attached = next((ln for ln in parsed.appendix_head + head if _ATTACHED.search(ln)), None)
    meta = Metadata()
    meta.title = _title(head, parsed.appendix_head)
    meta.plan_number = _plan_number(head, attached)
    meta.issued_date = _issued_date(head, attached)
    letterhead = read_letterhead(head)
    meta.issuer = _issuer(head, attached, meta.title, letterhead)
    meta.issuer_level = issuer_level(meta.issuer)
    everything = [*head, *parsed.appendix_head, *(b.text for b in parsed.body[_HEAD_LINES:])]
    meta.province = _province(list(letterhead.units) + everything, meta.issuer)
    if meta.province and fold(meta.issuer or "") in ("ubnd tinh", "uy ban nhan dan tinh"):
        meta.issuer = f"UBND tỉnh {meta.province}"
    meta.plan_year, meta.plan_period = _period(meta.title or "", meta.issued_date)
    if meta.plan_year is None:
        meta.plan_year = _dated_year(head)          # a notice or directive: the year it is dated
    meta.warnings += issuer_warnings(meta.issuer, meta.issuer_level)
    return meta


ISSUER_WARNINGS = ("issuer unknown:", "issuer '")


def issuer_warnings(issuer: str | None, level: str) -> list[str]:
    """Given the issuer found (or None) and its level, return the warning an analyst needs, if any."""
    if issuer is None:
        return ["issuer unknown: no letterhead, 'của …' line or sidecar names it"]
    if level == "unknown":
        return [f"issuer '{issuer}' not recognised: its level (province, department, commune) is unknown"]
    return []


def _dated_year(head: list[str]) -> int | None:
    """Given the header lines, return the year of the place-date line ("Lào Cai, ngày … tháng 4 năm 2026")."""
    for line in head:
        m = _DATE_WORDS.search(line) or _DATE_SLASH.search(line)
        if m and re.search(r",\s*ngày", line):
            return int(m[3])
    return None


def _title(head: list[str], appendix_head: list[str]) -> str | None:
    found = _typed_title(head, {"ke hoach": "Kế hoạch"}, 160)
    if found:
        return found
    for line in head[:8]:
        if fold(line).startswith(("quyet dinh", "ke hoach")) and len(line) > 20:
            return one_line(line)
    titled = [ln for ln in appendix_head if not ln.startswith("(") and fold(ln) not in ("", "khung")]
    return one_line(" ".join(titled)) if titled else _typed_title(head[:20], OTHER_TYPES, 300)


# Documents that assign tasks without being a kế hoạch: their type line starts the title.
OTHER_TYPES = {"thong bao": "Thông báo", "chi thi": "Chỉ thị", "quyet dinh": "Quyết định",
               "cong van": "Công văn", "to trinh": "Tờ trình", "bao cao": "Báo cáo"}


def _typed_title(head: list[str], types: dict[str, str], longest: int) -> str | None:
    """Given header lines, return "<Type> <the lines after the type line>" for the first type line, else None."""
    for i, line in enumerate(head):
        kind = types.get(fold(line).strip())
        if kind and i + 1 < len(head):
            rest = []
            for k, nxt in enumerate(head[i + 1 : i + 4]):
                # "Thực hiện Đề án số 08 …" right under the type is the title; later, it starts the preamble
                stops = ("(", "Căn cứ", "I.") if k == 0 else ("(", "Căn cứ", "Thực hiện", "I.")
                if nxt.startswith(stops) or len(nxt) > longest:
                    break
                rest.append(nxt)
            return one_line(" ".join([kind] + rest))
    return None


def _plan_number(head: list[str], attached: str | None) -> str | None:
    for line in ([attached] if attached else []) + [ln for ln in head if fold(ln).startswith("so")]:
        m = _NUMBER.search(line)
        if m:
            return re.sub(r"\s+", "", m[1])
    return None


def _issued_date(head: list[str], attached: str | None) -> date | None:
    place_date = [ln for ln in head if re.search(r",\s*ngày", ln)][:1]
    for line in place_date + ([attached] if attached else []):
        for pattern in (_DATE_WORDS, _DATE_SLASH):
            m = pattern.search(line)
            if m:
                try:
                    return date(int(m[3]), int(m[2]), int(m[1])) if m[1] and m[2] else None
                except ValueError:
                    return None
    return None


def _issuer(head: list[str], attached: str | None, title: str | None, letterhead: Letterhead) -> str | None:
    """The issuer: the "(Kèm theo … của X)" line, else the letterhead, else the title's "của X"."""
    found = _of_issuer(attached) or _letterhead_issuer(letterhead) or _of_issuer(title)
    if found:
        return found
    for line in head[:10]:
        m = re.search(r"cải cách hành chính\s+(Sở [\p{L} ]+?)\s+năm", line, re.I)
        if m:
            return m[1]
        if fold(line).startswith("co quan ban hanh"):
            return "UBND " + line.split("|")[-2].strip() if "|" in line else None
    return None


def _of_issuer(text: str | None) -> str | None:
    """Given a "(Kèm theo … của X)" line or a title, return X (the Chủ tịch's office: UBND tỉnh), else None."""
    m = _OF_ISSUER.search(text or "")
    if not m:
        return None
    issuer = m[1].strip(" .)")
    return "UBND tỉnh" if fold(issuer).startswith("chu tich") else issuer


def _letterhead_issuer(letterhead: Letterhead) -> str | None:
    """Given the letterhead, return its lowest unit as a name (as the dictionary spells it), else None."""
    if not letterhead.issuer:
        return None
    named = display_name(letterhead.issuer, provinces())
    if fold(named) in ("ubnd", "uy ban nhan dan"):
        return None                                   # "ỦY BAN NHÂN DÂN" alone: which one, the text says
    return named if named.startswith("UBND") else issuer_agency(named) or named


def issuer_level(issuer: str | None) -> str:
    """Given an issuer name, return province, department, commune or unknown."""
    f = fold(issuer or "")
    if re.match(r"^(ubnd|uy ban nhan dan) (tinh|thanh pho)|^tinh |^ubnd$", f):
        return "province"
    if re.match(r"^(ubnd|uy ban nhan dan) (xa|phuong|dac khu)", f):
        return "commune"
    if re.match(r"^(so|ban|van phong|thanh tra|cong an|bo chi huy)\b", f):
        return "department"
    return "unknown"


def _province(lines: list[str], issuer: str | None) -> str | None:
    texts = [issuer or ""] + lines
    for text in texts:
        for name in provinces():
            if re.search(rf"(?:tỉnh|thành phố|^)\s*{re.escape(name)}\b|{re.escape(name)},\s*ngày", text, re.I):
                return name
    return None


def _period(title: str, issued: date | None) -> tuple[int | None, str | None]:
    half = _HALF.search(title)
    if half:
        return int(half[3]), f"{half[3]}-{'H1' if fold(half[2]) == 'dau' else 'H2'}"
    span = _RANGE.search(title)
    if span:
        return int(span[1]), f"{span[1]}-{span[2]}"
    years = [int(y) for y in _YEAR.findall(title)]
    if years:                      # "đánh giá năm 2025 và triển khai nhiệm vụ năm 2026": the year ahead
        return max(years), str(max(years))
    return None, None


def issuer_agency(issuer: str | None) -> str | None:
    """Given an issuer as printed, return its canonical agency name when the dictionary knows it."""
    from pipeline.fields.agencies import parse_agencies

    if not issuer:
        return None
    for name in provinces():                   # "UBND tỉnh Hà Tĩnh" is "UBND tỉnh" in the dictionary
        if issuer.endswith(" " + name):
            issuer = issuer[: -len(name)].strip()
            break
    found = [a for a in parse_agencies(issuer).agencies if a.known]
    return found[0].name if len(found) == 1 else None
