def count_three_times(lab):
    """Keep a counter across containers with a named volume. Create a volume, then run
    three containers one after the other, each removed when it is done, each with the
    volume mounted at /data and the same shell command: read the number in /data/count
    (0 when the file does not exist yet), add one, write it back, print it.
    Return the three printed numbers as a list of ints."""
    # Your code here: lab.client.volumes.create(...), then three containers.run(...)
    return None
