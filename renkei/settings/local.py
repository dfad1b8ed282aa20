"""The embedded default: SQLite in ./var, DEBUG on, for `make demo` and development."""

import os

from .base import *  # noqa: F403
from .base import DATA_DIR

DEBUG = os.environ.get("RENKEI_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# A development key only when none is in the environment; production.py refuses to start without one.
SECRET_KEY = os.environ.get("RENKEI_SECRET_KEY") or "renkei-local-development-key-not-for-production"
DATA_DIR.mkdir(parents=True, exist_ok=True)
