"""The alignment's scores: department rows against their framework's nhiệm vụ, and versions of a plan row to row.

In: the tables and views of sql/ up to `int_row_terms` (the units and their terms, readable as SQL), in the
database being built (pipeline.database.build calls `refresh_alignment` right after them). Out: Parquet in the
current snapshot's `alignment/` folder (store.py) that the database loads as tables (`int_alignment_candidates`,
`int_version_pairs`, `int_reviews`), keyed per scope (one framework with its plans, or one pair of versions)
so that a scope whose inputs did not change is never computed again. Read `refresh.py` first; `weights.py`
holds the TF-IDF rules, `framework.py` the scores, `versions.py` the row-to-row pairing, `reviews.py` the
analysts' reviews file.
"""
from pipeline.database.alignment.inputs import LAST_INPUT
from pipeline.database.alignment.refresh import ALIGNMENT_VERSION, alignment_stamp, refresh_alignment
from pipeline.database.alignment.store import store_folder as alignment_folder

__all__ = ["ALIGNMENT_VERSION", "LAST_INPUT", "alignment_folder", "alignment_stamp", "refresh_alignment"]
