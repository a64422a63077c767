"""core.imports.base.fewer_collections: the cyclic garbage collector runs
less often while an import runs, and as before once the last one ends."""

import gc

from core.imports.base import COLLECT_EVERY, fewer_collections


def test_the_threshold_is_raised_while_imports_run_and_restored_after_the_last():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == max(before[0], COLLECT_EVERY)
        assert gc.get_threshold()[1:] == before[1:]
        with fewer_collections():  # another import in the same process
            assert gc.get_threshold()[0] == max(before[0], COLLECT_EVERY)
        assert gc.get_threshold()[0] == max(before[0], COLLECT_EVERY)
    assert gc.get_threshold() == before


def test_the_threshold_is_restored_when_the_import_fails():
    before = gc.get_threshold()
    try:
        with fewer_collections():
            raise ValueError
    except ValueError:
        pass
    assert gc.get_threshold() == before
