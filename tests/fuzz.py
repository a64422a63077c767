"""Property-based posts to a form, shared by the form fuzz tests of every app:
whatever a browser (or an attacker) sends, the answer is never a 500, a
refused form saves nothing, and a save writes its audit entry.

FORM_FUZZ_EXAMPLES (default 1000) posts per form."""

import os

from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "1000"))


def row_counts(app_labels):
    return {m._meta.label: m._base_manager.count()
            for m in apps.get_models() if m._meta.app_label in set(app_labels)}


def fuzz_form(client, url, fields, values, *, app_labels, label, fresh_state=False,
              save_must_change=True):
    """Post `EXAMPLES` random dictionaries of `fields` (values drawn from the
    `values` strategy) to `url`. With `fresh_state`, every example runs in a
    savepoint rolled back afterwards, so a saved form (a review, say) cannot
    close the form for the next examples. `save_must_change`: a redirect
    must have written something (else it may be a no-op redirect)."""
    app_labels = {*app_labels, "core"}

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(data=st.dictionaries(st.sampled_from(fields), values, max_size=len(fields)))
    def post(data):
        with transaction.atomic():
            before = row_counts(app_labels)
            response = client.post(url, data)
            assert response.status_code in (200, 302, 409), (label, data, response.status_code)
            after = row_counts(app_labels)
            if response.status_code != 302:
                assert after == before, f"refused form changed data: {label} {data}"
            elif save_must_change or after != before:
                assert after["core.AuditEntry"] > before["core.AuditEntry"], \
                    f"save without audit: {label} {data}"
            if fresh_state:
                transaction.set_rollback(True)

    post()
