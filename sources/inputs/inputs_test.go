package inputs

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/tokenmill/tokenmill/pipeline"
)

// tree writes files (relative path → content) under a new folder.
func tree(t *testing.T, files map[string]string) string {
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func gzipped(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func names(ins []pipeline.Input) string {
	var out []string
	for _, in := range ins {
		out = append(out, in.Name)
	}
	return strings.Join(out, " ")
}

func TestResolve(t *testing.T) {
	dir := tree(t, map[string]string{
		"crawl/a/1.warc.wet.gz": "x",
		"crawl/a/2.warc.wet.gz": "xx",
		"crawl/b/1.warc.wet.gz": "xxx",
		"crawl/b/notes.txt":     "not an input",
		"wet.paths.gz":          gzipped("# listing\ncrawl/b/1.warc.wet.gz\n\ncrawl/a/2.warc.wet.gz\n"),
		// CommonCrawl's layout: the listing inside the tree its lines name
		// from the root.
		"crawl-data/CC-MAIN-2023-06/wet.paths.gz":                 gzipped("crawl-data/CC-MAIN-2023-06/segments/1/wet/x.warc.wet.gz\n"),
		"crawl-data/CC-MAIN-2023-06/segments/1/wet/x.warc.wet.gz": "x",
	})
	opt := Options{Patterns: []string{"*.warc.wet.gz"}, Suffixes: []string{".gz", ".wet", ".warc"}}
	fs := pipeline.NewStores()
	defer fs.Close()
	ctx := context.Background()
	cases := []struct {
		name  string
		specs []string
		want  string
	}{
		{"folder", []string{dir + "/crawl"}, "a/1 a/2 b/1"},
		{"glob", []string{dir + "/crawl/*/1.warc.wet.gz"}, "a/1 b/1"},
		{"file", []string{dir + "/crawl/b/1.warc.wet.gz"}, "1"},
		// A listing keeps its order; paths are relative to its folder.
		{"listing", []string{dir + "/wet.paths.gz"}, "b/1 a/2"},
		// CommonCrawl's listing names paths from the crawl's root, which
		// holds the listing's folder.
		{"rooted listing", []string{dir + "/crawl-data/CC-MAIN-2023-06/wet.paths.gz"}, "x"},
		// The same file named twice is read once.
		{"overlap", []string{dir + "/crawl/a", dir + "/crawl/a/1.warc.wet.gz"}, "1 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ins, err := Resolve(ctx, fs, c.specs, opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(ins); got != c.want {
				t.Fatalf("names %q, want %q", got, c.want)
			}
		})
	}
	ins, _ := Resolve(ctx, fs, []string{dir + "/crawl-data/CC-MAIN-2023-06/wet.paths.gz"}, opt)
	if len(ins) != 1 || ins[0].URL != "file://"+dir+"/crawl-data/CC-MAIN-2023-06/segments/1/wet/x.warc.wet.gz" &&
		ins[0].URL != dir+"/crawl-data/CC-MAIN-2023-06/segments/1/wet/x.warc.wet.gz" {
		t.Fatalf("rooted listing: got %+v", ins)
	}
	for _, c := range [][3]string{
		{"https://data.commoncrawl.org/crawl-data/CC-MAIN-2023-06/", "crawl-data/CC-MAIN-2023-06/segments/a.gz", "https://data.commoncrawl.org/"},
		{"s3://commoncrawl/crawl-data/CC-MAIN-2023-06/?region=us-east-1", "crawl-data/x.gz", "s3://commoncrawl/?region=us-east-1"},
		{"/data/cc/", "crawl-data/x.gz", "/data/cc/"},
		{"https://host/crawl-data/", "x.gz", "https://host/crawl-data/"},
	} {
		if got := listingRoot(c[0], c[1]); got != c[2] {
			t.Errorf("listingRoot(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
	ins, _ = Resolve(ctx, fs, []string{dir + "/crawl/b"}, opt)
	if len(ins) != 1 || ins[0].Size != 3 || !strings.HasSuffix(ins[0].URL, "/crawl/b/1.warc.wet.gz") {
		t.Fatalf("got %+v", ins)
	}
}

func TestResolveErrors(t *testing.T) {
	dir := tree(t, map[string]string{"x/a.warc.wet.gz": "1", "x/a.warc.wet": "2", "z/readme": "3"})
	fs := pipeline.NewStores()
	defer fs.Close()
	ctx := context.Background()
	opt := Options{Patterns: []string{"*.warc.wet.gz", "*.warc.wet"}, Suffixes: []string{".gz", ".wet", ".warc"}}
	for _, c := range []struct {
		specs []string
		want  string
	}{
		{[]string{dir + "/nowhere"}, "no such file or folder"},
		{[]string{dir + "/z"}, "matches no file"},
		// Two files whose names only differ by a suffix: the error names both.
		{[]string{dir + "/x/a.warc.wet.gz", dir + "/x/a.warc.wet"}, "/x/a.warc.wet.gz and " + dir + "/x/a.warc.wet would both be named \"a\""},
	} {
		_, err := Resolve(ctx, fs, c.specs, opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.specs, err, c.want)
		}
	}
}

func TestNameParts(t *testing.T) {
	ins := []pipeline.Input{
		{URL: "s3://b/dumps/enwiki-pages-articles-multistream.xml.bz2", Part: "streams=0-9"},
		{URL: "s3://b/dumps/enwiki-pages-articles-multistream.xml.bz2", Part: "streams=10-19"},
		{URL: "s3://b/dumps/dewiki-pages-articles.xml.bz2?region=eu"},
	}
	if err := Name(ins, []string{".bz2", ".xml"}); err != nil {
		t.Fatal(err)
	}
	want := "enwiki-pages-articles-multistream/streams=0-9 enwiki-pages-articles-multistream/streams=10-19 dewiki-pages-articles"
	if got := names(ins); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// TestResolveHTTP: a direct file URL is an input; a missing one or a refused
// connection is reported as such, not as "cannot be listed".
func TestResolveHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/crawl/a.warc.wet.gz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("gz"))
	}))
	defer srv.Close()
	fs := pipeline.NewStores()
	defer fs.Close()
	ctx := context.Background()
	ins, err := Resolve(ctx, fs, []string{srv.URL + "/crawl/a.warc.wet.gz"}, Options{Suffixes: []string{".gz", ".wet", ".warc"}})
	if err != nil || len(ins) != 1 || ins[0].Name != "a" || ins[0].Size != 2 {
		t.Fatalf("got %+v, %v", ins, err)
	}
	_, err = Resolve(ctx, fs, []string{srv.URL + "/crawl/missing.warc.wet.gz"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "404 Not Found") {
		t.Fatalf("missing: got %v", err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	_, err = Resolve(ctx, fs, []string{"http://" + addr + "/x.warc.wet.gz"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("refused: got %v", err)
	}
}
