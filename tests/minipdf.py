"""Small PDFs written by hand, byte by byte, for the PDF text tests.

Each page is a list of lines set in the standard Type1 font Helvetica, one line under the other.
Characters outside Latin-1 that the tests need (the ligatures "ﬀ ﬁ ﬂ ﬃ ﬄ") are given their own
codes through an /Encoding /Differences array that names the glyphs (/fi, /ffi ...), which is how
real TeX PDFs carry them. The cross-reference table is computed from the real byte offsets.

`encrypt_with` encrypts the file with the Standard security handler (revision 2, 40-bit RC4)
under that user password, as PDF 1.7 (ISO 32000-1, 7.6.3) describes: a reader needs the password.
"""

from __future__ import annotations

import hashlib

LIGATURE_CODES = {"ﬀ": 1, "ﬁ": 2, "ﬂ": 3, "ﬃ": 4, "ﬄ": 5}
_DIFFERENCES = b"[1 /ff /fi /fl /ffi /ffl]"
# The ligature codes map to the ligature characters U+FB00..U+FB04, as many TeX fonts' maps do.
_TO_UNICODE = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Ligatures def "
               b"1 begincodespacerange <00> <FF> endcodespacerange 5 beginbfchar "
               b"<01> <FB00> <02> <FB01> <03> <FB02> <04> <FB03> <05> <FB04> endbfchar "
               b"endcmap CMapName currentdict /CMap defineresource pop end end")
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_FILE_ID = bytes.fromhex("0123456789abcdef0123456789abcdef")


def pdf_string(text: str) -> bytes:
    out = bytearray(b"(")
    for ch in text:
        if ch in LIGATURE_CODES:
            out += b"\\%03o" % LIGATURE_CODES[ch]
        elif ch in "()\\":
            out += b"\\" + ch.encode("ascii")
        else:
            code = ch.encode("cp1252")  # WinAnsiEncoding; raises for what it cannot show
            out += code if 32 <= code[0] < 127 else b"\\%03o" % code[0]
    return bytes(out + b")")


def text_stream(lines: list[str], size: float = 10, top: float = 760, left: float = 72,
                leading: float = 14) -> bytes:
    ops = [b"BT", b"/F1 %g Tf" % size, b"%g TL" % leading, b"%g %g Td" % (left, top)]
    for i, line in enumerate(lines):
        ops.append(pdf_string(line) + (b" Tj" if i == 0 else b" '"))
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _padded(password: str) -> bytes:
    return (password.encode("latin-1") + _PAD)[:32]


class _Writer:
    def __init__(self) -> None:
        self.objects: list[bytes | None] = []

    def reserve(self) -> int:
        self.objects.append(None)
        return len(self.objects)

    def set(self, num: int, body: bytes) -> None:
        self.objects[num - 1] = body

    def add(self, body: bytes) -> int:
        num = self.reserve()
        self.set(num, body)
        return num


def build(pages: list[bytes], *, resources: bytes | None = None, extra: list[bytes] | None = None,
          encrypt_with: str | None = None, owner_password: str = "owner") -> bytes:
    """A PDF whose pages have these content streams. `extra` objects are added after the font and
    its ToUnicode map (numbered 5, 6, ...) so that `resources` can refer to them."""
    w = _Writer()
    catalog, pages_obj = w.reserve(), w.reserve()
    font = w.reserve()
    cmap = w.add(b"<< /Length %d >>\nstream\n" % len(_TO_UNICODE) + _TO_UNICODE + b"\nendstream")
    w.set(font, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
          b"/BaseEncoding /WinAnsiEncoding /Differences " + _DIFFERENCES + b" >> /ToUnicode %d 0 R >>" % cmap)
    for body in extra or []:
        w.add(body)
    res = resources or b"<< /Font << /F1 %d 0 R >> >>" % font
    kids = []
    streams: set[int] = set()
    for content in pages:
        stream = w.add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        streams.add(stream)
        kids.append(w.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources %s "
                          b"/Contents %d 0 R >>" % (pages_obj, res, stream)))
    w.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj)
    w.set(pages_obj, b"<< /Type /Pages /Kids [%s] /Count %d >>"
          % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))

    trailer_extra = b""
    if encrypt_with is not None:
        permissions = -44
        o_value = _rc4(hashlib.md5(_padded(owner_password)).digest()[:5], _padded(encrypt_with))
        key = hashlib.md5(_padded(encrypt_with) + o_value + permissions.to_bytes(4, "little", signed=True)
                          + _FILE_ID).digest()[:5]
        u_value = _rc4(key, _PAD)
        for num, body in enumerate(w.objects, 1):  # encrypt every stream with its object's key
            if body is not None and b"\nstream\n" in body:
                head, rest = body.split(b"\nstream\n", 1)
                data = rest[: -len(b"\nendstream")]
                obj_key = hashlib.md5(key + num.to_bytes(3, "little") + b"\x00\x00").digest()[:10]
                w.set(num, head + b"\nstream\n" + _rc4(obj_key, data) + b"\nendstream")
        encrypt = w.add(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
                        % (o_value.hex().encode(), u_value.hex().encode(), permissions))
        trailer_extra = b" /Encrypt %d 0 R" % encrypt

    file_id = _FILE_ID.hex().encode()
    return _assemble(w, catalog, b" /ID [<%s> <%s>]%s" % (file_id, file_id, trailer_extra))


def text_pdf(pages: list[list[str]], **kwargs: object) -> bytes:
    """A PDF with these lines of text on each page."""
    return build([text_stream(lines) for lines in pages], **kwargs)  # type: ignore[arg-type]


def image_only_pdf(n_pages: int = 2) -> bytes:
    """Pages that show a picture (a grey 8x8 image) and have no text at all, like a scan."""
    pixels = bytes((x * 32 + y * 8) % 256 for y in range(8) for x in range(8))
    image = (b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
             b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream")
    draw = b"q 468 0 0 648 72 72 cm /Im1 Do Q\n"
    return build([draw] * n_pages, extra=[image], resources=b"<< /XObject << /Im1 5 0 R >> >>")


def no_pages_pdf() -> bytes:
    return build([])


# -- a small invented paper, laid out like a real one ----------------------------------------------

RUNNING_HEADER = "Tidal Adapters (preprint)"
RUNNING_FOOTER = "Workshop on Invented Results, 2025"
STAMP = "arXiv:2501.01234v2 [cs.CL] 14 Jan 2025"

PAPER_BODY = [
    ["Tidal Adapters for Streaming Speech Translation", "Ines Okafor and Tomas Brandt", "Lakeshore Institute",
     "Abstract",
     "Streaming speech translation must emit words before the speaker has finished.",
     "We introduce tidal adapters, small decoder-only gates that let a frozen encoder wait.",
     "1 Introduction",
     "Simultaneous translation trades quality for delay in every sequence transduc-",
     "tion system that has to speak before it has heard the whole sentence.",
     STAMP],
    ["Earlier systems ﬁx the wait policy before training and cannot adapt it to the",
     "speaker, which makes them slow for fast talkers and wrong for slow ones.",
     "2 Method",
     "Each adapter is a small decoder-",
     "only gate between two frozen layers, trained with a latency penalty.",
     "The gate reads the encoder state and decides eﬃciently to read or to write."],
    ["3 Experiments",
     "We evaluate on HarborTalk, an invented corpus of four hundred hours of radio.",
     "Tidal adapters cut the average lag by thirty-one percent at equal BLEU.",
     "Table 1: Average lag and BLEU on HarborTalk."],
    ["4 Conclusion",
     "Tidal adapters let a frozen encoder decide when to speak, at little cost to the ﬂow.",
     "References",
     "[1] A. Author. Waiting policies for simultaneous interpretation considered",
     "harmful. In Proceedings of an Invented Conference, 2019.",
     "[2] B. Author. Streaming all the things. 2020."],
    ["A Hyperparameters",
     "All adapters use a hidden size of sixty-four and a learning rate of 0.0003.",
     "The latency penalty weight is one half in every experiment."],
]


def paper_pages(header: str = RUNNING_HEADER, footer: str = RUNNING_FOOTER) -> list[list[str]]:
    """The lines of each page: a running header, the body, a running footer and the page number."""
    return [[header] + lines + [footer, str(i + 1)] for i, lines in enumerate(PAPER_BODY)]


def paper_pdf() -> bytes:
    return text_pdf(paper_pages())


# -- hostile files -----------------------------------------------------------------------------------

def bomb_pdf(inflated: int = 1024 * 1024 * 1024) -> bytes:
    """A page whose content stream is `inflated` bytes of blanks, deflated: about a megabyte on disk
    for a gigabyte in memory, the way the bombs that kill a reader are made (`inflated`: a
    multiple of 16 MiB)."""
    from tests.bombs import zlib_bomb

    packed = zlib_bomb(inflated, byte=ord(" "))
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    w = _Writer()
    catalog, pages, page, content = w.reserve(), w.reserve(), w.reserve(), w.reserve()
    w.set(content, stream)
    w.set(page, b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R >>" % (pages, content))
    w.set(pages, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    w.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    return _assemble(w, catalog)


def many_pages_pdf(count: int = 1_000_000) -> bytes:
    """A page tree that names the same page `count` times."""
    w = _Writer()
    catalog, pages, page, content = w.reserve(), w.reserve(), w.reserve(), w.reserve()
    body = text_stream(["A page."])
    w.set(content, b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    w.set(page, b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R >>" % (pages, content))
    w.set(pages, b"<< /Type /Pages /Kids [" + b" ".join([b"%d 0 R" % page] * count) + b"] /Count %d >>" % count)
    w.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    return _assemble(w, catalog)


def _assemble(w: _Writer, catalog: int, trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(w.objects, 1):
        assert body is not None
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(w.objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += (b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(w.objects) + 1, catalog, trailer_extra, xref))
    return bytes(out)
