#!/usr/bin/env python3
"""compare.py OURS.jsonl PEER.jsonl: pages where c4_rules and TFDS' cleaning
disagree (kept vs dropped, or a different cleaned text), by document ID."""
import json
import sys


def load(p):
    with open(p, encoding="utf-8") as f:
        return {r["id"]: r["text"] for r in map(json.loads, f)}


ours, peer = load(sys.argv[1]), load(sys.argv[2])
ids = [i for i in ours if i in peer]
same = sum(ours[i] == peer[i] for i in ids)
kept_both = sum(ours[i] is not None and peer[i] is not None for i in ids)
print(f"pages {len(ids)} (ours only {len(set(ours) - set(peer))}, peer only {len(set(peer) - set(ours))}): "
      f"same outcome and text {same}, kept by both {kept_both}, differ {len(ids) - same}")
for i in [i for i in ids if ours[i] != peer[i]][:5]:
    print(f"  {i}:\n    ours {ours[i]!r:.300}\n    TFDS {peer[i]!r:.300}")
sys.exit(1 if same != len(ids) else 0)
