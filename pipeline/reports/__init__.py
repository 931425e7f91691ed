"""Reports: the database's marts → what an analyst hands on: an Excel workbook, CSV files, an HTML page.

In: `data/cchc.duckdb` (opened read-only). Out: one .xlsx (or a set of .csv) and one .html per
framework. Read `data.py` first (every number, read from the marts into one dict per framework),
then `tables.py` (the tables with their Vietnamese headers), `workbook.py` and `html.py`
(`report.html` is the page's template: styles and script inside, nothing fetched).
"""
