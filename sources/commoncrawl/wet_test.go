package commoncrawl

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// readAll reads a WET file and renders what the reader made of it: every
// document and every skipped record, in order.
func readAll(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	skip := func(err error) {
		var re *pipeline.RecordError
		if !errors.As(err, &re) {
			t.Fatalf("skip error %v does not wrap a RecordError", err)
		}
		if re.Path != path {
			t.Errorf("skip error names %q, want %q", re.Path, path)
		}
		fmt.Fprintf(&b, "skip record=%s offset=%d reason=%s corrupt=%v\n  %v\n",
			re.Record, re.Offset, pipeline.SkipReason(err), errors.Is(err, pipeline.ErrCorrupt), re.Err)
	}
	r := NewReader(context.Background(), path, f, skip, Options{RepairUTF8: true})
	for r.Next() {
		d := r.Doc()
		fmt.Fprintf(&b, "doc id=%s url=%s date=%s digest=%s\n  %q\n", d.ID, d.URL,
			d.Date.Format("2006-01-02T15:04:05Z"), d.Meta["block_digest"], d.Text)
	}
	if err := r.Close(); err != nil {
		fmt.Fprintf(&b, "error %v\n", err)
	}
	return b.String()
}

// TestGolden reads every fixture and compares with testdata/golden. Every
// good record before and after a damaged one must be there.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.warc.wet.gz")
	if len(files) < 8 {
		t.Fatalf("found %d fixtures; run go generate in testdata", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			got := readAll(t, f)
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(filepath.Base(f), ".warc.wet.gz")+".txt")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s: got\n%s\nwant\n%s", f, got, want)
			}
		})
	}
}

// TestSkipInvalidUTF8 checks the non-repairing mode drops the record.
func TestSkipInvalidUTF8(t *testing.T) {
	f, _ := os.Open("testdata/invalid-utf8.warc.wet.gz")
	var reasons []string
	r := NewReader(context.Background(), "x", f, func(err error) { reasons = append(reasons, pipeline.SkipReason(err)) }, Options{})
	var ids []string
	for r.Next() {
		ids = append(ids, r.Doc().ID[len(r.Doc().ID)-2:])
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "01,03,04" || strings.Join(reasons, ",") != "invalid-utf8" {
		t.Errorf("ids %v reasons %v", ids, reasons)
	}
}

// TestCancel stops at once when the context is cancelled.
func TestCancel(t *testing.T) {
	f, _ := os.Open("testdata/good.warc.wet.gz")
	ctx, cancel := context.WithCancel(context.Background())
	r := NewReader(ctx, "x", f, nil, Options{})
	if !r.Next() {
		t.Fatal("no first doc")
	}
	cancel()
	if r.Next() || !errors.Is(r.Close(), context.Canceled) {
		t.Errorf("reader went on after cancel: %v", r.Err())
	}
}
