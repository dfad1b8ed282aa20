"""How much one upload may hold: file size, rows, columns, cells, and how long a kept upload waits.

The limits live in `renkei.core.files` (every app's readers count against the same ones); the directory's
names stay here. Overridden by settings.RENKEI_UPLOAD_LIMITS.
"""

from renkei.core.files import (
    MB,
    RowCounter,
    UploadLimits,
    too_deep,
    too_large,
    too_large_unpacked,
    too_many_cells,
    too_many_columns,
    too_many_rows,
    upload_limits,
)

__all__ = ["MB", "RowCounter", "UploadLimits", "too_deep", "too_large", "too_large_unpacked", "too_many_cells",
           "too_many_columns", "too_many_rows", "upload_limits"]
