"""Change proposals and public comment (views_comments.py). Included by planning/urls.py under the
`planning` namespace."""

from django.urls import path

from . import views_comments as views

urlpatterns = [
    # Change proposals: group managers propose, officers decide.
    path("plans/<slug:code>/proposals/", views.ProposalListView.as_view(),
         name="proposal_list"),
    path("plans/<slug:code>/proposals/add/", views.ProposalCreateView.as_view(new=True),
         name="proposal_create_top"),
    path("plans/<slug:code>/proposals/items/<int:item_pk>/change/",
         views.ProposalCreateView.as_view(), name="proposal_create"),
    path("plans/<slug:code>/proposals/items/<int:item_pk>/add/",
         views.ProposalCreateView.as_view(new=True), name="proposal_create_child"),
    path("plans/<slug:code>/proposals/<int:pk>/", views.ProposalDecideView.as_view(),
         name="proposal_decide"),
    # Public comment, and its moderation and settlement by officers.
    path("plans/<slug:code>/comments/", views.CommentModerationView.as_view(),
         name="comment_moderation"),
    path("plans/<slug:code>/comments/new/", views.CommentCreateView.as_view(),
         name="comment_create"),
    path("plans/<slug:code>/comments/new/<int:item_pk>/", views.CommentCreateView.as_view(),
         name="item_comment_create"),
    path("plans/<slug:code>/comments/<int:pk>/moderate/", views.CommentModerateView.as_view(),
         name="comment_moderate"),
    path("plans/<slug:code>/comments/<int:pk>/settle/", views.CommentSettleView.as_view(),
         name="comment_settle"),
]
