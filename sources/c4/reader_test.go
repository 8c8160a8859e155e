package c4

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

// readAll reads a shard and renders what the reader made of it: every
// document and every skipped line, in order.
func readAll(t *testing.T, path string, opts Options) string {
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
		fmt.Fprintf(&b, "skip line=%s offset=%d reason=%s corrupt=%v\n  %v\n",
			re.Record, re.Offset, pipeline.SkipReason(err), errors.Is(err, pipeline.ErrCorrupt), re.Err)
	}
	r := NewReader(context.Background(), path, f, skip, opts)
	for r.Next() {
		d := r.Doc()
		date := ""
		if !d.Date.IsZero() {
			date = d.Date.Format("2006-01-02T15:04:05Z07:00")
		}
		fmt.Fprintf(&b, "doc id=%s source=%s url=%s date=%s\n  %q\n", d.ID, d.Source, d.URL, date, d.Text)
	}
	if err := r.Close(); err != nil {
		fmt.Fprintf(&b, "error %v\n", err)
	}
	return b.String()
}

// TestGolden reads every fixture and compares with testdata/golden: exact
// IDs, text, URLs, dates, and every skip with its line and offset.
func TestGolden(t *testing.T) {
	var files []string
	for _, p := range []string{"*.json", "*.json.gz", "*.json.zst"} {
		m, _ := filepath.Glob(filepath.Join("testdata", p))
		files = append(files, m...)
	}
	if len(files) < 11 {
		t.Fatalf("found %d fixtures; run go run gen.go in testdata", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			got := readAll(t, f, Options{MaxLineBytes: 4096})
			golden := filepath.Join("testdata", "golden", name+".txt")
			if *update {
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
				t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
			}
		})
	}
}

// TestSameDocsEveryCompression: the .json, .json.gz, .json.zst and the
// two-member .json.gz of the same lines give the same documents (IDs aside).
func TestSameDocsEveryCompression(t *testing.T) {
	var want string
	for _, f := range []string{"c4-train.00000-of-01024.json.gz", "c4-validation.00000-of-00008.json",
		"c4-train.00001-of-01024.json.zst", "c4-train.00002-of-01024.json.gz"} {
		got := readAll(t, filepath.Join("testdata", f), Options{})
		got = strings.ReplaceAll(got, f, "SHARD")
		if want == "" {
			want = got
		} else if got != want {
			t.Errorf("%s:\n%s\nwant\n%s", f, got, want)
		}
	}
}

// failingReader returns some bytes, then a storage error.
type failingReader struct{ data []byte }

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errors.New("connection reset")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}
func (f *failingReader) Close() error { return nil }

// TestStorageErrorIsFatal: a failure of the input (not of the data) stops
// the reader with Err, after the lines it could read.
func TestStorageErrorIsFatal(t *testing.T) {
	data := []byte(`{"text":"one"}` + "\n" + `{"text":"two"}` + "\n" + `{"text":"thr`)
	var skips int
	r := NewReader(context.Background(), "s3://b/c4-train.00000-of-01024.json", &failingReader{data}, func(error) { skips++ }, Options{})
	var ids []string
	for r.Next() {
		ids = append(ids, r.Doc().ID)
	}
	if strings.Join(ids, " ") != "c4-train.00000-of-01024.json#L1 c4-train.00000-of-01024.json#L2" {
		t.Errorf("ids %v", ids)
	}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "connection reset") || errors.Is(err, pipeline.ErrCorrupt) {
		t.Errorf("err %v", err)
	}
	if skips != 0 {
		t.Errorf("%d skips, want 0", skips)
	}
	if r.Close() != r.Err() {
		t.Error("Close does not return Err")
	}
}

// TestInputs: a folder picks up the shards (and nothing else) in name
// order, named without .json.gz/.json.zst/.json.
func TestInputs(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"c4-validation.00000-of-00008.json.gz", "c4-train.00001-of-01024.json.zst",
		"c4-train.00000-of-01024.json.gz", "c4-train.00002-of-01024.json", "README.md", "c4-train.00000-of-01024.json.gz.md5"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	s := &Source{}
	ins, err := s.Inputs(context.Background(), pipeline.NewStores(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, in := range ins {
		names = append(names, in.Name)
	}
	want := "c4-train.00000-of-01024 c4-train.00001-of-01024 c4-train.00002-of-01024 c4-validation.00000-of-00008"
	if strings.Join(names, " ") != want {
		t.Errorf("names %v, want %s", names, want)
	}
	// A glob.
	ins, err = s.Inputs(context.Background(), pipeline.NewStores(), []string{dir + "/c4-train.*.json.gz"})
	if err != nil || len(ins) != 1 || ins[0].Name != "c4-train.00000-of-01024.json.gz" && ins[0].Name != "c4-train.00000-of-01024" {
		t.Errorf("glob: %v %v", ins, err)
	}
}

// TestCancel: a cancelled context stops the reader with ctx.Err().
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, _ := os.Open("testdata/c4-validation.00000-of-00008.json")
	r := NewReader(ctx, "x", f, nil, Options{})
	if r.Next() || !errors.Is(r.Err(), context.Canceled) {
		t.Errorf("Next after cancel: err %v", r.Err())
	}
	r.Close()
}
