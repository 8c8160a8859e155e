package kenlm

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// binFormats are the layouts of testdata/o4.*.bin.gz (see testdata/README.md).
var binFormats = []struct {
	name string
	kind string
}{
	{"probing", "KenLM binary, probing hash tables"},
	{"trie", "KenLM binary, trie"},
	{"trie-a22", "KenLM binary, trie with array-compressed pointers"},
	{"trie-q8", "KenLM binary, trie with quantization"},
	{"trie-q8a22", "KenLM binary, trie with quantization and array-compressed pointers"},
	{"trie-q5b3a22", "KenLM binary, trie with quantization and array-compressed pointers"},
}

// gunzipTestdata writes testdata/name (gzipped) uncompressed to a temporary
// file and returns its path, so Load maps a real file.
func gunzipTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := io.ReadAll(openTestdata(t, name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), strings.TrimSuffix(name, ".gz"))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func loadBin(t testing.TB, format string) *Model {
	t.Helper()
	m, err := Load(gunzipTestdata(t, "o4."+format+".bin.gz"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// total32 scores a line as KenLM's query does, adding the per-word values
// in float32, so the result is KenLM's printed Total to the bit.
func total32(m *Model, line string, bos, eos bool) (float32, int) {
	var st [2]State
	if bos {
		st[0] = m.BeginSentence()
	}
	cur, oov := 0, 0
	var sum float32
	for _, w := range strings.Fields(line) {
		id, _ := m.Index(w)
		if id == m.unk {
			oov++
		}
		sum += m.ScoreWord(&st[cur], id, &st[1-cur])
		cur = 1 - cur
	}
	if eos {
		sum += m.ScoreWord(&st[cur], m.eos, &st[1-cur])
	}
	return sum, oov
}

// TestBinaryMatchesKenLM scores the 300 held-out lines with every binary
// layout and compares with KenLM's own query on the same file: the float32
// totals must be identical (quantized layouts included, whose values differ
// from the ARPA's), and the float64 totals within 1e-4.
func TestBinaryMatchesKenLM(t *testing.T) {
	lines := readLines(t, "heldout.pieces.gz")
	rows := readTSV(t, "expected.o4.bin.tsv")
	if len(lines) != 300 || len(rows) != 300 {
		t.Fatalf("%d lines, %d rows", len(lines), len(rows))
	}
	for _, f := range binFormats {
		t.Run(f.name, func(t *testing.T) {
			m := loadBin(t, f.name)
			if got := m.Format(); got != f.kind {
				t.Errorf("Format() = %q, want %q", got, f.kind)
			}
			if got := m.Counts(); len(got) != 4 || got[0] != 590 || got[1] != 1223 || got[2] != 1347 || got[3] != 1335 {
				t.Errorf("Counts() = %v", got)
			}
			for i, line := range lines {
				for _, mode := range []struct {
					col string
					bos bool
				}{{"bos_eos", true}, {"null", false}} {
					want, err := strconv.ParseFloat(rows[i][mode.col+"."+f.name], 32)
					if err != nil {
						t.Fatal(err)
					}
					got, oov := total32(m, line, mode.bos, mode.bos)
					if got != float32(want) {
						t.Errorf("line %d %s: total %v, KenLM %v", i+1, mode.col, got, float32(want))
					}
					if mode.bos {
						if w, _ := strconv.Atoi(rows[i]["oov"]); oov != w {
							t.Errorf("line %d: %d OOV, KenLM %d", i+1, oov, w)
						}
					}
					lp, _, oov2 := m.ScoreLine(line, mode.bos, mode.bos)
					// KenLM's float32 total drifts from the float64 sum on
					// long lines, by up to about 3e-6 of the total.
					if math.Abs(lp-want) > 1e-4+4e-6*math.Abs(want) || oov2 != oov {
						t.Errorf("line %d %s: ScoreLine %v (%d OOV), KenLM %v", i+1, mode.col, lp, oov2, want)
					}
				}
			}
		})
	}
}

// TestBinaryMatchesARPA checks the unquantized layouts against the ARPA
// they were built from, word by word: same ids' spellings, same values to
// the bit, same states.
func TestBinaryMatchesARPA(t *testing.T) {
	arpa, err := ReadARPA(openTestdata(t, "o4.arpa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, "heldout.pieces.gz")
	for _, name := range []string{"probing", "trie", "trie-a22"} {
		m := loadBin(t, name)
		if m.VocabSize() != arpa.VocabSize() {
			t.Fatalf("%s: %d words, ARPA %d", name, m.VocabSize(), arpa.VocabSize())
		}
		for id := 0; id < m.VocabSize(); id++ {
			w := m.Word(uint32(id))
			if got, ok := m.Index(w); got != uint32(id) || !ok {
				t.Fatalf("%s: Index(Word(%d) = %q) = %d, %v", name, id, w, got, ok)
			}
			if _, ok := arpa.Index(w); !ok {
				t.Fatalf("%s: word %q is not in the ARPA", name, w)
			}
		}
		for i, line := range lines {
			a, b := arpa.BeginSentence(), m.BeginSentence()
			var a2, b2 State
			for _, w := range append(strings.Fields(line), EOS) {
				ia, _ := arpa.Index(w)
				ib, _ := m.Index(w)
				pa := arpa.ScoreWord(&a, ia, &a2)
				pb := m.ScoreWord(&b, ib, &b2)
				if pa != pb || a2.n != b2.n {
					t.Fatalf("%s line %d word %q: %v (state %d), ARPA %v (state %d)", name, i+1, w, pb, b2.n, pa, a2.n)
				}
				a, b = a2, b2
			}
		}
	}
}

// TestBinaryPointerCompression makes sure the -a files really exercise
// the compressed next pointers (a high part from the offset array).
func TestBinaryPointerCompression(t *testing.T) {
	for _, name := range []string{"trie-a22", "trie-q8a22", "trie-q5b3a22"} {
		m := loadBin(t, name)
		for i, l := range m.bin.tmid {
			if l.offsets == nil || l.nextBits >= requiredBits(l.maxNext) {
				t.Errorf("%s: order %d: next pointers not compressed (%d inline bits of %d)", name, i+2, l.nextBits, requiredBits(l.maxNext))
			}
		}
	}
}

func TestDetectFormat(t *testing.T) {
	for _, c := range []struct {
		head string
		want Format
	}{
		{"\\data\\\nngram 1=3\n", FormatARPA},
		{"\x1f\x8b\x08\x00", FormatARPAGzip},
		{"mmap lm http://kheafield.com/code format version 5\n\x00", FormatKenLMBinary},
		{"mmap lm http://kheafield.com/code incomplete\n", FormatKenLMBinary},
		{"", FormatARPA},
	} {
		if got := DetectFormat([]byte(c.head)); got != c.want {
			t.Errorf("DetectFormat(%q) = %v, want %v", c.head, got, c.want)
		}
	}
}

// TestLoadAnyFormat loads the same model as ARPA, gzipped ARPA and binary
// files, from paths whose names say nothing, and gets the same scores.
func TestLoadAnyFormat(t *testing.T) {
	dir := t.TempDir()
	arpaGz, err := os.ReadFile(filepath.Join("testdata", "o4.arpa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	arpa, err := io.ReadAll(openTestdata(t, "o4.arpa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	bin, err := io.ReadAll(openTestdata(t, "o4.trie.bin.gz"))
	if err != nil {
		t.Fatal(err)
	}
	line := "▁the ▁function ▁matches ▁with ▁the ▁zeta ▁function ."
	var want float64
	for i, data := range [][]byte{arpa, arpaGz, bin} {
		p := filepath.Join(dir, "model"+strconv.Itoa(i))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, load := range []func() (*Model, error){
			func() (*Model, error) { return Load(p) },
			func() (*Model, error) { return Parse(data) },
			func() (*Model, error) { return Open(bytes.NewReader(data)) },
		} {
			m, err := load()
			if err != nil {
				t.Fatal(err)
			}
			got, _, _ := m.ScoreLine(line, true, true)
			if i == 0 && want == 0 {
				want = got
			}
			if got != want {
				t.Errorf("model %d: %v, want %v", i, got, want)
			}
			m.Close()
		}
	}
}

func readBin(t testing.TB, name string) []byte {
	t.Helper()
	b, err := io.ReadAll(openTestdata(t, "o4."+name+".bin.gz"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBinaryErrors: a truncated file, a wrong or old magic, an unfinished
// build and mismatched test values are clear errors wrapping
// ErrBinaryFormat, never a crash or a model that reads past its file.
func TestBinaryErrors(t *testing.T) {
	probing := readBin(t, "probing")
	trie := readBin(t, "trie-q8a22")
	patch := func(b []byte, off int, s string) []byte {
		c := bytes.Clone(b)
		copy(c[off:], s)
		return c
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"probing cut in the header", probing[:100], "truncated binary file"},
		{"probing cut in the tables", probing[:len(probing)/2], "truncated binary file"},
		{"probing cut before its words", probing[:len(probing)-3000], "truncated binary file"},
		{"trie cut in the vocabulary", trie[:500], "truncated binary file"},
		{"trie cut in the tables", trie[:len(trie)-3000-len(trie)/3], "truncated binary file"},
		{"trie without its words", trie[:len(trie)-4000], "truncated binary file"},
		{"version 4", patch(probing, 49, "4"), "format version 4"},
		{"unfinished", []byte("mmap lm http://kheafield.com/code incomplete\n\x00\x00\x00"), "did not finish building"},
		{"test values", patch(probing, 60, "\x00\x00\x00\x40"), "test values"},
		{"other magic", patch(probing, 34, "formax"), "unrecognised header"},
		{"model type", patch(probing, 96, "\x07"), "unknown model type 7"},
		{"rest probing", patch(probing, 96, "\x01"), "rest costs are not supported"},
		{"order", patch(probing, 88, "\x01"), "order 1"},
		{"quantization version", patch(trie, 144+8+8*590, "\x03"), "quantization version 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "model.bin")
			if err := os.WriteFile(p, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := Load(p)
			if err == nil {
				m.Close()
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrBinaryFormat) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("error %q: want ErrBinaryFormat naming the file and %q", err, c.want)
			}
			if _, err := Parse(c.data); !errors.Is(err, ErrBinaryFormat) {
				t.Errorf("Parse: %v", err)
			}
		})
	}
	// A file that is neither binary nor ARPA is an ARPA error.
	p := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(p, []byte("PK\x03\x04 not a model"), 0o644)
	if _, err := Load(p); !errors.Is(err, ErrFormat) {
		t.Errorf("junk: %v, want ErrFormat", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestMurmurHash64A(t *testing.T) {
	// KenLM's kUnknownHash and the trie file's sorted vocabulary agree.
	m := loadBin(t, "trie")
	for id := 1; id < m.VocabSize(); id++ {
		h := murmurHash64A(m.Word(uint32(id)))
		if got := m.bin.sorted[(id-1)*8:]; h != uint64(got[0])|uint64(got[1])<<8|uint64(got[2])<<16|uint64(got[3])<<24|
			uint64(got[4])<<32|uint64(got[5])<<40|uint64(got[6])<<48|uint64(got[7])<<56 {
			t.Fatalf("hash of %q does not match the file", m.Word(uint32(id)))
		}
	}
}

// FuzzParseBinary: any bytes after a valid header either fail to load or
// load and score without a panic, a hang or a read past the file.
func FuzzParseBinary(f *testing.F) {
	for _, name := range []string{"trie-q5b3a22", "trie-q8a22"} {
		z, err := os.Open(filepath.Join("testdata", "o4."+name+".bin.gz"))
		if err != nil {
			f.Fatal(err)
		}
		r, _ := gzip.NewReader(z)
		b, _ := io.ReadAll(r)
		z.Close()
		f.Add(b, uint(200), byte(0x55))
	}
	f.Fuzz(func(t *testing.T, data []byte, at uint, x byte) {
		if len(data) > 0 {
			data = bytes.Clone(data)
			data[at%uint(len(data))] ^= x
		}
		m, err := Parse(data)
		if err != nil {
			return
		}
		m.ScoreLine("▁the ▁function ▁matches ▁with ▁the ▁zeta ▁function . <unk> </s> <s>", true, true)
		for id := 0; id < m.VocabSize() && id < 50; id++ {
			m.Word(uint32(id))
		}
	})
}

// TestBinaryWithoutUnk: a model whose ARPA has no <unk> gets one from
// build_binary (id 0, probability -100), so the probing vocabulary holds
// one word more than the header counts; KenLM's totals still match.
func TestBinaryWithoutUnk(t *testing.T) {
	m, err := Load(gunzipTestdata(t, "o4-nounk.probing.bin.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.VocabSize() != 590 || m.Counts()[0] != 589 || m.Word(0) != UNK {
		t.Errorf("vocabulary %d, counts %v, word 0 %q", m.VocabSize(), m.Counts(), m.Word(0))
	}
	rows := readTSV(t, "expected.o4-nounk.tsv")
	for i, line := range readLines(t, "heldout.pieces.gz") {
		for _, mode := range []string{"bos_eos", "null"} {
			want, _ := strconv.ParseFloat(rows[i][mode], 32)
			got, _ := total32(m, line, mode == "bos_eos", mode == "bos_eos")
			if got != float32(want) {
				t.Errorf("line %d %s: %v, KenLM %v", i+1, mode, got, float32(want))
			}
		}
	}
}

// TestBinaryCorruptBytes flips one byte at a time (every 7th) of a probing
// and a quantized, compressed trie file: each either fails to load or
// loads and scores without a panic or a read past the file (the fuzz
// target does the same at random).
func TestBinaryCorruptBytes(t *testing.T) {
	for _, name := range []string{"probing", "trie-q5b3a22"} {
		b := readBin(t, name)
		loaded := 0
		for i := 0; i < len(b); i += 7 {
			d := bytes.Clone(b)
			d[i] ^= 0x55
			m, err := Parse(d)
			if err != nil {
				continue
			}
			loaded++
			m.ScoreLine("▁the ▁function ▁matches ▁with ▁the ▁zeta ▁function . <unk> </s> <s>", true, true)
			m.Word(uint32(m.VocabSize() - 1))
		}
		if loaded == 0 {
			t.Errorf("%s: no corrupted file loaded: the sweep tests nothing", name)
		}
	}
}
