package main

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// TestBuildBooks builds the embedded sample's books: Gutenberg's licence
// and headers are gone, The Pile's other subsets are counted, and
// near_dedup drops the three planted near duplicates (the 1342 edition
// contained in the illustrated 42671, the abridged Alice of Books3, the
// first chapter of Pride and Prejudice in Books3).
func TestBuildBooks(t *testing.T) {
	out := t.TempDir()
	summary := build(t, defaultRegistry(), buildFlags{out: out, only: []string{"books"}, workers: 2})
	var ids []string
	files, _ := filepath.Glob(filepath.Join(out, "docs/books/*/*.parquet"))
	for _, f := range files {
		rows, err := parquet.ReadFile[manifest.DocRow](f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			ids = append(ids, r.ID)
			for _, bad := range []string{"Project Gutenberg", "PROJECT GUTENBERG", "SMALL PRINT", "WORLD LIBRARY", "Produced by"} {
				if strings.Contains(r.Text, bad) {
					t.Errorf("%s holds %q", r.ID, bad)
				}
			}
		}
	}
	sort.Strings(ids)
	want := "books3/00.jsonl.zst#L3 gutenberg/100-0.txt gutenberg/11.txt gutenberg/2701.txt gutenberg/42671-0.txt gutenberg/98-8.txt gutenberg/advsh12.txt"
	if strings.Join(ids, " ") != want {
		t.Errorf("kept %s\nwant %s", strings.Join(ids, " "), want)
	}
	for _, s := range []string{"near_dedup:duplicate                            3", "pile_subset:Pile-CC", "pile_subset:Gutenberg (PG-19)"} {
		if !strings.Contains(summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, summary)
		}
	}
}
