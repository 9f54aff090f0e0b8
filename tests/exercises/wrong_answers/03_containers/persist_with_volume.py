"""Mistakes learners make when a file must outlive its container."""

WRITE = ["sh", "-c", "echo kept > /data/note.txt"]


def _mounted(volume, where="/data", mode="rw"):
    return {volume.name: {"bind": where, "mode": mode}}


def kept_the_container(lab):
    volume = lab.client.volumes.create()
    container = lab.client.containers.run(lab.base_image, WRITE, volumes=_mounted(volume),
                                          detach=True)
    container.wait()
    return volume.name


def returned_the_volume_object(lab):
    volume = lab.client.volumes.create()
    lab.client.containers.run(lab.base_image, WRITE, volumes=_mounted(volume), remove=True)
    return volume


def forgot_to_mount_it(lab):
    volume = lab.client.volumes.create()
    lab.client.containers.run(lab.base_image,
                              ["sh", "-c", "mkdir -p /data && echo kept > /data/note.txt"],
                              remove=True)
    return volume.name


def mounted_read_only(lab):
    volume = lab.client.volumes.create()
    lab.client.containers.run(lab.base_image, WRITE, volumes=_mounted(volume, mode="ro"),
                              remove=True)
    return volume.name


def wrote_outside_the_volume(lab):
    volume = lab.client.volumes.create()
    lab.client.containers.run(lab.base_image, ["sh", "-c", "echo kept > /note.txt"],
                              volumes=_mounted(volume), remove=True)
    return volume.name


def mounted_elsewhere(lab):
    volume = lab.client.volumes.create()
    lab.client.containers.run(lab.base_image, ["sh", "-c", "echo kept > /mnt/note.txt"],
                              volumes=_mounted(volume, where="/mnt"), remove=True)
    return volume.name


MISTAKES = {
    "kept_the_container": r"still exist: remove the writer",
    "returned_the_volume_object": r"returned the Volume object",
    "forgot_to_mount_it": r"No container ever mounted the volume",
    "mounted_read_only": r"Read-only file system",
    "wrote_outside_the_volume": r"the file is not in the volume",
    "mounted_elsewhere": r"mounted at /mnt, not at /data",
}
