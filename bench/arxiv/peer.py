"""RedPajama's arXiv cleaning, run from a RedPajama-Data checkout, on one tar.

    python3 bench/arxiv/peer.py RP_ARXIV_DIR TAR OUT.jsonl

RP_ARXIV_DIR is data_prep/arxiv of a RedPajama-Data checkout (branch rp_v1);
its code is imported, never copied. Their pipeline per tar is
ArxivCleaner.arxiv_iterator (extract the tar to a temporary folder, load each
paper's .tex files) then clean_tex_files; language ID (fastText) is left out,
as in ours, so fasttext is stubbed when it is not installed.
"""
import json
import pathlib
import sys
import tempfile
import types

rp, tar, out = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    import fasttext  # noqa: F401
except ImportError:
    ft = types.ModuleType("fasttext")
    ft.FastText = types.SimpleNamespace(_FastText=object, eprint=None)
    sys.modules["fasttext"] = ft
sys.path.insert(0, rp)
import arxiv_cleaner  # noqa: E402
from utils import format_arxiv_id  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    cleaner = arxiv_cleaner.ArxivCleaner(data_dir=tmp, work_dir=tmp / "work", target_dir=tmp / "target")
    n = 0
    with open(out, "w") as f:
        for tex_files, yymm, arxiv_id, ts in cleaner.arxiv_iterator(tar_fp_list=[tar]):
            text = arxiv_cleaner.clean_tex_files(tex_files)
            if len(text) == 0:
                continue
            f.write(json.dumps({"id": format_arxiv_id(arxiv_id), "text": text}) + "\n")
            n += 1
print(f"{n} papers", file=sys.stderr)
