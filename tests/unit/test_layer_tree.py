"""The layer tree: one layer's changes (or the merged view) as folders with marks and sizes,
cut for big images; and its HTML (nested <details>, one per folder)."""

from __future__ import annotations

from dockerlab.images.text import human_size
from dockerlab.images.tree import build_tree, layer_tree, prune, tree_lines
from dockerlab.widgets.layer_explorer import DIVE_DIFFERENCE, tree_html, waste_html
from tests.unit.test_layers_archives import LAYERS, classic_archive, config_for, read


def image():
    return read(classic_archive(LAYERS, config_for(LAYERS)))


def test_a_layer_that_adds_files_is_all_plus_with_folder_sizes():
    tree = layer_tree(image(), 2)
    assert [child.name for child in tree.children] == ["cache", "data"]
    data = tree.find("data")
    assert data.mark == "added" and data.size == 310
    assert [(c.name, c.mark, c.size) for c in data.children] == [
        ("big", "added", 300), ("keep", "added", 10)]


def test_a_layer_that_changes_files_marks_modified_and_deleted_under_carried_folders():
    tree = layer_tree(image(), 3)
    assert tree.find("data").mark is None  # only carried along
    assert tree.find("data/big").mark == "deleted" and tree.find("data/big").size == 300
    assert tree.find("data/keep").mark == "modified" and tree.find("data/keep").size == 20
    assert tree.find("data").size == 20  # what the layer adds, not what it deleted
    assert tree.find("etc/passwd").mark == "modified"


def test_an_opaque_folder_shows_what_it_hid_and_what_it_added():
    tree = layer_tree(image(), 4)
    marks = {c.name: c.mark for c in tree.find("cache").children}
    assert marks == {"a": "deleted", "b": "deleted", "c": "added"}


def test_the_merged_view_is_what_a_container_sees_with_the_layer_of_each_file():
    tree = layer_tree(image())
    assert tree.find("data/big") is None and tree.find("cache/a") is None
    assert tree.find("data/keep").layer == 3 and tree.find("bin/sh").layer == 1
    assert tree.find("bin/ls").kind == "symlink" and tree.find("bin/ls").linkname == "/bin/sh"
    assert all(node.mark is None for node in tree.children)
    assert tree.size == 1000 + 5 + 20 + 70


def test_folders_first_then_names_and_missing_parents_are_made():
    tree = build_tree([("z", "file", 1, "added", 1, ""), ("a/b/c", "file", 2, "added", 1, ""),
                       ("m", "dir", 0, "added", 1, "")])
    assert [c.name for c in tree.children] == ["a", "m", "z"]
    assert tree.find("a/b").mark is None and tree.find("a").size == 2


def test_a_path_named_twice_keeps_its_last_row():
    tree = build_tree([("x", "file", 5, "deleted", 2, ""), ("x", "file", 7, "added", 2, "")])
    assert len(tree.children) == 1 and (tree.find("x").mark, tree.find("x").size) == ("added", 7)


def big_folder(count: int):
    return build_tree([(f"usr/lib/f{i:05d}", "file", 1, "added", 1, "") for i in range(count)]
                      + [("etc/one", "file", 1, "added", 1, "")])


def test_a_big_folder_shows_its_first_entries_and_counts_the_rest():
    shown = prune(big_folder(5000), per_folder=50, budget=2000)
    lib = shown.find("usr/lib")
    assert len(lib.children) == 50 and lib.hidden == 4950
    assert lib.size == 5000  # the size is the whole folder's
    assert "      … and 4950 more" in tree_lines(shown, human_size)


def test_the_budget_caps_the_whole_tree_breadth_first():
    rows = [(f"d{i}/f{j}", "file", 1, None, 1, "") for i in range(100) for j in range(100)]
    shown = prune(build_tree(rows), per_folder=50, budget=300)
    assert len(shown.children) == 50  # the top level stays whole (up to per_folder)
    total_shown = sum(1 for _ in _walk(shown)) - 1
    assert total_shown == 300
    assert shown.hidden == 50 and shown.find("d0").hidden == 50
    assert shown.find("d2") is not None and shown.find("d2").children == []  # over budget


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def test_tree_lines_mark_and_indent():
    lines = tree_lines(layer_tree(image(), 3), human_size)
    assert lines[:3] == ["  data/  (20 B)", "-   big  (300 B)", "~   keep  (20 B)"]


def test_the_html_is_one_details_per_folder_with_marks_sizes_and_the_count():
    html = tree_html(prune(big_folder(120), per_folder=50))
    assert html.count("<details") == 3  # etc, usr, usr/lib
    assert "data-path='usr/lib'" in html and "… and 70 more" in html
    assert "+ f00000" in html


def test_the_html_escapes_names():
    html = tree_html(build_tree([("<b>x", "file", 1, "added", 1, "")]))
    assert "<b>x" not in html and "&lt;b&gt;x" in html


def test_the_waste_paragraph_names_both_figures_and_the_difference():
    text = waste_html(image())
    assert "Kit efficiency" in text and "dive would say" in text and DIVE_DIFFERENCE in text


def test_a_layer_of_twenty_thousand_files_draws_at_most_the_budget():
    rows = [(f"usr/share/d{i % 300}/s{i % 7}/f{i}", "file", 100, "added", 2, "")
            for i in range(20000)]
    shown = prune(build_tree(rows))
    html = tree_html(shown)
    assert html.count("data-path=") <= 2000 + 1  # the budget, and usr (the top) itself
    assert shown.find("usr/share").size == 20000 * 100
    assert "… and 250 more" in html  # usr/share: 300 folders, the first 50 shown
