"""The officers' plan editor (views_plan_editor.py). Included by planning/urls.py under the
`planning` namespace."""

urlpatterns = []
