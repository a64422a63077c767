"""What the portal writes to its log on an everyday refusal, and what the
embedded default's Celery set-up says at start."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def emitted(monkeypatch):
    """Every (handler, formatted text) a stream handler writes."""
    lines = []

    def emit(self, record):
        if not type(self).__module__.startswith("_pytest"):  # pytest's capture
            lines.append((self, self.format(record)))

    monkeypatch.setattr(logging.StreamHandler, "emit", emit)
    return lines


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_a_403_is_one_line_without_a_traceback(client, django_user_model, emitted):
    client.force_login(django_user_model.objects.create_user("someone", password="x"))
    response = client.get(reverse("directory:accessibility_gap_list"))  # officers only
    assert response.status_code == 403
    refusals = [text for _handler, text in emitted if "Forbidden" in text]
    assert len(refusals) == 1, refusals  # Django's DEBUG console handler printed it again
    assert "Traceback" not in refusals[0]
    assert "\n" not in refusals[0]


def test_an_error_keeps_its_traceback(emitted):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("django.request").error("Internal Server Error: /x/", exc_info=True,
                                                  extra={"status_code": 500})
    assert any("Traceback" in text for _handler, text in emitted)


def test_the_embedded_broker_names_a_host():
    """kombu warns "No hostname was supplied" for `filesystem://` at every start."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    code = ("import django; django.setup()\n"
            "from config.celery import app\n"
            "conn = app.connection_for_write(); conn._info(); print(conn.as_uri())\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,  # noqa: S603
                            capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.startswith("filesystem://")
    assert "No hostname" not in result.stderr + result.stdout
