package fasttext_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

// TestDamagedModel flips bits across a real model file (the fastText kit's
// quantized .ftz, made by fastText itself): every copy must fail to load or
// predict finite probabilities.
func TestDamagedModel(t *testing.T) {
	data, err := os.ReadFile("testdata/model_default.ftz")
	if err != nil {
		t.Fatal(err)
	}
	m0, err := fasttext.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := len(m0.Predict("the page was cited as a reference", -1, 0))
	rejected := 0
	for at := 0; at < len(data); at += len(data)/120 + 1 {
		for _, x := range []byte{0x01, 0x80, 0} {
			bad := append([]byte(nil), data...)
			if x == 0 && at+4 <= len(bad) {
				// A NaN where a weight may be: what a flipped exponent does.
				copy(bad[at:], []byte{0x00, 0x00, 0xc0, 0x7f})
			}
			bad[at] ^= x
			m, err := fasttext.Read(bytes.NewReader(bad))
			if err != nil {
				rejected++
				continue
			}
			preds := m.Predict("the page was cited as a reference", -1, 0)
			if len(preds) != want {
				t.Fatalf("flip %#x at byte %d loaded and predicts %v", x, at, preds)
			}
			for _, p := range preds {
				if math.IsNaN(float64(p.Prob)) || math.IsInf(float64(p.Prob), 0) {
					t.Fatalf("flip %#x at byte %d loaded and predicts %v", x, at, p)
				}
			}
		}
	}
	if rejected == 0 {
		t.Fatal("no damaged copy was rejected")
	}
}

// TestNaNWeight: a model whose weights hold a NaN (the last float of the
// output matrix, which ends the file) is refused, not loaded to predict NaN.
func TestNaNWeight(t *testing.T) {
	opts := fasttext.DefaultOptions()
	opts.Dim, opts.Epoch = 4, 1
	m, err := fasttext.Train(strings.NewReader("__label__a x y z\n__label__b u v w\n"), opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if _, err := fasttext.Read(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	copy(data[len(data)-4:], []byte{0x00, 0x00, 0xc0, 0x7f})
	if _, err := fasttext.Read(bytes.NewReader(data)); !errors.Is(err, fasttext.ErrFormat) || !strings.Contains(err.Error(), "NaN") {
		t.Fatalf("got %v, want ErrFormat naming the NaN weight", err)
	}
}
