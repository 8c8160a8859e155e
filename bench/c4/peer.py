#!/usr/bin/env python3
"""Python peers of bench/c4: read a C4 shard with json.loads, optionally
through TensorFlow Datasets' own C4 cleaning.

  peer.py read SHARD [MB]                    # gzip + json.loads of every line
  peer.py clean SHARD C4_UTILS_PY [MB]       # + TFDS clean_page and badwords filter
  peer.py dump SHARD C4_UTILS_PY OUT.jsonl   # the outcome of each page, for compare.sh

C4_UTILS_PY is tensorflow_datasets/text/c4_utils.py from a checkout of
tensorflow/datasets (not shipped here). It imports TensorFlow and TFDS, which
Debian does not package; the few names it uses (tf.compat.as_text, the Beam
metric counters, tfds.core.lazy_imports.nltk) are stubbed below, so the
functions that run are TFDS's own. Its sentence tokenizer is NLTK's Punkt
English model (english.pickle), which NLTK downloads at run time and Debian
does not ship either: _load_sentence_tokenizer is replaced by an untrained
PunktSentenceTokenizer() (python3-nltk), the tokenizer c4_rules reproduces.
The bad-words list is filters/heuristics/badwords_en.txt (LDNOOBW en at the
commit TFDS pins). MB, when given, stops after that many decompressed MB.
Prints the decompressed bytes read on its last line.
"""
import gzip
import importlib.util
import json
import logging
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
BADWORDS = os.path.join(HERE, "..", "..", "filters", "heuristics", "badwords_en.txt")


def lines(path, limit):
    n = 0
    with gzip.open(path, "rb") as f:
        for line in f:
            n += len(line)
            yield line
            if limit and n >= limit:
                break
    lines.total = n


def load_c4_utils(path):
    """Imports TFDS' c4_utils.py with TensorFlow and TFDS stubbed."""
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    as_text = lambda x: x.decode("utf-8") if isinstance(x, bytes) else x
    compat = types.SimpleNamespace(as_text=as_text)
    tf = types.ModuleType("tensorflow")
    tf.compat = types.ModuleType("tensorflow.compat")
    tf.compat.as_text = as_text
    tf.compat.v2 = types.SimpleNamespace(compat=compat, io=None)

    class Counter:
        def inc(self, amt=1):
            pass

    metrics = types.SimpleNamespace(Metrics=types.SimpleNamespace(counter=lambda ns, name: Counter()))
    lazy = types.SimpleNamespace(apache_beam=types.SimpleNamespace(metrics=metrics), nltk=None)
    api = types.ModuleType("tensorflow_datasets.public_api")
    api.core = types.SimpleNamespace(lazy_imports=lazy)
    li = types.ModuleType("tensorflow_datasets.core.utils.lazy_imports_utils")
    li.tensorflow = tf.compat.v2
    absl = types.ModuleType("absl")
    absl.logging = logging
    mods = {
        "absl": absl, "absl.logging": logging,
        "tensorflow": tf, "tensorflow.compat": tf.compat, "tensorflow.compat.v2": tf.compat.v2,
        "tensorflow_datasets": types.ModuleType("tensorflow_datasets"),
        "tensorflow_datasets.core": types.ModuleType("tensorflow_datasets.core"),
        "tensorflow_datasets.core.utils": types.ModuleType("tensorflow_datasets.core.utils"),
        "tensorflow_datasets.core.utils.lazy_imports_utils": li,
        "tensorflow_datasets.public_api": api,
    }
    mods["tensorflow_datasets"].public_api = api
    mods["tensorflow_datasets"].core = mods["tensorflow_datasets.core"]
    mods["tensorflow_datasets.core"].utils = mods["tensorflow_datasets.core.utils"]
    mods["tensorflow_datasets.core.utils"].lazy_imports_utils = li
    sys.modules.update(mods)
    spec = importlib.util.spec_from_file_location("c4_utils", path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    m._load_sentence_tokenizer = lambda: PunktSentenceTokenizer()
    return m


def cleaner(c4_utils_path):
    """Returns page(dict) -> cleaned text or None, TFDS c4/en's order:
    is_valid_length, clean_page, then the English badwords filter."""
    m = load_c4_utils(c4_utils_path)
    with open(BADWORDS, encoding="utf-8") as f:
        words = set(l.strip() for l in f)
    clean = m.get_clean_page_fn()
    badwords = m.get_badwords_filter_fn({"en": words})
    noop = lambda *a, **k: None

    def run(d):
        page = m.PageFeatures(url=d.get("url", ""), normalized_url=d.get("url", ""), text=d["text"],
                              timestamp=d.get("timestamp", ""))
        if not m.is_valid_length(page):
            return None
        out = list(clean(page, counter_inc_fn=noop))
        if not out:
            return None
        page = out[0]
        page.language = "en"
        if not badwords(page):
            return None
        return page.text

    return run


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "read":
        limit = int(float(sys.argv[3]) * 2**20) if len(sys.argv) > 3 else 0
        n = 0
        for line in lines(path, limit):
            n += len(json.loads(line)["text"])
        print(f"text {n} chars", file=sys.stderr)
    elif cmd == "clean":
        run = cleaner(sys.argv[3])
        limit = int(float(sys.argv[4]) * 2**20) if len(sys.argv) > 4 else 0
        docs = kept = 0
        for line in lines(path, limit):
            docs += 1
            if run(json.loads(line)) is not None:
                kept += 1
        print(f"docs {docs} kept {kept}", file=sys.stderr)
    elif cmd == "dump":
        run = cleaner(sys.argv[3])
        name = os.path.basename(path)
        with open(sys.argv[4], "w", encoding="utf-8") as out:
            for i, line in enumerate(lines(path, 0), 1):
                try:
                    d = json.loads(line)
                    text = d["text"]
                except (ValueError, KeyError, TypeError):
                    continue
                if not isinstance(text, str):
                    continue
                out.write(json.dumps({"id": f"{name}#L{i}", "text": run(d)}, ensure_ascii=False) + "\n")
    else:
        sys.exit(f"unknown command {cmd}")
    print(lines.total)


if __name__ == "__main__":
    main()
