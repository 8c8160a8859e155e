package storage

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLocalAtomicCommit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	w, err := st.Create(ctx, "a/b/shard.parquet")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("half"))
	// Before Commit: nothing under the final name, nothing listed.
	if ok, _ := st.Exists(ctx, "a/b/shard.parquet"); ok {
		t.Fatal("visible before commit")
	}
	if objs, _ := st.List(ctx, ""); len(objs) != 0 {
		t.Fatalf("listed before commit: %v", objs)
	}
	w.Write([]byte(" and whole"))
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a/b/shard.parquet")); string(b) != "half and whole" {
		t.Fatalf("content %q", b)
	}
	// Abort leaves nothing at all.
	w2, _ := st.Create(ctx, "a/b/other.parquet")
	w2.Write([]byte("x"))
	w2.Abort()
	ents, _ := os.ReadDir(filepath.Join(dir, "a/b"))
	if len(ents) != 1 {
		t.Fatalf("abort left %v", ents)
	}
	if _, err := st.Stat(ctx, "a/b/other.parquet"); !errors.Is(err, ErrNotExist) {
		t.Errorf("stat of an aborted file: %v", err)
	}
	if _, err := st.Create(ctx, "../escape"); err == nil {
		t.Error("a key escaping the root was accepted")
	}
}

func TestEmbedded(t *testing.T) {
	RegisterEmbedded("t", fstest.MapFS{"d/x.txt": {Data: []byte("hello")}, "d/y.txt": {Data: []byte("!")}})
	ctx := context.Background()
	st, err := Open(ctx, "embed://t/d")
	if err != nil {
		t.Fatal(err)
	}
	objs, _ := st.List(ctx, "")
	if len(objs) != 2 || objs[0].Key != "x.txt" || objs[0].Size != 5 {
		t.Errorf("list %+v", objs)
	}
	b, _ := st.ReadFile(ctx, "x.txt")
	ra, _ := st.NewReaderAt(ctx, "x.txt")
	p := make([]byte, 3)
	ra.ReadAt(p, 2)
	if string(b) != "hello" || string(p) != "llo" {
		t.Errorf("%q %q", b, p)
	}
	if _, err := st.Create(ctx, "z"); err == nil {
		t.Error("embedded store accepted a write")
	}
}

func TestHTTP(t *testing.T) {
	srv := httptest.NewServer(http.FileServer(http.FS(fstest.MapFS{"crawl/a.gz": {Data: []byte("0123456789")}})))
	defer srv.Close()
	ctx := context.Background()
	st, err := Open(ctx, srv.URL+"/crawl")
	if err != nil {
		t.Fatal(err)
	}
	o, err := st.Stat(ctx, "a.gz")
	if err != nil || o.Size != 10 {
		t.Fatalf("stat %+v %v", o, err)
	}
	r, _ := st.NewReader(ctx, "a.gz")
	all, _ := io.ReadAll(r)
	ra, _ := st.NewReaderAt(ctx, "a.gz")
	p := make([]byte, 4)
	n, _ := ra.ReadAt(p, 3)
	if string(all) != "0123456789" || string(p[:n]) != "3456" {
		t.Errorf("%q %q", all, p)
	}
	if _, err := st.Stat(ctx, "missing.gz"); !errors.Is(err, ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	if _, err := st.List(ctx, ""); err == nil || !strings.Contains(err.Error(), "listing") {
		t.Errorf("list: %v", err)
	}
}

func TestSplitURL(t *testing.T) {
	for in, want := range map[string][2]string{
		"/a/b/c.gz":                {"/a/b", "c.gz"},
		"c.gz":                     {".", "c.gz"},
		"s3://bucket/k/x.gz?a=1":   {"s3://bucket/k?a=1", "x.gz"},
		"s3://bucket":              {"s3://bucket", ""},
		"https://h.org/crawl/x.gz": {"https://h.org/crawl", "x.gz"},
	} {
		d, n := SplitURL(in)
		if d != want[0] || n != want[1] {
			t.Errorf("SplitURL(%q) = %q, %q; want %q", in, d, n, want)
		}
	}
}
