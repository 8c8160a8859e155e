"""Tests of tokenmill_feed.py against a live ``tokenmill feed``.

They need pyarrow (with Flight) and numpy; the TokenStream test also needs
torch. Where a module is missing the tests are skipped, visibly: unittest
reports each skip with its reason and the script prints a SKIPPED line.

The binary is $TOKENMILL, or is built with ``go build`` from this
repository. The corpus is the embedded sample's wikipedia and books sources
(``tokenmill build --only ...``, about a second).

Run: python3 clients/python/test_tokenmill_feed.py
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

MISSING = None
try:
    import numpy as np
    import pyarrow as pa
    import pyarrow.flight  # (a pyarrow built without Flight fails here)
    import tokenmill_feed as tf
except ImportError as e:
    MISSING = f"{e.name} is not installed (pip install pyarrow numpy)"

try:
    import torch
except ImportError:
    torch = None

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RUN = dict(seed=5, seq_len=32, global_batch=4, steps=40)


@unittest.skipIf(MISSING, MISSING)
class FeedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tokenmill-feed-")
        binary = os.environ.get("TOKENMILL")
        if not binary:
            binary = os.path.join(cls.tmp, "tokenmill")
            subprocess.run(["go", "build", "-o", binary, "./cmd/tokenmill"], cwd=REPO, check=True)
        out = os.path.join(cls.tmp, "build")
        subprocess.run([binary, "build", "--only", "wikipedia", "--only", "books", "--out", out],
                       check=True, capture_output=True)
        cls.proc = subprocess.Popen(
            [binary, "feed", "--data", os.path.join(out, "manifest.json"), "--addr", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = cls.proc.stdout.readline()
        m = re.search(r"grpc://(\S+)", line)
        if not m:
            cls.proc.kill()
            raise RuntimeError(f"tokenmill feed did not start: {line!r}")
        cls.location = "grpc://" + m.group(1)

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        rc = cls.proc.wait(timeout=30)
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert rc == 0, f"tokenmill feed exited with {rc} after SIGTERM"

    def steps(self, **kw):
        return list(tf.FeedClient(self.location).steps(tf.ticket(**{**RUN, **kw})))

    def test_shapes(self):
        steps = self.steps()
        self.assertEqual([s.step for s in steps], list(range(40)))
        for s in steps:
            self.assertEqual(s.tokens.shape, (4, 33))
            self.assertEqual(s.tokens.dtype, np.int32)
            np.testing.assert_array_equal(s.inputs[:, 1:], s.targets[:, :-1])
            self.assertTrue(((s.tokens >= 0) & (s.tokens < 2000)).all())
            self.assertLessEqual(set(s.sources), {"books", "wikipedia"})

    def test_ranks_make_the_global_batch(self):
        whole = self.steps()
        r0, r1 = self.steps(rank=0, world=2), self.steps(rank=1, world=2)
        for g, a, b in zip(whole, r0, r1):
            np.testing.assert_array_equal(g.tokens, np.concatenate([a.tokens, b.tokens]))
            self.assertEqual(g.sources, a.sources + b.sources)

    def test_resume(self):
        r1 = self.steps(rank=1, world=2)
        resumed = self.steps(rank=1, world=2, start_step=17)
        self.assertEqual(len(resumed), 40 - 17)
        for a, b in zip(r1[17:], resumed):
            self.assertEqual(a.step, b.step)
            np.testing.assert_array_equal(a.tokens, b.tokens)

    def test_info_pins_the_run(self):
        c = tf.FeedClient(self.location)
        info = c.info(tf.ticket(**RUN, rank=0, world=2))
        self.assertEqual(info.total_records, 40 * 2)
        meta = info.schema.metadata
        self.assertEqual(meta[b"tokenmill.seq_len"], b"32")
        pinned = info.endpoints[0].ticket.ticket
        self.assertIn(b'"config_hash"', pinned)
        got = list(c.steps(pinned))
        want = self.steps(rank=0, world=2)
        for a, b in zip(got, want):
            np.testing.assert_array_equal(a.tokens, b.tokens)

    def test_refusals(self):
        for fields in (dict(rank=2, world=2), dict(manifest="../elsewhere/manifest.json"),
                       dict(manifest="/etc/passwd"), dict(config_hash="0123")):
            with self.subTest(**fields), self.assertRaises((pa.ArrowException, pyarrow.flight.FlightError)):
                self.steps(**fields)

    @unittest.skipIf(torch is None, "torch is not installed")
    def test_torch_dataset_and_resume(self):
        ds = tf.TokenStream(self.location, **RUN, rank=1, world=2)
        raw = self.steps(rank=1, world=2)
        it = iter(torch.utils.data.DataLoader(ds, batch_size=None, num_workers=0))
        for k in range(5):
            item = next(it)
            self.assertEqual(item["step"], k)
            self.assertEqual(item["input_ids"].dtype, torch.long)
            np.testing.assert_array_equal(item["input_ids"].numpy(), raw[k].inputs)
            np.testing.assert_array_equal(item["targets"].numpy(), raw[k].targets)
        state = ds.state_dict()
        self.assertEqual(state["next_step"], 5)
        again = tf.TokenStream(self.location, **RUN, rank=1, world=2)
        again.load_state_dict(state)
        first = next(iter(again))
        self.assertEqual(first["step"], 5)
        np.testing.assert_array_equal(first["input_ids"].numpy(), raw[5].inputs)


if __name__ == "__main__":
    if MISSING:
        print(f"SKIPPED: {MISSING}; the Flight client tests did not run", file=sys.stderr)
    elif torch is None:
        print("SKIPPED: torch is not installed; the TokenStream test did not run", file=sys.stderr)
    unittest.main(verbosity=2)
