"""Plausible mistakes for 02/keep_it_out_of_the_context."""


def just_the_file_name(lab):
    # Matches demo.mp4 at the root of the context only, not videos/demo.mp4
    return "demo.mp4\n"


def ignore_everything(lab):
    # The video is out, and so is app.sh
    return "*\n"


def wrong_extension(lab):
    return "videos/*.mov\n"


def ignore_the_app_instead(lab):
    return "videos/demo.mp4\napp.sh\n"


MISTAKES = {
    "just_the_file_name": r"matched from the root of the context",
    "ignore_everything": r"leaves out too much",
    "wrong_extension": r"still in the build context",
    "ignore_the_app_instead": r"leaves out too much",
}
