"""A file that outlives its container because it was written into a volume."""

from dockerlab.checker import expect

TITLE = "Keep a file across container removal"
FUNCTION = "keep_a_file"
HINTS = [
    "Mount the volume with `volumes={name: {'bind': '/data', 'mode': 'rw'}}` (that is "
    "`docker run -v name:/data`).",
    "`remove=True` removes the container as soon as it exits; the volume stays. Write the "
    "file with `['sh', '-c', 'echo kept > /data/note.txt']`.",
]


def check(lab, answer):
    expect(isinstance(answer, str) and answer,
           "Return the volume's name (a string), e.g. `volume.name`.")
    names = {volume.name for volume in lab.volumes()}
    expect(answer in names, f"Your session has no volume called {answer!r}.")
    users = [c.name for c in lab.containers()
             if any(m.get("Name") == answer for m in c.attrs.get("Mounts", []))]
    expect(not users, f"The container(s) {', '.join(users)} still exist: remove the writer, "
           "the point is that the file survives without it.")
    output = lab.client.containers.run(
        lab.base_image, ["sh", "-c", "cat /data/note.txt 2>&1 || true"],
        volumes={answer: {"bind": "/data", "mode": "ro"}}, remove=True)
    text = output.decode(errors="replace").strip()
    expect(text == "kept", f"A new container with the volume at /data read {text!r} from "
           "/data/note.txt, not 'kept'.")
