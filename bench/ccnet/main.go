// Command ccnet generates a WET-like corpus and runs one CCNet stage over
// it, for bench/ccnet/run.sh, which measures each run's CPU time and peak
// memory from outside (/usr/bin/time) so every figure is per process.
//
//	ccnet gen -mb 110 -out corpus.wet
//	ccnet run -in corpus.wet -stage read|normalize|normalize-dedup|dedup-observe|dedup|langid|lingua [-limit-mb N] [-memory BYTES]
//
// The corpus is made of UDHR paragraphs (filters/langid/testdata) with one
// word in ten replaced, so paragraphs rarely repeat, mixed half English and
// half the other languages of the fixture, plus per-site boilerplate lines
// (navigation, footers, dated bylines) that line dedup should remove, a few
// exact duplicate pages and a few base64 pages.
package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"

	"github.com/pemistahl/lingua-go"

	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/filters/langid"
	"github.com/tokenmill/tokenmill/stages/normalize"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: ccnet gen|run ...")
	}
	switch os.Args[1] {
	case "gen":
		gen(os.Args[2:])
	case "run":
		run(os.Args[2:])
	default:
		log.Fatalf("unknown command %q", os.Args[1])
	}
}

func readParagraphs(path string) (map[string][]string, []string) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		log.Fatal(err)
	}
	byCode := map[string][]string{}
	var codes []string
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		c := strings.SplitN(sc.Text(), "\t", 5)
		if len(c) < 5 || c[0] == "junk" || strings.HasPrefix(c[0], "#") {
			continue
		}
		if byCode[c[1]] == nil {
			codes = append(codes, c[1])
		}
		byCode[c[1]] = append(byCode[c[1]], c[4])
	}
	return byCode, codes
}

func gen(args []string) {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	mb := fs.Int("mb", 110, "megabytes of text to write")
	out := fs.String("out", "corpus.wet", "output WET file")
	udhr := fs.String("udhr", "filters/langid/testdata/udhr.tsv.gz", "paragraph source")
	seed := fs.Int64("seed", 1, "random seed")
	mix := fs.String("mix", "cc", `language mix: "cc" (Common Crawl-like shares) or "uniform" (half English, half the fixture's other languages evenly)`)
	fs.Parse(args)
	paras, codes := readParagraphs(*udhr)
	pick := func(r *rand.Rand) string {
		if *mix == "uniform" {
			if r.Intn(2) == 0 {
				return "eng"
			}
			return codes[r.Intn(len(codes))]
		}
		x := r.Float64() * ccTotal
		for _, s := range ccShares {
			if x < s.share {
				return s.code
			}
			x -= s.share
		}
		return "eng"
	}
	r := rand.New(rand.NewSource(*seed))
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var prev []string
	total := 0
	for n := 0; total < *mb<<20; n++ {
		var text string
		switch {
		case n > 0 && r.Intn(100) == 0 && len(prev) > 0: // an exact duplicate page
			text = prev[r.Intn(len(prev))]
		case r.Intn(100) < 2: // junk
			b := make([]byte, 2000+r.Intn(4000))
			r.Read(b)
			text = base64.StdEncoding.EncodeToString(b)
		default:
			text = page(r, paras[pick(r)], r.Intn(3000))
		}
		if len(prev) < 1000 {
			prev = append(prev, text)
		} else {
			prev[r.Intn(len(prev))] = text
		}
		fmt.Fprintf(w, "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://site%d.example/page%d\r\n"+
			"WARC-Date: 2019-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:bench-%08d>\r\n"+
			"Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n", n%3000, n, n, len(text), text)
		total += len(text)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// ccShares approximates the shares of Common Crawl's languages (CC-MAIN
// language statistics, rounded) among the fixture's languages; languages the
// fixture lacks (Chinese, Japanese, ...) are left out and the rest rescaled.
var ccShares = []struct {
	code  string
	share float64
}{
	{"eng", 45}, {"rus", 6}, {"deu_1996", 6}, {"spa", 4.5}, {"fra", 4.5}, {"ita", 2.5},
	{"por_BR", 1.2}, {"por_PT", 0.8}, {"pol", 2}, {"nld", 2}, {"tur", 1.2}, {"ind", 1},
	{"ces", 1}, {"swe", 0.8}, {"ukr", 0.6}, {"hun", 0.5}, {"ron_2006", 0.5}, {"dan", 0.4},
	{"fin", 0.4}, {"nob", 0.3}, {"slk", 0.3}, {"bul", 0.3}, {"cat", 0.2}, {"hrv", 0.2},
	{"lit", 0.1}, {"srp_cyrl", 0.05}, {"srp_latn", 0.05}, {"slv", 0.1}, {"est", 0.1},
	{"bel", 0.05}, {"mkd", 0.05}, {"bos_latn", 0.05}, {"glg", 0.05}, {"afr", 0.05},
}

var ccTotal = func() float64 {
	t := 0.0
	for _, s := range ccShares {
		t += s.share
	}
	return t
}()

// page builds one page of site with paragraphs of one language.
func page(r *rand.Rand, paras []string, site int) string {
	var lines []string
	lines = append(lines,
		fmt.Sprintf("Home | News | Sports | Site %d | Contact us", site),
		fmt.Sprintf("Posted on %d-%02d-%02d by admin%d", 2010+r.Intn(10), 1+r.Intn(12), 1+r.Intn(28), site))
	words := strings.Fields(paras[r.Intn(len(paras))])
	for k := 0; k < 4+r.Intn(16); k++ {
		ws := strings.Fields(paras[r.Intn(len(paras))])
		for i := range ws {
			if r.Intn(10) == 0 {
				ws[i] = words[r.Intn(len(words))]
			}
		}
		lines = append(lines, strings.Join(ws, " "))
	}
	lines = append(lines,
		"Share this: Facebook Twitter Email",
		fmt.Sprintf("Copyright © %d Site %d. All rights reserved.", 2000+r.Intn(20), site))
	return strings.Join(lines, "\n")
}

// wetDocs reads the records of a WET file written by gen.
func wetDocs(path string, limit int64, fn func(id, text string)) int64 {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	var total int64
	for total < limit {
		id, n := "", -1
		for {
			line, err := br.ReadString('\n')
			if err == io.EOF {
				return total
			}
			if err != nil {
				log.Fatal(err)
			}
			line = strings.TrimRight(line, "\r\n")
			if line == "" {
				if n >= 0 {
					break
				}
				continue
			}
			if v, ok := strings.CutPrefix(line, "WARC-Record-ID: "); ok {
				id = v
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				n, _ = strconv.Atoi(v)
			}
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(br, buf); err != nil {
			log.Fatal(err)
		}
		fn(id, string(buf))
		total += int64(n)
	}
	return total
}

func run(args []string) {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	in := fs.String("in", "corpus.wet", "WET file")
	stage := fs.String("stage", "read", "stage to run")
	limitMB := fs.Int64("limit-mb", 1<<20, "stop after this many megabytes of text")
	memory := fs.Int64("memory", 0, "line dedup memory cap in bytes (0: 1 GiB)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile")
	fs.Parse(args)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	limit := *limitMB << 20
	var n int64
	var sink int
	switch *stage {
	case "read":
		n = wetDocs(*in, limit, func(id, text string) { sink += len(text) })
	case "normalize":
		var buf []byte
		n = wetDocs(*in, limit, func(id, text string) {
			for line := range strings.SplitSeq(text, "\n") {
				buf = normalize.AppendNormalize(buf[:0], line)
				sink += len(buf)
			}
		})
	case "normalize-dedup":
		var buf []byte
		n = wetDocs(*in, limit, func(id, text string) {
			for line := range strings.SplitSeq(text, "\n") {
				buf = normalize.AppendForDedup(buf[:0], line)
				sink += len(buf)
			}
		})
	case "dedup-observe", "dedup":
		l, err := dedup.NewLines(dedup.Options{MemoryBytes: *memory, TempDir: os.TempDir()})
		if err != nil {
			log.Fatal(err)
		}
		n = wetDocs(*in, limit, func(id, text string) {
			if err := l.Observe(0, id, text); err != nil {
				log.Fatal(err)
			}
		})
		if err := l.Seal(context.Background()); err != nil {
			log.Fatal(err)
		}
		if *stage == "dedup" {
			var kept int64
			wetDocs(*in, limit, func(id, text string) {
				out, _, err := l.Dedup(id, text)
				if err != nil {
					log.Fatal(err)
				}
				kept += int64(len(out))
			})
			c := l.Counters()
			fmt.Fprintf(os.Stderr, "lines %d, removed %d (%.1f%%), bytes kept %d of %d, spills %d\n",
				c["lines_seen"], c["lines_removed"], 100*float64(c["lines_removed"])/float64(c["lines_seen"]), kept, n, c["spills"])
		}
	case "langid":
		d := langid.Shared()
		d.Preload()
		langs := map[string]int{}
		rejected := 0
		n = wetDocs(*in, limit, func(id, text string) {
			r := d.Detect(langid.Sample(text, langid.DefaultSampleBytes))
			langs[r.Lang]++
			if r.Score < 0.5 {
				rejected++
			}
		})
		st := d.Stats()
		fmt.Fprintf(os.Stderr, "paths: script %d, words %d, lingua %d, no letters %d, junk %d; score<0.5: %d; en %d\n",
			st.Script, st.Words, st.Lingua, st.Empty, st.Junk, rejected, langs["en"])
	case "lingua":
		// lingua-go as the issue measured it: low accuracy, all languages,
		// the whole text.
		det := lingua.NewLanguageDetectorBuilder().FromAllLanguages().WithLowAccuracyMode().WithPreloadedLanguageModels().Build()
		n = wetDocs(*in, limit, func(id, text string) {
			det.ComputeLanguageConfidenceValues(strings.ReplaceAll(text, "\n", " "))
		})
	default:
		log.Fatalf("unknown stage %q", *stage)
	}
	fmt.Println(n)
	_ = sink
}
