package arxiv

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

// dump reads one tar and writes every document and skipped record in order.
func dump(t testing.TB, name string, data []byte, opts Options) string {
	var b strings.Builder
	skip := func(err error) {
		var re *pipeline.RecordError
		if !errors.As(err, &re) || !errors.Is(err, pipeline.ErrCorrupt) {
			t.Fatalf("skip %v is not a corrupt RecordError", err)
		}
		fmt.Fprintf(&b, "SKIP %s %s offset %d\n", re.Record, pipeline.SkipReason(err), re.Offset)
	}
	r := NewReader(context.Background(), name, io.NopCloser(bytes.NewReader(data)), skip, opts)
	for r.Next() {
		d := r.Doc()
		fmt.Fprintf(&b, "DOC %s url=%s date=%s yymm=%s file=%s\n%s\n", d.ID, d.URL, d.Date.Format("2006-01-02T15:04:05Z"), d.Meta["yymm"], d.Meta["file"], d.Text)
		b.WriteString("END\n")
	}
	if err := r.Close(); err != nil {
		t.Fatalf("fatal %v", err)
	}
	return b.String()
}

// TestGolden reads each fixture tar (made by tools/arxivsample) and compares
// documents and skips with testdata/golden/<tar>.txt; -update rewrites them.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.tar")
	if len(files) < 2 {
		t.Fatal("fixtures missing")
	}
	for _, f := range files {
		for _, cut := range []bool{false, true} {
			name := filepath.Base(f)
			gold := filepath.Join("testdata/golden", strings.TrimSuffix(name, ".tar")+".txt")
			if cut {
				gold = strings.TrimSuffix(gold, ".txt") + ".cut_appendix.txt"
			}
			t.Run(filepath.Base(gold), func(t *testing.T) {
				data, _ := os.ReadFile(f)
				got := dump(t, name, data, Options{Clean: CleanOptions{CutAppendix: cut}})
				if *update {
					os.MkdirAll("testdata/golden", 0o755)
					os.WriteFile(gold, []byte(got), 0o644)
					return
				}
				want, _ := os.ReadFile(gold)
				if got != string(want) {
					t.Errorf("got\n%s\nwant\n%s", got, want)
				}
			})
		}
	}
}

// TestTruncatedTar: a tar cut in the middle keeps every paper before the cut.
func TestTruncatedTar(t *testing.T) {
	data, _ := os.ReadFile("testdata/arXiv_src_2301_001.tar")
	full := dump(t, "x.tar", data, Options{})
	// Cut inside the data of 2301.00007v2 (its header block, then 100 bytes).
	at := bytes.Index(data, []byte("2301/2301.00007v2.gz")) + 512 + 100
	cut := dump(t, "x.tar", data[:at], Options{})
	if strings.Count(cut, "DOC ") != 3 || !strings.HasPrefix(full, cut[:strings.LastIndex(cut, "END\n")+4]) || !strings.Contains(cut, "truncated-tar") {
		t.Errorf("cut archive:\n%s", cut)
	}
}

func TestParseID(t *testing.T) {
	for _, c := range [][3]string{
		{"2301/2301.00028.gz", "2301.00028", "2301"},
		{"2301/2301.00028v2.gz", "2301.00028v2", "2301"},
		{"0703/math0703007.gz", "math/0703007", "0703"},
		{"9901/hep-th9901001.gz", "hep-th/9901001", "9901"},
		{"0704/0704.0001.gz", "0704.0001", "0704"},
	} {
		id, yymm := ParseID(c[0])
		if id != c[1] || yymm != c[2] {
			t.Errorf("%s: %s %s, want %s %s", c[0], id, yymm, c[1], c[2])
		}
	}
}

// FuzzReader: arbitrary tars never panic or hang; documents are valid UTF-8
// with an ID.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.tar")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(context.Background(), "fuzz", io.NopCloser(bytes.NewReader(data)), nil, Options{MaxPaperBytes: 1 << 20})
		for r.Next() {
			if d := r.Doc(); d.ID == "" || !utf8.ValidString(d.Text) {
				t.Fatalf("bad doc %+v", d)
			}
		}
		r.Close()
	})
}

// FuzzClean: the cleaner and the macro expander never panic or hang, keep
// UTF-8 valid, and the expansion stays within its output bound.
func FuzzClean(f *testing.F) {
	_, cases := parseCases(f, "testdata/clean.txt")
	for _, c := range cases {
		f.Add(c.input)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, _ := ExpandMacros(s)
		if len(out) > 8*len(s)+1<<20+1<<16 {
			t.Fatalf("expansion of %d bytes gave %d", len(s), len(out))
		}
		text, _ := Clean(map[string][]byte{"main.tex": []byte(s), "b.tex": []byte(s)}, CleanOptions{})
		if !utf8.ValidString(text) {
			t.Fatal("invalid UTF-8")
		}
		StripComments(s)
	})
}
