import logging
import sys

from django.db import InterfaceError, OperationalError, close_old_connections
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger("portal.errors")


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors and no database: the failure may be in either.
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        # The database is restarting or unreachable: say so, and drop the
        # broken connection so that the next request reconnects by itself.
        logger.error("database unavailable: %s", type(exception).__name__)
        close_old_connections()
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
