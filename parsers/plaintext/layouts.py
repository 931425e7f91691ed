"""Turn the table part of a text file into grid rows, one function per layout seen in the wild.

- `tab_rows`: one table row per line, cells separated by tabs (text copied from Word).
- `cell_per_line`: one cell per line, each starting with a tab; a blank line ends a row.
- `pipe_rows`: a web page's table flattened to text: each cell ends with " |", merged
  cells are left out, so cells are placed by the codes they carry (1.x, 2.x, 3.x).
- `pdf_dump_rows`: text pulled from a PDF where each cell wraps over several lines and
  the columns run together in reading order; fields are split by what their words say.
"""
from __future__ import annotations

import regex as re

from parsers.grid import GridRow
from parsers.headers import header_field, synonyms
from parsers.textutil.clean import clean, fold, roman_value

_CODE = re.compile(r"^([123])\.\d+\.?(?:\s|$)")
_SUBAREA = re.compile(r"^\d\.\d\.?$")


def tab_rows(lines: list[str], first_line: int) -> list[GridRow]:
    """Given lines whose cells are tab-separated, return one grid row per non-blank line."""
    rows = []
    for i, line in enumerate(lines):
        if "\t" in line:
            rows.append(GridRow([clean(c) for c in line.split("\t")], source_row=first_line + i))
    return rows


def cell_per_line(lines: list[str], first_line: int) -> tuple[list[GridRow], list[str]]:
    """Given lines with one tab-led cell each, return grid rows and the text lines before the table.

    A blank line ends a row only when a tab-led line follows; other lines continue the
    cell above (a Word cell with several paragraphs, e.g. "CƠ QUAN / CHỦ TRÌ").
    """
    rows: list[GridRow] = []
    before: list[str] = []
    parts: list[list[str]] = []
    start = 0
    blank = False
    for i, line in enumerate(lines):
        if not line.strip() and not line.startswith("\t"):
            blank = True
            continue
        if line.startswith("\t"):
            if blank and parts:
                rows.append(_joined_row(parts, first_line + start))
                parts = []
            if not parts:
                start = i
            parts.append([line[1:]])
        elif parts:
            parts[-1].append(line)
        else:
            before.append(line)
        blank = False
    if parts:
        rows.append(_joined_row(parts, first_line + start))
    return rows, before


def _joined_row(parts: list[list[str]], source_row: int) -> GridRow:
    return GridRow([clean("\n".join(p)) for p in parts], source_row=source_row)


def pipe_rows(lines: list[str], first_line: int) -> list[GridRow]:
    """Given a flattened web table (cells ending " |"), return grid rows with merged cells as None."""
    tokens: list[tuple[int, str, int]] = []      # (line, text, empty cells seen just before)
    empties = 0
    for i, line in enumerate(lines):
        text = line.strip()
        if not text.endswith("|"):
            continue
        body = text.strip("|").strip()
        if body:
            tokens.append((first_line + i, clean(body), empties))
            empties = len(text) - len(text.rstrip("|")) - 1     # "Kế hoạch ||": one more empty cell
        else:
            empties += text.count("|")
    n_header = 0
    while n_header < len(tokens) and header_field(tokens[n_header][1]):
        n_header += 1
    if n_header < 3:
        return []
    header = [t for _, t, _ in tokens[:n_header]]
    rows = [GridRow(list(header), source_row=tokens[0][0])]
    rows += _place_pipe_cells(tokens[n_header:], [header_field(h) for h in header])
    return rows


def _place_pipe_cells(tokens: list[tuple[int, str, int]], fields: list[str | None]) -> list[GridRow]:
    """Given cell texts in reading order and the column fields, return rows with cells placed.

    Cells merged with the row above are left out of a flattened table, so a cell's column
    comes from what it carries: an STT or area numeral starts a row, a "2.x" code sits in
    the nhiệm vụ column, "3.x" in hoạt động; other cells follow the one before, skipping
    the empty cells printed between them.
    """
    col_of = {f: i for i, f in enumerate(fields) if f}
    code_cols = {"1": col_of.get("objective"), "2": col_of.get("task"), "3": col_of.get("activity")}
    rows: list[GridRow] = []
    cursor = len(fields)
    for line_no, text, empties in tokens:
        col, new_row = _pipe_column(text, cursor, empties, code_cols, col_of)
        if new_row or col >= len(fields):
            if col >= len(fields):
                col = 0
            rows.append(GridRow([None] * col + [""] * (len(fields) - col), source_row=line_no))
        row = rows[-1]
        row.cells[col] = f"{row.cells[col]}\n{text}" if row.cells[col] else text
        cursor = col
    return rows


def _pipe_column(text, cursor, empties, code_cols, col_of) -> tuple[int, bool]:
    """Return (column, starts a new row) for one flattened cell."""
    stt = col_of.get("stt", 0)
    if roman_value(text) or (text.isdigit() and len(text) <= 2) or _SUBAREA.match(text):
        return stt, True
    m = _CODE.match(text)
    if m and code_cols.get(m[1]) is not None:
        col = code_cols[m[1]]
        return col, col <= cursor
    col = cursor + 1 + empties
    for name, looks in (("budget", looks_like_budget), ("timeline", looks_like_timeline)):
        target = col_of.get(name)
        if target is not None and target > col and cursor >= col_of.get("product", 99) and looks(text):
            return target, False
    return col, False


# --- PDF text dump -------------------------------------------------------------------------

_ROW_MARK = re.compile(r"^\s*(Hoạt động|Nhiệm vụ|HĐ)\s+(\d+)\s*$", re.I)
_AREA_MARK = re.compile(r"^\s*Lĩnh vực\s*([IVX]+)?\s*(.*)$", re.I)
_AGENCY_HEAD = re.compile(
    r"^(phong|trung tam|cac phong|ban chi dao|van phong|so |ubnd|uy ban|cac co quan|cac don vi"
    r"|cac so|bo phan|cong an|tinh doan|hoi dong|bo |cuc |chi cuc|thanh tra)"
)
_TIME_HEAD = re.compile(
    r"^(trong nam|thuong xuyen|thuong$|quy\b|thang \d|khi |nam 20|truoc|sau |dinh ky|hang |ca nam"
    r"|theo lo trinh|theo ke hoach|20\d\d$|\d{1,2}/20\d\d)"
)
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,]\d{1,4})+$|^\d+\s*(?:trieu|ty|dong)\b")
_MID_SPLIT = re.compile(
    r"(?<!\s)\s+(?=(?:Trong năm|Thường xuyên|Quý\s|Phòng\s|Trung tâm\s|Các phòng)\b)|(?<!\s)\s+(?=\d{1,3}(?:\.\d{1,4})+\s*$)"
)


def looks_like_budget(text: str) -> bool:
    """Given a cell, say whether it reads as an amount or a funding basis (kinh phí)."""
    f = fold(text)
    return bool(_AMOUNT.match(f) or re.search(r"\b(du toan|trieu|ngan sach|kinh phi)\b", f)) and len(f) < 80


def looks_like_timeline(text: str) -> bool:
    """Given a cell, say whether it reads as a deadline phrase (thời gian)."""
    return bool(_TIME_HEAD.match(fold(text))) and len(text) < 120


def pdf_dump_rows(lines: list[str], first_line: int) -> list[GridRow]:
    """Given a PDF text dump with "Hoạt động N" row markers, return the header row and task rows."""
    marks = [i for i, line in enumerate(lines) if _ROW_MARK.match(line) or _AREA_MARK.match(line)]
    if not marks:
        return []
    header_at, labels = _dump_header(lines[: marks[0]])
    fields = [header_field(label) for label in labels]
    if len(fields) < 3:
        return []
    rows = [GridRow(labels, source_row=first_line + header_at)]
    width = _content_width(lines, marks)
    i = 0
    while i < len(marks):
        at = marks[i]
        end = marks[i + 1] if i + 1 < len(marks) else len(lines)
        area = _AREA_MARK.match(lines[at])
        if area:
            title = " ".join([area[2]] + [ln.strip() for ln in lines[at + 1 : end] if ln.strip()])
            numeral, title = area[1], title.strip()
            if not numeral:                       # "Lĩnh vực" / "III" / "CẢI CÁCH ..." on separate lines
                numeral, _, title = title.partition(" ")
            rows.append(GridRow([f"Lĩnh vực {numeral}", clean(title)] + [""] * (len(fields) - 2),
                                source_row=first_line + at))
        else:
            body = [ln.strip() for ln in lines[at + 1 : end] if ln.strip()]
            cells, warnings = split_dump_row(body, fields, width)
            stt = " ".join(_ROW_MARK.match(lines[at]).group(1, 2))
            row = GridRow([stt if f == "stt" else cells.get(f, "") for f in fields],
                          source_row=first_line + at, warnings=warnings)
            rows.append(row)
        i += 1
    return rows


def _dump_header(lines: list[str]) -> tuple[int, list[str]]:
    """Given the lines above the first row, return (first header line, column labels in order)."""
    start = next((i for i, ln in enumerate(lines) if re.match(r"^(stt|tt)\b", fold(ln))), len(lines))
    blob = " " + " ".join(fold(ln) for ln in lines[start:] if ln.strip()) + " "
    found = []
    for synonym, name in synonyms():
        pos = blob.find(f" {synonym} ")
        if pos >= 0 and name not in {n for _, n, _ in found}:
            found.append((pos, name, synonym))
    return start, [synonym for _, _, synonym in sorted(found)]


def _content_width(lines: list[str], marks: list[int]) -> int:
    """Return the widest first content line: the content column's width in characters."""
    firsts = []
    for at in marks:
        nxt = next((ln.strip() for ln in lines[at + 1 : at + 3] if ln.strip()), "")
        if _ROW_MARK.match(lines[at]) and nxt:
            firsts.append(len(nxt))
    return max(firsts, default=40)


def split_dump_row(body: list[str], fields: list[str], width: int) -> tuple[dict[str, str], list[str]]:
    """Given one row's wrapped lines, return {field: text} and warnings on the guesses made.

    Content (nội dung) ends where the next line starts a new cell: it starts with a capital,
    the previous line stopped short of the column width (the next word would have fitted),
    and the lines that follow, up to the first agency name, are as narrow as the product
    column. Then an agency name starts the lead, a second one the partners, a deadline
    phrase the timeline, an amount the budget. Text left after those continues the
    content (a page break cut it); that and a row without agency are flagged as guesses.
    """
    warnings: list[str] = []
    n_content, k = _content_split(body, width)
    if n_content is None:
        n_content = k
        warnings.append("column split guessed: no clear end of the content cell")
    out: dict[str, list[str]] = {"content": body[:n_content], "product": body[n_content:k]}
    segments = [seg for ln in body[k:] for seg in _MID_SPLIT.split(ln) if seg.strip()]
    state = "product"
    for seg in segments:
        state = _next_state(state, seg)
        out.setdefault({"after": "content"}.get(state, state), []).append(seg)
        if state == "after":
            warnings.append("column split guessed: text after the deadline joined to the content")
    if not out.get("lead"):
        warnings.append("column split guessed: no agency name found")
    return {key: clean(" ".join(v)) for key, v in out.items()}, sorted(set(warnings))


def _next_state(state: str, seg: str) -> str:
    """Return the field a tail segment belongs to, given the field of the segment before it."""
    f = fold(seg)
    if state in ("timeline", "budget", "after") and _AMOUNT.match(f):
        return "budget"
    if state in ("product", "lead", "partners") and _TIME_HEAD.match(f):
        return "timeline"
    if state == "product" and _AGENCY_HEAD.match(f):
        return "lead"
    if state == "lead" and _AGENCY_HEAD.match(f) and seg[:1].isupper():
        return "partners"
    if state == "budget" or (state == "timeline" and seg[:1].islower() and len(seg) > 20):
        return "after"
    return state


PRODUCT_WIDTH = 28   # characters: the product column of an A4 landscape phụ lục is this narrow


def _content_split(body: list[str], width: int) -> tuple[int | None, int]:
    """Return (lines of content, index of the first lead line) for one dump row."""
    first_agency = next((j for j in range(1, len(body)) if _AGENCY_HEAD.match(fold(body[j]))), len(body))
    for i in range(len(body) - 1):
        line, nxt = body[i], body[i + 1]
        if not (nxt[:1].isupper() or nxt[:1].isdigit() or nxt[:1] == "(") or line.endswith(","):
            continue
        fits = len(line) + 1 + len(nxt.split()[0]) <= width
        lead_at = next((j for j in range(i + 1, len(body)) if _AGENCY_HEAD.match(fold(body[j]))), len(body))
        narrow = all(len(p) <= PRODUCT_WIDTH for p in body[i + 1 : lead_at])
        # A page break can cut the content mid-line right before the lead: then no word "fits".
        agency_next = lead_at == i + 1
        if (fits or agency_next or line.endswith((".", ";"))) and narrow:
            return i + 1, lead_at
    return None, first_agency
