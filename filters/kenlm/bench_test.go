package kenlm

import (
	"strings"
	"testing"
)

// BenchmarkScore scores the kit's 300 held-out lines (20,750 pieces plus
// one </s> each) with the 5-gram, the shape of CCNet's workload. It reports
// tokens/s (pieces and </s>) next to MB/s of piece text.
func BenchmarkScore(b *testing.B) {
	lm := trainedO5(b)
	lines := readLines(b, "heldout.pieces.gz")
	var bytes, tokens int
	for _, l := range lines {
		bytes += len(l) + 1
		tokens += len(strings.Fields(l)) + 1
	}
	b.SetBytes(int64(bytes))
	b.ResetTimer()
	var sink float64
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			s, _, _ := lm.ScoreLine(l, true, true)
			sink += s
		}
	}
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
	_ = sink
}

// BenchmarkScoreIDs isolates the n-gram lookups from the vocabulary lookup.
func BenchmarkScoreIDs(b *testing.B) {
	lm := trainedO5(b)
	var ids [][]uint32
	tokens := 0
	for _, l := range readLines(b, "heldout.pieces.gz") {
		var s []uint32
		for _, p := range strings.Fields(l) {
			id, _ := lm.Index(p)
			s = append(s, id)
		}
		ids = append(ids, append(s, lm.eos))
		tokens += len(s) + 1
	}
	b.ResetTimer()
	var sink float32
	for i := 0; i < b.N; i++ {
		for _, s := range ids {
			st := [2]State{lm.BeginSentence()}
			c := 0
			for _, w := range s {
				sink += lm.ScoreWord(&st[c], w, &st[1-c])
				c = 1 - c
			}
		}
	}
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
	_ = sink
}

// BenchmarkTrain trains the 5-gram on the kit's 32,043-token text.
func BenchmarkTrain(b *testing.B) {
	text := strings.Join(readLines(b, "train.pieces.gz"), "\n")
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		if _, err := Train(strings.NewReader(text), 5, TrainOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScoreFormats scores the 300 held-out lines with the same 4-gram
// (testdata/o4.*) read from its ARPA and from KenLM binary files of each
// layout: the cost per token of querying the mapped file in place.
func BenchmarkScoreFormats(b *testing.B) {
	lines := readLines(b, "heldout.pieces.gz")
	tokens := 0
	for _, l := range lines {
		tokens += len(strings.Fields(l)) + 1
	}
	arpa, err := ReadARPA(openTestdata(b, "o4.arpa.gz"))
	if err != nil {
		b.Fatal(err)
	}
	models := []struct {
		name string
		m    *Model
	}{{"arpa", arpa}}
	for _, f := range []string{"probing", "trie", "trie-q8a22"} {
		models = append(models, struct {
			name string
			m    *Model
		}{f, loadBin(b, f)})
	}
	for _, c := range models {
		b.Run(c.name, func(b *testing.B) {
			var sink float64
			for i := 0; i < b.N; i++ {
				for _, l := range lines {
					s, _, _ := c.m.ScoreLine(l, true, true)
					sink += s
				}
			}
			b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
			_ = sink
		})
	}
}

// BenchmarkLoadFormats opens the same 4-gram from its ARPA (parsed) and
// from a KenLM binary file (mapped): the binary's cost does not grow with
// the model.
func BenchmarkLoadFormats(b *testing.B) {
	arpa := gunzipTestdata(b, "o4.arpa.gz")
	for _, c := range []struct{ name, path string }{
		{"arpa", arpa},
		{"probing", gunzipTestdata(b, "o4.probing.bin.gz")},
		{"trie", gunzipTestdata(b, "o4.trie.bin.gz")},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				m, err := Load(c.path)
				if err != nil {
					b.Fatal(err)
				}
				m.Close()
			}
		})
	}
}
