def make_it_come_back(lab):
    """Start (detached) a container from lab.base_image whose command crashes with a
    non-zero exit the FIRST time it runs, but keeps running once it is started again.
    Give it a restart policy so that the engine itself brings it back after the crash.
    Return the container (do not remove it)."""
    # Your code here: a file written before the crash is still there after a restart.
    return None
