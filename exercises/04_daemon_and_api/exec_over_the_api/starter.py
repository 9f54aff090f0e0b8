def exec_over_the_api(lab):
    """A container that sleeps is started below. With hand-made HTTP requests only (no SDK),
    make it run `touch /tmp/hello-from-the-api` inside: the REST API makes an exec in two
    steps, first created for the container, then started. Return the exec's ID."""
    from dockerlab.engine.wire import raw_request  # an HTTP request over /var/run/docker.sock

    container = lab.start("sleep 60", name=f"{lab.session}-exec")
    # Your code here: POST /containers/<id>/exec with a JSON body, then POST /exec/<id>/start.
    return None
