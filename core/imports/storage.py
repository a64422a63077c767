"""The previewed file between preview and confirm: MEDIA_ROOT/imports/<id>.xlsx,
outside every served path, readable only by the portal's user."""

import logging
import os
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


def _path(pk):
    return Path(settings.MEDIA_ROOT) / "imports" / f"{pk.hex}.xlsx"


def keep(pk, content):
    path = _path(pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def read(pk):
    try:
        return _path(pk).read_bytes()
    except OSError:
        return None


def remove(pk):
    try:
        _path(pk).unlink(missing_ok=True)
    except OSError:  # pragma: no cover - nothing to do about it now
        logger.warning("could not remove the file of pending import %s", pk)
