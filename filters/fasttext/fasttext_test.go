package fasttext_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

// These tests run Debian's fasttext 0.9.2 and compare with it directly:
// models it trains on the fly (every loss, word and character n-grams,
// pruned and quantized .ftz with quantized output), our predictions on its
// models, its predictions on ours, and our trained bytes against its.

func runFastText(t *testing.T, ft string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(ft, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fasttext %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// ourPredictions prints what `fasttext predict-prob M file k` prints.
func ourPredictions(m *fasttext.Model, text []byte, k int) []byte {
	var out []byte
	var preds []fasttext.Prediction
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line = text[:i+1]
		}
		text = text[len(line):]
		preds = m.AppendPredictLine(preds[:0], line, k, 0)
		out = append(fasttext.AppendFormat(out, preds), '\n')
	}
	return out
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d: ours %q, fastText's %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines vs %d", len(al), len(bl))
}

// manyLabels makes a 260-label training text: enough output rows for
// `fasttext quantize -qout`, which needs 256.
func manyLabels() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for i := 0; i < 6000; i++ {
		l := r.IntN(260)
		fmt.Fprintf(&b, "__label__%d", l)
		for j := 0; j < 8; j++ {
			fmt.Fprintf(&b, " w%d", l*10+r.IntN(40))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func TestAgainstFastText(t *testing.T) {
	ft := needFastText(t)
	dir := t.TempDir()
	train := filepath.Join(dir, "train.txt")
	many := filepath.Join(dir, "many.txt")
	test := filepath.Join(dir, "test_nolabel.txt")
	var testText []byte
	for _, l := range testLines(t) {
		testText = append(append(testText, stripLabel(l)...), '\n')
	}
	manyText := manyLabels()
	for _, f := range []struct {
		path string
		data []byte
	}{{train, trainText(t)}, {many, manyText}, {test, testText}} {
		if err := os.WriteFile(f.path, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The last line of a file without a final newline has no "</s>".
	manyTest := filepath.Join(dir, "many_test.txt")
	manyTestText := bytes.TrimSuffix(manyText[:4000], []byte("\n"))
	if err := os.WriteFile(manyTest, manyTestText, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		input    string
		opts     func(*fasttext.Options)
		args     string // fasttext supervised options
		quantize string // fasttext quantize options, "" for none
		testFile string
		k        int
	}{
		{"default", train, func(*fasttext.Options) {}, "", "", test, 2},
		{"bigram", train, func(o *fasttext.Options) { o.WordNgrams, o.Bucket, o.Dim = 2, 50000, 16 },
			"-wordNgrams 2 -bucket 50000 -dim 16", "", test, 2},
		{"hs", train, func(o *fasttext.Options) { o.Loss, o.Dim = fasttext.LossHS, 16 }, "-loss hs -dim 16", "", test, 2},
		{"ns", train, func(o *fasttext.Options) { o.Loss, o.Dim = fasttext.LossNS, 16 }, "-loss ns -dim 16", "", test, 2},
		{"ova", train, func(o *fasttext.Options) { o.Loss, o.Dim = fasttext.LossOVA, 16 }, "-loss ova -dim 16", "", test, 2},
		{"subwords-hs", train, func(o *fasttext.Options) {
			o.Minn, o.Maxn, o.Dim, o.Bucket, o.WordNgrams, o.Loss = 2, 4, 16, 100000, 2, fasttext.LossHS
		}, "-minn 2 -maxn 4 -dim 16 -bucket 100000 -wordNgrams 2 -loss hs", "-cutoff 2000 -qnorm -dsub 4", test, 2},
		{"many-labels-qout", many, func(o *fasttext.Options) { o.Dim, o.Epoch, o.LR = 8, 10, 0.5 },
			"-dim 8 -epoch 10 -lr 0.5", "-qout -dsub 2", manyTest, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.name)
			args := append([]string{"supervised", "-input", tc.input, "-output", out, "-thread", "1"}, strings.Fields(tc.args)...)
			runFastText(t, ft, args...)
			theirs, err := os.ReadFile(out + ".bin")
			if err != nil {
				t.Fatal(err)
			}
			// Our training writes fastText's bytes.
			in, err := os.ReadFile(tc.input)
			if err != nil {
				t.Fatal(err)
			}
			opts := fasttext.DefaultOptions()
			tc.opts(&opts)
			ours, err := fasttext.Train(bytes.NewReader(in), opts)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := ours.Write(&buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), theirs) {
				t.Errorf("Train wrote %d bytes that differ from fasttext's %d", buf.Len(), len(theirs))
			}
			model := out + ".bin"
			if tc.quantize != "" {
				runFastText(t, ft, append([]string{"quantize", "-input", tc.input, "-output", out}, strings.Fields(tc.quantize)...)...)
				model = out + ".ftz"
			}
			// Our predictions on fastText's model.
			m, err := fasttext.Load(model)
			if err != nil {
				t.Fatal(err)
			}
			testText, err := os.ReadFile(tc.testFile)
			if err != nil {
				t.Fatal(err)
			}
			k := strconv.Itoa(tc.k)
			want := runFastText(t, ft, "predict-prob", model, tc.testFile, k)
			got := ourPredictions(m, testText, tc.k)
			if !bytes.Equal(got, want) {
				t.Errorf("predict-prob %s differs: %s", filepath.Base(model), firstDiff(got, want))
			}
			// fastText's predictions on the model as we write it.
			mine := filepath.Join(dir, tc.name+"-ours"+filepath.Ext(model))
			if err := m.Save(mine); err != nil {
				t.Fatal(err)
			}
			if again := runFastText(t, ft, "predict-prob", mine, tc.testFile, k); !bytes.Equal(again, want) {
				t.Errorf("fasttext on our written model differs: %s", firstDiff(again, want))
			}
		})
	}
}
