"""The parser version: stamped on every document and in the manifest.

Bump it when the rows a file gives may change, so the next nightly run reads every file again. It lives
apart from pipeline.batch.process so that a run with nothing to read (a no-change night) never imports the
parsers to learn it.
"""
PARSER_VERSION = "0.3.1"
