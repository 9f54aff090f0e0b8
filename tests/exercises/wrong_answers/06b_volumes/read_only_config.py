"""Wrong answers to 06b_volumes/read_only_config, as learners write them."""

from pathlib import Path

from dockerlab import volumes

COMMAND = "cat /config/settings.txt; echo changed > /config/extra.txt"


def _folder(lab) -> str:
    folder = volumes.host_directory()
    lab.on_cleanup(folder.cleanup)
    Path(folder.name, "settings.txt").write_text("colour=green\n")
    return folder.name


def _finished(container):
    container.wait()
    return container


def read_write(lab):
    """The folder bind-mounted, but read-write: the write succeeds."""
    return _finished(lab.start(COMMAND, mounts=[volumes.bind(_folder(lab), "/config")]))


def a_named_volume(lab):
    """A named volume at /config, read-only: the host folder is never shown."""
    _folder(lab)
    volume = volumes.create_volume(lab)
    return _finished(lab.start(COMMAND, mounts=[volumes.named(volume.name, "/config",
                                                              read_only=True)]))


def no_write_attempt(lab):
    """Read-only and printed, but the write was never tried: nothing shows it is refused."""
    mounts = [volumes.bind(_folder(lab), "/config", read_only=True)]
    return _finished(lab.start("cat /config/settings.txt", mounts=mounts))


def mounted_elsewhere(lab):
    """The folder mounted read-only at /settings, the path of the file's name."""
    mounts = [volumes.bind(_folder(lab), "/settings", read_only=True)]
    return _finished(lab.start("cat /settings/settings.txt; echo changed > /settings/extra.txt",
                               mounts=mounts))


MISTAKES = {
    "read_write": r"is read-write",
    "a_named_volume": r"is a volume, not the host folder",
    "no_write_attempt": r"did not try to write",
    "mounted_elsewhere": r"nothing mounted at /config",
}
