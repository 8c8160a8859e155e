package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// TestKeepDropped: --keep-dropped writes every dropped document with its
// reason and the scores the steps computed (a langid drop has its label, a
// perplexity drop its perplexity and bucket), the counts per reason are
// stats.json's, and the kept outputs are the same bytes as without it.
func TestKeepDropped(t *testing.T) {
	plain, kept := t.TempDir(), t.TempDir()
	build(t, defaultRegistry(), buildFlags{out: plain, only: []string{"commoncrawl"}, workers: 2})
	build(t, defaultRegistry(), buildFlags{out: kept, only: []string{"commoncrawl"}, workers: 2, keepDropped: true})
	for name, data := range outputFiles(t, plain) {
		if strings.HasPrefix(name, "docs/") || strings.HasPrefix(name, "tokens/") {
			if got := mustRead(t, filepath.Join(kept, name)); !bytes.Equal(got, data) {
				t.Errorf("%s differs with --keep-dropped", name)
			}
		}
	}
	var st pipeline.Stats
	json.Unmarshal(mustRead(t, filepath.Join(kept, "stats.json")), &st)
	var man manifest.Manifest
	json.Unmarshal(mustRead(t, filepath.Join(kept, "manifest.json")), &man)
	counts := map[string]int64{}
	var rows int64
	for _, sh := range man.Sources[0].Shards {
		if sh.Kind != manifest.KindDropped {
			continue
		}
		rs, err := parquet.ReadFile[manifest.DroppedRow](filepath.Join(kept, sh.Path))
		if err != nil {
			t.Fatal(err)
		}
		rows += int64(len(rs))
		for _, r := range rs {
			counts[r.Reason]++
			switch {
			case strings.HasPrefix(r.Reason, "langid:lang="):
				if r.Lang != strings.TrimPrefix(r.Reason, "langid:lang=") || r.LangScore < 0.5 {
					t.Errorf("%s dropped by %s has lang %q score %v", r.ID, r.Reason, r.Lang, r.LangScore)
				}
			case r.Reason == "perplexity:bucket=tail":
				if r.Bucket != "tail" || r.Perplexity <= 0 {
					t.Errorf("%s dropped by %s has bucket %q perplexity %v", r.ID, r.Reason, r.Bucket, r.Perplexity)
				}
			}
			if r.Source != "commoncrawl" || r.ID == "" {
				t.Errorf("row %+v", r)
			}
		}
	}
	s := st.Sources[0]
	for reason, n := range s.Drops {
		if counts[reason] != n {
			t.Errorf("%s: %d dropped rows, stats.json says %d", reason, counts[reason], n)
		}
	}
	if rows+s.DocsOut != s.DocsIn {
		t.Errorf("%d dropped + %d kept != %d read", rows, s.DocsOut, s.DocsIn)
	}
	if _, err := os.Stat(filepath.Join(plain, "dropped")); err == nil {
		t.Error("dropped/ written without --keep-dropped")
	}
}
