import pytest


@pytest.fixture(autouse=True)
def progress_in_a_scratch_file(tmp_path, monkeypatch):
    """The checks the tests run are not a learner's progress: record them apart."""
    monkeypatch.setenv("DOCKERLAB_PROGRESS", str(tmp_path / "progress.jsonl"))
    return tmp_path / "progress.jsonl"
