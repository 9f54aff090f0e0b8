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
    from dockerlab.engine.events import collect, event_filters

    mine = event_filters(type="container", action="die",
                         label=f"io.dockerlab.session={lab.session}")
    return {event.name: event.exit_code for event in collect(lab.client, since, filters=mine)
            if event.exit_code != 0}
