"""Read an agency cell (chủ trì / phối hợp): cut it into agencies, each canonical or flagged unknown.

A cell is cut into pieces on ";", ",", line breaks, "- " bullets and a joining "và", but never
inside a known name or collective ("Sở Văn hóa, Thể thao và Du lịch", "Các sở, ban, ngành cấp tỉnh"):
known names are found first (longest match first) and protected. Parenthetical roles and trailing
role text ("chủ trì đối với …") are kept aside as the qualifier. `covers` says whether a collective
includes an agency.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.fields.agencies.dictionary import (
    TRAIL,
    Target,
    clean_cell,
    collapse,
    dictionary,
    lookup_key,
    match_key,
    member_groups,
)

_LEAD_RE = re.compile(r"(?:\s+|[-+•*:;,.]+|\d+(?:\.\d+)*\.(?=\s)|\d+\)|[a-zđ]\)(?=\s))*", re.IGNORECASE)
_SEP_RE = re.compile(
    r"(?P<hard>;|\n[ \t]*[-+•*](?=\s))|(?P<comma>,)|(?P<weak>\n|(?<=\s)và(?=\s)|(?<=\s)-(?=\s))"
)
_ENUM_RE = re.compile(r"(?:các\s+)?(sở|phòng|ban|bộ|trung tâm)\s*:\s*", re.IGNORECASE)
_DOUBLED_RE = re.compile(r"(?<!\w)([^\W\d_]+)((?:\s+\1)+)(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Agency:
    """One agency named in a cell."""

    name: str  # canonical name, or the cleaned text when unknown
    raw: str  # the piece of text as written
    qualifier: str | None  # role kept aside, e.g. "chủ trì, phối hợp kiểm tra"
    known: bool  # found in the dictionary (agency or collective group)
    group: str | None  # group key for collective terms, e.g. "all_provincial_departments"


@dataclass(frozen=True)
class AgencyList:
    """The agencies of one cell, with the warnings raised while reading it."""

    agencies: tuple[Agency, ...]
    warnings: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        """Given the parsed agencies, return their names in cell order."""
        return [a.name for a in self.agencies]


# ---------------------------------------------------------------- cutting a cell into chunks


@dataclass(frozen=True)
class _Cell:
    text: str  # cleaned display text
    masked: str  # matching key with parenthesised content masked out
    matches: tuple[tuple[int, int, Target], ...]  # known names found outside parentheses
    parens: dict[int, int]  # index of ")" -> index of its "("


def _paren_spans(text: str) -> dict[int, int]:
    """Given text, return the balanced parentheses as a map from closing to opening index."""
    stack: list[int] = []
    spans: dict[int, int] = {}
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            spans[i] = stack.pop()
    return spans


def _prepare(text: str) -> _Cell:
    """Given cleaned cell text, return its key with parentheses masked and the known names found in it."""
    d = dictionary()
    parens = _paren_spans(text)
    chars = list(match_key(text))
    for close, open_ in parens.items():
        chars[open_ + 1 : close] = "\x00" * (close - open_ - 1)
    masked = "".join(chars)
    matches = []
    for m in d.pattern.finditer(masked):
        matches.append((m.start(), m.end(), d.aliases[lookup_key(m.group(0))]))
    return _Cell(text, masked, tuple(matches), parens)


def _weak_split(cell: _Cell, start: int, end: int) -> bool:
    """Given a weak separator span ("và", " - ", line break), return True when it separates agencies."""
    before = cell.masked[:start].rstrip()
    if any(m_end == len(before) for _, m_end, _ in cell.matches):
        return True
    after = end + len(cell.masked[end:]) - len(cell.masked[end:].lstrip(" -+•*"))
    return any(m_start == after for m_start, _, _ in cell.matches) or bool(
        dictionary().heads.match(cell.masked, after)
    )


def _chunks(cell: _Cell) -> list[tuple[int, int, bool]]:
    """Given a prepared cell, return its chunks as (start, end, follows_a_hard_separator)."""
    inside = [(s, e) for s, e, _ in cell.matches]
    out: list[tuple[int, int, bool]] = []
    start, hard = 0, True
    for sep in _SEP_RE.finditer(cell.masked):
        if any(s <= sep.start() < e for s, e in inside):
            continue
        if sep.lastgroup == "weak" and not _weak_split(cell, sep.start(), sep.end()):
            continue
        out.append((start, sep.start(), hard))
        start, hard = sep.end() if sep.lastgroup != "hard" else sep.start() + 1, sep.lastgroup == "hard"
    out.append((start, len(cell.text), hard))
    return out


def _trim(cell: _Cell, start: int, end: int) -> tuple[int, int]:
    """Given a chunk span, return it without leading bullets/numbering and trailing punctuation."""
    start = _LEAD_RE.match(cell.text, start, end).end()
    while end > start and cell.text[end - 1] in TRAIL:
        end -= 1
    return start, end


def _peel_parens(cell: _Cell, start: int, end: int) -> tuple[int, list[str]]:
    """Given a trimmed span, return the end before its trailing parentheticals and their contents."""
    contents: list[str] = []
    while end > start and cell.text[end - 1] == ")" and cell.parens.get(end - 1, -1) >= start:
        open_ = cell.parens[end - 1]
        contents.insert(0, collapse(cell.text[open_ + 1 : end - 1]))
        end = open_
        while end > start and cell.text[end - 1] in TRAIL:
            end -= 1
    return end, [c for c in contents if c]


# ---------------------------------------------------------------- reading chunks


@dataclass
class _State:
    agencies: list[Agency]
    warnings: list[str]
    open_qualifier: tuple[int, int] | None = None  # (qualifier start, raw start) of the last agency
    enum_head: str | None = None  # shared head of a "Các Sở: A, B" enumeration


def _known(target: Target, raw: str, qualifier: str | None) -> Agency:
    """Given a dictionary target and the text it came from, return the known Agency."""
    return Agency(
        name=target.name, raw=collapse(raw), qualifier=qualifier or None, known=True, group=target.group
    )


def _run_together(cell: _Cell, first_end: int, end: int) -> list[tuple[int, int, Target]] | None:
    """Given the text after a name, return the names it consists of when only spaces or / + separate them."""
    found = []
    pos = first_end
    for m_start, m_end, target in cell.matches:
        if m_start < first_end or m_end > end:
            continue
        if cell.text[pos:m_start].strip(" /+\n"):
            return None
        found.append((m_start, m_end, target))
        pos = m_end
    return found if found and not cell.text[pos:end].strip() else None


def _read_named(cell: _Cell, span: tuple[int, int], first: tuple[int, int, Target], st: _State) -> bool:
    """Given a chunk that starts with a known name, append its agencies; return False when it is unknown."""
    start, end = span
    core_end, paren_q = _peel_parens(cell, start, end)
    rest = cell.text[first[1] : core_end].strip()
    qualifier = "; ".join(paren_q) or None
    if not rest:
        st.agencies.append(_known(first[2], cell.text[start:end], qualifier))
        return True
    if rest[0].islower() or rest[0] == "(":
        st.agencies.append(_known(first[2], cell.text[start:end], collapse(cell.text[first[1] : end])))
        st.open_qualifier = (first[1], start)
        return True
    more = _run_together(cell, first[1], core_end)
    if more is None:
        return False
    names = [first, *more]
    st.warnings.append("run-together agency names split: " + " | ".join(t.name for _, _, t in names))
    for i, (s, e, target) in enumerate(names):
        st.agencies.append(_known(target, cell.text[s:e], qualifier if i == len(names) - 1 else None))
    return True


def _with_head(head: str, item: str) -> list[tuple[Target, str]] | None:
    """Given a shared head ("Sở") and a list item ("Tài chính", "Nội vụ và Tư pháp"), return (target, text) pairs."""
    aliases = dictionary().aliases
    whole = aliases.get(lookup_key(f"{head} {item}"))
    if whole is not None:
        return [(whole, item)]
    parts = re.split(r"(?<!\s)\s+và\s+", item)
    targets = [aliases.get(lookup_key(f"{head} {p}")) for p in parts]
    if len(parts) < 2 or not all(targets):
        return None
    return list(zip(targets, parts, strict=True))


def _previous_head(st: _State) -> str | None:
    """Given the reading state, return the head word shared by an elided list ("Phòng A, B"), if any."""
    if st.enum_head:
        return st.enum_head
    if not st.agencies or not st.agencies[-1].known or st.agencies[-1].group:
        return None
    name = st.agencies[-1].name
    return next((h for h in dictionary().enum_heads if name.startswith(h + " ")), None)


def _read_headed(text: str, raw: str, qualifier: str | None, st: _State) -> bool:
    """Given an unnamed chunk, append agencies from an enumeration or elided head; return True on success."""
    enum = _ENUM_RE.match(text)
    if enum:
        st.enum_head = next(h for h in dictionary().enum_heads if h.lower() == enum.group(1).lower())
        text = text[enum.end() :]
    head = _previous_head(st)
    targets = _with_head(head, text) if head and text else None
    if targets is None:
        if enum and text:
            st.agencies.append(_unknown(f"{st.enum_head} {text}", raw, qualifier, st))
            return True
        return False
    for i, (target, part) in enumerate(targets):
        part_raw = raw if len(targets) == 1 else part
        st.agencies.append(_known(target, part_raw, qualifier if i == len(targets) - 1 else None))
    return True


def _unknown(name: str, raw: str, qualifier: str | None, st: _State) -> Agency:
    """Given text not found in the dictionary, record the warning and return the unknown Agency."""
    st.warnings.append(f"unknown agency: {name}")
    return Agency(name=name, raw=collapse(raw), qualifier=qualifier, known=False, group=None)


def _extend_qualifier(cell: _Cell, end: int, st: _State) -> None:
    """Given a chunk that continues the role text of the last agency, extend that agency's qualifier."""
    q_start, raw_start = st.open_qualifier
    last = st.agencies[-1]
    st.agencies[-1] = replace(
        last, raw=collapse(cell.text[raw_start:end]), qualifier=collapse(cell.text[q_start:end])
    )


def _read_chunk(cell: _Cell, span: tuple[int, int, bool], st: _State) -> None:
    """Given one chunk of a cell, append the agencies it names (or extend the open qualifier)."""
    start, end = _trim(cell, span[0], span[1])
    if span[2]:
        st.open_qualifier, st.enum_head = None, None
    if start >= end:
        return
    first = next((m for m in cell.matches if m[0] == start and m[1] <= end), None)
    if first is not None:
        st.open_qualifier = None
        if _read_named(cell, (start, end), first, st):
            return
    elif st.open_qualifier is not None:
        _extend_qualifier(cell, end, st)
        return
    raw = cell.text[start:end]
    core_end, paren_q = _peel_parens(cell, start, end)
    core, qualifier = collapse(cell.text[start:core_end]), "; ".join(paren_q) or None
    if first is None and _read_headed(core, raw, qualifier, st):
        return
    if not any(ch.isalpha() for ch in core):
        st.warnings.append(f"ignored piece without a name: {collapse(raw)}")
        return
    st.agencies.append(_unknown(core, raw, qualifier, st))


# ---------------------------------------------------------------- public API


def _repair_doubles(text: str) -> tuple[str, list[str]]:
    """Given cleaned text, return it with doubled words ("Sở Sở") collapsed, and one warning per repair."""
    warnings: list[str] = []

    def fix(m: re.Match[str]) -> str:
        warnings.append(f"doubled word repaired: {collapse(m.group(0))!r} -> {m.group(1)!r}")
        return m.group(1)

    return _DOUBLED_RE.sub(fix, text), warnings


def _dedupe(agencies: list[Agency], warnings: list[str]) -> list[Agency]:
    """Given parsed agencies, return them without exact repeats (same name and qualifier), warning once each."""
    seen: set[tuple[str, str | None]] = set()
    out = []
    for a in agencies:
        if (a.name, a.qualifier) in seen:
            warnings.append(f"duplicate agency dropped: {a.name}")
            continue
        seen.add((a.name, a.qualifier))
        out.append(a)
    return out


def parse_agencies(raw: str | None) -> AgencyList:
    """Given an agency cell (chủ trì / phối hợp), return its agencies in order with warnings."""
    if raw is None or not raw.strip():
        return AgencyList((), ())
    text, warnings = _repair_doubles(clean_cell(raw))
    cell = _prepare(text)
    st = _State([], warnings)
    for span in _chunks(cell):
        _read_chunk(cell, span, st)
    agencies = _dedupe(st.agencies, st.warnings)
    return AgencyList(tuple(agencies), tuple(st.warnings))


def split_agencies(raw: str | None) -> list[str]:
    """Given an agency cell, return the raw pieces it splits into (one per agency, as written)."""
    return [a.raw for a in parse_agencies(raw).agencies]


def _resolve(text: str) -> Target | None:
    """Given a group key, a canonical name or any spelling of one agency, return its target, else None."""
    d = dictionary()
    if text in d.groups:
        return Target(d.groups[text]["label"], text)
    found = d.aliases.get(lookup_key(text))
    if found is not None:
        return found
    parsed = parse_agencies(text).agencies
    if len(parsed) == 1 and parsed[0].known:
        return Target(parsed[0].name, parsed[0].group)
    return None


def _rule_covers(outer: dict, inner: dict) -> bool:
    """Given two groups with kind/level rules, return True when the outer rule includes the inner one."""
    if not (outer["kinds"] and outer["levels"] and inner["kinds"] and inner["levels"]):
        return False
    kinds_ok = "*" in outer["kinds"] or (
        "*" not in inner["kinds"] and set(inner["kinds"]) <= set(outer["kinds"])
    )
    levels_ok = "*" in outer["levels"] or (
        "*" not in inner["levels"] and set(inner["levels"]) <= set(outer["levels"])
    )
    return kinds_ok and levels_ok


def _group_covers(outer: str, inner: str) -> bool:
    """Given two group keys, return True when the outer group includes every agency of the inner one."""
    d = dictionary()
    g_out, g_in = d.groups[outer], d.groups[inner]
    if outer == inner or outer in g_in.get("within", []):
        return True
    if g_out["kinds"] == ["*"] and g_out["levels"] == ["*"]:
        return True
    if _rule_covers(g_out, g_in):
        return True
    members = [n for n in d.agencies if inner in member_groups(n)]
    return bool(members) and not g_in["kinds"] and all(outer in member_groups(n) for n in members)


def covers(group_or_name: str, agency_name: str) -> bool:
    """Given a group (key, label or alias) or agency name and an agency name, return True when the first includes the second."""
    outer, inner = _resolve(group_or_name), _resolve(agency_name)
    if outer is None or inner is None:
        return lookup_key(group_or_name) == lookup_key(agency_name) != ""
    if outer.group is None:
        return inner.group is None and inner.name == outer.name
    if inner.group is None:
        return outer.group in member_groups(inner.name)
    return _group_covers(outer.group, inner.group)
