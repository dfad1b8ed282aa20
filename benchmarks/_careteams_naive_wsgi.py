"""Renkei served with the naive per-object membership checks (`_careteams_naive`): the pages' baseline server."""

import _careteams_naive

from renkei.wsgi import application  # noqa: F401 (gunicorn serves it)

_careteams_naive.install()  # after renkei.wsgi set Django up
