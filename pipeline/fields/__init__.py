"""Fields: a raw task row's cell texts → typed fields; a parsed file's header → document metadata.

In: `pipeline.rows.raw.RawTask` and `parsers.grid.ParsedFile`. Out: `schemas.models.TaskRow`
and the metadata of a `PlanDocument`. Read `normalize.py` first (`task_row`), then the readers
it calls: `deadlines.py` (thời gian), `budgets.py` (kinh phí), `agencies/` (chủ trì, phối hợp);
`metadata.py` reads the header block (`letterhead.py`: who issued it), `sidecar.py` the
`<file>.meta.toml` beside a plan.
"""
