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
