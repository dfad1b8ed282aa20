import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.settings.local")
application = get_wsgi_application()
# Import every view now, while the worker starts, instead of during its first request (about 0.9 s of
# imports: the URL configuration pulls in numpy, scipy and shapely through the directory's views).
get_resolver().url_patterns  # noqa: B018  (the access imports the URL configuration)
