"""Wrong answers to name_the_whiteout: mistakes a learner makes with an overlay's deletions."""


def typed_the_answer(lab):
    """The answer typed from the notebook's text, nothing deleted nor listed."""
    from dockerlab.linux.boxes import Entry

    return Entry("secret.txt", "whiteout")


def picked_from_the_lower_listing(lab):
    """Deleted through the merged view, but the entry taken from the LOWER folder's listing."""
    from dockerlab import linux
    from dockerlab.linux.overlay import OverlayTree

    box = linux.box_for(lab)
    with OverlayTree(box) as tree:
        box.write(f"{tree.lowers[0]}/secret.txt", "in the lower layer\n")
        tree.run("rm secret.txt")
        return [e for e in box.listing(tree.lowers[0]) if e.path == "secret.txt"][0]


def emptied_instead_of_deleted(lab):
    """The file emptied (`: > secret.txt`) rather than deleted: that is a write."""
    from dockerlab import linux
    from dockerlab.linux.overlay import OverlayTree

    box = linux.box_for(lab)
    with OverlayTree(box) as tree:
        box.write(f"{tree.lowers[0]}/secret.txt", "in the lower layer\n")
        tree.run(": > secret.txt")
        return [e for e in tree.upper_listing() if e.path == "secret.txt"][0]


def wrote_a_wh_file_by_hand(lab):
    """A `.wh.secret.txt` file written into the upper folder, as a layer TAR records it."""
    from dockerlab import linux
    from dockerlab.linux.overlay import OverlayTree

    box = linux.box_for(lab)
    with OverlayTree(box) as tree:
        box.write(f"{tree.lowers[0]}/secret.txt", "in the lower layer\n")
        box.write(f"{tree.upper}/.wh.secret.txt", "")
        return tree.upper_listing()[0]


def deleted_in_the_lower_folder(lab):
    """secret.txt removed from the lower folder itself (the image's layer), then the upper
    folder's listing returned: it is empty."""
    from dockerlab import linux
    from dockerlab.linux.overlay import OverlayTree

    box = linux.box_for(lab)
    with OverlayTree(box) as tree:
        box.write(f"{tree.lowers[0]}/secret.txt", "in the lower layer\n")
        box.sh(f"rm {tree.lowers[0]}/secret.txt")
        return tree.upper_listing()


def returned_the_whole_listing(lab):
    """The deletion done right, but the whole upper listing returned, not the one entry."""
    from dockerlab import linux
    from dockerlab.linux.overlay import OverlayTree

    box = linux.box_for(lab)
    with OverlayTree(box) as tree:
        box.write(f"{tree.lowers[0]}/secret.txt", "in the lower layer\n")
        tree.run("rm secret.txt")
        return tree.upper_listing()


MISTAKES = {
    "typed_the_answer": r"typed|by hand",
    "picked_from_the_lower_listing": r"lower folder",
    "emptied_instead_of_deleted": r"cop(y|ied) up",
    "wrote_a_wh_file_by_hand": r"\.wh\..*tar",
    "deleted_in_the_lower_folder": r"merged view",
    "returned_the_whole_listing": r"one Entry",
}
