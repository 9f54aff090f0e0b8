def cache_friendly_dockerfile(lab):
    """With this Dockerfile, every edit of app.sh re-runs the slow dependency step
    (`RUN sh install.sh`, which only needs deps.txt and install.sh). Return a Dockerfile
    (a string) that builds the same image, but whose dependency step comes from the
    cache when only app.sh changed."""
    dockerfile = """\
FROM dockerlab/busybox
WORKDIR /app
COPY deps.txt install.sh ./
RUN sh install.sh
COPY app.sh .
CMD ["sh", "app.sh"]
"""
    # What changes often goes last: the files the slow step reads are copied first.
    return dockerfile
