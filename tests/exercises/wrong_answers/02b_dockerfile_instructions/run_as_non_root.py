"""Mistakes learners make when they take root away from an image's process."""

CMD = 'CMD ["sh", "-c", "date > /data/started && exec sleep 300"]\n'


def chown_but_no_user(lab):
    return f"FROM {lab.base_image}\nRUN mkdir /data && chown learner:learner /data\n" + CMD


def env_user(lab):
    return f"FROM {lab.base_image}\nRUN mkdir /data && chown learner /data\nENV USER=learner\n" \
        + CMD


def user_before_mkdir(lab):
    return f"FROM {lab.base_image}\nUSER learner\nRUN mkdir /data\n" + CMD


def user_without_chown(lab):
    return f"FROM {lab.base_image}\nRUN mkdir /data\nUSER learner\n" + CMD


def user_not_in_passwd(lab):
    return f"FROM {lab.base_image}\nRUN mkdir /data && chown 1000 /data\nUSER app\n" + CMD


MISTAKES = {
    "chown_but_no_user": r"runs as root \(uid 0\)",
    "env_user": r"ENV USER=\.\.\.` only sets a variable",
    "user_before_mkdir": r"RUN after USER runs as that user",
    "user_without_chown": r"cannot write /data",
    "user_not_in_passwd": r"not in the image's /etc/passwd",
}
