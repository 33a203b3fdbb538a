"""Readers that turn a report file into pages of lines (plain data, no NLP)."""

from ingest.errors import IngestError
from ingest.model import Line, Page, RawDocument
from ingest.read import read_document

__all__ = ["IngestError", "Line", "Page", "RawDocument", "read_document"]
