def hostname_recipe(lab):
    """Return an Isolation recipe for a child process whose hostname differs from the
    host's (pick any name you like). The check runs `hostname` with your recipe and
    compares the answer with the host's own hostname, which must not change."""
    from dockerlab.linux.isolation import Isolation

    # Your code here: which namespace holds the hostname, and which field sets it?
    return Isolation()
