"""The whiteout a deletion leaves in an overlay's upper directory."""

from dockerlab.checker import expect
from dockerlab.linux.boxes import Entry

TITLE = "Name the whiteout"
FUNCTION = "find_the_whiteout"
HINTS = [
    "Delete the file in the merged view with `tree.run(\"rm secret.txt\")`; the lower "
    "directory itself never changes.",
    "Then pick the entry named secret.txt from `tree.upper_listing()`: its kind tells what "
    "overlayfs wrote there.",
]


def check(lab, answer):
    expect(isinstance(answer, Entry), "Return one Entry from `tree.upper_listing()`, not "
           f"{type(answer).__name__}.")
    expect(answer.path == "secret.txt", f"That entry is '{answer.path}'; the deletion leaves "
           "its mark under the deleted file's own name.")
    expect(answer.kind == "whiteout", f"secret.txt in the upper directory is a {answer.kind}: "
           "delete it through the merged view (`rm`), do not write to it.")
