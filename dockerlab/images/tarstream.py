"""A lean one-pass tar reader for the layer reader (:mod:`dockerlab.images.layers`).

Similar to ``tar -t`` reading from a pipe. Python's ``tarfile`` in stream mode (``"r|"``)
copies its whole read buffer on every small read, which makes nested streams (a layer tar
inside a ``docker save`` tar) slow on images with tens of thousands of files. This reader
keeps the chunks it is given and hands out views of them: a 512-byte header costs a
512-byte copy, file contents are never copied, only passed (as ``memoryview`` slices) to
whoever wants them, such as a SHA-256.

Headers are parsed here (ustar and GNU fields, octal or base-256 numbers, checksum); the
extended headers that Go's ``archive/tar`` (Docker) writes are applied here: PAX records
``path``, ``linkpath``, ``size`` and GNU long names (``L``/``K``).
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable, Iterator

BLOCK = 512
_CHKSUM_FIELD = slice(148, 156)


class Header:
    """The fields of one tar header the kit needs, with ``tarfile.TarInfo``'s names."""

    __slots__ = ("name", "linkname", "size", "mode", "type")

    def __init__(self, name: str, linkname: str, size: int, mode: int, type: bytes):
        self.name, self.linkname, self.size, self.mode, self.type = \
            name, linkname, size, mode, type

    def isfile(self) -> bool:
        return self.type in (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE)

    def isdir(self) -> bool:
        return self.type == tarfile.DIRTYPE

    def issym(self) -> bool:
        return self.type == tarfile.SYMTYPE

    def islnk(self) -> bool:
        return self.type == tarfile.LNKTYPE


def _number(field: bytes) -> int:
    """An octal header number, or a base-256 one (GNU, for big values)."""
    if field[0] & 0x80:
        value = int.from_bytes(field[1:], "big")
        return -value if field[0] == 0xFF else value
    text = field.split(b"\0", 1)[0].strip()
    return int(text, 8) if text else 0


def _text(field: bytes) -> str:
    return field.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def parse_header(block: bytes) -> Header:
    """One 512-byte ustar/GNU header; a wrong checksum raises ``tarfile.ReadError``."""
    try:
        stored = _number(block[_CHKSUM_FIELD])
    except ValueError:
        raise tarfile.ReadError("invalid tar header (bad checksum field)") from None
    computed = sum(block) - sum(block[_CHKSUM_FIELD]) + 8 * 32
    if stored != computed:
        raise tarfile.ReadError("invalid tar header (checksum mismatch)")
    try:
        size, mode = _number(block[124:136]), _number(block[100:108])
    except ValueError:
        raise tarfile.ReadError("invalid tar header (bad number)") from None
    name = _text(block[0:100])
    kind = block[156:157]
    if block[257:262] == b"ustar" and block[345] and kind not in (b"L", b"K"):
        name = _text(block[345:500]) + "/" + name
    if kind == b"\0" or kind == b"":
        kind = tarfile.DIRTYPE if name.endswith("/") else tarfile.REGTYPE
    return Header(name, _text(block[157:257]), size, mode, kind)




class ByteStream:
    """Bytes pulled chunk by chunk from ``pull()`` (``b""`` at the end), read without copies."""

    def __init__(self, pull: Callable[[], bytes]):
        self._pull = pull
        self._buf = memoryview(b"")
        self._pos = 0
        self.count = 0  # bytes handed out so far

    @classmethod
    def of_chunks(cls, chunks) -> ByteStream:
        iterator = iter(chunks)
        return cls(lambda: next(iterator, b""))

    def _fill(self) -> bool:
        while True:
            data = self._pull()
            if not data:
                return False
            if len(data):
                self._buf, self._pos = memoryview(data), 0
                return True

    def read_exact(self, size: int) -> bytes:
        """``size`` bytes, or EOFError (``b""`` only when the stream ended right here)."""
        start = self._pos
        if len(self._buf) - start >= size:
            self._pos += size
            self.count += size
            return self._buf[start:self._pos].tobytes()
        parts = [view.tobytes() for view in self.views(size, allow_empty=True)]
        data = b"".join(parts)
        if data and len(data) < size:
            raise EOFError(f"unexpected end of data ({len(data)} of {size} bytes)")
        return data

    def views(self, size: int, allow_empty: bool = False) -> Iterator[memoryview]:
        """The next ``size`` bytes as consecutive views (no copy)."""
        given = 0
        while given < size:
            if self._pos >= len(self._buf) and not self._fill():
                if allow_empty:
                    return
                raise EOFError(f"unexpected end of data ({given} of {size} bytes)")
            take = min(size - given, len(self._buf) - self._pos)
            view = self._buf[self._pos:self._pos + take]
            self._pos += take
            self.count += take
            given += take
            yield view

    def rest(self) -> Iterator[memoryview]:
        """Everything left, as views."""
        while self._pos < len(self._buf) or self._fill():
            view = self._buf[self._pos:]
            self.count += len(view)
            self._pos = len(self._buf)
            yield view

    def read(self, size: int = -1) -> bytes:
        """File-like read (for ``tarfile`` and ``json``): at most ``size`` bytes."""
        if size is None or size < 0:
            return b"".join(view.tobytes() for view in self.rest())
        if self._pos >= len(self._buf) and not self._fill():
            return b""
        take = min(size, len(self._buf) - self._pos)
        view = self._buf[self._pos:self._pos + take]
        self._pos += take
        self.count += take
        return view.tobytes()


def _pax_records(data: bytes) -> dict[str, str]:
    """``"27 path=some/long/name\\n"`` records -> ``{"path": "some/long/name"}``."""
    records, position = {}, 0
    while position < len(data):
        space = data.find(b" ", position)
        if space < 0:
            break
        length = int(data[position:space])
        if length <= 0:
            raise tarfile.ReadError("invalid PAX header")
        key, _, value = data[space + 1:position + length - 1].partition(b"=")
        records[key.decode("utf-8", "surrogateescape")] = \
            value.decode("utf-8", "surrogateescape")
        position += length
    return records


class Member:
    """A member being read: its header (``info``) and its content, to read once, in order."""

    __slots__ = ("info", "_stream", "_left")

    def __init__(self, info: Header, stream: ByteStream):
        self.info = info
        self._stream = stream
        self._left = info.size if info.isfile() else 0

    def views(self) -> Iterator[memoryview]:
        """The content as views; what is not read is skipped when the next member comes."""
        for view in self._stream.views(self._left):
            self._left -= len(view)
            yield view

    def read(self, size: int = -1) -> bytes:
        size = self._left if size is None or size < 0 else min(size, self._left)
        data = b"".join(view.tobytes() for view in self._stream.views(size))
        self._left -= len(data)
        return data

    def skip(self) -> None:
        for _ in self.views():
            pass


def iter_tar(stream: ByteStream) -> Iterator[Member]:
    """Walk a tar archive in ``stream``, one :class:`Member` at a time.

    Read a member's content before asking for the next (or don't: it is skipped). The
    archive ends at its zero blocks, or where the stream ends between two members;
    an end in the middle of a header or of a file raises ``EOFError``.
    """
    overrides: dict[str, str] = {}
    global_pax: dict[str, str] = {}
    while True:
        header = stream.read_exact(BLOCK)
        if not header:
            return
        if not header.strip(b"\0"):
            return  # end-of-archive blocks: the caller drains what follows if it cares
        info = parse_header(header)
        size = info.size
        if info.type in (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME,
                         tarfile.GNUTYPE_LONGLINK):
            data = stream.read_exact(size)
            stream.read_exact(-size % BLOCK)
            if info.type == tarfile.XHDTYPE:
                overrides.update(_pax_records(data))
            elif info.type == tarfile.XGLTYPE:
                global_pax.update(_pax_records(data))
            else:
                key = "path" if info.type == tarfile.GNUTYPE_LONGNAME else "linkpath"
                overrides[key] = data.rstrip(b"\0").decode("utf-8", "surrogateescape")
            continue
        values = {**global_pax, **overrides}
        overrides = {}
        if "path" in values:
            info.name = values["path"]
        if "linkpath" in values:
            info.linkname = values["linkpath"]
        if "size" in values:
            info.size = int(values["size"])
        if info.type == tarfile.DIRTYPE:
            info.name = info.name.rstrip("/")  # as tarfile does
        member = Member(info, stream)
        yield member
        member.skip()
        padding = -info.size % BLOCK if info.isfile() else 0
        if stream.read_exact(padding) == b"" and padding:
            return
