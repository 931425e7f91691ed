"""Schemas: the pydantic models of every table, the Parquet schemas derived from them, and the
vocabulary data files (header synonyms, areas, agencies, provinces, alignment word lists).

The floor below everything: it imports nothing of the project.
"""
