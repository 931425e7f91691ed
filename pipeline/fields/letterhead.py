"""The letterhead: who issued a document, from the lines at its top-left (a layout table in Word).

"ỦY BAN NHÂN DÂN / TỈNH LÂM ĐỒNG" → UBND tỉnh Lâm Đồng; "UBND TỈNH LÀO CAI / SỞ CÔNG THƯƠNG" →
Sở Công Thương, under UBND tỉnh Lào Cai. The national motto, the "Số: …" line and the place-date
line sit beside it and are left out; the lowest unit is the issuer. Names are given as the agency
dictionary spells them when it knows them.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from parsers.cellroles import names_agency
from parsers.textutil.clean import fold

_MOTTO = ("cong hoa xa hoi chu nghia", "doc lap", "tu do", "hanh phuc", "chu nghia viet nam")
_DOCUMENT_TYPES = ("ke hoach", "thong bao", "quyet dinh", "bao cao", "to trinh", "chi thi", "cong van",
                   "phu luc", "chuong trinh", "huong dan", "nghi quyet", "ket luan")
_PEOPLES_COMMITTEE = re.compile(r"^(?:ỦY|UỶ)\s+BAN\s+NHÂN\s+DÂN\s+|^UBND\s+", re.I)
_LEVEL_WORD = re.compile(r"^(tỉnh|thành phố|xã|phường|đặc khu)\s+(.+)$", re.I)
# a PDF line may run the letterhead and the motto beside it together: "SỞ NỘI VỤ Độc lập - Tự do - …"
_MOTTO_BESIDE = re.compile(r"(?<!\s)\s+(?=CỘNG\s+H(?:ÒA|OÀ|OA)\s+XÃ\s+HỘI|Độc\s+lập\s*[-–])", re.I)
LETTERHEAD_LINES = 12          # the letterhead sits in the first lines, before the document type


@dataclass(frozen=True)
class Letterhead:
    """The units a letterhead names, top to bottom, as printed (upper case), and the issuer among them."""

    units: tuple[str, ...]

    @property
    def issuer(self) -> str | None:
        return self.units[-1] if self.units else None

    @property
    def parent(self) -> str | None:
        return self.units[-2] if len(self.units) > 1 else None


def read_letterhead(head: list[str]) -> Letterhead:
    """Given a document's first lines, return the units its letterhead names (empty when it has none)."""
    units: list[str] = []
    for line in head[:LETTERHEAD_LINES]:
        text = _MOTTO_BESIDE.split(" ".join(line.replace("|", " ").split()))[0]
        words = fold(text)
        if not text or text.upper() != text or not any(ch.isalpha() for ch in text):
            continue
        if words in _DOCUMENT_TYPES:
            break
        if words.startswith(_MOTTO) or words.startswith("so") and ":" in text or re.search(r",\s*ngay", words):
            continue
        if names_agency(text) or not units:
            units.append(text)
        else:
            units[-1] = f"{units[-1]} {text}"
    return Letterhead(tuple(units))


def display_name(unit: str, provinces: list[str]) -> str:
    """Given a letterhead unit in capitals ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"), return it as a name ("UBND tỉnh Lâm Đồng")."""
    committee = _PEOPLES_COMMITTEE.match(unit)
    if committee:
        rest = unit[committee.end():]
        level = _LEVEL_WORD.match(rest)
        if level:
            return f"UBND {level[1].lower()} {_place(level[2], provinces)}"
        return f"UBND {rest.title()}".strip()
    return unit[:1] + unit[1:].lower()


def _place(name: str, provinces: list[str]) -> str:
    """Given a place in capitals ("LÂM ĐỒNG"), return it as the provinces list spells it, else in title case."""
    return next((p for p in provinces if fold(p) == fold(name)), name.title())
