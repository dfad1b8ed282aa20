"""The database's index on `Facility.search_text`, which the name search uses for terms of 3+ characters.

PostgreSQL: a GIN trigram index (pg_trgm) on the column itself; `LIKE '%term%'` and the loose-kana regex
use it directly. pg_trgm extracts trigrams from Japanese under the C.UTF-8 and ja_JP.UTF-8 locales
(`show_trgm('山田医院')` gives five), so kanji, kana and romaji all use it.

SQLite: an FTS5 table with the trigram tokenizer, external content (it stores only the index, not a second
copy of the text), kept in step with `directory_facility` by triggers — so every write path (save, bulk
create, bulk update, `QuerySet.update`, raw SQL in the importer, cascaded deletes) updates it. The search
asks the index for candidate ids and still checks `search_text LIKE` on them, so the hits are exactly those
of a full scan.

SQLite rebuilds a table when a migration alters it, which drops its triggers; `ensure_name_index` runs after
every `migrate` (post_migrate) and puts them back, rebuilding the index when they were missing.
"""

from __future__ import annotations

FTS_TABLE = "directory_facility_name_index"
# The triggers name the table literally (FTS_TABLE).
TRIGGERS = {
    "directory_facility_name_index_insert": """
        CREATE TRIGGER IF NOT EXISTS directory_facility_name_index_insert AFTER INSERT ON directory_facility
        BEGIN
            INSERT INTO directory_facility_name_index(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "directory_facility_name_index_delete": """
        CREATE TRIGGER IF NOT EXISTS directory_facility_name_index_delete AFTER DELETE ON directory_facility
        BEGIN
            INSERT INTO directory_facility_name_index(directory_facility_name_index, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        END""",
    "directory_facility_name_index_update": """
        CREATE TRIGGER IF NOT EXISTS directory_facility_name_index_update
        AFTER UPDATE OF id, search_text ON directory_facility
        BEGIN
            INSERT INTO directory_facility_name_index(directory_facility_name_index, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
            INSERT INTO directory_facility_name_index(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}
PG_INDEX = "directory_facility_search_text_trgm"
# SQLite only: the result list's kana order (`search.KANA_ORDER`) with search_text, so a frequent word or
# character finds its first page by walking it, and a term too short for trigrams is scanned in this narrow
# index rather than in the table. PostgreSQL has none: an entry there is limited to about 2,700 bytes (a
# long search_text could pass it), and without search_text a walk reads a table row per entry, which was
# measured slower than its top-N sort of the hits.
ORDER_INDEX = "directory_facility_name_order"
ORDER_INDEX_SQL = {
    "sqlite": f"CREATE INDEX IF NOT EXISTS {ORDER_INDEX} ON directory_facility "
              "(status, (kana = ''), kana, name, id, search_text)",
}


def ensure_name_index(connection) -> None:
    """Create the name index (and on SQLite its triggers) when missing; idempotent."""
    with connection.cursor() as cursor:
        if connection.vendor in ORDER_INDEX_SQL:
            cursor.execute(ORDER_INDEX_SQL[connection.vendor])
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON directory_facility "
                           "USING gin (search_text gin_trgm_ops)")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
                           [f"{FTS_TABLE}%"])
            present = {row[0] for row in cursor.fetchall()}
            if present >= {FTS_TABLE, *TRIGGERS}:
                return
            cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_text, "
                           "content='directory_facility', content_rowid='id', tokenize='trigram')")
            for sql in TRIGGERS.values():
                cursor.execute(sql)
            # The rows written while the triggers were missing (or all of them, the first time).
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608


def drop_name_index(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {ORDER_INDEX}")
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        elif connection.vendor == "sqlite":
            for name in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
