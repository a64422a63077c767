"""Public plan pages, data checks, exports (views_plans.py). Included by planning/urls.py under the
`planning` namespace."""

urlpatterns = []
