package wikipedia

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
)

// benchPages is the wikitext the benchmarks clean: the pages of
// $WIKI_BENCH_PAGES (a JSONL of {"text": ...}, as bench/wikipedia/main.go
// pages writes from a real dump) when set, else the fixture dump's articles.
func benchPages(b *testing.B) []string {
	var pages []string
	if path := os.Getenv("WIKI_BENCH_PAGES"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 256<<20)
		for sc.Scan() {
			var p struct{ Text string }
			if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
				b.Fatal(err)
			}
			pages = append(pages, p.Text)
		}
		return pages
	}
	f, err := os.Open("testdata/plain/enwiki-20230101-pages-articles.xml")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	ScanPages(f, 1<<26, func(p *Page) error {
		if p.NS == 0 && !p.Redirect {
			pages = append(pages, p.Text)
		}
		return nil
	})
	return pages
}

// BenchmarkCleaner: MB/s of wikitext turned into text, one core.
func BenchmarkCleaner(b *testing.B) {
	pages := benchPages(b)
	n := 0
	for _, p := range pages {
		n += len(p)
	}
	cl := NewCleaner(&SiteInfo{DBName: "enwiki", Lang: "en"}, false)
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pages {
			cl.Clean(p)
		}
	}
}

// BenchmarkReader: MB/s of decompressed XML read into documents (parse and
// clean, no bzip2): $WIKI_BENCH_XML (an uncompressed dump) when set, else
// the small fixture (where the reader's set-up weighs).
func BenchmarkReader(b *testing.B) {
	path := "testdata/plain/enwiki-20230101-pages-articles.xml"
	if p := os.Getenv("WIKI_BENCH_XML"); p != "" {
		path = p
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := NewReader(context.Background(), "bench", io.NopCloser(strings.NewReader(string(data))), nil, Options{})
		for r.Next() {
		}
		r.Close()
	}
}
