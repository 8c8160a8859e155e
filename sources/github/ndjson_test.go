package github

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

// readRows renders what the NDJSON reader makes of a contents shard: every
// row (id, size, content length) and every skip (record, offset, reason).
func readRows(t testing.TB, path string, data []byte) string {
	var b strings.Builder
	skip := func(err error) {
		var re *pipeline.RecordError
		if !errors.As(err, &re) || !errors.Is(err, pipeline.ErrCorrupt) {
			t.Fatalf("skip %v is not a corrupt RecordError", err)
		}
		fmt.Fprintf(&b, "skip record=%s offset=%d reason=%s\n", re.Record, re.Offset, pipeline.SkipReason(err))
	}
	r, err := newNDJSONReader(path, TableContents, io.NopCloser(bytes.NewReader(data)), skip)
	if err != nil {
		fmt.Fprintf(&b, "open error %v\n", err)
		return b.String()
	}
	var row Row
	for r.Next(&row) {
		fmt.Fprintf(&b, "row id=%s size=%d content=%d binary=%v copies=%d\n", row.ID, row.Size, len(row.Content), row.Binary, row.Copies)
	}
	if err := r.Close(); err != nil {
		fmt.Fprintf(&b, "error %v\n", err)
	}
	return b.String()
}

// TestNDJSONGolden reads the damaged shards of testdata/ndjson: every good
// row before and after a bad one is kept, a cut stream keeps the rows before
// the cut.
func TestNDJSONGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/ndjson/*.json*")
	if len(files) < 5 {
		t.Fatalf("%d fixtures; run go run gen.go in testdata", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := readRows(t, f, data)
			golden := filepath.Join("testdata", "golden", "ndjson-"+filepath.Base(f)+".txt")
			if *update {
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, _ := os.ReadFile(golden)
			if got != string(want) {
				t.Errorf("got\n%s\nwant (%s)\n%s", got, golden, want)
			}
		})
	}
}

// TestBigQueryJSONConventions: INT64 as strings or numbers, NULL columns
// omitted or null, BYTES content as base64.
func TestBigQueryJSONConventions(t *testing.T) {
	id := blobID("hi\n")
	in := `{"id":"` + id + `","size":"3","content":"hi\n","binary":false,"copies":"2"}
{"id":"` + id + `","size":3,"content":"aGkK","binary":false,"copies":null}
{"id":"` + id + `","size":"3"}
{"id":"` + id + `","size":"3.5"}
`
	got := readRows(t, "x.json", []byte(in))
	want := `row id=` + id + ` size=3 content=3 binary=false copies=2
row id=` + id + ` size=3 content=3 binary=false copies=0
row id=` + id + ` size=3 content=0 binary=false copies=0
skip record=3 offset=` + fmt.Sprint(len(in)-len(`{"id":"`+id+`","size":"3.5"}`)-1) + ` reason=github-bad-json
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// FuzzNDJSON: no panic, no hang, on any bytes (plain or compressed).
func FuzzNDJSON(f *testing.F) {
	files, _ := filepath.Glob("testdata/ndjson/*")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte(`{"id":"x","content":"\u0000"}` + "\n" + `{"size":"-1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := newNDJSONReader("fuzz", TableContents, io.NopCloser(bytes.NewReader(data)), func(error) {})
		if err != nil {
			return
		}
		var row Row
		for n := 0; r.Next(&row); n++ {
			if n > len(data) {
				t.Fatal("more rows than bytes")
			}
		}
		r.Close()
	})
}
