package wikipedia

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

// render writes what a reader made of its input: every document (ID, URL,
// date, metadata, text) and every skipped page with its reason, in order.
func render(t *testing.T, r pipeline.Reader, b *strings.Builder, skips *[]string) {
	t.Helper()
	for r.Next() {
		d := r.Doc()
		keys := make([]string, 0, len(d.Meta))
		for k := range d.Meta {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(b, "doc id=%s source=%s url=%s date=%s\n", d.ID, d.Source, d.URL, d.Date.Format("2006-01-02T15:04:05Z"))
		for _, k := range keys {
			fmt.Fprintf(b, "  meta %s=%q\n", k, d.Meta[k])
		}
		fmt.Fprintf(b, "  text %q\n", d.Text)
	}
	if err := r.Close(); err != nil {
		fmt.Fprintf(b, "error %v\n", err)
	}
	for _, s := range *skips {
		b.WriteString(s)
	}
	*skips = (*skips)[:0]
}

func skipRecorder(t *testing.T, skips *[]string) pipeline.SkipFunc {
	return func(err error) {
		var re *pipeline.RecordError
		if !errors.As(err, &re) {
			t.Fatalf("skip error %v does not wrap a RecordError", err)
		}
		*skips = append(*skips, fmt.Sprintf("skip record=%s offset=%d reason=%s corrupt=%v\n  %v\n",
			re.Record, re.Offset, pipeline.SkipReason(err), errors.Is(err, pipeline.ErrCorrupt), re.Err))
	}
}

// readInputs resolves spec and reads every input, as a build would.
func readInputs(t *testing.T, src *Source, spec string) (string, []pipeline.Input) {
	t.Helper()
	fs := pipeline.NewStores()
	defer fs.Close()
	ctx := context.Background()
	ins, err := src.Inputs(ctx, fs, []string{spec})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var skips []string
	for _, in := range ins {
		fmt.Fprintf(&b, "input %s part=%q\n", in.Name, in.Part)
		r, err := src.Open(ctx, fs, in, skipRecorder(t, &skips))
		if err != nil {
			t.Fatal(err)
		}
		render(t, r, &b, &skips)
	}
	return b.String(), ins
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
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
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

// TestGolden reads every fixture folder through Inputs and Open (the build's
// path) and compares with testdata/golden/<folder>.txt.
func TestGolden(t *testing.T) {
	for _, dir := range []string{"schema-0.10", "schema-0.11", "plain", "cut", "damaged-stream"} {
		t.Run(dir, func(t *testing.T) {
			src := &Source{PartMB: DefaultPartMB, Opts: Options{Languages: DefaultLanguages, CollectURLs: true}}
			got, _ := readInputs(t, src, filepath.Join("testdata", dir))
			golden(t, dir, got)
		})
	}
}

// TestPartsReadLikeTheWhole: a multistream dump split into one input per
// stream gives the documents the sequential reading of the same file gives,
// in the same order.
func TestPartsReadLikeTheWhole(t *testing.T) {
	const file = "testdata/schema-0.11/enwiki-20230101-pages-articles-multistream.xml.bz2"
	split := &Source{PartMB: 1, Opts: Options{Languages: DefaultLanguages}}
	// part_mb is at least 1 MB; force one stream per part through Parts.
	fs := pipeline.NewStores()
	defer fs.Close()
	ctx := context.Background()
	offs, err := readIndex(ctx, fs, strings.Replace(file, "-multistream.xml.bz2", "-multistream-index.txt.bz2", 1))
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(file)
	parts := Parts(offs, fi.Size(), 1)
	if len(parts) != len(offs) {
		t.Fatalf("%d parts for %d streams", len(parts), len(offs))
	}
	var ids []string
	for _, p := range parts {
		r, err := split.Open(ctx, fs, pipeline.Input{URL: file, Part: p}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			ids = append(ids, r.Doc().ID+" "+r.Doc().Text[:20])
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := os.Open(file)
	whole := NewReader(ctx, file, f, nil, Options{Languages: DefaultLanguages})
	var want []string
	for whole.Next() {
		want = append(want, whole.Doc().ID+" "+whole.Doc().Text[:20])
	}
	whole.Close()
	if strings.Join(ids, "\n") != strings.Join(want, "\n") || len(want) < 5 {
		t.Errorf("by parts:\n%s\nwhole:\n%s", strings.Join(ids, "\n"), strings.Join(want, "\n"))
	}
}

// TestInputs: a folder with several languages' dumps gives each dump kept
// once (multistream ones by stream ranges), never an index, never jawiki.
func TestInputs(t *testing.T) {
	fs := pipeline.NewStores()
	defer fs.Close()
	src := &Source{PartMB: DefaultPartMB, Opts: Options{Languages: DefaultLanguages}}
	ins, err := src.Inputs(context.Background(), fs, []string{"testdata"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range ins {
		got = append(got, in.Name)
	}
	want := []string{
		"cut/dewiki-20230101-pages-articles",
		"damaged-stream/enwiki-20230101-pages-articles-multistream/streams=500-8024",
		"plain/enwiki-20230101-pages-articles",
		"schema-0.10/enwiki-20230101-pages-articles",
		"schema-0.11/enwiki-20230101-pages-articles-multistream/streams=500-8024",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("inputs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	all := &Source{PartMB: DefaultPartMB}
	ins, err = all.Inputs(context.Background(), fs, []string{"testdata/other-language"})
	if err != nil || len(ins) != 1 {
		t.Errorf("every language: %v %v", ins, err)
	}
}

// TestDropCopies: with both forms of one dump, the multistream one is read.
func TestDropCopies(t *testing.T) {
	in := []pipeline.Input{
		{URL: "d/enwiki-20230601-pages-articles.xml.bz2"},
		{URL: "d/enwiki-20230601-pages-articles-multistream.xml.bz2"},
		{URL: "d/dewiki-20230601-pages-articles.xml.bz2"},
		{URL: "e/enwiki-20230601-pages-articles.xml.bz2"},
		{URL: "d/enwiki-20230601-pages-articles1.xml-p1p41242.bz2"},
		{URL: "d/enwiki-20230601-pages-articles-multistream1.xml-p1p41242.bz2"},
	}
	var got []string
	for _, d := range dropCopies(in) {
		got = append(got, d.URL)
	}
	want := "d/enwiki-20230601-pages-articles-multistream.xml.bz2 d/dewiki-20230601-pages-articles.xml.bz2 " +
		"e/enwiki-20230601-pages-articles.xml.bz2 d/enwiki-20230601-pages-articles-multistream1.xml-p1p41242.bz2"
	if strings.Join(got, " ") != want {
		t.Errorf("dropCopies = %v", got)
	}
}

func TestParts(t *testing.T) {
	got := Parts([]int64{600, 1000, 1500, 2600, 2700}, 4000, 1000)
	want := []string{"streams=600-2600", "streams=2600-4000"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Parts = %v, want %v", got, want)
	}
	for _, p := range want {
		a, b, err := ParsePart(p)
		if err != nil || fmt.Sprintf("streams=%d-%d", a, b) != p {
			t.Errorf("ParsePart(%q) = %d, %d, %v", p, a, b, err)
		}
	}
	for _, bad := range []string{"", "streams=5-5", "streams=a-9", "bytes=1-2", "streams=9-1"} {
		if _, _, err := ParsePart(bad); err == nil {
			t.Errorf("ParsePart(%q) accepted", bad)
		}
	}
}

func TestIndexName(t *testing.T) {
	for in, want := range map[string]string{
		"/d/enwiki-20230601-pages-articles-multistream.xml.bz2":               "/d/enwiki-20230601-pages-articles-multistream-index.txt.bz2",
		"s3://b/enwiki-20240601-pages-articles-multistream1.xml-p1p41242.bz2": "s3://b/enwiki-20240601-pages-articles-multistream-index1.txt-p1p41242.bz2",
		"/d/enwiki-20230601-pages-articles.xml.bz2":                           "",
	} {
		if got := indexFor(in); got != want {
			t.Errorf("indexFor(%s) = %s, want %s", in, got, want)
		}
	}
	if DumpDB("x/zh_min_nanwiki-latest-pages-articles.xml.bz2") != "zh_min_nanwiki" || LangOf("zh_min_nanwiki") != "zh-min-nan" || LangOf("enwiktionary") != "" {
		t.Error("DumpDB/LangOf")
	}
}

func TestArticleURL(t *testing.T) {
	for _, c := range [][3]string{
		{"en", "Honey bee", "https://en.wikipedia.org/wiki/Honey_bee"},
		{"de", "Westliche Honigbiene", "https://de.wikipedia.org/wiki/Westliche_Honigbiene"},
		{"en", "What? 100% #1", "https://en.wikipedia.org/wiki/What%3F_100%25_%231"},
		{"ru", "Москва", "https://ru.wikipedia.org/wiki/Москва"},
	} {
		if got := ArticleURL(c[0], c[1]); got != c[2] {
			t.Errorf("ArticleURL(%s, %s) = %s", c[0], c[1], got)
		}
	}
}

// TestOtherLanguage: a dump whose <dbname> is not among the languages kept
// gives no documents and says why once.
func TestOtherLanguage(t *testing.T) {
	const file = "testdata/other-language/jawiki-20230101-pages-articles.xml.bz2"
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var skips []string
	render(t, NewReader(context.Background(), file, f, skipRecorder(t, &skips), Options{Languages: DefaultLanguages}), &b, &skips)
	want := "skip record=siteinfo offset=0 reason=language-not-kept corrupt=false\n" +
		"  wikipedia: jawiki (language \"ja\") is not among [bg ca cs da de en es fr hr hu it nl pl pt ro ru sl sr sv uk]\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	f, _ = os.Open(file)
	b.Reset()
	render(t, NewReader(context.Background(), file, f, skipRecorder(t, &skips), Options{}), &b, &skips)
	if !strings.Contains(b.String(), "doc id=jawiki:100 source=wikipedia url=https://ja.wikipedia.org/wiki/灯台") {
		t.Errorf("every language:\n%s", b.String())
	}
}

// failingReader returns its bytes, then a storage error.
type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("disk on fire")
	}
	return n, err
}

// TestStorageErrorIsFatal: a failure to read the input is the reader's
// Err, not a skipped page; damage in the compressed data is not.
func TestStorageErrorIsFatal(t *testing.T) {
	data, err := os.ReadFile("testdata/schema-0.10/enwiki-20230101-pages-articles.xml.bz2")
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(context.Background(), "x", io.NopCloser(failingReader{bytes.NewReader(data[:len(data)/2])}), nil, Options{})
	for r.Next() {
	}
	if err := r.Close(); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("Close = %v, want the storage error", err)
	}
	var skips []string
	r = NewReader(context.Background(), "x", io.NopCloser(bytes.NewReader(nil)), skipRecorder(t, &skips), Options{})
	for r.Next() {
	}
	if err := r.Close(); err != nil || len(skips) != 1 || !strings.Contains(skips[0], "reason=empty-dump corrupt=true") {
		t.Errorf("empty file: Close = %v, skips %q", err, skips)
	}
	skips = nil
	r = NewReader(context.Background(), "x", io.NopCloser(bytes.NewReader(data[:len(data)/2])), skipRecorder(t, &skips), Options{})
	for r.Next() {
	}
	if err := r.Close(); err != nil || len(skips) != 1 || !strings.Contains(skips[0], "reason=bad-bz2 corrupt=true") {
		t.Errorf("truncated bzip2: Close = %v, skips %q", err, skips)
	}
}
