# One image for every role of the portal: web (gunicorn), Celery worker and
# Celery beat. docker-compose.yml picks the role with the command; see
# docs/deployment.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# WeasyPrint 70 (PDF reports) needs Pango with its FreeType backend and the
# HarfBuzz subsetter (as its docs list for Debian); DejaVu gives the PDFs a font
# with Czech diacritics. gettext provides msgfmt for compilemessages.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them: exactly
# the versions locked in requirements/runtime.txt, nothing for tests or lint.
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --no-cache-dir -r requirements/runtime.txt

COPY . .

# Translations, static files and the project's compiled modules are built
# into the image: PYTHONDONTWRITEBYTECODE keeps processes from writing .pyc
# files, so without them every gunicorn worker, Celery process and manage.py
# command would compile the project's code at start (pip compiled the
# packages). Production settings refuse to load without their secrets, so
# this one step gets dummy, build-only values; exported inside this RUN only,
# they are not part of the image's environment (nor of any later layer).
RUN export DJANGO_SETTINGS_MODULE=config.settings.production \
        SECRET_KEY=build-only-not-a-secret \
        ALLOWED_HOSTS=localhost \
        DATABASE_URL=postgres://build:build@localhost:5432/build \
        REDIS_URL=redis://localhost:6379/0 \
    && python manage.py compilemessages --ignore='var/*' -v0 \
    && python manage.py collectstatic --noinput -v0 \
    && python -m compileall -q -j 0 -x '/var/' /app

# Non-root at run time. The code stays owned by root (read-only for the app);
# only var/media (uploads and generated reports) and var/backups are writable.
# Creating them here with the right owner lets a fresh named volume mounted on
# them inherit that owner. The home directory is writable for tools that keep state there
# (gunicorn's control socket in ~/.gunicorn).
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid app --home-dir /home/app --create-home \
        --shell /usr/sbin/nologin app \
    && mkdir -p /app/var/media /app/var/backups \
    && chown app:app /app/var/media /app/var/backups \
    && chmod 0755 /app/docker/entrypoint.sh

# Not secrets: which settings module to use and where uploads go. manage.py and
# config/celery.py would otherwise default to the development settings.
ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/app/var/media

USER app

EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
# The timeout is set on purpose: nothing long runs inside a request (imports
# and reports are Celery jobs with a progress page), so a request still
# running after 30 s is a fault, and its worker is replaced rather than left
# to block the others (docs/deployment.md).
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--graceful-timeout", "30", "--access-logfile", "-"]
