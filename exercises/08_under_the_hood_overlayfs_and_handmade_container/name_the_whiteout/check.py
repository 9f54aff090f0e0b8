"""The whiteout a deletion leaves in an overlay's upper directory.

The check compares the answer with what the overlay's folders held when the ``with`` block
ended (:mod:`dockerlab.linux.records`): the entry must come from the upper folder's listing,
where the kernel wrote a 0/0 character device, and the lower folder must be unchanged.
"""

from dockerlab.checker import expect
from dockerlab.linux import records
from dockerlab.linux.boxes import Entry

TITLE = "Name the whiteout"
FUNCTION = "find_the_whiteout"
HINTS = [
    "A deletion in an overlay never touches the read-only lower layer: overlayfs records it "
    "in the upper layer as a *whiteout*, an entry under the deleted file's own name.",
    "Two lines to write inside the `with` block: the deletion, through the merged view "
    "(`tree.run(...)` runs a command there, with the overlay mounted), and the pick, from "
    "`tree.upper_listing()` (the upper folder's entries, each with .path and .kind).",
    "The deletion is a plain `rm` of the file, given to `tree.run` (not to `box.sh`, which "
    "runs where the overlay is not mounted). Then return ONE entry of the upper listing, the "
    "one under the deleted file's name, not the list; print its .kind to see what it is.",
]

NAME = "secret.txt"


def check(lab, answer):
    if isinstance(answer, list):
        expect(answer, "You returned an empty list: the upper folder holds nothing, so no "
               "deletion went through the merged view. Delete with `tree.run(\"rm "
               "secret.txt\")` (removing the file in the lower folder itself changes the "
               "image's layer, which overlayfs never does).")
        expect(False, f"You returned the whole listing ({len(answer)} entries): return one "
               "Entry, the one named secret.txt.")
    expect(isinstance(answer, Entry), "Return one Entry from `tree.upper_listing()`, not "
           f"{type(answer).__name__}.")
    tree = _tree_of(answer)
    where = tree.folder_of(answer.root)
    expect(answer.root == tree.upper, f"That entry comes from the {where} folder's listing. "
           "The lower folder never changes (it is the image's layer); the deletion's mark is "
           "in the upper folder: `tree.upper_listing()`.")
    lower = {entry.path: entry for entry in tree.listings.get(tree.lowers[0], [])}
    expect(NAME in lower, "The lower folder lost secret.txt: it was deleted in the lower "
           "folder itself, not through the merged view (`tree.run(\"rm secret.txt\")`).")
    upper = {entry.path: entry for entry in tree.listings.get(tree.upper, [])}
    mark = upper.get(NAME)
    if answer.path.startswith(".wh."):
        expect(False, f"'{answer.path}' is how a layer TAR writes a deletion (.wh.<name>); "
               "overlayfs itself writes something else, under the file's own name: delete "
               "through the merged view and look.")
    expect(answer.path == NAME, f"That entry is '{answer.path}'; the deletion leaves its mark "
           "under the deleted file's own name.")
    expect(mark is not None, "The upper folder holds no secret.txt: delete it through the "
           "merged view, `tree.run(\"rm secret.txt\")`.")
    expect(mark.kind != "file", "secret.txt in the upper folder is a plain file: a lower "
           "file written to (even emptied) is copied up into the upper folder first; "
           "deleting it (`rm`) leaves a different mark.")
    expect(mark.kind == "whiteout", f"secret.txt in the upper folder is a {mark.kind}, not "
           "what a deletion through the merged view leaves.")
    expect(answer.kind == mark.kind, f"The upper folder's secret.txt is a {mark.kind}, not "
           f"a {answer.kind}: return the entry as listed.")


def _tree_of(answer: Entry):
    """The record of the overlay tree the entry was listed from, or a hint."""
    expect(answer.root, "This Entry was typed by hand, not read from a listing: the check "
           "needs the one `tree.upper_listing()` gave, after the deletion.")
    root = answer.root.rsplit("/", 1)[0]
    tree = records.find(root)
    expect(tree is not None, f"The entry comes from {answer.root}, which is not a folder of "
           "an `OverlayTree` that ended: list `tree.upper_listing()` inside the `with` block.")
    return tree
