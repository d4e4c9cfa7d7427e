import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.settings")
application = get_wsgi_application()

from tipline.triage import language  # noqa: E402 - needs the settings above

language.load()  # before a server forks its workers, so no submission waits for it
