"""A validation's outcome as a value two implementations can be compared by."""

from django.core.exceptions import ValidationError


def refusal(check):
    """The message dict `check()` raises a ValidationError with, or None."""
    try:
        check()
    except ValidationError as error:
        return error.message_dict
    return None
