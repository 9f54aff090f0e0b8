"""A registry outlives the check: the notebook's own registry still holds the tag that an
earlier, right attempt pushed. A later attempt that only tags the image must still fail."""

from dockerlab.checker import Exercise, Status
from dockerlab.registry.local import LocalRegistry, current


def tagged_not_pushed(lab):
    registry = current(lab)
    lab.client.images.get(lab.base_image).tag(f"{registry.host}/exercise/hello", "v1")
    return registry.reference("exercise/hello", "v1")


def test_a_tag_alone_fails_after_an_earlier_push_to_the_same_registry(engine_location):
    from dockerlab import Lab

    lab = Lab("test-push-per-attempt", engine=engine_location)
    registry = LocalRegistry.start(lab)  # as the notebook's: current(child) returns it
    try:
        exercise = Exercise.load("05_registries/push_to_registry", lab)
        assert exercise.check(exercise.function("solution")).status is Status.CORRECT
        assert "v1" in registry.api().tags("exercise/hello")
        result = exercise.check(tagged_not_pushed)
        assert result.status is Status.INCORRECT, result
        assert "did not push" in result.message
    finally:
        registry.stop()
        lab.cleanup()
