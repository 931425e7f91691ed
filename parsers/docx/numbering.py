"""Styles and numbering (styles.xml, numbering.xml): the labels Word prints before a paragraph.

`Styles` answers what a paragraph inherits (its numbering, its run font); `Numbering`
turns (numId, ilvl) into "II. ", "1. ", "a) " or "- ", counting in document order.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from parsers.docx.wordml import W_ILVL, W_NUMID, W_NUMPR, W_PPR, W_RPR, W, font_of, to_int, val


class Styles:
    """The style sheet, for what a paragraph inherits: numbering (numPr) and run font."""

    def __init__(self, element):
        self._styles = {}
        self._fonts: dict[str | None, str | None] = {}
        self._numbering: dict[str | None, tuple[str | None, int] | None] = {}
        self.default_paragraph = None
        self.default_font = None
        if element is None:
            return
        for style in element.iter(W + "style"):
            self._styles[style.get(W + "styleId")] = style
            if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true", "on"):
                self.default_paragraph = style.get(W + "styleId")
        defaults = element.find(f"{W}docDefaults/{W}rPrDefault/{W_RPR}")
        self.default_font = font_of(defaults)

    def _chain(self, style_id: str | None) -> Iterator:
        seen = set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            style = self._styles[style_id]
            yield style
            style_id = val(style, W + "basedOn")

    def num_pr(self, style_id: str | None) -> tuple[str | None, int] | None:
        """Given a paragraph style id, return the (numId, ilvl) it numbers with, or None."""
        if style_id not in self._numbering:
            self._numbering[style_id] = None
            for style in self._chain(style_id or self.default_paragraph):
                num_pr = style.find(f"{W_PPR}/{W_NUMPR}")
                if num_pr is not None:
                    self._numbering[style_id] = (val(num_pr, W_NUMID), to_int(val(num_pr, W_ILVL), 0))
                    break
        return self._numbering[style_id]

    def font(self, style_id: str | None) -> str | None:
        """Given a style id (None: the default paragraph style), return its run font name."""
        if style_id not in self._fonts:
            found = next((f for s in self._chain(style_id or self.default_paragraph)
                          if (f := font_of(s.find(W_RPR)))), None)
            self._fonts[style_id] = found or self.default_font
        return self._fonts[style_id]

    def legacy_fonts(self) -> bool:
        """Return True when a style uses a TCVN3 (.Vn…) or VNI font."""
        from parsers.textutil.legacy import encoding_from_font

        fonts = [font_of(s.find(W_RPR)) for s in self._styles.values()] + [self.default_font]
        return any(encoding_from_font(f) for f in fonts if f)


@dataclass(frozen=True)
class Level:
    """One level of a numbering definition (w:lvl)."""

    fmt: str = "decimal"       # w:numFmt: decimal, upperRoman, lowerLetter, bullet, none…
    text: str = "%1."          # w:lvlText, "%1" standing for this list's level-1 counter
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 never
    legal: bool = False         # w:isLgl: every %n printed as a decimal
    suffix: str = " "           # tab or space → " ", nothing → ""


def _level(lvl) -> Level:
    restart = val(lvl, W + "lvlRestart")
    return Level(
        fmt=val(lvl, W + "numFmt") or "decimal",
        text=val(lvl, W + "lvlText") if lvl.find(W + "lvlText") is not None else "",
        start=to_int(val(lvl, W + "start"), 1),
        restart=to_int(restart, 0) if restart is not None else None,
        legal=lvl.find(W + "isLgl") is not None and val(lvl, W + "isLgl") not in ("0", "false"),
        suffix="" if val(lvl, W + "suff") == "nothing" else " ",
    )


def _roman(n: int) -> str:
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """Given a counter and a w:numFmt, return the number as Word prints it (3, upperRoman → "III")."""
    if fmt in ("upperRoman", "lowerRoman"):
        text = _roman(n) if n > 0 else str(n)
        return text if fmt == "upperRoman" else text.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        if n <= 0:
            return str(n)
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)   # Word: …, z, aa, bb
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class Numbering:
    """numbering.xml: turns (numId, ilvl) into the label Word prints, counting in document order.

    Counters belong to the abstract definition, so lists sharing one continue each other;
    a w:num with a startOverride restarts its level the first time it is used.
    """

    def __init__(self, element, styles: Styles):
        self._abstract: dict[str, dict[int, Level]] = {}
        self._links: dict[str, str] = {}
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = {}
        self._counts: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        self._styles = styles
        if element is None:
            return
        for abstract in element.iter(W + "abstractNum"):
            aid = abstract.get(W + "abstractNumId")
            self._abstract[aid] = {to_int(lvl.get(W_ILVL), 0): _level(lvl) for lvl in abstract.iter(W + "lvl")}
            link = val(abstract, W + "numStyleLink")
            if link:
                self._links[aid] = link
        for num in element.iter(W + "num"):
            starts, levels = {}, {}
            for override in num.iter(W + "lvlOverride"):
                ilvl = to_int(override.get(W_ILVL), 0)
                start = val(override, W + "startOverride")
                if start is not None:
                    starts[ilvl] = to_int(start, 1)
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            self._nums[num.get(W_NUMID)] = (val(num, W + "abstractNumId"), starts, levels)

    def _levels(self, num_id: str) -> tuple[str, dict[int, Level]] | None:
        if num_id not in self._nums:
            return None
        aid, _, overrides = self._nums[num_id]
        levels = self._abstract.get(aid, {})
        if not levels and aid in self._links:          # a list defined by a numbering style
            linked = self._styles.num_pr(self._links[aid])
            if linked and linked[0] != num_id and linked[0] in self._nums:
                aid = self._nums[linked[0]][0]
                levels = self._abstract.get(aid, {})
        return aid, {**levels, **overrides}

    def label(self, num_id: str | None, ilvl: int) -> str:
        """Given a paragraph's numId and level, count it and return its label ("II. ", "a) ", "- ", "")."""
        found = self._levels(num_id) if num_id not in (None, "0") else None
        if not found or ilvl not in found[1]:
            return ""
        aid, levels = found
        counts = self._counts.setdefault(aid, {})
        if num_id not in self._started:
            self._started.add(num_id)
            for lvl, start in self._nums[num_id][1].items():
                counts[lvl] = start - 1
        level = levels[ilvl]
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl + 1 <= restart):
                del counts[deeper]
        if level.fmt == "bullet":
            return "- "
        text = level.text
        for k in range(9, 0, -1):
            if f"%{k}" in text:
                shown = levels.get(k - 1, Level())
                n = counts.get(k - 1, shown.start)
                text = text.replace(f"%{k}", format_number(n, "decimal" if level.legal else shown.fmt))
        text = text.strip()
        return text + level.suffix if text else ""
