"""Change proposals and public comment (views_comments.py). Included by planning/urls.py under the
`planning` namespace."""

urlpatterns = []
