package fasttext_test

import (
	"bytes"
	"testing"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

// benchPredict predicts every test line (with its '\n', as the command line
// reads it); MB/s counts input bytes, the figure `fasttext predict` is
// compared on (bench/fasttext/run.sh).
func benchPredict(b *testing.B, m *fasttext.Model) {
	lines := testLines(b)
	var total int64
	bl := make([][]byte, len(lines))
	for i, l := range lines {
		bl[i] = []byte(stripLabel(l) + "\n")
		total += int64(len(bl[i]))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	var preds []fasttext.Prediction
	for b.Loop() {
		for _, l := range bl {
			preds = m.AppendPredictLine(preds[:0], l, 1, 0)
		}
	}
}

func BenchmarkPredict(b *testing.B) {
	text := trainText(b)
	for _, tc := range []struct {
		name string
		opts func(*fasttext.Options)
	}{
		{"default", func(*fasttext.Options) {}},
		{"bigram", func(o *fasttext.Options) { o.WordNgrams, o.Bucket, o.Dim = 2, 50000, 16 }},
	} {
		opts := fasttext.DefaultOptions()
		tc.opts(&opts)
		m, err := fasttext.Train(bytes.NewReader(text), opts)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) { benchPredict(b, m) })
	}
	b.Run("default.ftz", func(b *testing.B) { benchPredict(b, loadTestModel(b, "model_default.ftz")) })
}

func BenchmarkTrain(b *testing.B) {
	text := trainText(b)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := fasttext.Train(bytes.NewReader(text), fasttext.DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
