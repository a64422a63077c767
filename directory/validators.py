from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ICO_WEIGHTS = (8, 7, 6, 5, 4, 3, 2)


def ico_check_digit(first_seven: str) -> int:
    """Check digit of a Czech company id (IČO): weighted sum mod 11."""
    total = sum(int(d) * w for d, w in zip(first_seven, ICO_WEIGHTS, strict=True))
    remainder = total % 11
    if remainder == 0:
        return 1
    if remainder == 1:
        return 0
    return 11 - remainder


def validate_ico(value: str) -> None:
    if not (len(value) == 8 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("IČO must have exactly 8 digits (e.g. 00845451)."), code="ico_format"
        )
    if ico_check_digit(value[:7]) != int(value[7]):
        raise ValidationError(
            _("IČO %(value)s fails the official checksum; check the last digit."),
            code="ico_checksum",
            params={"value": value},
        )
