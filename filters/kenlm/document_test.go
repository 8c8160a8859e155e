package kenlm

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestDocPerplexity scores the kit's 52 CCNet documents (already normalised
// and encoded: docs.pieces) as one sentence each and compares with CCNet's
// stored perplexity (rounded to 0.1 from KenLM's float32 total) and the
// unrounded value.
func TestDocPerplexity(t *testing.T) {
	docs := readLines(t, "docs.pieces.gz")
	for _, mc := range []struct {
		name string
		lm   func(testing.TB) *Model
		tsv  string
	}{
		{"o3", kitO3, "expected.docs.o3.tsv"},
		{"o5-trained", trainedO5, "expected.docs.o5.tsv"},
	} {
		t.Run(mc.name, func(t *testing.T) {
			rows := readTSV(t, mc.tsv)
			if len(rows) != 52 || len(docs) != 52 {
				t.Fatalf("%d rows, %d docs", len(rows), len(docs))
			}
			ds := &DocScorer{LM: mc.lm(t)}
			for i, doc := range docs {
				row := rows[i]
				s := ds.Score(doc)
				if fmt.Sprint(s.Pieces) != row["pieces"] || fmt.Sprint(s.OOV) != row["oov"] || s.Length != s.Pieces+1 {
					t.Errorf("doc %d: pieces %d oov %d, want %s %s", i+1, s.Pieces, s.OOV, row["pieces"], row["oov"])
				}
				if d := math.Abs(s.LogProb - num(t, row["logprob"])); d > 1e-4 {
					t.Errorf("doc %d: log10 %v want %s", i+1, s.LogProb, row["logprob"])
				}
				raw := num(t, row["pp_raw"])
				if math.Abs(s.Perplexity-raw) > 0.05+1e-5*raw {
					t.Errorf("doc %d: pp %v, unrounded %v", i+1, s.Perplexity, raw)
				}
				// CCNet rounds from KenLM's float32 total: the same
				// rounding applied to it must give the stored value.
				if got := DocPerplexity(num(t, row["kenlm_total"]), s.Pieces); got != num(t, row["pp_ccnet"]) {
					t.Errorf("doc %d: DocPerplexity(kenlm total) = %v, CCNet %s", i+1, got, row["pp_ccnet"])
				}
			}
		})
	}
}

// TestDocScorerModes: the whole-document mode scores one sentence; PerLine
// scores each line with its own <s> and </s>, empty lines included.
func TestDocScorerModes(t *testing.T) {
	lm := kitO3(t)
	lines := readLines(t, "heldout.pieces.gz")
	l1, l2 := lines[0], lines[3]
	text := l1 + "\n\n" + l2
	// A stand-in normaliser that turns newlines into spaces, so that the
	// whole-document mode sees the pieces of both lines in one sentence.
	ds := &DocScorer{LM: lm, Normalize: func(s string) string { return strings.ReplaceAll(s, "\n", " ") }}
	whole := ds.Score(text)
	want, _ := lm.Score(strings.Fields(l1+" "+l2), true, true)
	n := len(strings.Fields(l1)) + len(strings.Fields(l2))
	if whole.LogProb != want || whole.Pieces != n || whole.Length != n+1 {
		t.Errorf("whole: %+v, want log10 %v over %d pieces", whole, want, n)
	}
	ds.PerLine = true
	ds.Encoder = splitEncoder{}
	per := ds.Score(text)
	a, _ := lm.Score(strings.Fields(l1), true, true)
	b, _ := lm.Score(nil, true, true)
	c, _ := lm.Score(strings.Fields(l2), true, true)
	if math.Abs(per.LogProb-(a+b+c)) > 1e-9 || per.Length != n+3 {
		t.Errorf("per line: %+v, want log10 %v length %d", per, a+b+c, n+3)
	}
	if wantPP := roundPP(math.Pow(10, -(a+b+c)/float64(n+3))); per.Perplexity != wantPP {
		t.Errorf("per-line pp %v want %v", per.Perplexity, wantPP)
	}
}

type splitEncoder struct{}

func (splitEncoder) EncodeAsPieces(s string) []string { return strings.Fields(s) }

// TestRoundPP follows Python's round(x, 1) on values whose binary
// expansion sits just below or above a tie.
func TestRoundPP(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{934.946325, 934.9}, {0.25, 0.2}, {0.35, 0.3}, {2.675, 2.7}, {1.05, 1.1}, {340.05, 340.1}, {12.0, 12},
	} {
		if got := roundPP(c.in); got != c.want {
			t.Errorf("roundPP(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if got := DocPerplexity(-2.7920232, 0); got != 619.5 {
		t.Errorf("DocPerplexity of an empty document = %v", got)
	}
}
