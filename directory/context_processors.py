"""The city in every page: its name in the header and `<title>`, its logo, and
the footer's official name, department and address (directory.City)."""

from .selectors import current_city


def city(request):
    current = current_city(request=request)
    return {"city": current, "city_name": current.name if current else ""}
