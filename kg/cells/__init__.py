"""Step one of every reader: text or a native file → rows of :class:`Cell` with their locations."""

from kg.cells.model import Cell, Row

__all__ = ["Cell", "Row"]
