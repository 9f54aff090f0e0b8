"""Order a Dockerfile so that editing the app does not re-run the dependency step."""

import secrets

from dockerlab.checker import expect
from dockerlab.errors import DockerLabError
from dockerlab.images.builder import build

TITLE = "Let the cache skip the slow step"
FUNCTION = "cache_friendly_dockerfile"
HINTS = [
    "A step comes from the cache only if the step before it did and its own inputs did not "
    "change. `COPY . .` copies app.sh too, so editing app.sh changes that COPY and every "
    "step after it runs again.",
    "Look at the COPY before `RUN sh install.sh`: it should copy only what the install "
    "reads, deps.txt and install.sh.",
    "Copy only deps.txt and install.sh before `RUN sh install.sh`, then copy app.sh after it.",
]
INSTALL = "echo installing $(cat deps.txt) && sleep 1 && cat deps.txt > installed.txt\n"


def _files(app_text: str, deps: str) -> dict:
    return {"deps.txt": deps, "install.sh": INSTALL, "app.sh": f"echo {app_text}\n"}


def check(lab, answer):
    expect(isinstance(answer, str) and "FROM" in answer.upper(),
           "Return the Dockerfile's text (a string starting with FROM).")
    token = secrets.token_hex(4)  # fresh files each check: the first build cannot be cached
    deps = f"tool=={token}\n"
    try:
        build(lab, answer, _files(f"first-{token}", deps), tag="exercise/cache:1",
              network_mode="none")
        second = build(lab, answer, _files(f"second-{token}", deps), tag="exercise/cache:1",
                       network_mode="none")
    except DockerLabError as error:
        expect(False, f"Your Dockerfile does not build: {error.message}")
    installs = [step for step in second.learner_steps if "install.sh" in step.instruction
                and step.instruction.upper().startswith("RUN")]
    expect(installs, "Keep the dependency step `RUN sh install.sh`.")
    expect(installs[0].cached,
           f"After editing only app.sh, `{installs[0].instruction}` ran again instead of "
           "coming from the cache.")
    try:
        output = lab.run([], image="exercise/cache:1").strip()
    except DockerLabError:
        output = None
    expect(output == f"second-{token}",
           "The rebuilt image does not run the new app.sh by default (CMD [\"sh\", \"app.sh\"] "
           "in /app).")
    installed = lab.run("cat /app/installed.txt", image="exercise/cache:1")
    expect(installed == deps, "The dependency step did not leave /app/installed.txt.")
