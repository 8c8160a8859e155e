#!/usr/bin/env python3
"""Writes punkt_counts.tsv: lines made of the tokens Punkt's rules turn on
(initials, numbers, abbreviations, ellipses, closing punctuation, runs of end
marks, Unicode whitespace and case), each with
len(PunktSentenceTokenizer().tokenize(line)), NLTK's untrained Punkt, which
TestPunktCounts holds countSentences to. Needs python3-nltk (Debian);
NLTK 3.8 wrote the committed file: python3 punkt_counts.py > punkt_counts.tsv
"""
import json
import random

from nltk.tokenize.punkt import PunktSentenceTokenizer

r = random.Random(1)
toks = ["the", "Word", "J.", "Mr.", "3.", "1,000.", "-2.5.", "e.g.", "...", "..", ". . .", "--", "—", "…", "?", "!",
        '"', "'", "“end”", "(see", "it.)", 'x."', "(a.)", "[b.]", "{c.}", "x.'", "y.--", "z.;", "a.,", "q.:", "w.@",
        "k.*", "[1]", "٣.", "Ⅻ.", "².", "İ.", "É.", "é.", "ǅ.", "_.", "x_.", "ª.", "\x1f", "\u00a0", "\u3000",
        "\u2009", "\t", "Yes!!", "Wait?!", "!?", "etc.;", "A.", "b.", ";", ",", ".,", "?.", "日本語。", "Ａ.", "a.b.c.",
        "U.S.", "p.m.", "5p.m.", "ⓐ.", "Ⓐ."]
seps = [" ", " ", " ", "  ", "\t", "\u00a0", "\u3000", "\x1f"]
ends = [".", ".", "?", "!", '"', '."', ".)", "?)", "!'", ".]", ". .", "..."]
t = PunktSentenceTokenizer()
for _ in range(600):
    n = r.randint(2, 12)
    w = [r.choice(toks) if r.random() < 0.5 else r.choice(["one", "two", "Three", "four", "Five"]) for _ in range(n)]
    line = "".join(x + r.choice(seps) for x in w).strip() + r.choice(ends)
    print(f"{len(t.tokenize(line))}\t{json.dumps(line)}")
