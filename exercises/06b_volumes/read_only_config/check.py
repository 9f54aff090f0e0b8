"""A container reads a host folder through a read-only bind mount, and cannot change it.

The check reads the container's mount at /config from `docker inspect` (a bind mount, not
writable), what the container printed (the settings, then the refused write), and, through
a container of its own mounting the same folder, what the folder holds afterwards.
"""

from pathlib import Path

from dockerlab.checker import expect

TITLE = "Settings a container may read but not change"
FUNCTION = "read_only_config"
TARGET = "/config"
HINTS = [
    "A bind mount shows a host folder inside the container; mounted read-only, the kernel "
    "refuses every write to it from inside (\"Read-only file system\"), while the host can "
    "still change it: the usual way to hand a program its configuration.",
    "`volumes.bind(folder.name, '/config', read_only=True)` is the mount; give it to "
    "`lab.start(command, mounts=[...])`, call `container.wait()`, and return the container.",
    "The command is one shell line: `cat /config/settings.txt; echo changed > "
    "/config/extra.txt`; the second part must fail, and its complaint is in "
    "`container.logs()`.",
]


def _mount_at(container, target: str):
    return next((m for m in container.attrs.get("Mounts") or []
                 if m.get("Destination") == target), None)


def _bind(source: str):
    from dockerlab import volumes

    return volumes.bind(source, TARGET, read_only=True)


def _folder_listing(lab, source: str) -> list[str]:
    return sorted(lab.run(f"ls -A {TARGET}", mounts=[_bind(source)]).split())


def check(lab, answer):
    expect(hasattr(answer, "attrs") and hasattr(answer, "reload"),
           "Return the container (the result of `lab.start(...)`), after `container.wait()`.")
    answer.reload()
    mount = _mount_at(answer, TARGET)
    expect(mount is not None,
           f"The container has nothing mounted at {TARGET}: mount the folder there "
           f"(`volumes.bind(folder.name, '{TARGET}', read_only=True)`).")
    expect(mount.get("Type") == "bind",
           f"What is mounted at {TARGET} is a {mount.get('Type')}, not the host folder: a "
           "bind mount (`volumes.bind`) shows the folder made above.")
    expect(not mount.get("RW", True),
           f"The bind mount at {TARGET} is read-write: the container could change the "
           "settings. Mount it read-only (`read_only=True`, like `-v FOLDER:/config:ro`).")
    expect(Path(mount["Source"]).is_dir(),
           f"The folder {mount['Source']} is gone: keep it until the check is done (the "
           "starter's `lab.on_cleanup(folder.cleanup)` does).")
    answer.wait(timeout=30)
    output = answer.logs(stdout=True, stderr=True).decode(errors="replace")
    settings = lab.run(f"cat {TARGET}/settings.txt 2>/dev/null; true",
                       mounts=[_bind(mount["Source"])]).strip()
    expect(settings, f"The folder mounted at {TARGET} has no settings.txt: mount the folder "
                     "the starter made (`folder.name`).")
    expect(settings in output,
           f"The container did not print {TARGET}/settings.txt ({settings}): its command "
           f"starts with `cat {TARGET}/settings.txt`.")
    expect("Read-only file system" in output,
           f"The container did not try to write {TARGET}/extra.txt (no \"Read-only file "
           "system\" in its output): the point is to see the write refused.")
    expect(_folder_listing(lab, mount["Source"]) == ["settings.txt"],
           "The folder holds more than settings.txt: something was written into it.")

