def keep_a_file(lab):
    """Create a volume and, in a container that mounts it at /data, write the text
    `kept` into /data/note.txt. Then REMOVE that container. Return the volume's name:
    the check reads the file from a brand-new container."""
    # Your code here: lab.client.volumes.create() is `docker volume create`.
    return None
