"""The database: the DuckDB file whose views (sql/) read the Parquet snapshot, and the alignment's scoring.

In: the Parquet folder. Out: `data/cchc.duckdb`. Read `build.py` first (views applied layer by
layer: sources, staging, intermediate, marts); `scoring.py` scores the `alignment` mart against
gold labels. SQL knows nothing of file formats: it reads only the tables.
"""
