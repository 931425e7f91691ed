"""The batch: a folder of plan files → committed Parquet snapshots and a database that points at them.

In: `data/raw`. Out: `data/normalized/` (snapshots, manifest, run log) and `data/cchc.duckdb`.
Read `run.py` first (`ingest`, `run`: lock → plan → parse → assemble → commit → views → log),
then `process.py` (one file through parser → rows → fields), `plan.py` and `manifest.py` (what
to read again), `workers.py` (parsing in walled worker processes: `pool.py`, `wall.py`, `items.py`),
`assemble.py`, `store.py` (snapshots and the atomic commit), `lock.py`, `runlog.py`.
"""
