#!/usr/bin/env python3
"""CCNet's text normalizer re-typed, and the generator of this folder's goldens.

The functions below are cc_net/text_normalizer.py from facebookresearch/cc_net
(UNICODE_PUNCT, strip_accents, normalize, normalize_for_dedup), unchanged in
behaviour. Run from this folder with Python 3.12 (Unicode 15.0, the version of
Go's unicode package):

    python3.12 ccnet_ref.py            # rewrites the expected blocks of ./normalize
                                       # and regenerates codepoints.tsv.gz
"""
import gzip
import re
import sys
import unicodedata

UNICODE_PUNCT = {
    "，": ",", "。": ".", "、": ",", "„": '"', "”": '"', "“": '"', "«": '"',
    "»": '"', "１": '"', "」": '"', "「": '"', "《": '"', "》": '"', "´": "'",
    "∶": ":", "：": ":", "？": "?", "！": "!", "（": "(", "）": ")", "；": ";",
    "–": "-", "—": " - ", "．": ". ", "～": "~", "’": "'", "…": "...",
    "━": "-", "〈": "<", "〉": ">", "【": "[", "】": "]", "％": "%", "►": "-",
}
UNICODE_PUNCT_RE = re.compile(f"[{''.join(UNICODE_PUNCT.keys())}]")


def replace_unicode_punct(text):
    return "".join((UNICODE_PUNCT.get(c, c) for c in text))


def remove_unicode_punct(text):
    return UNICODE_PUNCT_RE.sub("", text)


def strip_accents(line):
    nfd = unicodedata.normalize("NFD", line)
    output = [c for c in nfd if unicodedata.category(c) != "Mn"]
    if len(output) == line:
        return line
    return "".join(output)


NON_PRINTING_CHARS_RE = re.compile(
    f"[{''.join(map(chr, list(range(0, 32)) + list(range(127, 160))))}]"
)
DIGIT_RE = re.compile(r"\d")
PUNCT_OR_NON_PRINTING_CHARS_RE = re.compile(
    (UNICODE_PUNCT_RE.pattern + NON_PRINTING_CHARS_RE.pattern).replace("][", "")
)


def remove_non_printing_char(text):
    return NON_PRINTING_CHARS_RE.sub("", text)


def normalize(line, accent=True, case=True, numbers=True, punct=1):
    line = line.strip()
    if not line:
        return line
    if case:
        line = line.lower()
    if accent:
        line = strip_accents(line)
    if numbers:
        line = DIGIT_RE.sub("0", line)
    if punct == 1:
        line = replace_unicode_punct(line)
    elif punct == 2:
        line = remove_unicode_punct(line)
    line = remove_non_printing_char(line)
    return line


def normalize_for_dedup(line):
    line = line.strip()
    if not line:
        return line
    line = line.lower()
    line = DIGIT_RE.sub("0", line)
    line = PUNCT_OR_NON_PRINTING_CHARS_RE.sub("", line)
    return line


# ---- golden files -------------------------------------------------------

def unescape(s):
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape")


def escape(s):
    out = []
    for c in s:
        o = ord(c)
        if c == "\\":
            out.append("\\\\")
        elif o < 0x20 or 0x7F <= o <= 0xA0 or c.isspace() and c != " " or o in (0xAD, 0x200B, 0xFEFF, 0x180E):
            out.append("\\x%02x" % o if o < 0x100 else "\\u%04x" % o)
        else:
            out.append(c)
    return "".join(out)


FUNCS = {"normalize": normalize, "dedup": normalize_for_dedup}


def rewrite(path):
    """Rewrites every expected block of a datadriven file (cmd [escaped] /
    input lines / ---- / one output line per input line)."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line or line.startswith("#"):
            out.append(line)
            i += 1
            continue
        words = line.split()
        cmd, esc = words[0], "escaped" in words[1:]
        out.append(line)
        i += 1
        inputs = []
        while lines[i] != "----":
            inputs.append(lines[i])
            i += 1
        out.extend(inputs)
        i += 1  # ----
        if i < len(lines) and lines[i] == "----":  # old double-separator block
            i += 1
            while not (lines[i] == "----" and lines[i + 1] == "----"):
                i += 1
            i += 2
        else:
            while i < len(lines) and lines[i] != "":
                i += 1
        res = []
        for s in inputs:
            r = FUNCS[cmd](unescape(s) if esc else s)
            res.append(escape(r) if esc else r)
        if any(r == "" for r in res):
            out += ["----", "----"] + res + ["----", "----"]
        else:
            out += ["----"] + res
    open(path, "w", encoding="utf-8").write("\n".join(out))


def codepoints(path):
    """One line per code point c whose "a"+chr(c)+"a" either function does
    not leave unchanged: hex code point, then the middle of each output (what
    replaced the character) as space-separated hex code points."""
    import io
    with io.TextIOWrapper(gzip.GzipFile(path, "wb", 9, mtime=0), encoding="ascii") as f:
        f.write("# code point\tnormalize(a+c+a)[1:-1]\tnormalize_for_dedup(a+c+a)[1:-1]; Python %s, Unicode %s\n"
                % (sys.version.split()[0], unicodedata.unidata_version))
        for c in range(0x110000):
            if 0xD800 <= c < 0xE000:
                continue
            s = "a" + chr(c) + "a"
            n, d = normalize(s), normalize_for_dedup(s)
            if n == s and d == s:
                continue
            hx = lambda t: " ".join("%X" % ord(x) for x in t[1:-1])
            f.write("%X\t%s\t%s\n" % (c, hx(n), hx(d)))


if __name__ == "__main__":
    rewrite("normalize")
    codepoints("codepoints.tsv.gz")
