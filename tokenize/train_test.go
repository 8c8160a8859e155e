package tokenize

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainBPEGolden trains on the generated corpus and compares every piece
// (text, score bits, type) and the normalizer spec with gen-bpe1000.model,
// which spm_train 0.1.97 wrote for the same text with LLaMA's options
// (testdata/README).
func TestTrainBPEGolden(t *testing.T) {
	want := loadTestModel(t, "gen-bpe1000.model")
	opts := LLaMAOptions()
	opts.VocabSize = 1000
	opts.InputName = "gen.txt"
	opts.ModelPrefix = "gen-bpe1000"
	got, err := TrainBPE(strings.NewReader(strings.Join(genCorpus(1, 6000), "\n")+"\n"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got.VocabSize() != want.VocabSize() {
		t.Fatalf("vocab size %d, want %d", got.VocabSize(), want.VocabSize())
	}
	for id := int32(0); id < int32(want.VocabSize()); id++ {
		g, w := got.Piece(id), want.Piece(id)
		if g.Text != w.Text || g.Type != w.Type || !sameBits(g.Score, w.Score) {
			t.Errorf("piece %d: got %+v, want %+v", id, g, w)
		}
	}
	if !bytes.Equal(got.normalizer.marshal(nil), want.normalizer.marshal(nil)) {
		t.Errorf("normalizer spec differs")
	}
	// Everything spm_train records, but the input path and model prefix.
	gotSpec, wantSpec := got.trainer.marshal(nil), want.trainer.marshal(nil)
	if !bytes.Equal(gotSpec, wantSpec) {
		t.Errorf("trainer spec differs:\n got %q\nwant %q", gotSpec, wantSpec)
	}
	// A trained model survives its own Marshal/Parse.
	data, err := got.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.VocabSize() != got.VocabSize() || back.Piece(300) != got.Piece(300) {
		t.Errorf("parsed trained model differs")
	}
}

func sameBits(a, b float32) bool { return a == b && (a != 0 || (1/a > 0) == (1/b > 0)) }

func TestTrainBPEVocabTooLarge(t *testing.T) {
	opts := LLaMAOptions()
	opts.VocabSize = 5000
	_, err := TrainBPE(strings.NewReader("tiny text\nonly a few words\n"), opts)
	if err == nil || !strings.Contains(err.Error(), "vocabulary size too high") {
		t.Fatalf("err = %v, want vocabulary size too high", err)
	}
}

func TestSplitWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"▁hello▁world", []string{"▁hello", "▁world"}},
		{"▁▁▁hello▁▁world▁", []string{"▁▁▁hello", "▁▁world", "▁"}},
		{"abc", []string{"abc"}},
	} {
		var got []string
		splitWords([]byte(c.in), false, true, func(w []byte) { got = append(got, string(w)) })
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("splitWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestParseErrors: damaged models are rejected with an error, never a panic.
func TestParseErrors(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "bpe8k.model"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"truncated", data[:len(data)/2]},
		{"one-byte", data[:1]},
		{"bad-wire-type", []byte{0x0f, 0x00}},
		{"field-zero", []byte{0x00, 0x00}},
	} {
		if _, err := Parse(c.data); err == nil {
			t.Errorf("%s: Parse succeeded", c.name)
		}
	}
}
