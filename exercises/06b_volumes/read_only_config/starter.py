def read_only_config(lab):
    """Show a container a host folder it may read but not change: a read-only bind mount
    (`docker run -v FOLDER:/config:ro`). The folder and its settings.txt are made below.
    Start a container with the folder mounted at /config, read-only, whose shell command
    prints /config/settings.txt, then tries to write /config/extra.txt. Wait for it to
    finish and return it, not removed: the check reads its mount and what it printed, then
    looks in the folder."""
    from pathlib import Path

    from dockerlab import volumes  # bind(host_path, target, read_only=...)

    folder = volumes.host_directory()  # a temporary host folder ...
    lab.on_cleanup(folder.cleanup)  # ... kept until the check is done
    Path(folder.name, "settings.txt").write_text("colour=green\n")
    # Your code here: lab.start(command, mounts=[...]) starts a container in the background;
    # container.wait() waits for it to finish.
    return None
