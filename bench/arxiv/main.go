// Command arxiv is the Go side of bench/arxiv/run.sh: it reads one bulk
// source tar with sources/arxiv and writes {"id","text"} lines, or compares
// two such files and says why papers differ.
//
//	go run ./bench/arxiv run -in arXiv_src_2301_900.tar -out ours.jsonl [-cut-appendix]
//	go run ./bench/arxiv compare -ours ours.jsonl -peer peer.jsonl
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/tokenmill/tokenmill/sources/arxiv"
)

type rec struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: arxiv run|compare ...")
	}
	switch os.Args[1] {
	case "run":
		run(os.Args[2:])
	case "compare":
		compare(os.Args[2:])
	default:
		log.Fatalf("unknown command %s", os.Args[1])
	}
}

func run(args []string) {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	in := fs.String("in", "", "tar")
	out := fs.String("out", "", "jsonl output")
	cut := fs.Bool("cut-appendix", false, "cut the appendix (RedPajama's policy)")
	fs.Parse(args)
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	o, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriterSize(o, 1<<20)
	skips := map[string]int{}
	r := arxiv.NewReader(context.Background(), *in, f, func(err error) { skips[fmt.Sprint(err)]++ },
		arxiv.Options{Clean: arxiv.CleanOptions{CutAppendix: *cut}})
	n := 0
	var buf []byte
	for r.Next() {
		d := r.Doc()
		buf = appendRecord(buf[:0], d.ID, d.Text)
		w.Write(buf)
		n++
	}
	if err := r.Close(); err != nil {
		log.Fatal(err)
	}
	w.Flush()
	o.Close()
	fmt.Fprintf(os.Stderr, "%d papers, %d skipped\n", n, len(skips))
}

func load(p string) map[string]string {
	f, err := os.Open(p)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	s := bufio.NewScanner(f)
	s.Buffer(nil, 1<<30)
	for s.Scan() {
		var r rec
		if err := json.Unmarshal(s.Bytes(), &r); err != nil {
			log.Fatal(err)
		}
		m[r.ID] = r.Text
	}
	return m
}

var (
	space    = regexp.MustCompile(`\s+`)
	argMacro = regexp.MustCompile(`\\(norm|seq)\b`)
)

func norm(s string) string { return strings.TrimSpace(space.ReplaceAllString(s, " ")) }

// compare counts papers both sides kept, equal exactly and up to
// whitespace, and puts each difference under its first explaining cause.
func compare(args []string) {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	ours := fs.String("ours", "", "")
	peer := fs.String("peer", "", "")
	fs.Parse(args)
	a, b := load(*ours), load(*peer)
	var ids []string
	for id := range a {
		ids = append(ids, id)
	}
	for id := range b {
		if _, ok := a[id]; !ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	causes := map[string]int{}
	exact, ws := 0, 0
	for _, id := range ids {
		x, okx := a[id]
		y, oky := b[id]
		switch {
		case !okx:
			causes["only in peer"]++
			continue
		case !oky:
			causes["only in ours"]++
			continue
		case x == y:
			exact++
			ws++
			continue
		}
		if norm(x) == norm(y) {
			ws++
			continue
		}
		// A paper counts under every cause it shows.
		found := false
		if argMacro.MatchString(y) && !argMacro.MatchString(x) {
			causes["macros with arguments left unexpanded by the peer"]++
			found = true
		}
		if strings.Contains(x, `\appendix`) && !strings.Contains(y, `\appendix`) {
			causes["appendix cut by the peer"]++
			found = true
		}
		if strings.HasPrefix(x, `\paragraph`) && !strings.HasPrefix(strings.TrimSpace(y), `\paragraph`) {
			causes["text starts at a lone \\paragraph (peer misses it)"]++
			found = true
		}
		if strings.Contains(x, " glued") && !strings.Contains(y, " glued") {
			causes["peer's [^\\\\]% eats the character before a comment"]++
			found = true
		}
		if !found {
			causes["other"]++
		}
	}
	fmt.Printf("papers: ours %d, peer %d; identical %d, identical up to whitespace %d, differ %d\n",
		len(a), len(b), exact, ws, len(ids)-ws)
	var ks []string
	for k := range causes {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		fmt.Printf("  %-52s %d\n", k, causes[k])
	}
}

// appendRecord writes {"id":..,"text":..} and a newline; a plain escaper,
// since encoding/json's would cost as much as the cleaning measured here.
func appendRecord(b []byte, id, text string) []byte {
	b = append(b, `{"id":`...)
	b = appendJSON(b, id)
	b = append(b, `,"text":`...)
	b = appendJSON(b, text)
	return append(b, "}\n"...)
}

func appendJSON(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
