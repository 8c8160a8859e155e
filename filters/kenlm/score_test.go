package kenlm

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestScoreHeldout scores the kit's 300 held-out lines (heldout.pieces) as
// KenLM's query does, with and without <s>/</s>, and compares each total with
// the exact sum of KenLM's per-word values (expected.oN.tsv).
func TestScoreHeldout(t *testing.T) {
	lines := readLines(t, "heldout.pieces.gz")
	models := []struct {
		name string
		lm   func(testing.TB) *Model
		tsv  string
	}{
		{"o3", kitO3, "expected.o3.tsv"},
		{"o5-trained", trainedO5, "expected.o5.tsv"},
	}
	for _, mc := range models {
		t.Run(mc.name, func(t *testing.T) {
			lm := mc.lm(t)
			rows := readTSV(t, mc.tsv)
			if len(rows) != len(lines) || len(rows) != 300 {
				t.Fatalf("%d expected rows for %d lines", len(rows), len(lines))
			}
			var maxDiff float64
			totalOOV := 0
			for i, line := range lines {
				row := rows[i]
				pieces := strings.Fields(line)
				for _, mode := range []struct {
					col      string
					bos, eos bool
				}{{"logprob_bos_eos", true, true}, {"logprob_null", false, false}} {
					got, oov := lm.Score(pieces, mode.bos, mode.eos)
					want := num(t, row[mode.col])
					if d := math.Abs(got - want); d > 1e-4 {
						t.Errorf("line %d %s: got %.9f want %.9f", i+1, mode.col, got, want)
					} else if d > maxDiff {
						maxDiff = d
					}
					if fmt.Sprint(oov) != row["oov"] {
						t.Errorf("line %d: oov %d want %s", i+1, oov, row["oov"])
					}
					got2, tokens, oov2 := lm.ScoreLine(line, mode.bos, mode.eos)
					if got2 != got || oov2 != oov || fmt.Sprint(tokens) != row["tokens"] {
						t.Errorf("line %d: ScoreLine %v %d %d, Score %v %d, tokens %s", i+1, got2, tokens, oov2, got, oov, row["tokens"])
					}
				}
				_, oov := lm.Score(pieces, true, true)
				totalOOV += oov
			}
			if totalOOV != 1465 {
				t.Errorf("total OOV %d, want 1465", totalOOV)
			}
			t.Logf("max |diff| %.3g", maxDiff)
		})
	}
}

// TestScoreEmptyLine: an empty line is log10 p(</s> | <s>) with <s>/</s>,
// and 0 without.
func TestScoreEmptyLine(t *testing.T) {
	lm := kitO3(t)
	if got, _ := lm.Score(nil, true, true); math.Abs(got-(-2.7920232)) > 1e-7 {
		t.Errorf("empty line: %v", got)
	}
	if got, _ := lm.Score(nil, false, false); got != 0 {
		t.Errorf("empty line null: %v", got)
	}
}

// TestScoreWordBackoff checks single words against hand-derived values
// from o3.arpa: a stored trigram, and a word after an OOV (scored with the
// empty context: <unk> has backoff 0 and no n-gram contains it).
func TestScoreWordBackoff(t *testing.T) {
	lm := kitO3(t)
	id := func(w string) uint32 {
		i, ok := lm.Index(w)
		if !ok {
			t.Fatalf("%q not in vocabulary", w)
		}
		return i
	}
	// "▁of . </s>" is a stored trigram with log10 prob -0.3978406.
	var a, b State
	a = lm.BeginSentence()
	lm.ScoreWord(&a, id("▁of"), &b)
	lm.ScoreWord(&b, id("."), &a)
	if got := lm.ScoreWord(&a, id(EOS), &b); got != -0.3978406 {
		t.Errorf("p(</s> | ▁of .) = %v", got)
	}
	// After an OOV word, "▁the" is its unigram probability -1.7850692.
	a = lm.BeginSentence()
	unk, known := lm.Index("no-such-piece")
	if known || unk != id(UNK) {
		t.Fatalf("OOV maps to %d (known %v)", unk, known)
	}
	if got, want := lm.ScoreWord(&a, unk, &b), sum32(-4.25624, -0.45586932); got != want {
		t.Errorf("p(<unk> | <s>) = %v", got)
	}
	if got := lm.ScoreWord(&b, id("▁the"), &a); got != -1.7850692 {
		t.Errorf("p(▁the | <s> <unk>) = %v", got)
	}
	// A literal <unk> is scored and counted like an unknown piece.
	lp1, oov1 := lm.Score([]string{"▁the", UNK, "▁the"}, true, true)
	lp2, oov2 := lm.Score([]string{"▁the", "zzz", "▁the"}, true, true)
	if lp1 != lp2 || oov1 != 1 || oov2 != 1 {
		t.Errorf("literal <unk>: %v %d, unknown piece: %v %d", lp1, oov1, lp2, oov2)
	}
}

func sum32(a, b float32) float32 { return a + b }

// TestScoreConcurrent: a Model is read-only once built, so goroutines
// scoring at once get the same totals as one goroutine (run with -race).
func TestScoreConcurrent(t *testing.T) {
	lm := kitO3(t)
	lines := readLines(t, "heldout.pieces.gz")
	want := make([]float64, len(lines))
	for i, l := range lines {
		want[i], _, _ = lm.ScoreLine(l, true, true)
	}
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for i := range lines {
				j := (i + g*37) % len(lines)
				if got, _, _ := lm.ScoreLine(lines[j], true, true); got != want[j] {
					errs <- fmt.Sprintf("goroutine %d line %d: %v want %v", g, j+1, got, want[j])
					return
				}
			}
			errs <- ""
		}()
	}
	for g := 0; g < 8; g++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
