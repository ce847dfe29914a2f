"""perfkg: typed records, store and graph over Chinese budget disclosures."""

from kg.errors import PerfkgError
from kg.extract import extract_file, extract_source
from kg.model import Document, Indicator, Project

__all__ = ["Document", "Indicator", "PerfkgError", "Project", "extract_file", "extract_source"]
