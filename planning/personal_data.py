"""What planning adds to a person's data export (directory.personal_data):
public comments sent with their e-mail address (a comment has no link to the
directory)."""

from django.db.models import Q

from .models import PlanComment


def comments_by_email(person, user):
    emails = {e.strip().lower() for e in (getattr(person, "email", ""),
                                          getattr(user, "email", "")) if e and e.strip()}
    if not emails:
        return []
    query = Q()
    for email in sorted(emails):
        query |= Q(author_email__iexact=email)
    return list(PlanComment.objects.filter(query).order_by("pk"))


def register():
    from directory import personal_data

    personal_data.register_records(comments_by_email)
