package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// TestLineDedupPerDump: a page recrawled in two CommonCrawl dumps keeps a
// copy in each, as CCNet (which deduplicates lines within one dump) does,
// even when the recipe's group would hold both dumps: line dedup with
// remove-all used to delete every copy of its lines. Within one dump the
// repeated boilerplate line still goes.
func TestLineDedupPerDump(t *testing.T) {
	dir := t.TempDir()
	page := "Lighthouses mark dangerous coasts, hidden reefs and the safe entries to harbours at night.\n" +
		"For centuries keepers trimmed the wicks and wound the clockwork that turned the lens of the light.\n" +
		"Most lights are now automatic and are checked by visiting crews a few times a year or less often."
	other := "Bees collect nectar and pollen from flowers and tell their sisters where the flowers are by dancing.\n" +
		"A colony has one queen, thousands of workers and, in summer, a few hundred drones that do not work."
	boiler := "\nShare this page with your friends on every social network you use today."
	write := func(dump, file string, recs map[string]string) {
		p := filepath.Join(dir, "crawl-data", dump, "segments", "1", "wet", file)
		os.MkdirAll(filepath.Dir(p), 0o755)
		var b bytes.Buffer
		var ids []string
		for id := range recs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			zw := gzip.NewWriter(&b)
			body := recs[id]
			fmt.Fprintf(zw, "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://example.org/%s\r\nWARC-Date: 2023-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:%s>\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", id, id, len(body), body)
			zw.Close()
		}
		os.WriteFile(p, b.Bytes(), 0o644)
	}
	write("CC-MAIN-2023-06", "a.warc.wet.gz", map[string]string{"a1": page + boiler, "a2": other + boiler})
	write("CC-MAIN-2023-14", "b.warc.wet.gz", map[string]string{"b1": page})
	recipe := filepath.Join(dir, "r.yaml")
	os.WriteFile(recipe, []byte(`sources:
  - name: commoncrawl
    inputs: [crawl-data]
    group: 50
    steps:
      - line_dedup: {mode: remove-all, min_chars: 100}
`), 0o644)
	out := filepath.Join(dir, "out")
	wd, _ := os.Getwd()
	os.Chdir(dir)
	defer os.Chdir(wd)
	build(t, defaultRegistry(), buildFlags{out: out, recipe: recipe, workers: 2})
	texts := map[string]string{}
	var files []string
	filepath.WalkDir(filepath.Join(out, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".parquet") {
			files = append(files, p)
		}
		return err
	})
	for _, f := range files {
		rows, err := parquet.ReadFile[manifest.DocRow](f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			texts[r.ID] = r.Text
		}
	}
	if texts["urn:uuid:a1"] != page || texts["urn:uuid:b1"] != page || texts["urn:uuid:a2"] != other {
		t.Errorf("kept %d documents (%d shard files): %q", len(texts), len(files), texts)
	}
	if strings.Contains(texts["urn:uuid:a1"], "Share this page") {
		t.Error("the boilerplate line repeated within a dump stayed")
	}
}
