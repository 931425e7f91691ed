"""Text utilities every step shares: Unicode NFC, accent folding, HTML remnants, roman numerals,
and the legacy Vietnamese 8-bit encodings (TCVN3, VNI). The lowest floor: it imports nothing of the project.

Read `clean.py` first; `legacy.py` converts and detects TCVN3/VNI text with the tables of `legacy_tables.py`.
"""
