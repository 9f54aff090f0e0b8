import docker.errors
import pytest
import requests

from dockerlab import errors


def test_every_error_reads_as_message_then_advice():
    error = errors.ImageMissing("The image is missing.", "Build it.")
    assert str(error) == "The image is missing.\nBuild it."
    assert isinstance(error, errors.DockerLabError)


def test_the_docstring_tree_names_every_error_class():
    classes = {name for name, value in vars(errors).items()
               if isinstance(value, type) and issubclass(value, errors.DockerLabError)}
    missing = {name for name in classes if name not in errors.__doc__}
    assert missing == set(), f"add these to the tree in errors.py's docstring: {missing}"


def _api_error(message, status=400):
    response = requests.Response()
    response.status_code = status
    return docker.errors.APIError("boom", response=response, explanation=message)


@pytest.mark.parametrize("error, expected", [
    (docker.errors.ImageNotFound("No such image: x"), errors.ImageMissing),
    (docker.errors.NotFound("No such container: x"), errors.ObjectNotFound),
    (_api_error("invalid reference format: repository name must be lowercase"),
     errors.ImageNameInvalid),
    (_api_error("Cannot unpause container x: Container x is not paused", 409),
     errors.ContainerError),
    (requests.exceptions.ConnectionError("Connection aborted"), errors.EngineUnreachable),
    (docker.errors.BuildError("step failed", []), errors.BuildFailed),
    (docker.errors.InvalidVersion("all is not supported for API version < 1.42"),
     errors.ApiVersionRefused),
    (_api_error("client version 1.41 is too old. Minimum supported API version is 1.44, "
                "please upgrade your client to a newer version"), errors.ApiVersionRefused),
])
def test_lower_level_errors_become_the_kits_own(error, expected):
    translated = errors.translate(error)
    assert type(translated) is expected
    assert translated.advice, "every translated error says what to do"


def test_the_engines_own_words_are_kept():
    translated = errors.translate(_api_error("Container abc is not paused", 409))
    assert "Container abc is not paused" in translated.message
