"""Read a scanned PDF page: the table grid from the image's ruling lines, the words by Tesseract.

render (pypdfium2, 300 dpi) → ink mask → ruling lines (long runs of ink) → cells (slots
joined where no line separates them) → lines erased → one Tesseract run over the page
(TSV: each word with its box and line) → each word into the cell that holds it → cell
text joined as in a ruled PDF table (`parsers.pdf.cells`). The optional path of
`parsers.pdf`: it needs the `tesseract` program with Vietnamese data (Debian
`tesseract-ocr tesseract-ocr-vie`, `make setup-ocr`).
"""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import numpy as np

from parsers.errors import NoTextLayer
from parsers.pdf import cells as cells_
from parsers.pdf.content import DEFAULT_PAD, PageContent, PageTable
from parsers.textutil.clean import nfc

DPI = 300
LANG = "vie"
PSM = "3"                    # automatic layout for the page; short cells get a second pass
INK = 140                    # grey level below which a pixel is ink
H_RUN = 0.12                 # a horizontal rule is an ink run at least this share of the page width
V_RUN = 0.04                 # a vertical rule: a run at least this share of the page height
SEPARATOR = 0.6              # share of a cell edge that must be inked for the edge to be drawn
MIN_CONFIDENCE = 0           # Tesseract gives -1 to its non-words; real words can score 0
OCR_TIMEOUT = 180
SHORT = 3                    # cells read as this short (or empty) get a second, cell-by-cell pass
SHORT_LANG = "eng"           # lone numerals ("2", "IV") read better without the Vietnamese word model


@cache
def ocr_available() -> bool:
    """Say whether Tesseract with Vietnamese data is installed."""
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return LANG in out.stdout.split()


def read_scanned_page(path: Path, page, number: int):
    """Given a scanned pdfplumber page, return its PageContent (tables and body lines) read by OCR."""
    if not ocr_available():
        raise NoTextLayer(path, f"no text layer: OCR needed, and Tesseract with '{LANG}' is not installed",
                          page=number)
    image = np.asarray(page.to_image(resolution=DPI).original.convert("L"))
    ink = image < INK
    rows, cols = ruling_lines(ink)
    scale = 72.0 / DPI
    clean = image.copy()
    for y0, y1 in rows:
        clean[max(0, y0 - 2) : y1 + 3, :] = np.where(ink[max(0, y0 - 2) : y1 + 3, :], 255, clean[max(0, y0 - 2) : y1 + 3, :])
    for x0, x1 in cols:
        clean[:, max(0, x0 - 2) : x1 + 3] = np.where(ink[:, max(0, x0 - 2) : x1 + 3], 255, clean[:, max(0, x0 - 2) : x1 + 3])
    words = [_to_points(w, scale) for w in tesseract_words(path, clean, number)]
    tables = []
    table = _table(clean, rows, cols, words, number, scale, path)
    if table is not None:
        tables.append(table)
        words = [w for w in words if not _inside(w, table.bbox)]
    lines = _word_lines(words)
    return PageContent(number, tables, lines, scanned=True)


def ruling_lines(ink: np.ndarray) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Given an ink mask, return a table's horizontal and vertical rules as (first, last) pixel bands.

    Vertical rules first (long vertical runs); then the horizontal rules that span at
    least half of the width between the outer vertical rules (a title's underline does not).
    """
    height, width = ink.shape
    cols = _bands(np.nonzero(_longest_runs(ink.T) >= V_RUN * height)[0])
    span = (cols[-1][1] - cols[0][0]) if len(cols) >= 2 else width
    rows = _bands(np.nonzero(_longest_runs(ink) >= max(H_RUN * width, 0.5 * span))[0])
    return rows, cols


def _longest_runs(mask: np.ndarray) -> np.ndarray:
    """Given a 2-D boolean mask, return the longest run of True in each row."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    step = np.diff(padded, axis=1)
    starts = np.argwhere(step == 1)
    ends = np.argwhere(step == -1)
    longest = np.zeros(mask.shape[0], dtype=np.int64)
    if len(starts):
        np.maximum.at(longest, starts[:, 0], ends[:, 1] - starts[:, 1])
    return longest


def _bands(indices: np.ndarray) -> list[tuple[int, int]]:
    """Given sorted pixel indices, return runs of neighbours as (first, last)."""
    bands: list[list[int]] = []
    for i in indices.tolist():
        if bands and i - bands[-1][1] <= 2:
            bands[-1][1] = i
        else:
            bands.append([i, i])
    return [(a, b) for a, b in bands]


def cell_boxes(ink: np.ndarray, ys: list[int], xs: list[int]) -> list[tuple[int, int, int, int]]:
    """Given the rule positions, return the cells (x0, top, x1, bottom): slots not separated by a rule are one."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _drawn(ink[ys[r] + 3 : ys[r + 1] - 2, xs[c + 1] - 2 : xs[c + 1] + 3], axis=1):
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not _drawn(ink[ys[r + 1] - 2 : ys[r + 1] + 3, xs[c] + 3 : xs[c + 1] - 2], axis=0):
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    boxes = []
    for slots in groups.values():
        r0, r1 = min(r for r, _ in slots), max(r for r, _ in slots)
        c0, c1 = min(c for _, c in slots), max(c for _, c in slots)
        boxes.append((xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
    return boxes


def _drawn(strip: np.ndarray, axis: int) -> bool:
    """Say whether a thin strip along a cell edge is inked over most of its length."""
    if strip.size == 0:
        return True
    return float(strip.any(axis=axis).mean()) >= SEPARATOR


def _table(image, rows, cols, words, number, scale, path):
    """Return the page's ruled table as a PageTable in PDF points, or None without a grid."""
    if len(rows) < 2 or len(cols) < 3:
        return None
    ys = [(a + b) // 2 for a, b in rows]
    xs = [(a + b) // 2 for a, b in cols]
    pixel_boxes = cell_boxes(_ink_with_rules(image, rows, cols), ys, xs)
    boxes = [tuple(v * scale for v in box) for box in pixel_boxes]
    slots = cells_.table_slots(boxes)
    per_cell: list[list[dict]] = [[] for _ in slots.cells]
    for w in words:
        k = slots.cell_at((w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2)
        if k is not None:
            per_cell[k].append(w)
    texts = []
    for box, ws in zip(slots.cells, per_cell, strict=True):
        lines = _word_lines(ws)
        texts.append(cells_.join_lines(lines, box[0] + DEFAULT_PAD, box[2] - DEFAULT_PAD))
    short = [k for k, text in enumerate(texts) if len(text) <= SHORT and _has_ink(image, pixel_boxes[k])]
    for k, text in zip(short, read_cells(path, image, [pixel_boxes[k] for k in short], number), strict=True):
        texts[k] = text or texts[k]
    kept = [owners for owners in slots.owner if any(isinstance(o, int) for o in owners)]
    table_rows = [[texts[o] if isinstance(o, int) else o for o in owners] for owners in kept]
    bbox = (xs[0] * scale, ys[0] * scale, xs[-1] * scale, ys[-1] * scale)
    return PageTable(number, bbox, slots.xs, table_rows, kind="ocr", spans=[cells_.row_spans(o) for o in kept])


def _ink_with_rules(image: np.ndarray, rows, cols) -> np.ndarray:
    """Return the ink mask of the page with its rules drawn back (they were erased before OCR)."""
    ink = image < INK
    for y0, y1 in rows:
        ink[y0 : y1 + 1, :] |= True
    for x0, x1 in cols:
        ink[:, x0 : x1 + 1] |= True
    return ink


def _has_ink(image: np.ndarray, box) -> bool:
    x0, top, x1, bottom = box
    return int((image[top + 4 : bottom - 3, x0 + 4 : x1 - 3] < INK).sum()) > 30


def read_cells(path: Path, image: np.ndarray, boxes: list, number: int) -> list[str]:
    """Given cell boxes, return each cell's text from one Tesseract run over their crops stacked.

    Page layout analysis drops a lone "1" or "IV" in a narrow STT column; stacked one under
    another, with blank space between, each crop is read as a line of a block (psm 6), by
    the English model, whose language model does not turn a lone "2" into "z".
    """
    if not boxes:
        return []
    crops = [_ink_crop(image, box) for box in boxes]
    gap = 40
    width = max(c.shape[1] for c in crops) + 2 * gap
    height = sum(c.shape[0] + gap for c in crops) + gap
    sheet = np.full((height, width), 255, dtype=np.uint8)
    spans, y = [], gap
    for crop in crops:
        sheet[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
        spans.append((y - gap // 2, y + crop.shape[0] + gap // 2))
        y += crop.shape[0] + gap
    words = tesseract_words(path, sheet, number, psm="6", lang=SHORT_LANG)
    out = []
    for top, bottom in spans:
        inside = [w for w in words if top <= (w["top"] + w["bottom"]) / 2 < bottom]
        out.append(nfc(" ".join(w["text"] for w in sorted(inside, key=lambda w: (w["top"], w["x0"])))))
    return out


def _ink_crop(image: np.ndarray, box) -> np.ndarray:
    """Return the part of a cell that holds ink, inside its rules."""
    x0, top, x1, bottom = box
    inner = image[top + 4 : bottom - 3, x0 + 4 : x1 - 3]
    ys, xs = np.nonzero(inner < INK)
    if not len(ys):
        return inner[:1, :1]
    return inner[max(0, ys.min() - 6) : ys.max() + 7, max(0, xs.min() - 6) : xs.max() + 7]


def tesseract_words(path: Path, image: np.ndarray, number: int, psm: str = PSM, lang: str = LANG) -> list[dict]:
    """Given a page image, return Tesseract's words: text, box in pixels, line key, confidence."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="cchc-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        Image.fromarray(image).save(png, dpi=(DPI, DPI))
        try:
            done = subprocess.run(["tesseract", str(png), "stdout", "-l", lang, "--psm", psm, "tsv"],
                                  capture_output=True, text=True, timeout=OCR_TIMEOUT, check=True)
        except (OSError, subprocess.SubprocessError) as exc:
            raise NoTextLayer(path, f"no text layer, and OCR failed ({type(exc).__name__})", page=number) from None
    words = []
    for row in csv.DictReader(io.StringIO(done.stdout), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if not text or float(row.get("conf") or -1) < MIN_CONFIDENCE:
            continue
        left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        words.append({"text": text, "x0": left, "x1": left + width, "top": top, "bottom": top + height,
                      "line": key})
    return words


def _to_points(word: dict, scale: float) -> dict:
    out = dict(word)
    for k in ("x0", "x1", "top", "bottom"):
        out[k] = word[k] * scale
    out["size"] = (word["bottom"] - word["top"]) * scale
    return out


def _inside(word: dict, bbox) -> bool:
    x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _word_lines(words: list[dict]) -> list[cells_.Line]:
    """Given OCR words, return their lines (Tesseract's own line grouping), top to bottom."""
    by_line: dict[tuple, list[dict]] = {}
    for w in words:
        by_line.setdefault(w["line"], []).append(w)
    lines = []
    for ws in by_line.values():
        ws.sort(key=lambda w: w["x0"])
        size = sorted(w["size"] for w in ws)[len(ws) // 2]
        text = nfc(" ".join(w["text"] for w in ws))
        first = ws[0]["x1"] - ws[0]["x0"]
        lines.append(cells_.Line(text, ws[0]["x0"], max(w["x1"] for w in ws), min(w["top"] for w in ws),
                                 max(w["bottom"] for w in ws), max(size, 1.0) * 1.4, first, False))
    return sorted(lines, key=lambda ln: (ln.top, ln.x0))
