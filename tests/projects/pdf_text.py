"""Just enough PDF text extraction for WeasyPrint's output (no pypdf or
pdftotext in the environment): inflate the streams, read the ToUnicode maps
and decode the glyph runs of the text-showing operators."""

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_BT = re.compile(rb"BT(.*?)ET", re.S)
_HEX = re.compile(rb"<([0-9a-fA-F]*)>")


def _streams(pdf):
    for match in _STREAM.finditer(pdf):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            yield match.group(1)


def _unicode(hex_bytes):
    raw = bytes.fromhex(hex_bytes.decode())
    return raw.decode("utf-16-be", errors="replace")


def _cmaps(streams):
    maps = []
    for data in streams:
        if b"begincmap" not in data:
            continue
        mapping = {}
        for block in _BFCHAR.findall(data):
            for glyph, text in _PAIR.findall(block):
                mapping[int(glyph, 16)] = _unicode(text)
        for block in _BFRANGE.findall(data):
            for start, end, text in _RANGE.findall(block):
                first = ord(_unicode(text)[0])
                for offset, glyph in enumerate(range(int(start, 16), int(end, 16) + 1)):
                    mapping[glyph] = chr(first + offset)
        maps.append(mapping)
    return maps


def pdf_text(pdf: bytes) -> str:
    streams = list(_streams(pdf))
    cmaps = _cmaps(streams)
    lines = []
    for data in streams:
        for block in _BT.findall(data):
            parts = []
            for hex_run in _HEX.findall(block):
                glyphs = [int(hex_run[i:i + 4], 16) for i in range(0, len(hex_run), 4)]
                for mapping in cmaps:
                    if all(g in mapping for g in glyphs):
                        parts.append("".join(mapping[g] for g in glyphs))
                        break
            if parts:
                lines.append("".join(parts))
    return "\n".join(lines).replace("\xa0", " ")
