"""The pipeline above the parsers: rows → fields → the batch (Parquet snapshots) → the database → the CLI.

`rows/` turns a parser's grids into task rows, `fields/` types them, `batch/` runs a folder
(incremental, parallel, locked, committed atomically), `database/` builds the DuckDB views of
`sql/`, `cli/` is `cchc`. ARCHITECTURE.md has the map.
"""
