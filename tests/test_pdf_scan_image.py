"""Cleaning a scanned page image: colour inks out, paper flat, skew and sideways pages found (no Tesseract needed)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

cv2 = pytest.importorskip("cv2")

from parsers.pdf.scan import image  # noqa: E402

DPI = 150


def table_page(width: int = 1200, height: int = 800, paper: int = 255) -> np.ndarray:
    """Return a grey page with a ruled table of 4 × 6 cells, each holding two lines of text."""
    page = np.full((height, width), paper, np.uint8)
    xs, ys = [100, 300, 550, 800, 1100], [100, 200, 300, 400, 500, 600, 700]
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 2)
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 2)
    for r in range(len(ys) - 1):
        for c in range(len(xs) - 1):
            for k in range(2):
                cv2.putText(page, "Sở Tư pháp"[: 6 + k] if c else str(r + 1), (xs[c] + 12, ys[r] + 40 + 35 * k),
                            cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    return page


def turned(page: np.ndarray, degrees: float, paper: int = 255) -> np.ndarray:
    height, width = page.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(page, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=paper)


@settings(max_examples=12, deadline=None)
@given(st.floats(min_value=-4.5, max_value=4.5))
def test_skew_is_measured_within_a_tenth_of_a_degree(degrees):
    ink = image.ink_mask(turned(table_page(), degrees))
    assert image.skew_angle(ink) == pytest.approx(degrees, abs=0.1)


def test_a_straightened_page_has_level_rules():
    page = turned(table_page(), 1.7)
    angle = image.skew_angle(image.ink_mask(page))
    level = image.ink_mask(image.straighten(page, angle))
    rows = level[:, 150:1050].sum(axis=1)
    # the top rule lies within a band of a few pixels again (turned 1.7°, it spread over ~27)
    assert np.count_nonzero(rows[80:120] > 0.6 * 900) >= 1


@pytest.mark.parametrize("quarters", [1, 3])
def test_a_sideways_page_is_seen_as_sideways(quarters):
    ink = image.ink_mask(np.rot90(table_page(), quarters).copy())
    assert image.quarter_turns(ink) == 1
    assert image.quarter_turns(image.ink_mask(table_page())) == 0


def test_red_seal_and_blue_signature_go_black_print_under_them_stays():
    grey = table_page()
    rgb = np.dstack([grey, grey, grey]).astype(np.float32)
    seal = np.zeros(grey.shape, bool)
    cv2.circle(seal.view(np.uint8), (420, 350), 90, 1, 14)
    signature = np.zeros(grey.shape, bool)
    cv2.line(signature.view(np.uint8), (820, 420), (1050, 470), 1, 5)
    rgb[seal] *= np.array([0.8, 0.15, 0.18])          # red ink multiplies what is under it
    rgb[signature] *= np.array([0.12, 0.22, 0.65])
    out = image.drop_colour_ink(rgb.astype(np.uint8))
    print_under_seal = seal & (grey < 60)
    only_seal = seal & (grey > 200)
    assert print_under_seal.any() and only_seal.any()
    assert out[print_under_seal].mean() < 80, "black print under the seal stays black"
    assert out[only_seal].mean() > 200 and out[signature & (grey > 200)].mean() > 200


def test_grey_uneven_paper_is_made_white_and_print_stays_dark():
    page = table_page(paper=255).astype(np.float32)
    lamp = np.linspace(0.7, 0.9, page.shape[1], dtype=np.float32)[None, :]
    grey = (page * lamp).astype(np.uint8)
    flat = image.flatten(grey, DPI)
    paper = table_page() == 255
    assert np.percentile(flat[paper], 10) > 235
    assert flat[~paper].mean() < 90


def test_specks_are_not_ink_but_a_dot_is():
    page = np.full((200, 200), 255, np.uint8)
    page[50, 50] = 0                                   # one-pixel speck
    cv2.circle(page, (120, 120), 3, 0, -1)             # the dot of "ạ" at 150 dpi
    ink = image.ink_mask(page)
    assert not ink[50, 50] and ink[120, 120]


def test_clean_page_turns_a_sideways_page_and_straightens_it():
    page = turned(table_page(), -1.2)
    sideways = np.rot90(page, 1).copy()
    rgb = np.dstack([sideways] * 3)
    cleaned = image.clean_page(rgb, DPI)
    assert cleaned.turns in (1, 3) and cleaned.grey.shape == page.shape
    assert abs(abs(cleaned.angle) - 1.2) < 0.15
