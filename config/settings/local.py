"""The embedded default: no environment needed. SQLite in var/, console e-mail,
filesystem Celery broker with a real worker started by `make run`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Only for a developer's machine; production refuses to start without its own.
SECRET_KEY = env("SECRET_KEY", default="insecure-embedded-default-key-do-not-deploy")
EMBEDDED_DEMO = True
