import pytest
from django.core.exceptions import ValidationError

from directory.validators import ico_check_digit, validate_ico


@pytest.mark.parametrize("ico", ["00845451", "25380443"])
def test_valid_ico_passes(ico):
    validate_ico(ico)


@pytest.mark.parametrize(("ico", "code"), [
    ("00845452", "ico_checksum"),
    ("0084545", "ico_format"),
    ("0084545A", "ico_format"),
    ("008454511", "ico_format"),
    ("0084545¹", "ico_format"),  # a digit to str.isdigit(), not to int()
    ("٠٠٨٤٥٤٥١", "ico_format"),  # Arabic-Indic digits
])
def test_invalid_ico_is_refused_with_a_reason(ico, code):
    with pytest.raises(ValidationError) as error:
        validate_ico(ico)
    assert error.value.code == code


def test_check_digit_special_cases():
    # remainder 0 -> 1, remainder 1 -> 0 (official rule)
    assert ico_check_digit("0084545") == 1
