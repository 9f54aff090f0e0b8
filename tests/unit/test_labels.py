from dockerlab import labels


def test_session_ids_are_readable_unique_and_carry_the_run_prefix(monkeypatch):
    monkeypatch.setenv(labels.SESSION_PREFIX_ENV, "t123-")
    first, second = labels.new_session_id("00 Welcome!"), labels.new_session_id("00 Welcome!")
    assert first.startswith("t123-00-welcome-") and first != second


def test_session_labels_name_kit_session_and_notebook():
    assert labels.session_labels("s1", "nb") == {
        labels.KIT: "dockerlab", labels.SESSION: "s1", labels.NOTEBOOK: "nb"}


def test_the_kit_labels_win_over_what_the_caller_gave():
    merged = labels.with_labels({"app": "web", labels.SESSION: "forged"},
                                labels.session_labels("s1", "nb"))
    assert merged["app"] == "web" and merged[labels.SESSION] == "s1"
    assert labels.with_labels(["flag"], {"k": "v"}) == {"flag": "", "k": "v"}
