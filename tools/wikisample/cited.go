package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tokenmill/tokenmill/sources/commoncrawl"
)

var ccDir = flag.String("cc", "recipes/sample/commoncrawl", "the sample's CommonCrawl WET files, whose pages the sample's citation article cites")

// citedPage is the embedded sample's article that cites CommonCrawl sample
// pages, so that `tokenmill classify build-wikiref` has positives on the
// sample: every other page of Go package documentation (English prose that
// starts "Package ") among the sample's WET records, in URL order.
func citedPage() page {
	files, _ := filepath.Glob(filepath.Join(*ccDir, "*.warc.wet.gz"))
	sort.Strings(files)
	var urls []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			log.Fatal(err)
		}
		r := commoncrawl.NewReader(context.Background(), f, fh, func(error) {}, commoncrawl.Options{Source: "commoncrawl", RepairUTF8: true})
		for r.Next() {
			d := r.Doc()
			if strings.Contains(d.Text, "\nPackage ") && len(d.Text) >= 1000 {
				urls = append(urls, d.URL)
			}
		}
		r.Close()
	}
	sort.Strings(urls)
	var b strings.Builder
	b.WriteString("The '''Go standard library''' is the collection of packages distributed with the [[Go (programming language)|Go]] toolchain. Its documentation is published as web pages, one per package.")
	n := 0
	for i, u := range urls {
		if i%2 != 0 {
			continue
		}
		n++
		fmt.Fprintf(&b, "<ref>{{cite web |url=%s |title=Package documentation %d |access-date=1 June 2023}}</ref>", u, n)
	}
	b.WriteString("\n\nEach page describes one package: what it provides and how its functions are used.\n\n== References ==\n<references />\n")
	if n == 0 {
		log.Fatalf("no documentation pages found in %s", *ccDir)
	}
	return page{title: "Go standard library", id: 4448, rev: 1149000014, ts: "2023-05-01T09:00:00Z", text: b.String()}
}
