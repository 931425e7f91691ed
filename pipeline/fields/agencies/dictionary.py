"""The agency dictionary (schemas/agencies.toml): canonical agencies, their aliases, collective groups.

Loaded once and checked (kinds, levels, parents, group keys); every alias is expanded both
ways through the abbreviation pairs (UBND ↔ Ủy ban nhân dân, KH&CN ↔ Khoa học và Công nghệ) and
compiled into one pattern, longest first. Names are compared by `match_key` (lower case, one
dash, new-style tone placement "hóa"). `agency_table` and `group_table` are its rows for the
database; `member_groups` the collectives an agency belongs to.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

KINDS = frozenset({"so", "ban", "ubnd", "van_phong", "phong", "trung_tam", "bo", "hdnd", "other"})
LEVELS = frozenset({"province", "commune", "district", "internal", "central", "other"})

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_OLD_TONE_PAIRS = frozenset({("o", "a"), ("o", "e"), ("u", "y")})
_TONE_RE = re.compile(r"([ou])([^\W\d_])(?![^\W\d_])")
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
TRAIL = " \t\n.,;:"


@dataclass(frozen=True)
class Target:
    name: str  # canonical agency name or group label
    group: str | None  # group key when collective


@dataclass(frozen=True)
class Dictionary:
    agencies: dict[str, dict]  # canonical name -> entry
    groups: dict[str, dict]  # group key -> entry
    aliases: dict[str, Target]  # lookup key -> target
    pattern: re.Pattern[str]  # all alias keys, longest first
    heads: re.Pattern[str]  # words that start an agency name
    enum_heads: tuple[str, ...]


# ---------------------------------------------------------------- text normalization


def clean_cell(raw: str) -> str:
    """Given raw cell text, return it NFC-normalized, without tags, with whitespace runs collapsed."""
    text = unicodedata.normalize("NFC", raw)
    text = _TAG_RE.sub(" ", text).replace("\u200b", "").replace("\ufeff", "")
    text = re.sub(r"(?<![^\S\n])[^\S\n]*\n\s*", "\n", text)
    return re.sub(r"[^\S\n]+", " ", text).strip()


def _move_tone(m: re.Match[str]) -> str:
    """Given an old-style vowel pair at a word end (hoá, uỷ), return it with the new tone placement."""
    first, second = m.group(1), m.group(2)
    parts = unicodedata.normalize("NFD", second)
    tones = [c for c in parts[1:] if c in _TONE_MARKS]
    if len(tones) != 1 or (first, parts[0]) not in _OLD_TONE_PAIRS:
        return m.group(0)
    rest = "".join(c for c in parts if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", first + tones[0]) + unicodedata.normalize("NFC", rest)


def match_key(text: str) -> str:
    """Given cleaned text, return a same-length matching key: lower case, one dash, new tone placement."""
    low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return _TONE_RE.sub(_move_tone, low.translate(_DASHES))


def lookup_key(text: str) -> str:
    """Given any text, return the key used to look a whole name up in the alias table."""
    key = match_key(clean_cell(text)).rstrip(TRAIL)
    key = re.sub(r"(?:(?<!\s)\s+)?([-&/])\s*", r"\1", key)
    return re.sub(r"\s*,\s*", ", ", re.sub(r"\s+", " ", key))


def collapse(text: str) -> str:
    """Given a piece of cell text, return it on one line without surrounding punctuation."""
    return " ".join(text.split()).strip(TRAIL)


# ---------------------------------------------------------------- dictionary loading


def _variants(alias: str, expansions: list[list[str]]) -> set[str]:
    """Given an alias, return it with every abbreviation/expansion pair swapped both ways."""
    out = {alias}
    for short, long in expansions:
        for a, b in ((short, long), (long, short)):
            rx = re.compile(rf"(?<!\w){re.escape(a)}(?!\w)", re.IGNORECASE)
            out |= {rx.sub(b, v) for v in out}
    return out


def _alias_regex(key: str) -> str:
    """Given an alias lookup key, return a regex fragment tolerant of line breaks and of spacing around - & / ,."""
    parts = re.split(r"(?:(?<!\s)\s+)?([-&/,])\s*", key)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(rf"\s?{re.escape(part)}\s?")
        else:
            out.append(r"\s".join(re.escape(word) for word in part.split(" ")))
    return "".join(out)


def _add_alias(table: dict[str, Target], alias: str, target: Target, expansions: list[list[str]]) -> None:
    """Given an alias and its target, add all its variants to the table; raise on a conflicting alias."""
    for variant in _variants(alias, expansions):
        key = lookup_key(variant)
        if not key:
            continue
        if table.setdefault(key, target) != target:
            raise ValueError(f"alias {variant!r} maps to both {table[key].name!r} and {target.name!r}")


def _check_entries(agencies: list[dict], groups: list[dict]) -> None:
    """Given the raw TOML entries, raise ValueError on unknown kinds, levels, parents or group keys."""
    names = {a["name"] for a in agencies}
    keys = {g["key"] for g in groups}
    if len(names) != len(agencies) or len(keys) != len(groups):
        raise ValueError("duplicate agency name or group key in agencies.toml")
    for a in agencies:
        bad = a["kind"] not in KINDS or a["level"] not in LEVELS or a.get("parent", a["name"]) not in names
        if bad or not set(a.get("groups", [])) <= keys:
            raise ValueError(f"bad agency entry: {a['name']!r}")
    for g in groups:
        wild = {"*"}
        rules_ok = set(g["kinds"]) <= KINDS | wild and set(g["levels"]) <= LEVELS | wild
        if not rules_ok or not set(g.get("within", [])) <= keys:
            raise ValueError(f"bad group entry: {g['key']!r}")


def _build_aliases(data: dict) -> dict[str, Target]:
    """Given the parsed TOML, return the alias table (lookup key -> target)."""
    expansions = data["settings"]["expansions"]
    table: dict[str, Target] = {}
    for a in data["agency"]:
        target = Target(a["name"], None)
        for alias in [a["name"], *a.get("aliases", [])]:
            _add_alias(table, alias, target, expansions)
    for g in data["group"]:
        target = Target(g["label"], g["key"])
        for alias in [g["label"], *g.get("aliases", [])]:
            _add_alias(table, alias, target, expansions)
    return table


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """Given nothing, return the agency dictionary loaded from schemas/agencies.toml (cached)."""
    text = resources.files("schemas").joinpath("agencies.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    _check_entries(data["agency"], data["group"])
    aliases = _build_aliases(data)
    keys = sorted(aliases, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(_alias_regex(k) for k in keys) + r")(?!\w)")
    heads = sorted((lookup_key(h) for h in data["settings"]["head_words"]), key=len, reverse=True)
    return Dictionary(
        agencies={a["name"]: a for a in data["agency"]},
        groups={g["key"]: g for g in data["group"]},
        aliases=aliases,
        pattern=pattern,
        heads=re.compile(r"(?:" + "|".join(map(re.escape, heads)) + r")(?!\w)"),
        enum_heads=tuple(data["settings"]["enumeration_heads"]),
    )


@cache
def member_groups(name: str) -> tuple[str, ...]:
    """Given a canonical agency name, return the keys of every group that covers it (rules, lists, within)."""
    d = dictionary()
    entry = d.agencies[name]
    keys = set(entry.get("groups", []))
    for key, g in d.groups.items():
        kind_ok = "*" in g["kinds"] or entry["kind"] in g["kinds"]
        level_ok = "*" in g["levels"] or entry["level"] in g["levels"]
        if kind_ok and level_ok:
            keys.add(key)
    wider = {w for k in keys for w in d.groups[k].get("within", [])} - keys
    while wider:
        keys |= wider
        wider = {w for k in wider for w in d.groups[k].get("within", [])} - keys
    return tuple(sorted(keys))


def agency_table() -> list[dict]:
    """Given the dictionary, return one row per canonical agency: name, kind, level, groups, parent, aliases."""
    rows = []
    for name, entry in dictionary().agencies.items():
        rows.append(
            {
                "name": name,
                "kind": entry["kind"],
                "level": entry["level"],
                "groups": list(member_groups(name)),
                "parent": entry.get("parent"),
                "aliases": sorted(set(entry.get("aliases", [])) - {name}),
            }
        )
    return rows


def group_table() -> list[dict]:
    """Given the dictionary, return one row per collective group: key, label, kinds, levels, within, aliases."""
    return [
        {
            "key": key,
            "label": g["label"],
            "kinds": list(g["kinds"]),
            "levels": list(g["levels"]),
            "within": list(g.get("within", [])),
            "aliases": list(g.get("aliases", [])),
        }
        for key, g in dictionary().groups.items()
    ]
