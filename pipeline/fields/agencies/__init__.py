"""Agencies: chủ trì / phối hợp cells → canonical agency names, collectives kept as groups.

In: a cell's text. Out: `AgencyList` (each `Agency` canonical or flagged unknown, with its
role qualifier). Read `matcher.py` first (`parse_agencies`, `covers`), then `dictionary.py`
(loading schemas/agencies.toml, the names for the database).
"""
from pipeline.fields.agencies.dictionary import KINDS, LEVELS, agency_table, group_table
from pipeline.fields.agencies.matcher import Agency, AgencyList, covers, parse_agencies, split_agencies

__all__ = ["KINDS", "LEVELS", "Agency", "AgencyList", "agency_table", "covers", "group_table", "parse_agencies",
           "split_agencies"]
