"""No network surprises: the kit's JupyterLab stays on the machine, asks nothing, opens on 00.

The lab is the one ``./kit lab`` starts (:func:`dockerlab.launcher.running_lab`, with the
kit's settings from :mod:`dockerlab.lab_settings`); its user-settings folder is an empty one
of the tests' own, so nothing answers JupyterLab's news question in advance. A fresh page
opens the bare address a learner might type, and every request and websocket it makes is
recorded: none may leave loopback (Chromium cannot resolve other names here, but it still
tries, and the attempt is recorded), no news notification may show, and the lab must land on
``00_welcome.ipynb``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from labpage import NotebookPage

from dockerlab.lab_settings import FIRST_NOTEBOOK, NEWS_PLUGIN, NOTIFICATION_SETTINGS

#: how long the page is watched after the notebook showed (the news question comes after the
#: lab is restored, within a second on an idle machine)
SETTLE_MS = 5_000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def test_the_lab_opens_on_notebook_00_without_news_and_without_leaving_the_machine(
        browser, jupyterlab_server):
    urls: list[str] = []
    page = browser.new_page()
    page.on("request", lambda request: urls.append(request.url))
    page.on("websocket", lambda socket: urls.append(socket.url))
    notebook = NotebookPage(page, jupyterlab_server, FIRST_NOTEBOOK, None)
    try:
        page.goto(jupyterlab_server.url(""))  # the bare address: the lab decides where to go
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Notebook-cell",
                               timeout=90_000)
        notebook.wait_for_idle_kernel(90)
        notebook.wait_for_all_cells(90)
        page.wait_for_timeout(SETTLE_MS)

        assert urlsplit(page.url).path == f"/lab/tree/{FIRST_NOTEBOOK}"
        current = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current "
                               ".lm-TabBar-tabLabel")
        assert current.inner_text().strip() == FIRST_NOTEBOOK
        assert jupyterlab_server.start_url().startswith(
            f"{jupyterlab_server.base_url}lab/tree/{FIRST_NOTEBOOK}?token=")

        news = page.locator(".Toastify__toast", has_text="news")
        assert news.count() == 0, news.first.inner_text()
        config = page.evaluate(
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)")
        assert NEWS_PLUGIN in config["disabledExtensions"]
        settings = page.request.get(
            jupyterlab_server.url(f"lab/api/settings/{NOTIFICATION_SETTINGS}")).json()
        defaults = {key: value.get("default")
                    for key, value in settings["schema"]["properties"].items()}
        assert (defaults["fetchNews"], defaults["checkForUpdates"]) == ("false", False)

        paths = [urlsplit(url).path for url in urls]
        assert any(path.startswith("/lab/api/settings") for path in paths)  # it did record
        assert any(path.startswith("/api/kernels/") for path in paths)  # websockets too
        assert not [p for p in paths if p in ("/lab/api/news", "/lab/api/update")]
        assert [url for url in urls if urlsplit(url).hostname not in LOOPBACK_HOSTS] == []
        # the server side asks nobody either: no PyPI listing behind the extension manager
        assert "Extension Manager is 'readonly'" in jupyterlab_server.log_path.read_text()
    finally:
        page.close(run_before_unload=False)
        jupyterlab_server.shutdown_kernels()
