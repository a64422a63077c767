"""The value import's cheap paths give what the slow ones gave: a cell's text
with its spaces squeezed (str.split instead of a regular expression)."""

import re

from hypothesis import given
from hypothesis import strategies as st

from indicators.imports import cell_text


def _by_pattern(value):
    from core.imports.columns import undo_neutralise

    return undo_neutralise(re.sub(r"[\s\u00a0\u202f\u2009]+", " ", str(value)).strip())


@given(st.sampled_from(["", "'", "'="]), st.text(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from(
        [" ", "\t", "\n", "\u00a0", "\u202f", "\u2009", "\u2007", "\u3000", "\x1c",
         "\x85"]), max_size=30))
def test_a_cell_text_squeezes_spaces_as_the_pattern_did(start, text):
    assert cell_text(start + text) == _by_pattern(start + text)
