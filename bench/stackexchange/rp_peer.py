#!/usr/bin/python3
"""Runs RedPajama-v1's StackExchange scripts (data_prep/stack_exchange of
togethercomputer/RedPajama-Data, branch rp_v1) on one Posts.xml, unchanged,
from a checkout given on the command line, and prints the CPU seconds of each
stage. Nothing is fetched and none of RedPajama's code is copied here.

    rp_peer.py REDPAJAMA_CHECKOUT Posts.xml WORKDIR

What is changed around the scripts, and why:
  * filter.py imports `src.stack_exchange.count`, a path that does not exist
    in the repository (the file is data_prep/stack_exchange/count.py); the
    harness registers count.py under that name.
  * post_processing.py loads fastText's lid.176.bin at import for its
    language label; the model cannot be downloaded here, so a stub that
    returns "en" stands in. Language ID is not part of what is compared
    (tokenmill runs it as a separate step).
  * post_processing.py maps the pairs over multiprocessing.Pool(24); the
    harness replaces Pool with a serial map so that the CPU time is one
    process's (per-core figures).
The site file is named bench.stackexchange.com.xml, as download.py names the
Posts.xml it extracts, and counts.json gives its row count as count.py does
(lines minus 3).
"""
import importlib.util
import json
import multiprocessing
import os
import resource
import runpy
import sys
import types


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class SerialPool:
    def __init__(self, *a, **k):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def map(self, f, xs):
        return list(map(f, xs))


class FakeModel:
    def predict(self, text, k=1):
        return (["__label__en"], [1.0])


def main():
    repo, posts, work = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    se = os.path.join(repo, "data_prep", "stack_exchange")
    os.makedirs(work, exist_ok=True)
    site = "bench.stackexchange.com.xml"
    link = os.path.join(work, site)
    if not os.path.exists(link):
        os.symlink(posts, link)
    with open(posts, "rb") as f:
        lines = sum(1 for _ in f)
    with open(os.path.join(work, "counts.json"), "w") as f:
        json.dump({site: lines - 3}, f)
    os.environ["LEMMA_DATA_DIR_SE"] = work
    os.environ["LEMMA_DATA_DIR_SE_OUT"] = os.path.join(work, "out")

    spec = importlib.util.spec_from_file_location("src.stack_exchange.count", os.path.join(se, "count.py"))
    count = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(count)
    for name in ("src", "src.stack_exchange"):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["src.stack_exchange.count"] = count
    fasttext = types.ModuleType("fasttext")
    fasttext.load_model = lambda path: FakeModel()
    sys.modules["fasttext"] = fasttext
    multiprocessing.Pool = SerialPool

    cwd = os.getcwd()
    os.chdir(work)
    try:
        t0 = cpu()
        runpy.run_path(os.path.join(se, "filter.py"), run_name="__main__")
        t1 = cpu()
        runpy.run_path(os.path.join(se, "post_processing.py"), run_name="__main__")
        t2 = cpu()
    finally:
        os.chdir(cwd)
    out = os.path.join(work, "out", "bench.stackexchange.com.jsonl")
    docs = 0
    with open(out) as f:
        for _ in f:
            docs += 1
    print(f"filter.py {t1 - t0:.2f} s CPU, post_processing.py {t2 - t1:.2f} s CPU, {docs} documents", file=sys.stderr)
    print(f"{os.path.getsize(posts)} {t2 - t0:.3f} {t1 - t0:.3f} {t2 - t1:.3f} {docs}")


if __name__ == "__main__":
    main()
