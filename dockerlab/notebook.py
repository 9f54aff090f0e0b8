"""Notebook integration: errors shown as one paragraph, never a transport traceback.

Importing :mod:`dockerlab` inside IPython installs :func:`show_error` as the handler for the
kit's errors and for docker-py / requests / urllib3 errors. The cell fails (so nbval and
"Run All" still stop there) but the learner reads what happened and what to do, and the
kernel keeps working.
"""

from __future__ import annotations

import html

from .errors import DockerLabError, translate


def _handled_types() -> tuple[type, ...]:
    import docker.errors
    import requests.exceptions
    import urllib3.exceptions

    return (DockerLabError, docker.errors.DockerException,
            requests.exceptions.RequestException, urllib3.exceptions.HTTPError)


def error_box(error: DockerLabError) -> dict:
    """A display bundle (HTML and plain text) for one error."""
    kind = type(error).__name__
    text = f"{kind}: {error.message}" + (f"\n{error.advice}" if error.advice else "")
    advice = f"<p><b>What to do:</b> {html.escape(error.advice)}</p>" if error.advice else ""
    box = ("<div style='border-left:4px solid #c0392b;padding:6px 12px;background:#fdf2f0'>"
           f"<p><b>{html.escape(kind)}</b>: {html.escape(error.message)}</p>{advice}</div>")
    return {"text/plain": text, "text/html": box}


def show_error(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: one paragraph instead of a traceback."""
    from IPython.display import display

    display(error_box(translate(value)), raw=True)
    return None


def install_error_display() -> bool:
    """Install :func:`show_error` in the running IPython shell; False outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc(_handled_types(), show_error)
    return True
