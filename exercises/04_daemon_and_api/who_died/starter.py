def who_died(lab):
    """Three containers run below, one after the other, and one of them fails with a random
    exit code. Each is removed as soon as it has finished, so `container.attrs` and
    `lab.containers()` know nothing about them afterwards. From the engine's EVENTS, find
    which of your session's containers died with a non-zero exit code, and return
    {container name: exit code}."""
    import random
    import time

    since = time.time()
    for name, command in [("a", "true"), ("b", f"exit {random.randint(2, 99)}"), ("c", "true")]:
        container = lab.start(command, name=f"{lab.session}-{name}")
        container.wait()
        container.remove()
    # Your code here: dockerlab.engine.events.collect(lab.client, since, filters=...) reads them.
    return None
