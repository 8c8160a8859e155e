package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
)

// TestBuildWikiref trains the Wikipedia-reference classifier on the
// embedded sample (the sample's "Go standard library" article cites 20 of
// its CommonCrawl pages), checks that the same shards and seed give a
// byte-identical model, and that a build with the model keeps a planted
// documentation page and drops planted spam, base64 junk and German prose.
func TestBuildWikiref(t *testing.T) {
	dir := t.TempDir()
	recipe := filepath.Join(dir, "raw.yaml")
	os.WriteFile(recipe, []byte(`tokenizer:
  model: embed://sample/tokenizer.model
sources:
  - name: wikipedia
    inputs: [embed://sample/wikipedia]
    options: {ext_urls: true}
  - name: commoncrawl
    inputs: [embed://sample/commoncrawl]
    steps:
      - line_dedup: {mode: remove-all, min_chars: 300}
`), 0o644)
	out := filepath.Join(dir, "out")
	build(t, defaultRegistry(), buildFlags{out: out, recipe: recipe, workers: 2})
	var digests []string
	var log string
	for i := 0; i < 2; i++ {
		model := filepath.Join(dir, fmt.Sprintf("wikiref%d.bin", i))
		var err error
		log, err = runCLI(t, "", false, "classify", "build-wikiref", "--from", out, "--output", model, "--epoch", "25", "--lr", "1.0")
		if err != nil {
			t.Fatalf("%v\n%s", err, log)
		}
		b, err := os.ReadFile(model)
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, fmt.Sprintf("%x", sha256.Sum256(b)))
	}
	if digests[0] != digests[1] {
		t.Errorf("two runs wrote different models: %v", digests)
	}
	if !strings.Contains(log, "cited URLs 28 (from 7 articles); positives 15 (0 cited pages under 1000 characters left out), negatives 15") {
		t.Errorf("log:\n%s", log)
	}

	// Planted pages, filtered with the model at LLaMA's threshold.
	planted := map[string]string{
		"doc": "Package strings implements simple functions to manipulate UTF-8 encoded strings.\n" +
			"For information about UTF-8 strings in Go, see the documentation of the package and the functions it provides.\n" +
			"The functions operate on the bytes of the string and return new strings.",
		"spam":   "Buy cheap watches online best prices click here\nfree shipping casino bonus win now\nlimited offer act today",
		"junk":   "aGVsbG8gd29ybGQgdGhpcyBpcyBqdW5rIGRhdGEgZm9yIHRoZSBjbGFzc2lmaWVy\nQ2xpY2sgaGVyZSB0byB3aW4gYSBwcml6ZQ==\nZm9vYmFyYmF6cXV4",
		"german": "Alle Menschen sind frei und gleich an Würde und Rechten geboren.\nSie sind mit Vernunft und Gewissen begabt und sollen einander im Geiste der Brüderlichkeit begegnen.",
	}
	var wet bytes.Buffer
	var names []string
	for n := range planted {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		zw := gzip.NewWriter(&wet)
		body := planted[n]
		fmt.Fprintf(zw, "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://planted.example/%s\r\nWARC-Date: 2023-06-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:%s>\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", n, n, len(body), body)
		zw.Close()
	}
	in := filepath.Join(dir, "planted.warc.wet.gz")
	os.WriteFile(in, wet.Bytes(), 0o644)
	filter := filepath.Join(dir, "filter.yaml")
	os.WriteFile(filter, []byte(`sources:
  - name: commoncrawl
    inputs: [`+in+`]
    steps:
      - wikiref: {model: `+filepath.Join(dir, "wikiref0.bin")+`, threshold: 0.25}
`), 0o644)
	fout := filepath.Join(dir, "filtered")
	build(t, defaultRegistry(), buildFlags{out: fout, recipe: filter, workers: 1})
	rows, err := parquet.ReadFile[manifest.DocRow](filepath.Join(fout, "docs/commoncrawl/planted.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, r := range rows {
		kept = append(kept, r.ID)
	}
	if strings.Join(kept, " ") != "urn:uuid:doc" {
		t.Errorf("kept %v, want only the documentation page", kept)
	}
}
