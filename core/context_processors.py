from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Sections of the portal in navigation order. A section appears once its app
# provides the named page, so the menu never points at a page that is missing.
NAVIGATION = [
    ("plans", _("Plans"), "planning:plan_list"),
    ("indicators", _("Indicators"), "indicators:list"),
    ("meetings", _("Meetings"), "meetings:list"),
    ("projects", _("Projects"), "projects:list"),
    ("network", _("Social services"), "network:service_list"),
    ("reports", _("Reports"), "reports:list"),
    ("groups", _("Working groups"), "directory:group_list"),
    ("organisations", _("Organisations"), "directory:organisation_list"),
    ("data", _("Open data"), "core:data_catalogue"),
]


def _navigation(path):
    items = []
    for key, label, url_name in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"key": key, "label": label, "url": url, "current": path.startswith(url)})
    return items


def portal(request):
    return {
        "navigation": _navigation(request.path),
        "embedded_demo": getattr(settings, "EMBEDDED_DEMO", False),
    }
