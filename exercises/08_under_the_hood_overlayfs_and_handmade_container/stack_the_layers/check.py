"""An image's layers stacked by hand: the options of an overlay mount.

The check makes fresh folders of its own, mounts the learner's options there for real (in a
child's private mount namespace), and looks at the outcome: what the merged view shows, and
where a file the "container" writes ends up. Its folders are removed at the end.
"""

from dockerlab import linux
from dockerlab.checker import expect
from dockerlab.errors import DemoFailed
from dockerlab.linux.isolation import Isolation, Mount

TITLE = "Stack an image's layers by hand"
FUNCTION = "stack_the_layers"
HINTS = [
    "An overlay mount joins read-only *lower* folders (the image's layers) and one writable "
    "*upper* folder (the container's layer) into one merged view; where a name is in "
    "several layers, the highest layer wins.",
    "Three options, comma-separated: `lowerdir=` (the layers, several folders joined by "
    "`:`), `upperdir=` (where writes go) and `workdir=` (the kernel's scratch folder, "
    "needed with an upper folder). The order inside lowerdir decides which layer wins.",
    "lowerdir lists the TOP layer first (`lowerdir=A:B` puts A above B); every layer of the "
    "image is a lower folder, and the upper folder is the empty one, never a layer.",
]

FOLDERS = ("base", "top", "upper", "work")
KEYS = ("lowerdir", "upperdir", "workdir")
LAYERS = {"base": {"motd.txt": "from the base\n", "app.conf": "version=1\n"},
          "top": {"app.conf": "version=2\n"}}
#: what the "container" does in the merged view: read two files, write one
SCRIPT = ("cd {merged} && echo \"conf=$(cat app.conf 2>/dev/null)\"; "
          "echo \"motd=$(cat motd.txt 2>/dev/null)\"; "
          "if (echo written by the container > written.txt) 2>/dev/null; then "
          "echo wrote=yes; else echo wrote=no; fi")


def check(lab, answer):
    expect(isinstance(answer, str), "Return the options as one string, such as "
           f"\"lowerdir=...,upperdir=...,workdir=...\", not {type(answer).__name__}.")
    options = _parse(answer)
    box = linux.box_for(lab)
    with box.tempdir("dockerlab-linux-overlay-") as root:
        for folder in FOLDERS + ("merged",):
            box.mkdir(f"{root}/{folder}")
        for layer, files in LAYERS.items():
            for name, text in files.items():
                box.write(f"{root}/{layer}/{name}", text)
        mount = Mount("overlay", f"{root}/merged", "overlay", _absolute(options, root))
        try:
            run = box.run(SCRIPT.format(merged=f"{root}/merged"), Isolation(mounts=[mount]))
        except DemoFailed as failed:
            _refused(options, failed)
        seen = run.values()
        where = {folder: sorted(e.path for e in box.listing(f"{root}/{folder}"))
                 for folder in ("base", "top", "upper")}
    _expect_the_view(options, seen)
    _expect_the_writes(options, where)


def _parse(answer: str) -> dict:
    options = {}
    for item in (part.strip() for part in answer.split(",")):
        expect("=" in item, f"'{item}' is not an option=value pair: write "
               "\"lowerdir=...,upperdir=...,workdir=...\".")
        key, value = (part.strip() for part in item.split("=", 1))
        expect(key in KEYS, f"'{key}' is not needed here: only lowerdir, upperdir and "
               "workdir are.")
        names = [name.strip().removeprefix("./").rstrip("/") for name in value.split(":")]
        wrong = [name for name in names if name not in FOLDERS]
        expect(not wrong, f"{key}={value}: {', '.join(map(repr, wrong))} is not one of the "
               "folders. Write the folder names (base, top, upper, work); the check puts its "
               "own fresh folders behind them.")
        options[key] = names
    expect("lowerdir" in options, "Without lowerdir there are no layers: the image's "
           "layers are the lower folders.")
    return options


def _absolute(options: dict, root: str) -> str:
    return ",".join(f"{key}={':'.join(f'{root}/{name}' for name in names)}"
                    for key, names in options.items())


def _refused(options: dict, failed: DemoFailed):
    expect("upperdir" not in options or "workdir" in options, "The kernel refused the mount: "
           "an upper folder needs a workdir, the kernel's scratch folder (here: work).")
    expect("upperdir" in options or len(options["lowerdir"]) > 1, "The kernel refused the "
           "mount: with lowerdir only, the image's layers must all be there (2 or more).")
    expect(False, f"The kernel refused the mount: {failed.message} (each folder is used "
           "once: the layers as lowerdir, upper as upperdir, work as workdir).")


def _expect_the_view(options: dict, seen: dict):
    lowers = options["lowerdir"]
    bottom_first = {"base", "top"} <= set(lowers) and lowers.index("base") < lowers.index("top")
    if seen.get("conf") == "version=1" and bottom_first:
        expect(False, "app.conf in the merged view says version=1, the base's: lowerdir "
               "lists the TOP layer first (`lowerdir=A:B` puts A above B).")
    expect(seen.get("conf") == "version=2", f"app.conf in the merged view says "
           f"'{seen.get('conf', '')}', not version=2 (the top layer's).")
    expect(seen.get("motd") == "from the base", "motd.txt is missing from the merged view: "
           "every layer of the image must be a lower folder (lowerdir=A:B takes several).")
    expect(seen.get("wrote") == "yes", "The container could not write: without upperdir the "
           "overlay is read-only, its writes have nowhere to go. Add the upper folder.")


def _expect_the_writes(options: dict, where: dict):
    for layer in ("base", "top"):
        expect("written.txt" not in where[layer], f"The container's file went into {layer}, "
               f"an image layer: upperdir={layer} makes the layer itself writable, so every "
               "container would change the image. The upper folder is the empty one.")
    expect("written.txt" in where["upper"], "The container's file is not in the upper folder: "
           "upperdir=upper is where a container's writes belong.")
