def dockerignore_text(lab):
    """The project holds app.sh, README.md and a 2 MB recording, videos/demo.mp4, that the
    image does not need. Its Dockerfile is `COPY . /app`, so every build sends the video to
    the engine and copies it into the image. Return the text of a .dockerignore that keeps
    videos/demo.mp4 out of the build context, while the image still runs app.sh."""
    dockerignore = "videos/\n"
    # Patterns are relative to the context's root: videos/ (or videos/*.mp4, **/*.mp4).
    return dockerignore
