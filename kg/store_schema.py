"""The SQLite store's schema: record tables (one per record type, each with a doc_id column), the columns added
by later versions, and the lookup indexes trace / show read (see :mod:`kg.store`)."""

from __future__ import annotations

from kg.identity import LOCATIONS_INDEX, LOCATIONS_SQL

# 2: documents keyed by content (kg.identity), with a locations table; 3: funding lines gain recipient, doc_no
# (文号) and purpose, and a document's department-level funding lines (Document.funding) are rows with project_n -1;
# 4: every record row's location in its file's own terms (``loc``: page, sheet!cell …) beside its lines
SCHEMA_VERSION = 4
# Versions opened as they are when the store cannot be migrated (a read-only folder): what they lack reads empty.
READABLE_VERSIONS = (2, 3, 4)
DEPARTMENT_N = -1  # project_n of a department-level funding line

_PROV = "table_name TEXT, line_start INTEGER, line_end INTEGER, loc TEXT"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, extractor TEXT, source TEXT, layout TEXT, encoding TEXT,
    department TEXT, department_code TEXT, year INTEGER, doc_kind TEXT,
    total TEXT, basic TEXT, project TEXT, json TEXT NOT NULL);
-- doc_hashes() (every search's staleness check) reads this index, not the rows with their JSON
CREATE INDEX IF NOT EXISTS documents_hash ON documents (doc_id, sha256);
CREATE TABLE IF NOT EXISTS projects (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, name TEXT NOT NULL, aliases TEXT, code TEXT, amount TEXT,
    amount_text TEXT, function_code TEXT, econ_gov_code TEXT, econ_dept_code TEXT, category TEXT, owner TEXT,
    goal TEXT, seen_in TEXT, {_PROV}, {{project_eval}}, PRIMARY KEY (doc_id, n));
CREATE TABLE IF NOT EXISTS indicators (
    doc_id TEXT NOT NULL, project_n INTEGER NOT NULL, n INTEGER NOT NULL, l1 TEXT, l2 TEXT, l3 TEXT, op TEXT,
    value TEXT, unit TEXT, direction TEXT, text TEXT, link_method TEXT, confidence REAL, {_PROV},
    {{row_eval}}, PRIMARY KEY (doc_id, project_n, n));
CREATE TABLE IF NOT EXISTS funding_lines (
    doc_id TEXT NOT NULL, project_n INTEGER NOT NULL, n INTEGER NOT NULL, project TEXT, amount TEXT,
    amount_text TEXT, function_code TEXT, function_name TEXT, econ_gov_code TEXT, econ_gov_name TEXT,
    econ_dept_code TEXT, econ_dept_name TEXT, source TEXT, link_method TEXT, confidence REAL, {_PROV},
    recipient TEXT, doc_no TEXT, purpose TEXT, PRIMARY KEY (doc_id, project_n, n));
CREATE TABLE IF NOT EXISTS department_indicators (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, activity TEXT, project TEXT, l2 TEXT, l3 TEXT, op TEXT,
    value TEXT, unit TEXT, text TEXT, {_PROV}, {{row_eval}}, PRIMARY KEY (doc_id, n));
CREATE TABLE IF NOT EXISTS classifications (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, scheme TEXT NOT NULL, code TEXT NOT NULL, name TEXT, {_PROV},
    PRIMARY KEY (doc_id, n));
CREATE TABLE IF NOT EXISTS outcomes (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, key TEXT, amount TEXT, text TEXT, subject TEXT, note TEXT, {_PROV},
    PRIMARY KEY (doc_id, n));
CREATE TABLE IF NOT EXISTS warnings (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, kind TEXT, severity TEXT, message TEXT, line INTEGER,
    PRIMARY KEY (doc_id, n));
"""
# Columns of a self-evaluation (绩效自评表), added to schema version 1 (a store made before them gains them when
# it is next opened for writing): table → (column, SQL type).
EVAL_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "projects": (("evaluated", "INTEGER"), ("total_score", "TEXT"), ("implementing_unit", "TEXT"),
                 ("outcome", "TEXT"), ("funds_initial_budget", "TEXT"), ("funds_budget", "TEXT"),
                 ("funds_spent", "TEXT"), ("funds_weight", "TEXT"), ("funds_rate", "TEXT"), ("funds_score", "TEXT")),
    "indicators": (("actual", "TEXT"), ("weight", "TEXT"), ("score", "TEXT"), ("reason", "TEXT"), ("met", "INTEGER")),
    "department_indicators": (("actual", "TEXT"), ("weight", "TEXT"), ("score", "TEXT"), ("reason", "TEXT"),
                              ("met", "INTEGER")),
    "funding_lines": (("recipient", "TEXT"), ("doc_no", "TEXT"), ("purpose", "TEXT")),  # schema 3
}
# Columns later versions added, table → (column, SQL type): a store made before them gains them when it is next
# opened for writing (the self-evaluation columns; schema 3's funding columns; schema 4's ``loc``).
PROVENANCE_TABLES = ("projects", "indicators", "funding_lines", "department_indicators", "classifications", "outcomes")
ADDED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    t: EVAL_COLUMNS.get(t, ()) + (("loc", "TEXT"),) for t in PROVENANCE_TABLES}
SCHEMA += f"{LOCATIONS_SQL};\n{LOCATIONS_INDEX};\n"
ALIASES_GIVEN = "aliases != '[]'"  # a project with aliases (the column holds a JSON list)
# What trace / show look up by value (issue 16): the first name of a classification code, and exact texts. A
# store made before them gains them when it is next opened for writing; until then the lookups scan.
LOOKUP_INDEXES = (
    "CREATE INDEX IF NOT EXISTS classifications_code ON classifications (scheme, code, doc_id, n)",
    "CREATE INDEX IF NOT EXISTS documents_heads ON documents (doc_id, department, department_code, year, doc_kind, "
    "source)",
    "CREATE INDEX IF NOT EXISTS classifications_name ON classifications (name)",
    "CREATE INDEX IF NOT EXISTS projects_name ON projects (name)",
    "CREATE INDEX IF NOT EXISTS projects_code ON projects (code)",
    "CREATE INDEX IF NOT EXISTS indicators_l3 ON indicators (l3)",
    "CREATE INDEX IF NOT EXISTS indicators_text ON indicators (text)",
    "CREATE INDEX IF NOT EXISTS department_indicators_l3 ON department_indicators (l3)",
    "CREATE INDEX IF NOT EXISTS department_indicators_text ON department_indicators (text)",
    # the few projects with aliases (an exact alias is found by a scan of these alone); the classification names
    # funding lines state, by name (is a query a classification's name?) and by code (the first name of a code
    # no classification table names: class_names_of)
    f"CREATE INDEX IF NOT EXISTS projects_aliases ON projects (aliases) WHERE {ALIASES_GIVEN}",
    *(f"CREATE INDEX IF NOT EXISTS funding_lines_{s}_name ON funding_lines ({s}_name, {s}_code)" for s in
      ("function", "econ_gov", "econ_dept")),
    *(f"CREATE INDEX IF NOT EXISTS funding_lines_{s}_code ON funding_lines ({s}_code, doc_id, project_n, n, {s}_name) "
      f"WHERE {s}_name IS NOT NULL AND {s}_name != ''" for s in ("function", "econ_gov", "econ_dept")),
)
SCHEMA += "".join(f"{x};\n" for x in LOOKUP_INDEXES)
SCHEMA = SCHEMA.format(
    project_eval=", ".join(f"{c} {t}" for c, t in EVAL_COLUMNS["projects"]),
    row_eval=", ".join(f"{c} {t}" for c, t in EVAL_COLUMNS["indicators"]))
# Classification schemes: each record with codes has <scheme>_code (and funding lines <scheme>_name) columns.
CLASS_SCHEMES = ("function", "econ_gov", "econ_dept")
# Record tables in export order; each has a doc_id column.
RECORD_TABLES = ("documents", "projects", "indicators", "funding_lines", "department_indicators",
                 "classifications", "outcomes", "warnings")
