"""Clean a scanned page image before it is read: colour inks out, paper flat, ink mask, upright and straight.

drop_colour_ink (a red seal or a blue signature has chroma, black print has none, and
black print under a seal stays dark in every channel: coloured pixels become paper) → flatten (the paper's grey and an uneven lamp divided out) → ink_mask (Otsu on
the flat page, specks dropped) → skew_angle (the angle at which the ink's rows, from the
table's rules and the text lines alike, project sharpest) → straighten. `quarter_turns`
says whether the ink runs up the page (a page put on the glass sideways).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SKEW = 5.0               # degrees: the widest skew looked for
SKEW_STEPS = (0.5, 0.1, 0.02)  # degrees: the skew is searched at these steps, each around the best of the last
FINE_STEP = SKEW_STEPS[-1]
SIDEWAYS = 1.3               # a page is sideways when its profile over columns is this much sharper than over rows
SKEW_WIDTH = 900             # pixels: the page is shrunk to about this size (its longer side) to measure skew
CHROMA = (12, 40)            # max − min of a pixel's channels: below, grey print; above, coloured ink
# a coloured pixel's brightest channel, by which channel that is: below the first value, black
# print under the ink; above the second, the ink alone. A red seal is bright in red (a thin
# blurred rule under it is not); blue ink is darker in its own channel.
PRINT_UNDER = {0: (130, 190), 1: (60, 110), 2: (60, 110)}


@dataclass
class Cleaned:
    """A page ready to read: the flat grey image, its ink mask, and what was done to it."""

    grey: np.ndarray             # uint8, paper 255
    ink: np.ndarray              # bool
    dpi: int
    angle: float = 0.0           # degrees the page was turned back by (anticlockwise positive)
    turns: int = 0               # quarter turns applied (anticlockwise) before that


def drop_colour_ink(rgb: np.ndarray) -> np.ndarray:
    """Given an RGB page, return it grey with coloured ink (seals, signatures) taken as paper."""
    import cv2

    r, g, b = cv2.split(rgb)
    top, low = cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b)
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    # how coloured each pixel is (0–255), spread one pixel so a blurred stroke's fringe goes too
    weight = cv2.convertScaleAbs(cv2.subtract(cv2.subtract(top, low), CHROMA[0]), alpha=255 / (CHROMA[1] - CHROMA[0]))
    weight = cv2.dilate(weight, np.ones((3, 3), np.uint8))
    coloured = weight > 0
    if not coloured.any():
        return grey
    # only the coloured pixels (a seal, a signature: a small share of a page) are worked on
    pixels = rgb[coloured]
    top_c = top[coloured].astype(np.float32)
    colour = weight[coloured].astype(np.float32) / 255.0
    channel = pixels.argmax(axis=1)
    bounds = np.array([PRINT_UNDER[c] for c in range(3)], dtype=np.float32)[channel]
    lift = np.clip((top_c - bounds[:, 0]) / (bounds[:, 1] - bounds[:, 0]), 0.0, 1.0)
    paper = float(np.percentile(grey[::8, ::8], 90))
    lifted = top_c + lift * (np.maximum(paper, top_c) - top_c)
    grey_c = grey[coloured].astype(np.float32)
    grey[coloured] = (grey_c + colour * (lifted - grey_c)).astype(np.uint8)
    return grey


def flatten(grey: np.ndarray, dpi: int) -> np.ndarray:
    """Given a grey page, return it with the paper made white: the page divided by its own background."""
    import cv2

    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    size = max(3, int(dpi * 0.25 * 0.12) | 1)          # wider than a stroke (about 3 mm)
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    paper = cv2.medianBlur(paper, 5)
    paper = cv2.resize(paper, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(grey, np.maximum(paper, 1), scale=255)
    return flat


def ink_mask(flat: np.ndarray) -> np.ndarray:
    """Given a flat page, return its ink (Otsu's threshold), without lone pixels of noise."""
    import cv2

    _, binary = cv2.threshold(flat, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # a pixel with no inked neighbour is noise: even the dot of "ạ" is several pixels at 150 dpi
    neighbours = cv2.filter2D(binary, cv2.CV_8U, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT)
    return (binary > 0) & (neighbours > 1)


def skew_angle(ink: np.ndarray) -> float:
    """Given an ink mask, return the skew in degrees (anticlockwise positive) that makes its rows sharpest.

    Searched coarse to fine: every half degree, then every tenth around the best, then
    every fiftieth.
    """
    ys, xs = _ink_points(ink)
    if len(ys) < 100:
        return 0.0
    best, span = 0.0, MAX_SKEW
    for step in SKEW_STEPS:
        angles = np.arange(best - span, best + span + 1e-9, step)
        best, span = float(max(angles, key=lambda a: _sharpness(ys, xs, a))), step
    return best


def quarter_turns(ink: np.ndarray) -> int:
    """Given an ink mask, return 1 when its lines run up the page (a sideways page), else 0.

    Text lines and rules make the ink's profile across them spiky, at the page's skew: the
    sharpest profile over rows is set against the sharpest over columns.
    """
    ys, xs = _ink_points(ink)
    if len(ys) < 100:
        return 0
    angles = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, SKEW_STEPS[0])
    across = max(_sharpness(ys, xs, a) for a in angles)
    up = max(_sharpness(xs, ys, a) for a in angles)
    return int(up > SIDEWAYS * across)


def _ink_points(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Given an ink mask, return the coordinates (y, x) of its ink on a grid about SKEW_WIDTH wide, centred."""
    step = max(1, max(ink.shape) // SKEW_WIDTH)
    ys, xs = np.nonzero(ink[::step, ::step])
    return ys - ys.mean() if len(ys) else ys.astype(float), xs - xs.mean() if len(xs) else xs.astype(float)


def _sharpness(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """Given ink points, return how spiky their profile over rows is when the page is turned by `angle`."""
    rows = np.round(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
    counts = np.bincount(rows - rows.min()).astype(np.float64)
    mean = counts.mean()
    return float(((counts - mean) ** 2).mean() / (mean * mean)) if mean > 0 else 0.0


def straighten(grey: np.ndarray, angle: float) -> np.ndarray:
    """Given a grey page and its skew, return it turned back (the corners filled with paper)."""
    import cv2

    if abs(angle) < FINE_STEP:
        return grey
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    return cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)


def turn(grey: np.ndarray, quarters: int) -> np.ndarray:
    """Given a grey page, return it turned by quarter turns anticlockwise."""
    return np.ascontiguousarray(np.rot90(grey, quarters)) if quarters % 4 else grey


def ink_only(page: Cleaned) -> np.ndarray:
    """Given a cleaned page, return its grey image with everything but the ink (and its soft edges) made paper.

    Tesseract reads the grey strokes better than a binarized page, but the paper's noise, a
    seal's faint outline or a speck confuse it on a small crop: those go.
    """
    import cv2

    near = cv2.dilate(page.ink.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return np.where(near, page.grey, 255).astype(np.uint8)


def clean_page(rgb: np.ndarray, dpi: int, quarters: int = 0) -> Cleaned:
    """Given a scanned page in RGB, return it flat, straight and upright with its ink mask.

    `quarters`: quarter turns to apply first (from OSD); without them a page whose lines run
    up the page is turned one quarter here.
    """
    flat = flatten(drop_colour_ink(rgb), dpi)
    if quarters:
        flat = turn(flat, quarters)
    rough = ink_mask(_shrunk(flat))              # orientation and skew are measured on a smaller page
    if not quarters and quarter_turns(rough):
        quarters, flat, rough = 1, turn(flat, 1), np.ascontiguousarray(np.rot90(rough, 1))
    angle = skew_angle(rough)
    if abs(angle) >= FINE_STEP:
        flat = straighten(flat, angle)
    return Cleaned(flat, ink_mask(flat), dpi, angle, quarters)


def _shrunk(grey: np.ndarray) -> np.ndarray:
    """Given a page, return it about SKEW_WIDTH pixels wide (the longer side), for measuring its lines."""
    import cv2

    factor = SKEW_WIDTH / max(grey.shape)
    return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else grey
