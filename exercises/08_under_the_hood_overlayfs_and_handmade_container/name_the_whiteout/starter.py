def find_the_whiteout(lab):
    """Mount an overlay whose lower layer holds secret.txt, delete secret.txt through the
    merged view, and return the entry of the upper directory's listing that the deletion
    left behind (an Entry with .path and .kind)."""
    from dockerlab import linux
    from dockerlab.linux.overlay import OverlayTree

    box = linux.box_for(lab)
    with OverlayTree(box) as tree:
        box.write(f"{tree.lowers[0]}/secret.txt", "in the lower layer\n")
        # Your code here: tree.run("...") runs a command in the merged view;
        # tree.upper_listing() lists the upper directory.
        return None
