"""Scanned PDF pages read by OCR: page images → the same PageContent the text layer gives.

In: a PDF's scanned pages (their numbers). Out: each page's `parsers.pdf.content.PageContent`
(ruled tables as `PageTable`s of kind "ocr", with cell boxes and OCR confidence per row; the
text outside them as lines), ready for `parsers.pdf.stitch`. Read `pages.py` first (render,
read pages side by side, carry a table's header and columns over pages), then `page.py` (one
page), `image.py` (cleaning), `rules.py` (ruling lines → cells), `words.py` (OCR words →
cell text), `tesseract.py` (the program). Needs OpenCV and the `tesseract` program.
"""
