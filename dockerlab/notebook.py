"""Notebook integration: errors shown as one paragraph, never a transport traceback.

Importing :mod:`dockerlab` inside IPython installs :func:`show_error` as the handler for the
kit's errors and for docker-py / requests / urllib3 errors. The cell still fails the normal
way (an ``error`` output, so "Run All", nbclient and nbval stop or report there), but what
the learner reads in place of the traceback is what happened and what to do. The kernel
keeps working.
"""

from __future__ import annotations

from .errors import DockerLabError, translate


def _handled_types() -> tuple[type, ...]:
    import docker.errors
    import requests.exceptions
    import urllib3.exceptions

    return (DockerLabError, docker.errors.DockerException,
            requests.exceptions.RequestException, urllib3.exceptions.HTTPError)


def error_lines(error: DockerLabError) -> list[str]:
    """The lines shown in place of a traceback (red name, message, advice)."""
    lines = [f"\x1b[1;31m{type(error).__name__}\x1b[0m: {error.message}"]
    if error.advice:
        lines.append(f"\x1b[1mWhat to do:\x1b[0m {error.advice}")
    return lines


def show_error(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: one paragraph instead of a traceback."""
    error = translate(value)
    lines = error_lines(error)
    publish = getattr(shell, "_showtraceback", None)
    if publish is not None:  # ipykernel: an `error` message, seen by frontends and nbval
        publish(type(error), error, lines)
    else:
        print("\n".join(lines))
    return lines


def ipython_shell():
    """The running IPython shell, or ``None`` outside IPython (a script, a test)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def install_error_display() -> bool:
    """Install :func:`show_error` in the running IPython shell; False outside IPython."""
    shell = ipython_shell()
    if shell is None:
        return False
    shell.set_custom_exc(_handled_types(), show_error)
    return True


def show_figures_inline() -> bool:
    """Let IPython display a bare matplotlib ``Figure`` as a PNG (pyplot's inline backend does
    this only once pyplot is imported); False outside IPython."""
    shell = ipython_shell()
    if shell is None:
        return False
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    shell.display_formatter.formatters["image/png"].for_type(
        Figure, lambda figure: print_figure(figure, "png", bbox_inches="tight"))
    return True
