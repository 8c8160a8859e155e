package kenlm

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteBinary writes o4.arpa as a probing binary and checks it
// against the one KenLM's build_binary made from the same ARPA: the same
// header and vocabulary strings, and every n-gram under the same key with
// the same 8 value bytes (probabilities, backoffs and KenLM's two flags),
// in both directions. Then it scores like the ARPA.
func TestWriteBinary(t *testing.T) {
	arpa, err := ReadARPA(openTestdata(t, "o4.arpa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := arpa.WriteBinary(&buf); err != nil {
		t.Fatal(err)
	}
	ours, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	kenlmBytes := readBin(t, "probing")
	theirs, err := Parse(kenlmBytes)
	if err != nil {
		t.Fatal(err)
	}
	if len(buf.Bytes()) != len(kenlmBytes) || !bytes.Equal(buf.Bytes()[:144], kenlmBytes[:144]) {
		t.Fatalf("size %d vs KenLM's %d, or headers differ", buf.Len(), len(kenlmBytes))
	}
	if !bytes.Equal(buf.Bytes()[ours.bin.words:], kenlmBytes[theirs.bin.words:]) {
		t.Error("vocabulary strings differ")
	}
	if !bytes.Equal(ours.bin.uni, theirs.bin.uni) {
		t.Error("unigram arrays differ")
	}
	same := func(a, b *probingTable, what string) {
		for off := uint64(0); off < uint64(len(a.data)); off += a.entry {
			k := binary.LittleEndian.Uint64(a.data[off:])
			if k == 0 {
				continue
			}
			o := b.find(k)
			if o < 0 || !bytes.Equal(a.data[off+8:off+a.entry], b.data[uint64(o)+8:uint64(o)+b.entry]) {
				t.Fatalf("%s: key %x differs", what, k)
			}
		}
	}
	for i := range ours.bin.mid {
		same(&ours.bin.mid[i], &theirs.bin.mid[i], "ours in KenLM's")
		same(&theirs.bin.mid[i], &ours.bin.mid[i], "KenLM's in ours")
	}
	same(&ours.bin.long, &theirs.bin.long, "ours in KenLM's")
	same(&theirs.bin.long, &ours.bin.long, "KenLM's in ours")
	for _, w := range []string{"▁the", "<s>", "</s>", "<unk>", "nope"} {
		a, _ := ours.Index(w)
		b, _ := theirs.Index(w)
		if a != b {
			t.Errorf("Index(%q): %d, KenLM's file %d", w, a, b)
		}
	}
	for _, line := range readLines(t, "heldout.pieces.gz") {
		a, _, _ := ours.ScoreLineFloat32(line, true, true)
		b, _, _ := theirs.ScoreLineFloat32(line, true, true)
		if a != b {
			t.Fatalf("%.40q: %v, KenLM's file %v", line, a, b)
		}
	}
	if err := theirs.WriteBinary(&buf); err == nil {
		t.Error("a binary model was written again")
	}
}

// TestWriteBinaryFile: Load maps what WriteBinary wrote.
func TestWriteBinaryFile(t *testing.T) {
	m, err := ReadARPA(strings.NewReader("\\data\\\nngram 1=4\nngram 2=2\n\n\\1-grams:\n-1\t<s>\t-0.5\n-2\t</s>\n-1.5\ta\t-0.25\n-3\t<unk>\n\n\\2-grams:\n-0.5\t<s> a\n-0.7\ta </s>\n\n\\end\\\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "m.bin")
	f, _ := os.Create(p)
	if err := m.WriteBinary(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, line := range []string{"a", "a a", "b a", ""} {
		x, _, _ := m.ScoreLine(line, true, true)
		y, _, _ := b.ScoreLine(line, true, true)
		if x != y {
			t.Errorf("%q: ARPA %v, binary %v", line, x, y)
		}
	}
}
