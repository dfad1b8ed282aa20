"""The two errors of every importer: a row that cannot be imported, a file that cannot be read.

They live in `renkei.core.files` (shared with the indicators' importers); the directory's names stay here.
"""

from renkei.core.files import FileError, RowError

__all__ = ["FileError", "RowError"]
