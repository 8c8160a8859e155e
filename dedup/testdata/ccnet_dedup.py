#!/usr/bin/env python3
"""Writes the expected blocks of ./line_dedup with CCNet's own dedup logic.

The classes below re-type cc_net/dedup.py and cc_net/flat_hash_set.py
(facebookresearch/cc_net) without behaviour changes, over Python lists
instead of numpy arrays: compute_hashes, NaiveHashSet (add, merge, load of
one hash file per shard), DuplicatesRemover.do and finalize_doc. Mode
remove-all is deduplicate_two_pass / mine.py (a HashesCollector per shard,
all shards' hashes loaded, then DuplicatesRemover); keep-first is
dedup.deduplicate (DuplicatesRemover with collect=True over the group in
input order). normalize_for_dedup comes from
stages/normalize/testdata/ccnet_ref.py. Hashes are read little-endian, as
numpy does on x86; it does not change any decision.

Run from this folder: python3 ccnet_dedup.py   (then review the diff)
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../stages/normalize/testdata"))
from ccnet_ref import normalize_for_dedup  # noqa: E402


def compute_hashes(content):
    if not content:
        return None
    return [int.from_bytes(hashlib.sha1(normalize_for_dedup(l).encode("utf-8")).digest()[:8], "little")
            for l in content.split("\n")]


class NaiveHashSet(dict):
    def contains(self, keys):
        return [1 if dict.__contains__(self, k) else 0 for k in keys]

    def get_many(self, keys):
        return [self.get(k, 0) for k in keys]

    def set_many(self, keys, values):
        for k, v in zip(keys, values):
            dict.__setitem__(self, k, v)

    def add(self, h):
        contains = self.contains(h)
        self.set_many(h, contains)
        return contains

    def merge(self, keys, values):
        contains = self.contains(keys)
        self.set_many(keys, [c | v for c, v in zip(contains, values)])


def finalize_doc(content, hashes):
    lines = content.split("\n")
    seen = set()
    new_lines = []
    for line, h in zip(lines, hashes):
        if h not in seen and h != 0:
            new_lines.append(line)
        seen.add(h)
    return "\n".join(new_lines)


def remover_do(duplicates, content, collect):
    """DuplicatesRemover.do: the new content, or None when the doc goes."""
    if not content:
        return None
    doc_hashes = compute_hashes(content)
    seen = duplicates.add(doc_hashes) if collect else duplicates.get_many(doc_hashes)
    keep = [s < 1 for s in seen]
    if sum(keep) == 0:
        return None
    return finalize_doc(content, [h * k for h, k in zip(doc_hashes, keep)])


def run(mode, shards):
    out = {}
    if mode == "remove-all":
        duplicates = NaiveHashSet()
        for docs in shards:  # one HashesCollector and hash file per shard
            collector = NaiveHashSet()
            for _, text in docs:
                h = compute_hashes(text)
                if h is not None:
                    collector.add(h)
            duplicates.merge(list(collector.keys()), list(collector.values()))
        for docs in shards:
            for doc_id, text in docs:
                out[doc_id] = remover_do(duplicates, text, collect=False)
    else:
        duplicates = NaiveHashSet()
        for docs in shards:
            for doc_id, text in docs:
                out[doc_id] = remover_do(duplicates, text, collect=True)
    return out


def parse_group(lines):
    """shard N / doc ID / | text lines, in input order."""
    shards, cur = [], None
    for l in lines:
        if l.startswith("shard "):
            shards.append([])
        elif l.startswith("doc "):
            shards[-1].append([l[4:], None])
        elif l.startswith("|"):
            d = shards[-1][-1]
            t = l[2:] if l.startswith("| ") else l[1:]
            d[1] = t if d[1] is None else d[1] + "\n" + t
    return [[(i, t or "") for i, t in docs] for docs in shards]


def main():
    path = "line_dedup"
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i = [], 0
    while i < len(lines):
        l = lines[i]
        if not l or l.startswith("#"):
            out.append(l)
            i += 1
            continue
        cmd = l
        body = []
        i += 1
        while lines[i] != "----":
            body.append(lines[i])
            i += 1
        i += 1
        while i < len(lines) and lines[i] != "":
            i += 1
        mode = cmd.split("mode=")[1].split()[0]
        shards = parse_group(body)
        res = run(mode, shards)
        out += [cmd] + body + ["----"]
        for docs in shards:
            for doc_id, _ in docs:
                r = res[doc_id]
                if r is None:
                    out.append("doc %s dropped" % doc_id)
                else:
                    out.append("doc %s" % doc_id)
                    out += ["| " + x if x else "|" for x in r.split("\n")]
    open(path, "w", encoding="utf-8").write("\n".join(out))


main()
