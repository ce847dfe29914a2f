"""The standard tables of a disclosure (收支总表 … 三公经费表), recognised by title and header, as typed rows."""

from kg.tables.model import Amount, SideLine, StdTable, TRow
from kg.tables.read import read_tables, tables_of_text

__all__ = ["Amount", "SideLine", "StdTable", "TRow", "read_tables", "tables_of_text"]
