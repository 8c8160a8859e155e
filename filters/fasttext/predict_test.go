package fasttext_test

import (
	"bytes"
	"math"
	"os"
	"testing"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

// The kit's Python column is fastText's float32 value printed at full
// precision; we reproduce fastText's arithmetic, so the observed difference
// is 0. The tolerance leaves room for a libm whose exp/log rounds the last
// bit differently, far inside the 1e-5 the project promises.
const probTol = 1e-6

// checkPredictions compares m's top-2 predictions on the test lines with
// fastText's recorded ones: labels exactly, probabilities within probTol,
// and the printed line byte for byte.
func checkPredictions(t *testing.T, m *fasttext.Model, expected string) {
	t.Helper()
	rows := readExpected(t, expected)
	lines := testLines(t)
	if len(rows) != len(lines) || len(rows) != 300 {
		t.Fatalf("%d expected rows for %d test lines", len(rows), len(lines))
	}
	var buf []byte
	for i, line := range lines {
		got := m.Predict(line, 2, 0)
		want := rows[i]
		if len(got) != 2 {
			t.Errorf("line %d: %d predictions, want 2", i+1, len(got))
			continue
		}
		for j := range got {
			if got[j].Label != want.labels[j] || math.Abs(float64(got[j].Prob)-want.probs[j]) > probTol {
				t.Errorf("line %d: prediction %d = %s %.9g, want %s %.9g", i+1, j, got[j].Label, got[j].Prob, want.labels[j], want.probs[j])
			}
		}
		buf = fasttext.AppendFormat(buf[:0], got)
		cli := want.labels[0] + " " + want.cli1 + " " + want.labels[1] + " " + want.cli2
		if string(buf) != cli {
			t.Errorf("line %d: printed %q, fasttext predict-prob printed %q", i+1, buf, cli)
		}
	}
}

func TestPredictFTZ(t *testing.T) {
	m := loadTestModel(t, "model_default.ftz")
	if !m.Quantized() || m.NWords() != 9769 {
		t.Fatalf("quantized %v, %d words; want a quantized model with 9769 words", m.Quantized(), m.NWords())
	}
	if got := m.Labels(); len(got) != 2 || got[0] != "__label__wiki" || got[1] != "__label__cc" {
		t.Fatalf("labels %q", got)
	}
	checkPredictions(t, m, "expected.model_default.ftz.tsv")
}

// TestPredictEdgeCases pins the tokenization rules of the kit's last lines.
func TestPredictEdgeCases(t *testing.T) {
	m := loadTestModel(t, "model_default.ftz")
	empty := m.Predict("", 2, 0)
	unknown := m.Predict("zqxjv blorptangle snerkwhistle", 2, 0)
	if empty[0] != unknown[0] || empty[1] != unknown[1] {
		t.Errorf("only unknown words %v must predict as the empty line %v", unknown, empty)
	}
	if empty[0].Prob != float32(1.00001) {
		t.Errorf("empty line: top probability %v, want fastText's 1.00001 (p + 1e-5)", empty[0].Prob)
	}
	a := m.Predict("the manual describes __label__cc how each option changes", 2, 0)
	b := m.Predict("the manual describes how each option changes", 2, 0)
	if a[0] != b[0] || a[1] != b[1] {
		t.Errorf("a label token inside the text changed the prediction: %v vs %v", a, b)
	}
	// Separators other than space, and text after a newline, are ignored.
	c := m.Predict("the\tmanual\vdescribes\fhow\reach option changes\nzzz zzz", 2, 0)
	if c[0] != b[0] || c[1] != b[1] {
		t.Errorf("separators: %v, want %v", c, b)
	}
	if got := m.Predict("the manual", 1, 0); len(got) != 1 {
		t.Errorf("k=1 gave %d predictions", len(got))
	}
	if got := m.Predict("the manual", 0, 0); len(got) != 2 {
		t.Errorf("k=0 (all) gave %d predictions", len(got))
	}
	if got := m.Predict("the manual", 2, 0.5); len(got) != 1 || got[0].Prob < 0.5 {
		t.Errorf("threshold 0.5 kept %v", got)
	}
	// The command line's last line without '\n' has no "</s>".
	withNL := m.AppendPredictLine(nil, []byte("the manual\n"), 2, 0)
	if withNL[0] != m.Predict("the manual", 2, 0)[0] {
		t.Errorf("AppendPredictLine with '\\n' %v differs from Predict", withNL)
	}
	noNL := m.AppendPredictLine(nil, []byte("the manual"), 2, 0)
	if noNL[0].Prob == withNL[0].Prob {
		t.Errorf("a line without '\\n' must lose its </s> feature: %v vs %v", noNL, withNL)
	}
	if got := m.AppendPredictLine(nil, []byte("zqxjv"), 2, 0); len(got) != 0 {
		t.Errorf("no known feature and no </s>: got %v, want no prediction (fastText prints an empty line)", got)
	}
}

func TestConcurrentPredict(t *testing.T) {
	m := loadTestModel(t, "model_default.ftz")
	lines := testLines(t)
	want := make([][]fasttext.Prediction, len(lines))
	for i, l := range lines {
		want[i] = m.Predict(l, 2, 0)
	}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			ok := true
			for i, l := range lines {
				got := m.Predict(l, 2, 0)
				ok = ok && got[0] == want[i][0] && got[1] == want[i][1]
			}
			done <- ok
		}()
	}
	for g := 0; g < 4; g++ {
		if !<-done {
			t.Error("concurrent Predict gave a different result")
		}
	}
}

func TestWriteRoundTripFTZ(t *testing.T) {
	orig, err := os.ReadFile("testdata/model_default.ftz")
	if err != nil {
		t.Fatal(err)
	}
	m, err := fasttext.Read(bytes.NewReader(orig))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := m.Write(&out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), orig) {
		t.Fatalf("rewriting the .ftz changed it (%d bytes, want %d)", out.Len(), len(orig))
	}
}

func TestDocProb(t *testing.T) {
	m := loadTestModel(t, "model_default.ftz")
	doc := "the manual describes\nhow each option\nchanges the output"
	joined := "the manual describes how each option changes the output"
	for _, label := range m.Labels() {
		got, ok := m.DocProb(doc, label)
		var want float32
		for _, p := range m.Predict(joined, 0, 0) {
			if p.Label == label {
				want = p.Prob
			}
		}
		if !ok || got != want {
			t.Errorf("DocProb(%s) = %v %v, want %v from the space-joined line", label, got, ok, want)
		}
	}
	if firstLine := m.Predict(doc, 1, 0)[0]; firstLine.Prob == m.Predict(joined, 1, 0)[0].Prob {
		t.Error("Predict should stop at the first newline, DocProb should not; the test cannot tell them apart")
	}
	if _, ok := m.DocProb(doc, "__label__nope"); ok {
		t.Error("DocProb of an unknown label reported ok")
	}
}
