package stackexchange

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenmill/tokenmill/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// dump renders what a reader made of an input: every document and every
// skipped record, in the order they came.
func dump(t *testing.T, src *Source, path string) string {
	t.Helper()
	var b strings.Builder
	skip := func(err error) {
		var re *pipeline.RecordError
		if !errors.As(err, &re) {
			t.Fatalf("skip without a RecordError: %v", err)
		}
		kind := "filtered"
		if errors.Is(err, pipeline.ErrCorrupt) {
			kind = "corrupt"
		}
		fmt.Fprintf(&b, "skip %s %s: record %s offset %d: %v\n", kind, pipeline.SkipReason(err),
			re.Record, re.Offset, re.Err)
	}
	in := pipeline.Input{URL: path}
	if fi, err := os.Stat(path); err == nil {
		in.Size = fi.Size()
	}
	r, err := src.Open(context.Background(), pipeline.NewStores(), in, skip)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	for r.Next() {
		d := r.Doc()
		keys := make([]string, 0, len(d.Meta))
		for k := range d.Meta {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Fprintf(&b, "doc %s\nurl %s\ndate %s\n", d.ID, d.URL, d.Date.Format(time.RFC3339Nano))
		for _, k := range keys {
			fmt.Fprintf(&b, "meta %s=%s\n", k, d.Meta[k])
		}
		fmt.Fprintf(&b, "text\n%s\n----\n", d.Text)
		if d.Source != "stackexchange" {
			t.Errorf("%s: source %q", d.ID, d.Source)
		}
	}
	if err := r.Close(); err != nil {
		fmt.Fprintf(&b, "error %v\n", err)
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (-update rewrites it):\n%s", name, path, diffLines(string(want), got))
	}
}

// diffLines shows the first differing line of two texts.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, wl, gl)
		}
	}
	return "(same lines)"
}

// TestGolden runs the source over every fixture (testdata/README.md says
// what each holds) and compares documents and skipped records with
// testdata/golden.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		src        Source
	}{
		{"cooking", "testdata/extracted/cooking.stackexchange.com/Posts.xml", Source{Opts: Options{KeepUnanswered: true}}},
		{"cooking-answered", "testdata/extracted/cooking.stackexchange.com/Posts.xml", Source{Opts: Options{KeepUnanswered: false}}},
		{"unix-7z", "testdata/archives/unix.stackexchange.com.7z", Source{Opts: Options{KeepUnanswered: true}}},
		{"stackoverflow-7z", "testdata/archives/stackoverflow.com-Posts.7z", Source{Opts: Options{KeepUnanswered: true}}},
		{"not-listed", "testdata/archives/stackoverflow.com-Posts.7z", Source{Sites: []string{"unix.stackexchange.com"}}},
		{"meta", "testdata/archives/unix.meta.stackexchange.com.7z", Source{}},
		{"noposts", "testdata/archives/noposts.stackexchange.com.7z", Source{}},
		{"cut-7z", "testdata/archives/cut.stackexchange.com.7z", Source{}},
		{"cut-row", "testdata/extracted/cutrow.stackexchange.com/Posts.xml", Source{Opts: Options{KeepUnanswered: true}}},
		{"cut-gz", "testdata/extracted/cutgz.stackexchange.com/Posts.xml.gz", Source{Opts: Options{KeepUnanswered: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src
			src.Opts.TempDir = t.TempDir()
			checkGolden(t, tc.name, dump(t, &src, tc.path))
		})
	}
}

// TestArchiveMatchesExtracted: the per-site archive holds the planted file
// with the newer tag format; apart from the site and the tag syntax, the
// documents are those of the extracted file.
func TestArchiveMatchesExtracted(t *testing.T) {
	src := &Source{Opts: Options{KeepUnanswered: true, TempDir: t.TempDir()}}
	plain := dump(t, src, "testdata/extracted/cooking.stackexchange.com/Posts.xml")
	for _, p := range []string{"testdata/archives/unix.stackexchange.com.7z", "testdata/archives/stackoverflow.com-Posts.7z"} {
		site := SiteOf(p)
		got := dump(t, src, p)
		got = strings.ReplaceAll(got, site, "cooking.stackexchange.com")
		// Offsets differ: the archive's Tags are shorter.
		offsets := regexp.MustCompile(`offset \d+`)
		got = offsets.ReplaceAllString(got, "offset N")
		if want := offsets.ReplaceAllString(plain, "offset N"); got != want {
			t.Errorf("%s: %s", p, diffLines(want, got))
		}
	}
}

func TestInputs(t *testing.T) {
	src := &Source{}
	ins, err := src.Inputs(context.Background(), pipeline.NewStores(), []string{"testdata/archives"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range ins {
		got = append(got, in.Name+" "+SiteOf(in.URL))
	}
	want := []string{
		"cut.stackexchange.com cut.stackexchange.com",
		"noposts.stackexchange.com noposts.stackexchange.com",
		"stackoverflow.com-Posts stackoverflow.com",
		"unix.meta.stackexchange.com unix.meta.stackexchange.com",
		"unix.stackexchange.com unix.stackexchange.com",
	}
	if !slices.Equal(got, want) {
		t.Errorf("inputs:\n got %q\nwant %q", got, want)
	}
	ins, err = src.Inputs(context.Background(), pipeline.NewStores(), []string{"testdata/extracted"})
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, in := range ins {
		got = append(got, in.Name+" "+SiteOf(in.URL))
	}
	want = []string{
		"cooking.stackexchange.com/Posts cooking.stackexchange.com",
		"cutgz.stackexchange.com/Posts cutgz.stackexchange.com",
		"cutrow.stackexchange.com/Posts cutrow.stackexchange.com",
	}
	if !slices.Equal(got, want) {
		t.Errorf("inputs:\n got %q\nwant %q", got, want)
	}
}

func TestSites(t *testing.T) {
	for host, meta := range map[string]bool{
		"meta.stackexchange.com": true, "unix.meta.stackexchange.com": true, "meta.serverfault.com": true,
		"ru.meta.stackoverflow.com": true, "stackoverflow.com": false, "unix.stackexchange.com": false,
		"metal.stackexchange.com": false, "mathoverflow.net": false,
	} {
		if IsMeta(host) != meta {
			t.Errorf("IsMeta(%s) = %v", host, !meta)
		}
	}
	for u, want := range map[string]string{
		"s3://b/dump/stackoverflow.com-Posts.7z":          "stackoverflow.com",
		"/d/unix.stackexchange.com.7z":                    "unix.stackexchange.com",
		"/d/mathoverflow.net.7z":                          "mathoverflow.net",
		"/d/unix.stackexchange.com/Posts.xml":             "unix.stackexchange.com",
		"gs://b/x/ru.stackoverflow.com/Posts.xml.zst?a=b": "ru.stackoverflow.com",
		"https://archive.org/download/stackexchange/a.7z": "a",
	} {
		if got := SiteOf(u); got != want {
			t.Errorf("SiteOf(%s) = %q, want %q", u, got, want)
		}
	}
	for tags, want := range map[string]string{
		"<c#><.net><c++>": "c#,.net,c++", "|c#|.net|c++|": "c#,.net,c++", "": "", "<one>": "one", "|one|": "one",
	} {
		if got := joinTags(tags); got != want {
			t.Errorf("joinTags(%q) = %q, want %q", tags, got, want)
		}
	}
}

func TestRegister(t *testing.T) {
	reg := pipeline.NewRegistry()
	Register(reg)
	c, err := pipeline.NewConfig(Spec, map[string]any{"sites": []string{"unix.stackexchange.com"}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := reg.NewSource("stackexchange", c, &pipeline.Env{Source: "se", MemoryBytes: 1234, TempDir: "/x"})
	if err != nil {
		t.Fatal(err)
	}
	src := s.(*Source)
	if !src.Opts.KeepUnanswered || src.Opts.MemoryBytes != 1234 || src.Opts.TempDir != "/x" || src.Opts.Source != "se" {
		t.Errorf("options %+v", src.Opts)
	}
	for _, bad := range []string{"unix.meta.stackexchange.com", "Unix.StackExchange.com", "a/b"} {
		c, _ := pipeline.NewConfig(Spec, map[string]any{"sites": []string{bad}})
		if _, err := reg.NewSource("stackexchange", c, &pipeline.Env{}); err == nil {
			t.Errorf("sites [%s] accepted", bad)
		}
	}
}
