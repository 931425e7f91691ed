"""Read one scanned page image: its ruled tables cell by cell, and its text outside them, by OCR.

clean_page (colour inks out, paper flat, sideways turned, straight) → find_tables (rules →
cells) → each cell cropped inside its rules (the rules whitened) → one Tesseract run over
all the cells of the page, each read as its own block → cell text joined as for a text layer
→ a PageTable in PDF points with the same geometry the text path gives (merged cells at the
foot, cells a page break cut), each row's cell boxes and mean OCR confidence → the text
outside the tables read in a second run, as body lines. A page read with little confidence
is asked of Tesseract's OSD, and read again turned when it is upside down or sideways.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import regex as re

from parsers.pdf import cells as cells_
from parsers.pdf.cells import Line
from parsers.pdf.content import DEFAULT_PAD, FURNITURE, PageContent, PageTable
from parsers.pdf.scan import image as image_
from parsers.pdf.scan import tesseract
from parsers.pdf.scan.rules import TableRules, find_tables
from parsers.pdf.scan.words import mean_confidence, word_lines

CELL_PSM = "6"               # a cell is one block of text
SHORT = 4                    # a cell read as this many characters or fewer is read again as a numeral
NUMERAL_PSM, NUMERAL_LANG = "7", "eng"
NUMERAL_CONFIG = ("-c", "tessedit_char_whitelist=0123456789IVX.)")
NUMERAL = re.compile(r"^(?:\d{1,3}|[IVX]{1,5})(?:[.)]|(?:\.\d{1,2})+\.?)?$")
# "II" printed close reads as "H" to both models: a short cell of I-strokes with an H in it is a Roman STT
STUCK_ROMAN = re.compile(r"^[IVXl|]*H[IVXlH|]*([.)]?)$")
ROMAN = re.compile(r"^(?=.)X{0,3}(?:IX|IV|V?I{0,3})$")
NUMERAL_SURE = 50            # mean confidence (%) the numeral reading needs to win ("STT" held to numerals reads "I" at 0)
PAGE_PSM = "3"               # the text outside the tables: the page's own layout
MIN_INK_MM2 = 0.4            # a cell with less ink than this (mm²) is empty
LETTER_MM2 = 0.3             # a blob of ink this big (mm²) is print (a letter); smaller ones only near print
NEAR_MM = 1.2                # accents and dots lie this near their letters
CROP_PAD_MM = 0.8            # white kept around a cell's ink, then a border for Tesseract
BORDER = 12                  # pixels of white around each crop
CUT_LINES = 1.6              # font sizes: a cell whose last line ends this near the table's bottom was cut
RULE_GREY = 200              # a rule is looked for in all ink darker than this (faint rules too)
DOUBTFUL = 70                # mean OCR confidence (%) below which a page may be upside down or sideways
OSD_MIN = 1.5                # OSD confidence needed to turn a page
OSD_WINDOW = (0.4, 0.3)      # share of the page's width and height OSD looks at (the inkiest window)


@dataclass
class ScanPage:
    """A scanned page as read: its content, its words' mean OCR confidence, and how it was turned."""

    content: PageContent
    confidence: float | None
    angle: float
    turns: int


def read_scan(rgb: np.ndarray, number: int, dpi: int) -> ScanPage:
    """Given a scanned page (RGB pixels) and its resolution, return what OCR reads of it.

    A page read with little confidence may be upside down or sideways (a page put on the
    glass the wrong way, a sideways page turned the wrong quarter): Tesseract's OSD is asked,
    and when it says so the page is read again turned as it says; the better reading is kept.
    """
    page = image_.clean_page(rgb, dpi)
    read = read_upright(page, number)
    if read.confidence is None or read.confidence >= DOUBTFUL:
        return read
    quarters = osd_quarters(page)
    if not quarters:
        return read
    again = read_upright(turned(page, quarters), number)
    return again if (again.confidence or 0.0) > read.confidence else read


def read_upright(page: image_.Cleaned, number: int) -> ScanPage:
    """Given a cleaned page taken as upright, return its tables and lines as OCR reads them."""
    tables, rules = find_tables(page.ink | (page.grey < RULE_GREY), page.dpi)   # faint rules count too
    scale = 72.0 / page.dpi
    source = image_.ink_only(page)
    covered = _dilated(rules)
    crops = [cell_crops(page, source, covered, t) for t in tables]
    words = iter(read_cells([c[0] for table in crops for c in table if c is not None], page.dpi))
    read = [[(next(words), c[1]) if c is not None else ([], (0, 0)) for c in table] for table in crops]
    lines, outside = outside_lines(page, source, rules, tables, scale)
    found = [ocr_table(t, cells, number, scale) for t, cells in zip(tables, read, strict=True)]
    for t in found:
        t.at_top = not any(ln.bottom <= t.bbox[1] and not FURNITURE.match(ln.text) for ln in lines)
        t.at_bottom = not any(ln.top >= t.bbox[3] and not FURNITURE.match(ln.text) for ln in lines)
    every = [w for table in read for ws, _ in table for w in ws] + outside
    content = PageContent(number, found, lines, scanned=True)
    return ScanPage(content, mean_confidence(every), page.angle, page.turns)


def read_cells(crops: list[np.ndarray], dpi: int) -> list[list[tesseract.Word]]:
    """Given a page's cell crops, return each cell's words: all read as blocks, short ones read again as numerals.

    The Vietnamese model reads a lone "II" as "H" or a "3" as "Ẳ"; a cell that reads
    this short is read again by the English model held to numerals (psm 7, one line),
    whose reading wins when it is an STT ("3", "II", "1.2") read with some confidence (a
    header's "STT" held to those characters reads "I", with none).
    """
    words = tesseract.read_images(crops, CELL_PSM, dpi=dpi)
    short = [k for k, ws in enumerate(words) if len(" ".join(w.text for w in ws)) <= SHORT]
    again = tesseract.read_images([crops[k] for k in short], NUMERAL_PSM, NUMERAL_LANG, dpi, NUMERAL_CONFIG)
    for k, ws in zip(short, again, strict=True):
        if NUMERAL.match(" ".join(w.text for w in ws)) and (mean_confidence(ws) or 0.0) >= NUMERAL_SURE:
            words[k] = ws
        elif len(words[k]) == 1 and (roman := unstuck_roman(words[k][0].text)):
            words[k] = [replace(words[k][0], text=roman)]
    return words


def unstuck_roman(text: str) -> str | None:
    """Given a short cell's text, return the Roman numeral it is with its "II" read as "H" ("HI" → "III", "VH" → "VII")."""
    stuck = STUCK_ROMAN.match(text)
    if not stuck:
        return None
    roman = re.sub(r"[l|]", "I", text[: len(text) - len(stuck[1])].replace("H", "II"))
    return roman + stuck[1] if ROMAN.match(roman) else None


def osd_quarters(page: image_.Cleaned) -> int:
    """Given a cleaned page, return the quarter turns (anticlockwise) Tesseract's OSD says make it upright.

    OSD looks at the inkiest part of the page at half resolution: enough letters to tell, in
    a fraction of the time the whole page takes.
    """
    import cv2

    window = page.grey[inkiest_window(page.ink, OSD_WINDOW)]
    small = cv2.resize(window, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    clockwise, confidence = tesseract.orientation(small, page.dpi // 2)
    return (4 - clockwise // 90) % 4 if confidence >= OSD_MIN else 0


def turned(page: image_.Cleaned, quarters: int) -> image_.Cleaned:
    """Given a cleaned page, return it turned by quarter turns anticlockwise."""
    return image_.Cleaned(image_.turn(page.grey, quarters), image_.turn(page.ink, quarters), page.dpi, page.angle,
                          (page.turns + quarters) % 4)


def inkiest_window(ink: np.ndarray, share: tuple[float, float]) -> tuple[slice, slice]:
    """Given an ink mask, return the window of the given share of the page that holds the most ink."""
    height, width = ink.shape
    h, w = max(1, int(height * share[1])), max(1, int(width * share[0]))
    step = max(1, min(h, w) // 8)
    small = ink[::step, ::step].astype(np.int32)
    total = np.pad(small.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    sh, sw = max(1, h // step), max(1, w // step)
    sums = total[sh:, sw:] - total[:-sh, sw:] - total[sh:, :-sw] + total[:-sh, :-sw]
    y, x = np.unravel_index(int(np.argmax(sums)), sums.shape)
    return slice(y * step, y * step + h), slice(x * step, x * step + w)


def _dilated(rules: np.ndarray) -> np.ndarray:
    """Given the rules' mask, return it with the rules' soft edges (two pixels either side)."""
    import cv2

    return cv2.dilate(rules.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0


def cell_crops(page: image_.Cleaned, source: np.ndarray, covered: np.ndarray, table: TableRules):
    """Given a table (and where the rules lie), return per cell (its image for Tesseract, its top-left) or None.

    Each crop holds the cell's print (`source`: the page with only its ink) without the rules.
    """
    pad = int(CROP_PAD_MM * page.dpi / 25.4)
    out = []
    for x0, top, x1, bottom in table.cells:
        inner = (slice(top + 1, bottom), slice(x0 + 1, x1))
        box = ink_box(page.ink[inner] & ~covered[inner], page.dpi)
        if box is None:
            out.append(None)
            continue
        c0, y0, c1, y1 = box
        y0, y1 = max(0, y0 - pad), min(bottom - top - 1, y1 + pad + 1)
        c0, c1 = max(0, c0 - pad), min(x1 - x0 - 1, c1 + pad + 1)
        window = (slice(top + 1 + y0, top + 1 + y1), slice(x0 + 1 + c0, x0 + 1 + c1))
        crop = np.where(covered[window], 255, source[window]).astype(np.uint8)
        out.append((np.pad(crop, BORDER, constant_values=255), (x0 + 1 + c0 - BORDER, top + 1 + y0 - BORDER)))
    return out


def ink_box(ink: np.ndarray, dpi: int) -> tuple[int, int, int, int] | None:
    """Given a cell's ink, return the box (x0, top, x1, bottom) of its print, or None when it holds none.

    Print is the blobs of a letter's size and whatever lies near them (accents, dots); a
    lone speck or a leftover of a signature away from the text is not.
    """
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    mm = dpi / 25.4
    areas = stats[1:, cv2.CC_STAT_AREA]
    if areas.sum() < MIN_INK_MM2 * mm * mm:
        return None
    boxes = np.column_stack([stats[1:, 0], stats[1:, 1], stats[1:, 0] + stats[1:, 2], stats[1:, 1] + stats[1:, 3]])
    big = boxes[areas >= LETTER_MM2 * mm * mm]
    if not len(big):
        return None
    near = int(NEAR_MM * mm)
    x0, y0 = big[:, 0].min() - near, big[:, 1].min() - near
    x1, y1 = big[:, 2].max() + near, big[:, 3].max() + near
    close = boxes[(boxes[:, 2] >= x0) & (boxes[:, 0] <= x1) & (boxes[:, 3] >= y0) & (boxes[:, 1] <= y1)]
    return int(close[:, 0].min()), int(close[:, 1].min()), int(close[:, 2].max()) - 1, int(close[:, 3].max()) - 1


def ocr_table(table: TableRules, read, number: int, scale: float) -> PageTable:
    """Given a table's rules and each cell's OCR words, return it as a PageTable in PDF points."""
    boxes = [tuple(v * scale for v in box) for box in table.cells]
    slots = cells_.table_slots(boxes)
    lines = [word_lines(words, origin, scale) for words, origin in read]
    pads = [ls[0].x0 - box[0] for ls, box in zip(lines, boxes, strict=True) if ls]
    pad = min(max(min(pads, default=DEFAULT_PAD), 0.5), 12.0)
    texts = [cells_.join_lines(ls, box[0] + pad, box[2] - pad) for ls, box in zip(lines, boxes, strict=True)]
    rows, spans, row_boxes, notes = [], [], [], []
    for owners in slots.owner:
        if not any(isinstance(o, int) for o in owners):
            continue
        rows.append([texts[o] if isinstance(o, int) else o for o in owners])
        spans.append(cells_.row_spans(owners))
        row_boxes.append([_rounded(boxes[o]) if isinstance(o, int) else None for o in owners])
        confidence = mean_confidence([w for o in owners if isinstance(o, int) for w in read[o][0]])
        notes.append([f"read by OCR (mean confidence {confidence:.0f}%)"] if confidence is not None else
                     ["read by OCR"])
    bbox = tuple(v * scale for v in table.bbox)
    merged = {c for c, o in enumerate(slots.owner[-1]) if o is cells_.MERGED_ABOVE}
    bottom = {c: slots.cell_at((slots.xs[c] + slots.xs[c + 1]) / 2, slots.ys[-1] - 0.5)
              for c in range(len(slots.xs) - 1)}
    cut = {c: lines[k] for c, k in bottom.items() if k is not None and reaches_bottom(lines[k], bbox[3])}
    return PageTable(number, bbox, slots.xs, rows, merged, set(cut), any(len(ls) > 1 for ls in cut.values()),
                     kind="ocr", spans=spans, row_boxes=row_boxes, row_warnings=notes)


def _rounded(box) -> tuple[float, float, float, float]:
    return tuple(round(v, 1) for v in box)


def reaches_bottom(lines: list[Line], bottom: float) -> bool:
    """Say whether a cell's last line sits on the table's bottom edge (the page break cut the cell)."""
    return bool(lines) and lines[-1].bottom >= bottom - CUT_LINES * lines[-1].size


def outside_lines(page: image_.Cleaned, source: np.ndarray, rules: np.ndarray, tables: list[TableRules],
                  scale: float):
    """Given a page and its tables, return (the text lines outside the tables, their words) read by OCR."""
    ink = page.ink & ~rules
    grey = source.copy()
    for t in tables:
        x0, top, x1, bottom = t.bbox
        ink[max(0, top - 3) : bottom + 4, max(0, x0 - 3) : x1 + 4] = False
        grey[max(0, top - 3) : bottom + 4, max(0, x0 - 3) : x1 + 4] = 255
    ys, xs = np.nonzero(ink)
    if len(ys) < MIN_INK_MM2 * (page.dpi / 25.4) ** 2:
        return [], []
    pad = int(CROP_PAD_MM * page.dpi / 25.4)
    y0, x0 = max(0, ys.min() - pad), max(0, xs.min() - pad)
    crop = np.pad(grey[y0 : ys.max() + pad + 1, x0 : xs.max() + pad + 1], BORDER, constant_values=255)
    words = tesseract.read_images([crop], PAGE_PSM, dpi=page.dpi)[0]
    return word_lines(words, (x0 - BORDER, y0 - BORDER), scale), words
