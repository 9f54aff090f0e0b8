def stack_the_layers(lab):
    """An image's two layers are unpacked side by side: folder `base` (the bottom layer:
    motd.txt, and app.conf saying version=1) and folder `top` (the layer above it: app.conf
    saying version=2). Next to them are the empty folders `upper` and `work`. Return the
    options of `mount -t overlay overlay -o OPTIONS merged`, with those folder names, that
    give a container's view of the image: app.conf says version=2, motd.txt is there, and
    what the container writes goes into `upper`, never into a layer. The check mounts your
    options on fresh folders of its own and looks at each folder afterwards."""
    # Your code here: comma-separated lowerdir=..., upperdir=..., workdir=...
    # (lowerdir takes several folders, separated by ':')
    return "lowerdir=base"
