"""The network of social services (network/views.py).

The network is public: the list, the capacity table and a service's page.
Officers enter, change and end services and load the network from a
workbook. A provider's users (implementer_x)
and officers see the list of their own organisation's services.
"""

from . import LOGIN, ROLES, everyone, officers_only


def _providers_and_officers():
    return {role: 200 if role in ("administrator", "city_officer", "implementer_x")
            else (LOGIN if role == "anonymous" else 403) for role in ROLES}


def _post_only(expected):
    return {role: (405 if status == 200 else status) for role, status in expected.items()}


def extend_world(world):
    from tests.network.factories import make_indicator_value, make_service

    service = make_service(provider=world["org_x"], name="Služba X")
    value = make_indicator_value(service=service)
    return {"network_service": service, "network_value": value,
            "network_manual": value.indicator.manual, "network_indicator": value.indicator}


def _service(w):
    return [w["network_service"].pk]


MATRIX = {
    "network:service_list": [("", lambda w: [], everyone())],
    "network:capacity_table": [("", lambda w: [], everyone())],
    "network:service_detail": [("", _service, everyone())],
    "network:own_services": [("", lambda w: [], _providers_and_officers())],
    "network:service_create": [("", lambda w: [], officers_only())],
    "network:service_change": [("", _service, officers_only())],
    "network:service_end": [("", _service, officers_only())],
    # The workbook (network/imports.py): officers only.
    "network:export": [("", lambda w: [], officers_only())],
    "network:import_template": [("", lambda w: [], officers_only())],
    "network:import": [("", lambda w: [], officers_only())],
    # Service indicators: the manual is public, officers keep it; a provider
    # reports its own services' values; the disproportion check and the
    # questions about its flags are the officers' only, never public.
    "network:indicator_manual": [("", lambda w: [], everyone())],
    "network:manual_create": [("", lambda w: [], officers_only())],
    "network:manual_update": [("", lambda w: [w["network_manual"].pk], officers_only())],
    "network:indicator_create": [("", lambda w: [w["network_manual"].pk], officers_only())],
    "network:indicator_update": [("", lambda w: [w["network_indicator"].pk], officers_only())],
    "network:service_values": [("", _service, _providers_and_officers())],
    "network:values_report": [
        ("", lambda w: [w["network_service"].pk, 2024, "half"], _providers_and_officers())],
    "network:disproportions": [("", lambda w: [], officers_only())],
    "network:funding": [("", _service, officers_only())],
    "network:disproportion_query": [("", lambda w: [w["network_value"].pk], officers_only())],
    "network:evaluation": [("", lambda w: [], everyone())],
    "network:import_confirm": [
        ("any batch", lambda w: ["00000000-0000-0000-0000-000000000000"],
         _post_only(officers_only())),
    ],
}
