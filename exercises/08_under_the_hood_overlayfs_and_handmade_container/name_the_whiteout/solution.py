def find_the_whiteout(lab):
    """Mount an overlay whose lower layer holds secret.txt, delete secret.txt through the
    merged view, and return the entry of the upper directory's listing that the deletion
    left behind (an Entry with .path and .kind)."""
    from dockerlab import linux
    from dockerlab.linux.overlay import OverlayTree

    box = linux.box_for(lab)
    with OverlayTree(box) as tree:
        box.write(f"{tree.lowers[0]}/secret.txt", "in the lower layer\n")
        tree.run("rm secret.txt")
        return [entry for entry in tree.upper_listing() if entry.path == "secret.txt"][0]
