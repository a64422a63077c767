"""Nothing of one city in code: the city's name comes from the City row
(directory.City), set for the demo from fixtures/seed_city.json. No code,
template, catalogue, stylesheet, script, document or set-up file names
Ostrava, in any grammatical case; only the demo fixtures, the seed modules
that load them, tests, benchmarks, migrations and the README (which
introduces the demo) may."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SUFFIXES = {".py", ".html", ".txt", ".js", ".po", ".css", ".svg", ".jsonld", ".md", ".sh",
            ".yml", ".toml", ".json", ""}
APPS = ["core", "accounts", "notifications", "directory", "planning", "indicators", "projects",
        "network", "rounds", "meetings", "reports"]
SEARCHED = [*APPS, "templates", "config", "locale", "static", "docs", "scripts", "docker",
            ".ci"]
ROOT_FILES = ["Makefile", "Dockerfile", "docker-compose.yml", "pyproject.toml", ".env.example",
              "manage.py"]
# The demo's own data and the modules that load it into the portal.
EXCLUDED_DIRS = {"fixtures", "tests", "bench", "migrations", "__pycache__"}
SEED_MODULES = {f"{app}/seed.py" for app in APPS} | {"core/seeding.py", "reports/demo.py"}
CITY = re.compile(r"ostrav", re.IGNORECASE)  # Ostrava, Ostravy, Ostravě, ostravský …


def _files():
    for name in ROOT_FILES:
        yield ROOT / name, Path(name)
    for top in SEARCHED:
        for path in sorted((ROOT / top).rglob("*")):
            relative = path.relative_to(ROOT)
            if (path.suffix in SUFFIXES and path.is_file()
                    and not EXCLUDED_DIRS & set(relative.parts)
                    and relative.as_posix() not in SEED_MODULES):
                yield path, relative


def test_the_search_covers_the_code_templates_and_catalogues():
    searched = {relative.as_posix() for _, relative in _files()}
    for expected in ("core/context_processors.py", "templates/base.html",
                     "templates/core/home.html", "meetings/ical.py", "config/settings/base.py",
                     "locale/cs/LC_MESSAGES/django.po", "indicators/models.py",
                     "directory/locale/cs/LC_MESSAGES/django.po", "static/css/portal.css",
                     "static/js/portal.js", "static/favicon.svg", "docs/deployment.md",
                     "scripts/run.sh", "pyproject.toml", "Makefile", ".ci/run"):
        assert expected in searched
    assert "indicators/seed.py" not in searched


def test_no_city_name_in_code_templates_or_catalogues():
    found = []
    for path, relative in _files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if CITY.search(line):
                found.append(f"{relative}:{number}: {line.strip()[:100]}")
    assert not found, "A city's name in code (make it data):\n" + "\n".join(found)
