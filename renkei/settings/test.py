"""Settings for the test suite: fast hashing, in-memory mail."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "renkei-test-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Background jobs (coverage after imports) run in the test's own thread and transaction.
RENKEI_RUN_JOBS_INLINE = True
RENKEI_TASK_BACKEND = "immediate"
TASKS, RQ_QUEUES = task_settings("immediate")  # noqa: F405
