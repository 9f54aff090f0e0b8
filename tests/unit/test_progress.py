import json
import multiprocessing
import os
import stat

from dockerlab import cli, progress
from dockerlab.checker import CheckResult, Exercise, Status


def test_a_record_has_the_documented_fields_and_format_1():
    record = progress.make_record("00_welcome/first_container", "correct", hints=2,
                                  seconds=1.234, when=0)
    assert record == {"format": 1, "time": "1970-01-01T00:00:00Z", "user": progress.user(),
                      "notebook": "00_welcome", "exercise": "00_welcome/first_container",
                      "status": "correct", "hints": 2, "solution_shown": False,
                      "seconds": 1.2}


def test_the_file_is_private_and_holds_one_json_line_per_record(tmp_path):
    path = tmp_path / "state" / "progress.jsonl"
    progress.append(progress.make_record("a/x", "incorrect"), path)
    progress.append(progress.make_record("a/x", "correct", hints=1), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text().splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["incorrect", "correct"]


def test_the_env_var_moves_the_file_or_switches_recording_off(tmp_path, monkeypatch):
    monkeypatch.setenv(progress.PROGRESS_ENV, str(tmp_path / "mine.jsonl"))
    assert progress.progress_file() == tmp_path / "mine.jsonl"
    monkeypatch.setenv(progress.PROGRESS_ENV, "off")
    assert progress.progress_file() is None
    assert progress.append(progress.make_record("a/x", "correct")) is None
    monkeypatch.delenv(progress.PROGRESS_ENV)
    monkeypatch.setenv("DOCKERLAB_STATE_DIR", str(tmp_path / "kit"))
    assert progress.progress_file() == tmp_path / "kit" / f"progress-{progress.user()}.jsonl"


def _append_many(path, worker):
    for number in range(200):
        progress.append(progress.make_record(f"n/e{worker}", "incorrect", hints=number), path)


def test_concurrent_writers_never_tear_a_line(tmp_path):
    path = tmp_path / "progress.jsonl"
    workers = [multiprocessing.Process(target=_append_many, args=(path, n)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(progress.read(path)) == 800
    assert all(json.loads(line) for line in path.read_text().splitlines())


def test_torn_foreign_and_newer_lines_are_skipped(tmp_path):
    path = tmp_path / "progress.jsonl"
    progress.append(progress.make_record("a/x", "correct"), path)
    with open(path, "a") as handle:
        handle.write('{"format": 2, "exercise": "a/y"}\n[1, 2]\n{"format": 1, "exerc\n')
    assert [r["exercise"] for r in progress.read(path)] == ["a/x"]


def test_the_summary_keeps_the_best_status_and_the_most_hints():
    records = [progress.make_record("00_welcome/first", "incorrect", hints=2, when=10),
               progress.make_record("00_welcome/first", "correct", hints=1, when=20),
               progress.make_record("00_welcome/first", "incorrect", when=30),
               progress.make_record("01_images/motd", "not attempted", when=5)]
    summary = progress.summary(records)
    assert list(summary) == ["00_welcome", "01_images"]
    first = summary["00_welcome"][0]
    assert (first["status"], first["checks"], first["hints"]) == ("correct", 3, 2)
    assert first["last"] == "1970-01-01T00:00:30Z"
    text = progress.table(records)
    assert "00_welcome" in text and "first" in text and "correct" in text


def test_dockerlab_progress_prints_a_table_per_notebook(tmp_path, monkeypatch, capsys):
    path = tmp_path / "p.jsonl"
    monkeypatch.setenv(progress.PROGRESS_ENV, str(path))
    assert cli.main(["progress"]) == 0
    assert "No exercise checked yet" in capsys.readouterr().out
    progress.append(progress.make_record("03_containers/oom_limit", "correct", hints=3))
    assert cli.main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "03_containers" in out and "oom_limit" in out and str(path) in out
    assert cli.main(["progress", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["03_containers"][0]["hints"] == 3


def test_a_check_records_its_result_with_the_hints_asked(tmp_path, monkeypatch):
    path = tmp_path / "p.jsonl"
    monkeypatch.setenv(progress.PROGRESS_ENV, str(path))
    exercise = Exercise.load("00_welcome/first_container")
    exercise.hint(2)
    exercise.hint(1)
    monkeypatch.setattr(exercise, "_check_now",
                        lambda function: CheckResult(exercise.id, Status.INCORRECT, "no"))
    assert exercise.check(print).status is Status.INCORRECT
    (record,) = progress.read(path)
    assert (record["exercise"], record["status"], record["hints"]) == (
        "00_welcome/first_container", "incorrect", 2)


def test_an_unwritable_progress_file_never_breaks_a_check(tmp_path, monkeypatch):
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    os.chmod(blocked, 0o500)
    monkeypatch.setenv(progress.PROGRESS_ENV, str(blocked / "sub" / "p.jsonl"))
    exercise = Exercise.load("00_welcome/first_container")
    monkeypatch.setattr(exercise, "_check_now",
                        lambda function: CheckResult(exercise.id, Status.CORRECT, "ok"))
    if os.geteuid() == 0:  # root writes anywhere: make the parent a file instead
        monkeypatch.setenv(progress.PROGRESS_ENV, str(tmp_path / "p.jsonl" / "x"))
        (tmp_path / "p.jsonl").write_text("")
    import pytest

    with pytest.warns(UserWarning, match="not recorded"):
        assert exercise.check(print).passed
