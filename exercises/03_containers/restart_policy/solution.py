def make_it_come_back(lab):
    """Start (detached) a container from lab.base_image whose command crashes with a
    non-zero exit the FIRST time it runs, but keeps running once it is started again.
    Give it a restart policy so that the engine itself brings it back after the crash.
    Return the container (do not remove it)."""
    command = ("if [ -e /tmp/crashed ]; then sleep 3600; "
               "else touch /tmp/crashed; exit 1; fi")
    return lab.client.containers.run(lab.base_image, ["sh", "-c", command], detach=True,
                                     restart_policy={"Name": "on-failure",
                                                     "MaximumRetryCount": 3})
