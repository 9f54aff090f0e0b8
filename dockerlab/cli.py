"""The ``dockerlab`` command (also ``python -m dockerlab``).

::

    dockerlab doctor              can the kit run here? what is this engine?
    dockerlab clean [--all]       remove every session's objects (--all: base images too)
    dockerlab engine up|down      start an engine when none answers / stop the one we started
    dockerlab engine install      only install the kit's missing system packages
    dockerlab engine facts        one line: what this engine is (builder, store, API, cgroups)
    dockerlab base-images         build the kit's offline base images
    dockerlab lab                 start JupyterLab on the notebooks
    dockerlab progress [--json]   your exercises' results, a table per notebook
"""

from __future__ import annotations

import argparse
import sys

from .errors import DockerLabError


def _doctor(args) -> int:
    from .engine.doctor import diagnose

    report = diagnose()
    print(report)
    return 0 if report.can_run else 1


def _clean(args) -> int:
    from .cleanup import clean_all_sessions, clean_session
    from .engine.locate import connect

    client = connect()
    try:
        if args.session:
            report = clean_session(client, args.session)
        else:
            report = clean_all_sessions(client, include_base_images=args.all)
    finally:
        client.close()
    print(report)
    if not args.session:
        from .linux import clean_leftovers

        leftovers = clean_leftovers()
        if leftovers:
            print(f"Removed {len(leftovers)} leftovers of killed under-the-hood demos: "
                  + ", ".join(leftovers))
    return 0 if not report.failed else 1


def _engine(args) -> int:
    from .engine.install import ensure_engine, stop_started_engine

    if args.action == "up":
        print(ensure_engine().message)
    elif args.action == "install":
        from .engine.install import ensure_system_packages

        installed = ensure_system_packages()
        print(f"Installed {', '.join(installed)}." if installed else
              "The kit's system packages were there already (or may not be installed here: "
              "see `dockerlab doctor`).")
    elif args.action == "facts":
        from .engine.facts import engine_facts
        from .engine.locate import connect

        client = connect()
        try:
            print(engine_facts(client).summary())
        finally:
            client.close()
    elif args.action == "down":
        print(stop_started_engine())
    else:
        from .engine.locate import find_engine

        location = find_engine()
        print(f"Docker Engine at {location.url} ({location.how}).")
    return 0


def _base_images(args) -> int:
    from .engine.locate import connect
    from .images.base import ensure_busybox_image

    client = connect()
    try:
        image = ensure_busybox_image(client, rebuild=args.rebuild)
    finally:
        client.close()
    print(f"{', '.join(image.tags)} ({image.short_id}) is ready.")
    return 0


def _progress(args) -> int:
    import json
    from pathlib import Path

    from . import progress

    path = Path(args.file) if args.file else progress.progress_file()
    if args.json:
        records = progress.read(path) if path else []
        print(json.dumps(progress.summary(records), indent=2))
        return 0
    print(progress.show(path))
    if path is not None:
        print(f"\n(recorded in {path})")
    return 0


def _lab(args) -> int:
    from .launcher import main as launch

    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    return launch(rest) or 0


def _classroom(args) -> int:
    from .classroom.run import remove_learners, serve

    if args.remove_learners:
        return remove_learners()
    if not args.learners:
        raise SystemExit("dockerlab classroom: say how many learners: --learners N")
    return serve(args.learners, args.listen, args.port, args.engine)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="dockerlab", description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="check the set-up and describe the engine") \
        .set_defaults(run=_doctor)
    clean = commands.add_parser("clean", help="remove the objects the kit's sessions made")
    clean.add_argument("--all", action="store_true", help="also remove the kit's base images")
    clean.add_argument("--session", help="only this session's objects")
    clean.set_defaults(run=_clean)
    engine = commands.add_parser("engine", help="bring a Docker Engine up, or stop ours")
    engine.add_argument("action", choices=["up", "down", "status", "install", "facts"])
    engine.set_defaults(run=_engine)
    base = commands.add_parser("base-images", help="build the kit's offline base images")
    base.add_argument("--rebuild", action="store_true")
    base.set_defaults(run=_base_images)
    shown = commands.add_parser("progress", help="your exercises' results, per notebook")
    shown.add_argument("--file", help="another progress file (default: yours, or "
                       "$DOCKERLAB_PROGRESS)")
    shown.add_argument("--json", action="store_true", help="the summary as JSON")
    shown.set_defaults(run=_progress)
    lab = commands.add_parser("lab", help="start JupyterLab on the notebooks")
    lab.add_argument("rest", nargs=argparse.REMAINDER)
    lab.set_defaults(run=_lab)
    room = commands.add_parser("classroom", help="serve a workshop: JupyterHub, each learner "
                               "on their own engine")
    room.add_argument("--learners", type=int, help="how many learners")
    room.add_argument("--remove-learners", action="store_true",
                      help="after the workshop: remove every learner's user, home and engine")
    room.add_argument("--listen", default="127.0.0.1",
                      help="address to serve on (not loopback: HTTPS with the kit's certificate)")
    room.add_argument("--port", type=int, default=8000)
    room.add_argument("--engine", choices=["auto", "rootless", "rootful"], default="rootful",
                      help="each learner's engine: rootless (their containers can do only "
                      "what they can), rootful (root-equivalent), auto: rootless where the "
                      "host allows it (default: %(default)s)")
    room.set_defaults(run=_classroom)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["lab"]:  # everything after `lab` is the launcher's, options included
        argv = ["lab", "--", *argv[1:]]
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except DockerLabError as error:
        print(f"dockerlab: {error.paragraph()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
