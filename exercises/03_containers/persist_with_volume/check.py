"""A file that outlives its container because it was written into a volume."""

from dockerlab.checker import engine_events, expect

TITLE = "Keep a file across container removal"
FUNCTION = "keep_a_file"
HINTS = [
    "A container's own files live in its writable layer, which is removed with it; a "
    "volume is storage the engine keeps apart from any container, mounted into the ones "
    "that ask for it.",
    "Look at the `volumes=` option of `lab.client.containers.run`: it maps a volume's name to "
    "where it appears inside the container, `{name: {'bind': '/data', 'mode': 'rw'}}` (that "
    "is `docker run -v name:/data`). `remove=True` removes the container when it exits; the "
    "volume stays.",
    "Create the volume, run a container with it mounted read-write at /data whose command "
    "writes the text into /data/note.txt (a shell: `sh -c 'echo ... > ...'`), remove that "
    "container, and return `volume.name` (a string).",
]


def _mounts(lab, name):
    """Where containers of the session mounted the volume ``name``: [(destination, rw)]."""
    return [(e.attributes.get("destination"), e.attributes.get("read/write"))
            for e in engine_events(lab, type="volume", action="mount") if e.id == name]


def check(lab, answer):
    expect(not hasattr(answer, "name") or isinstance(answer, str),
           "You returned the Volume object: return its name (a string), `volume.name`.")
    expect(isinstance(answer, str) and answer,
           "Return the volume's name (a string), e.g. `volume.name`.")
    names = {volume.name for volume in lab.volumes()}
    expect(answer in names, f"Your session has no volume called {answer!r} (create it with "
           "lab.client.volumes.create()).")
    users = [c.name for c in lab.containers()
             if any(m.get("Name") == answer for m in c.attrs.get("Mounts", []))]
    expect(not users, f"The container(s) {', '.join(users)} still exist: remove the writer, "
           "the point is that the file survives without it.")
    mounts = _mounts(lab, answer)
    expect(mounts, "No container ever mounted the volume: pass volumes={name: {'bind': "
           "'/data', 'mode': 'rw'}} to the container that writes the file.")
    expect(any(where == "/data" for where, _ in mounts),
           f"The volume was mounted at {', '.join(sorted({w for w, _ in mounts}))}, not at "
           "/data.")
    output = lab.client.containers.run(
        lab.base_image, ["sh", "-c", "cat /data/note.txt 2>&1 || true"],
        volumes={answer: {"bind": "/data", "mode": "ro"}}, remove=True)
    text = output.decode(errors="replace").strip()
    expect(text == "kept", f"A new container with the volume at /data read {text!r} from "
           "/data/note.txt, not 'kept'"
           + (": the file is not in the volume (was it written under /data?)."
              if "can't open" in text or "No such file" in text else "."))
