"""What planning adds to a person's data export (directory.personal_data):
public comments sent with their e-mail address (a comment has no link to the
directory). When the person is anonymised, those comments lose the e-mail
address; a published comment keeps the name it was published with, the others
show the neutral label instead."""

from django.db.models import Q

from core import retention

from .models import CommentModeration, PlanComment


def comments_by_email(person, user):
    emails = {e.strip().lower() for e in (getattr(person, "email", ""),
                                          getattr(user, "email", "")) if e and e.strip()}
    if not emails:
        return []
    query = Q()
    for email in sorted(emails):
        query |= Q(author_email__iexact=email)
    return list(PlanComment.objects.filter(query).order_by("pk"))


def anonymise_comments(person, user):
    comments = comments_by_email(person, user)
    if not comments:
        return 0
    ids = [c.pk for c in comments]
    PlanComment.objects.filter(pk__in=ids).update(author_email="")
    unpublished = [c.pk for c in comments if c.moderation != CommentModeration.PUBLISHED]
    PlanComment.objects.filter(pk__in=unpublished).exclude(author_name="").update(
        author_name=person.anonymous_label)
    retention.scrub_audit(PlanComment, ids, {"author_email"})
    retention.scrub_audit(PlanComment, unpublished, {"author_name"})
    return len(ids)


def register():
    from directory import personal_data

    personal_data.register_records(comments_by_email)
    personal_data.register_anonymiser(anonymise_comments)
