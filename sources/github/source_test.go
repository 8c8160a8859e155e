package github

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

// build joins an export folder with n partitions and renders every
// document (ID, URL, sorted metadata, text digest) and every skipped row,
// documents in ID order across partitions.
func build(t *testing.T, dir string, n int) (docs, skips string) {
	t.Helper()
	ctx := context.Background()
	s := New("github", n, 0, 2, t.TempDir())
	fs := pipeline.NewStores()
	ins, err := s.Inputs(ctx, fs, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != n {
		t.Fatalf("%d inputs, want %d", len(ins), n)
	}
	var ds, ss []string
	skip := func(err error) {
		var re *pipeline.RecordError
		if !errors.As(err, &re) || !errors.Is(err, pipeline.ErrCorrupt) {
			t.Fatalf("skip %v is not a corrupt RecordError", err)
		}
		ss = append(ss, fmt.Sprintf("skip %s reason=%s", filepath.Base(re.Path)[:len(strings.SplitN(filepath.Base(re.Path), "-", 2)[0])], pipeline.SkipReason(err)))
	}
	for _, in := range ins {
		r, err := s.Open(ctx, fs, in, skip)
		if err != nil {
			t.Fatal(err)
		}
		var prev string
		for r.Next() {
			d := r.Doc()
			if d.ID <= prev {
				t.Errorf("%s: %q after %q: not in ID order", in.Name, d.ID, prev)
			}
			prev = d.ID
			ds = append(ds, render(d))
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(ds)
	sort.Strings(ss)
	return strings.Join(ds, ""), strings.Join(ss, "\n") + "\n"
}

func render(d *pipeline.Doc) string {
	var keys []string
	for k := range d.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "doc %s\n  url %s\n ", d.ID, d.URL)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%s", k, d.Meta[k])
	}
	fmt.Fprintf(&b, "\n  text %d bytes blob %s\n", len(d.Text), blobID(d.Text))
	return b.String()
}

// TestJoinFormats joins the same export written as BigQuery's NDJSON,
// Parquet and Avro, and a reshuffled NDJSON copy (other shard count, rows
// in another order), at 1 and 3 partitions: the documents are the same, and
// they are testdata/golden/join.txt.
func TestJoinFormats(t *testing.T) {
	golden := filepath.Join("testdata", "golden", "join.txt")
	want, _ := os.ReadFile(golden)
	for _, dir := range []string{"export-json", "export-parquet", "export-avro", "export-json-shuffled"} {
		for _, n := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/%d", dir, n), func(t *testing.T) {
				docs, skips := build(t, filepath.Join("testdata", dir), n)
				got := docs + "---\n" + skips
				if *update && dir == "export-json" && n == 1 {
					os.MkdirAll(filepath.Dir(golden), 0o755)
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					want = []byte(got)
				}
				if got != string(want) {
					t.Errorf("join differs from %s:\n%s", golden, diff(string(want), got))
				}
			})
		}
	}
}

func diff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n want %q\n got  %q", i+1, x, y)
		}
	}
	return ""
}

func TestInputsNeedsAllTables(t *testing.T) {
	dir := t.TempDir()
	b, _ := os.ReadFile("testdata/export-json/files-000000000000.json.gz")
	os.WriteFile(filepath.Join(dir, "files-000000000000.json.gz"), b, 0o644)
	_, err := New("github", 1, 0, 1, t.TempDir()).Inputs(context.Background(), pipeline.NewStores(), []string{dir})
	if err == nil || !strings.Contains(err.Error(), "no shard of the licenses table") {
		t.Fatalf("err = %v", err)
	}
}

func TestLanguageAndIDs(t *testing.T) {
	for p, want := range map[string]string{"a/b.go": "Go", "x.C": "C++", "x.c": "C", "GNUmakefile": "",
		"Makefile": "Makefile", "sub/foo.Makefile": "Makefile", "a.hh": "C++", "a.json": "", "Dockerfile": "Dockerfile"} {
		if got := Language(p); got != want {
			t.Errorf("Language(%q) = %q, want %q", p, got, want)
		}
	}
	if got := FileURL("golang/go", "refs/heads/master", "src/x.go"); got != "https://github.com/golang/go/blob/master/src/x.go" {
		t.Errorf("FileURL = %s", got)
	}
	// git hash-object of "hello\n".
	if got := blobID("hello\n"); got != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Errorf("blobID = %s", got)
	}
}
