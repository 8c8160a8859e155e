package books

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
)

func seeds(f *testing.F, glob string) {
	files, _ := filepath.Glob(glob)
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// FuzzGutenberg: decoding and stripping any bytes gives valid UTF-8 without
// CR, and never more text than the input held lines for.
func FuzzGutenberg(f *testing.F) {
	seeds(f, "testdata/gutenberg/*.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		text, _ := Decode(data, "")
		if !utf8.ValidString(text) {
			t.Fatalf("Decode gave invalid UTF-8")
		}
		b := Strip(normalizeNewlines(text))
		if !utf8.ValidString(b.Text) || strings.Contains(b.Text, "\r") {
			t.Fatalf("Strip gave %q", b.Text)
		}
		if len(b.Text) > len(text) {
			t.Fatalf("body longer than the file")
		}
	})
}

type nopCloser struct{ io.Reader }

func (nopCloser) Close() error { return nil }

// FuzzPile: any shard bytes (compressed or not) are read to the end
// without a fatal error; every document is valid UTF-8.
func FuzzPile(f *testing.F) {
	seeds(f, "testdata/pile/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := newPileReader("fuzz.jsonl", nopCloser{bytes.NewReader(data)}, func(error) {},
			Options{PileSubsets: []string{"Books3"}, MaxBytes: 1 << 16})
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			if !utf8.ValidString(r.Doc().Text) {
				t.Fatal("invalid UTF-8")
			}
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzTar: any tarball bytes are read without a fatal error.
func FuzzTar(f *testing.F) {
	seeds(f, "testdata/books3/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := newTarReader("fuzz.tar", nopCloser{bytes.NewReader(data)}, func(error) {}, Options{MaxBytes: 1 << 16})
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			_ = r.Doc()
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

var _ pipeline.Reader = (*pileReader)(nil)
