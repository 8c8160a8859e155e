package commoncrawl

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzReader feeds arbitrary bytes to the reader: it must never panic, never
// loop, and every document it returns must have an ID and valid UTF-8 text.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.warc.wet.gz")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(context.Background(), "fuzz", io.NopCloser(bytes.NewReader(data)), nil, Options{RepairUTF8: true})
		for n := 0; r.Next(); n++ {
			d := r.Doc()
			if d.ID == "" || !utf8.ValidString(d.Text) {
				t.Fatalf("bad doc %+v", d)
			}
			if n > len(data) {
				t.Fatal("more documents than input bytes")
			}
		}
		r.Close()
	})
}
