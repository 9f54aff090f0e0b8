"""Learners' own code that imports a module by its name before the subpackages keeps working."""

import importlib
import sys

import pytest

from dockerlab import _moved
from dockerlab.images import layers


def test_an_old_module_name_gives_the_new_module_with_a_warning():
    sys.modules.pop("dockerlab.layers", None)
    with pytest.warns(FutureWarning, match="dockerlab.layers is now dockerlab.images.layers"):
        old = importlib.import_module("dockerlab.layers")
    assert old.read_image is layers.read_image
    assert layers.__name__ == "dockerlab.images.layers"  # the real module is left as it was


def test_every_old_name_points_at_a_module_that_exists():
    for old, new in _moved.MOVED.items():
        if new:
            assert importlib.util.find_spec(f"dockerlab.{new}") is not None, old


def test_an_unknown_name_is_still_an_import_error():
    with pytest.raises(ImportError):
        importlib.import_module("dockerlab.no_such_module")


def test_split_modules_keep_their_old_names_working():
    """Names that moved out of a module when it was split still import from it."""
    from dockerlab.engine import inventory, locate, raw, recorder, three_clients, wire
    from dockerlab.images import reading, stacking, text

    assert (layers.read_image, layers.analyze, layers.human_size) == \
        (reading.read_image, stacking.analyze, text.human_size)
    assert (wire.WireRecorder, wire.raw_request, wire.three_ways) == \
        (recorder.WireRecorder, raw.raw_request, three_clients.three_ways)
    sys.modules.pop("dockerlab.daemons", None)
    with pytest.warns(FutureWarning, match="dockerlab.daemons is now dockerlab.engine.private"):
        daemons = importlib.import_module("dockerlab.daemons")
    assert daemons.connect is locate.connect  # one connect, whichever name finds it
    assert daemons.describe is inventory.describe
