from dockerlab import cli


def test_lab_passes_every_option_to_the_launcher(monkeypatch):
    seen = []
    monkeypatch.setattr("dockerlab.launcher.main", lambda argv: seen.append(argv) or 0)
    assert cli.main(["lab", "--port", "9000"]) == 0
    assert cli.main(["lab"]) == 0
    assert seen == [["--port", "9000"], []]


def test_clean_takes_all_and_session():
    args = cli.parser().parse_args(["clean", "--all"])
    assert args.all and args.session is None
