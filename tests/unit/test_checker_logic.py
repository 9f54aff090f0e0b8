from dockerlab.checker import CheckResult, Exercise, Status, _same_code, all_exercises


def starter(lab):
    """Do the thing."""
    # your code here
    return None


def same_as_starter(lab):
    """Do the thing."""
    return None


def attempted(lab):
    """Do the thing."""
    return lab.run("true")


def test_an_untouched_starter_is_recognised_by_its_code_not_its_name():
    assert _same_code(starter, same_as_starter)
    assert not _same_code(starter, attempted)
    assert not _same_code(starter, None)


def test_every_exercise_has_hints_and_loads():
    assert all_exercises(), "the kit ships exercises"
    for exercise_id in all_exercises():
        exercise = Exercise.load(exercise_id)
        assert exercise.title and exercise._check.HINTS
        assert exercise.hint(1).startswith("Hint 1/")
        assert exercise.hint(99) == exercise.hint(len(exercise._check.HINTS))


def test_results_render_as_a_coloured_box():
    html = CheckResult("x/y", Status.CORRECT, "Well done!")._repr_html_()
    assert "Well done!" in html and "#1e8449" in html


def test_every_exercise_has_at_least_three_hints():
    """Hint 1 names the concept, hint 2 points at the code, the last comes close."""
    few = {exercise_id: len(Exercise.load(exercise_id)._check.HINTS)
           for exercise_id in all_exercises()}
    few = {exercise_id: count for exercise_id, count in few.items() if count < 3}
    assert not few, f"exercises with fewer than 3 hints: {few}"


class _EventsClient:
    """Answers GET /events with a finished list, remembering what it was asked."""

    def __init__(self, raw):
        self.raw, self.asked = raw, {}

    def events(self, **kwargs):
        self.asked = kwargs
        return iter(self.raw)


class _Lab:
    session, started = "00-welcome-abc123", 1000.0

    def __init__(self, raw):
        self.client = _EventsClient(raw)


def _raw(action, id_, exit_code=None):
    attributes = {"name": "c"} | ({"exitCode": str(exit_code)} if exit_code is not None else {})
    return {"Type": "container", "Action": action, "timeNano": 1_001_000_000_000,
            "Actor": {"ID": id_, "Attributes": attributes}}


def test_engine_events_asks_for_the_session_since_its_start():
    from dockerlab.checker import container_events, engine_events

    lab = _Lab([_raw("start", "aaa"), _raw("die", "aaa", 1), _raw("start", "bbb")])
    events = engine_events(lab, action="die")
    assert lab.client.asked["since"] == 1000.0 and lab.client.asked["until"] >= 1000.0
    filters = lab.client.asked["filters"]
    assert filters["type"] == ["container"] and filters["event"] == ["die"]
    assert "io.dockerlab.session=00-welcome-abc123" in filters["label"]
    assert [e.exit_code for e in events] == [None, 1, None]  # the engine filters, not us

    class Container:
        id = "aaa"

    assert container_events(lab, Container()) == ["start", "die"]


def test_volume_events_are_not_filtered_by_the_session_label():
    from dockerlab.checker import engine_events

    lab = _Lab([])
    engine_events(lab, type="volume", since=5.0)
    assert "label" not in lab.client.asked["filters"] and lab.client.asked["since"] == 5.0
