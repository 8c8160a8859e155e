#!/usr/bin/env python3
"""Peer of bench/books: datatrove's MinHash deduplication, its three stages
in one process, written after datatrove's pipeline/dedup/minhash.py and
utils.py (MinhashConfig defaults: 5-gram words, 14 buckets of 8 hashes,
32-bit hashes, seed 1). datatrove itself cannot be installed here (no PyPI;
it needs nltk's punkt data, loguru, fsspec), so this runs its algorithm with
Debian's numpy:

  stage 1: simplify_content (lower case, whitespace collapsed, datatrove's
           PUNCTUATION removed, NFD without Mn marks); words split on spaces
           (datatrove uses nltk.word_tokenize on the simplified text, which
           has no punctuation left); each 5-gram joined by spaces hashed with
           sha1_hash32; signature = min over shingles of
           (h * a + b) % (2^61 - 1) & 0xFFFFFFFF in uint64 numpy arithmetic,
           a, b from np.random.RandomState(1) as datatrove draws them;
  stage 2: per bucket, signatures sorted, consecutive equal ones paired;
  stage 3: union-find over the pairs, one document kept per cluster.

No verification of candidates (datatrove has none). Prints one line of
figures, then the bytes of text processed.

    python3 datatrove_peer.py books.jsonl
"""
import hashlib
import json
import re
import struct
import sys
import unicodedata

import numpy as np

PUNCTUATION = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»" + "".join(
    map(chr, list(range(0, 32)) + list(range(127, 160))))
TABLE = str.maketrans("", "", PUNCTUATION)
MERSENNE = np.uint64((1 << 61) - 1)
MAX32 = np.uint64((1 << 32) - 1)
N_GRAMS, BUCKETS, PER_BUCKET, SEED = 5, 14, 8, 1


def simplify(text):
    text = text.lower()
    text = re.sub(r"\s+", " ", text.strip())
    text = text.translate(TABLE)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return text.strip()


def sha1_hash32(data):
    return struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]


def main():
    n = BUCKETS * PER_BUCKET
    gen = np.random.RandomState(SEED)
    a = gen.randint(1, MERSENNE, dtype=np.uint64, size=(1, n))
    b = gen.randint(0, MERSENNE, dtype=np.uint64, size=(1, n))
    sigs = [[] for _ in range(BUCKETS)]
    total = docs = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            total += len(text.encode("utf-8"))
            words = simplify(text).split()
            grams = [" ".join(words[i:i + N_GRAMS]) for i in range(max(len(words) - N_GRAMS + 1, 0))]
            if not grams:
                docs += 1
                continue
            sh = np.fromiter((sha1_hash32(g.encode("utf-8")) for g in grams), dtype=np.uint64,
                             count=len(grams)).reshape((-1, 1))
            phv = np.bitwise_and((sh * a + b) % MERSENNE, MAX32)
            sig = np.min(phv, axis=0).astype(np.uint32)
            for bi in range(BUCKETS):
                sigs[bi].append((tuple(sig[bi * PER_BUCKET:(bi + 1) * PER_BUCKET].tolist()), docs))
            docs += 1
    parent = list(range(docs))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs = 0
    for bucket in sigs:
        bucket.sort()
        for (s1, d1), (s2, d2) in zip(bucket, bucket[1:]):
            if s1 == s2:
                pairs += 1
                r1, r2 = find(d1), find(d2)
                if r1 != r2:
                    parent[max(r1, r2)] = min(r1, r2)
    dropped = sum(1 for d in range(docs) if find(d) != d)
    print(f"datatrove-peer: {docs} books, {dropped} dropped, {pairs} bucket pairs")
    print(total)


if __name__ == "__main__":
    main()
