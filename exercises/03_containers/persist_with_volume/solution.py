def keep_a_file(lab):
    """Create a volume and, in a container that mounts it at /data, write the text
    `kept` into /data/note.txt. Then REMOVE that container. Return the volume's name:
    the check reads the file from a brand-new container."""
    volume = lab.client.volumes.create()
    lab.client.containers.run(lab.base_image, ["sh", "-c", "echo kept > /data/note.txt"],
                              volumes={volume.name: {"bind": "/data", "mode": "rw"}},
                              remove=True)
    return volume.name
