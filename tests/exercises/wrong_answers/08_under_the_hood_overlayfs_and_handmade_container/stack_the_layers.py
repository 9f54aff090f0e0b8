"""Wrong answers to stack_the_layers: mistakes a learner makes with overlay mount options."""


def bottom_layer_first(lab):
    """The layers listed bottom first, as one reads a Dockerfile: overlayfs wants the top first."""
    return "lowerdir=base:top,upperdir=upper,workdir=work"


def only_the_top_layer(lab):
    """Only the newest layer as lowerdir, as if it held the whole image."""
    return "lowerdir=top,upperdir=upper,workdir=work"


def no_upper_directory(lab):
    """Both layers, but no upper folder: a read-only overlay."""
    return "lowerdir=top:base"


def no_work_directory(lab):
    """An upper folder without the work folder the kernel needs beside it."""
    return "lowerdir=top:base,upperdir=upper"


def top_layer_as_upper(lab):
    """The top layer taken as "the upper one": the image's own layer made writable."""
    return "lowerdir=base,upperdir=top,workdir=work"


MISTAKES = {
    "bottom_layer_first": r"TOP layer first",
    "only_the_top_layer": r"every layer",
    "no_upper_directory": r"read-only",
    "no_work_directory": r"needs a workdir",
    "top_layer_as_upper": r"upperdir=top",
}
