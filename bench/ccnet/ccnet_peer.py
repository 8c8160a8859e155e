#!/usr/bin/env python3
"""The Python peer of bench/ccnet: CCNet's own code paths over the same WET file.

    ccnet_peer.py hashes|normalize WET LIMIT_MB

hashes:    cc_net.dedup.compute_hashes' inner loop (sha1 of normalize_for_dedup
           of every line, first 8 bytes), per document;
normalize: cc_net.text_normalizer.normalize of every line.
The functions come from stages/normalize/testdata/ccnet_ref.py (CCNet's, re-typed).
Prints the bytes of text processed.
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../stages/normalize/testdata"))
from ccnet_ref import normalize, normalize_for_dedup  # noqa: E402


def docs(path, limit):
    total = 0
    with open(path, "rb") as f:
        while total < limit:
            n = -1
            while True:
                line = f.readline()
                if not line:
                    return
                line = line.rstrip(b"\r\n")
                if not line:
                    if n >= 0:
                        break
                    continue
                if line.startswith(b"Content-Length: "):
                    n = int(line[16:])
            body = f.read(n)
            total += n
            yield body.decode("utf-8")


def main():
    mode, path, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]) << 20
    total = 0
    for text in docs(path, limit):
        total += len(text.encode("utf-8"))
        if mode == "hashes":
            [hashlib.sha1(normalize_for_dedup(l).encode("utf-8")).digest()[:8] for l in text.split("\n")]
        else:
            [normalize(l) for l in text.split("\n")]
    print(total)


main()
