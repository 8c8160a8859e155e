package fasttext_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

// The kit's models were trained by `fasttext supervised -thread 1` on
// train.txt (its README gives the commands and these md5 sums). Train
// reproduces fastText's algorithm step by step, so it must write the very
// same bytes; the kit's expected predictions then apply to our model too.
var kitModels = []struct {
	name     string
	opts     func(*fasttext.Options)
	md5      string
	expected string
	correct  int // `fasttext test`: P@1 0.950 and 0.943 on 300 lines
}{
	{"model_default.bin", func(*fasttext.Options) {}, "79b7a9f2f13da991fa22d67ce4727794", "expected.model_default.bin.tsv", 285},
	{"model_bigram.bin", func(o *fasttext.Options) { o.WordNgrams, o.Bucket, o.Dim = 2, 50000, 16 },
		"7858d2aa756371938f26a428f1320ba1", "expected.model_bigram.bin.tsv", 283},
}

func TestTrainMatchesFastText(t *testing.T) {
	text := trainText(t)
	for _, km := range kitModels {
		t.Run(km.name, func(t *testing.T) {
			opts := fasttext.DefaultOptions()
			km.opts(&opts)
			m, err := fasttext.Train(bytes.NewReader(text), opts)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := m.Write(&buf); err != nil {
				t.Fatal(err)
			}
			sum := md5.Sum(buf.Bytes())
			if got := hex.EncodeToString(sum[:]); got != km.md5 {
				t.Errorf("trained model: %d bytes, md5 %s; fasttext -thread 1 wrote md5 %s", buf.Len(), got, km.md5)
			}
			// Reading the written .bin back gives the same model and bytes.
			back, err := fasttext.Read(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			var again bytes.Buffer
			if err := back.Write(&again); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Error("Read then Write changed the .bin")
			}
			checkPredictions(t, back, km.expected)
			correct := 0
			for _, line := range testLines(t) {
				gold, _, _ := strings.Cut(line, " ")
				if p := back.Predict(line, 1, 0); len(p) == 1 && p[0].Label == gold {
					correct++
				}
			}
			if correct != km.correct {
				t.Errorf("%d of 300 test lines right, fastText's model gets %d", correct, km.correct)
			}
		})
	}
}

func TestTrainDeterministic(t *testing.T) {
	text := trainText(t)
	opts := fasttext.DefaultOptions()
	opts.Dim, opts.Epoch = 10, 2
	sum := func(seed int) [16]byte {
		o := opts
		o.Seed = seed
		m, err := fasttext.Train(bytes.NewReader(text), o)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			t.Fatal(err)
		}
		return md5.Sum(buf.Bytes())
	}
	a, b, c := sum(7), sum(7), sum(8)
	if a != b {
		t.Error("two runs with seed 7 gave different models")
	}
	if a == c {
		t.Error("seeds 7 and 8 gave the same model")
	}
}

func TestTrainErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		opts       func(*fasttext.Options)
		want       string
	}{
		{"no-labels", "just words\nmore words\n", nil, "no labels"},
		{"empty", "", nil, "empty vocabulary"},
		{"bad-dim", "__label__a x\n", func(o *fasttext.Options) { o.Dim = 0 }, "dim 0"},
		{"bad-ngrams", "__label__a x\n", func(o *fasttext.Options) { o.WordNgrams = 0 }, "wordNgrams 0"},
		{"ns-one-label", "__label__a x\n", func(o *fasttext.Options) { o.Loss = fasttext.LossNS }, "two labels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := fasttext.DefaultOptions()
			if tc.opts != nil {
				tc.opts(&o)
			}
			_, err := fasttext.Train(strings.NewReader(tc.text), o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Train: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestTestLikeFastText(t *testing.T) {
	m := loadTestModel(t, "model_default.ftz")
	for _, tc := range []struct {
		k         int
		threshold float32
		n         int
		p, r      string // as `fasttext test` prints them (three digits)
	}{
		{1, 0, 300, "0.943", "0.94"}, // fasttext test: P@1 0.943 (the kit README), R@1 0.94 (line 296 has two labels)
		{2, 0, 300, "0.502", "1"},
		{1, 0.9, 300, "0.987", "0.764"}, // fasttext test ... 1 0.9
	} {
		f, err := os.Open("testdata/test.txt")
		if err != nil {
			t.Fatal(err)
		}
		res, err := m.Test(f, tc.k, tc.threshold)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := strconv.FormatFloat(res.Precision(), 'g', 3, 64)
		r := strconv.FormatFloat(res.Recall(), 'g', 3, 64)
		if res.N != tc.n || p != tc.p || r != tc.r {
			t.Errorf("k=%d: N %d P %s R %s, want %d %s %s", tc.k, res.N, p, r, tc.n, tc.p, tc.r)
		}
	}
}
