"""The Python peers of tokenmill's wikitext cleaner, on the same pages.

    python3 peers.py mwparserfromhell pages.jsonl > out.jsonl
    WIKIEXTRACTOR=/path/to/wikiextractor python3 peers.py wikiextractor pages.jsonl > out.jsonl

mwparserfromhell: parse(text).strip_code() with its defaults (normalize=True,
collapse=True), which is what HF `wikipedia` (and so RedPajama) ran, before
their own small post-processing. wikiextractor: Extractor.clean_text() with
its command line's defaults (templates expanded with no template definitions
loaded, so they vanish; section titles kept), paragraphs joined by newlines.
Only the cleaning is timed; the time goes to stderr.
"""
import json
import os
import sys
import time


def main():
    peer, path = sys.argv[1], sys.argv[2]
    pages = [json.loads(line) for line in open(path, encoding="utf-8")]
    if peer == "mwparserfromhell":
        import mwparserfromhell

        def clean(p):
            return mwparserfromhell.parse(p["text"]).strip_code()
    elif peer == "wikiextractor":
        sys.path.insert(0, os.environ["WIKIEXTRACTOR"])
        from wikiextractor.extract import Extractor

        def clean(p):
            e = Extractor(p["id"], 0, "", p["title"], [])
            return "\n".join(e.clean_text(p["text"]))
    else:
        sys.exit("unknown peer " + peer)
    start = time.process_time()
    out = [(p["id"], clean(p)) for p in pages]
    el = time.process_time() - start
    size = sum(len(p["text"].encode()) for p in pages)
    print("%s: %d pages, %.1f MB wikitext in %.3fs CPU: %.2f MB/s" % (peer, len(pages), size / 1e6, el, size / 1e6 / el), file=sys.stderr)
    for i, t in out:
        print(json.dumps({"id": i, "text": t}, ensure_ascii=False))


if __name__ == "__main__":
    main()
