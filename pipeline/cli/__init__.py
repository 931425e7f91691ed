"""The command line: `cchc ingest` (the batch), `cchc parse FILE` (one file's rows, nothing written).

In: arguments. Out: report lines and the exit code of `pipeline.batch.run`. Read `main.py` first;
`report.py` words what a run did.
"""
