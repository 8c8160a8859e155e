// Command c4 is the Go side of bench/c4/run.sh: it writes a C4-like shard
// and reads it with sources/c4, optionally through the c4_rules step.
//
//	c4 gen -mb 64 -out c4-train.00000-of-01024.json.gz
//	c4 read -in SHARD [-rules]
//
// read reports what it read on stderr; run.sh divides the shard's
// decompressed size by the CPU time of the process.
package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/tokenmill/tokenmill/filters/heuristics"
	"github.com/tokenmill/tokenmill/sources/c4"
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: c4 gen|read [flags]")
	}
	switch os.Args[1] {
	case "gen":
		fs := flag.NewFlagSet("gen", flag.ExitOnError)
		mb := fs.Int("mb", 64, "decompressed MB to write")
		out := fs.String("out", "c4-train.00000-of-01024.json.gz", "shard to write")
		fs.Parse(os.Args[2:])
		gen(*mb, *out)
	case "read":
		fs := flag.NewFlagSet("read", flag.ExitOnError)
		in := fs.String("in", "", "shard to read")
		rules := fs.Bool("rules", false, "run c4_rules on each page")
		dump := fs.String("dump", "", "write each page's outcome here as JSON lines {id, text} (text null when dropped)")
		prof := fs.String("cpuprofile", "", "write a CPU profile here")
		fs.Parse(os.Args[2:])
		if *prof != "" {
			pf, err := os.Create(*prof)
			if err != nil {
				log.Fatal(err)
			}
			pprof.StartCPUProfile(pf)
			defer pprof.StopCPUProfile()
		}
		read(*in, *rules, *dump)
	default:
		log.Fatalf("unknown command %q", os.Args[1])
	}
}

// vocabulary of the generated pages: common English words, so that line
// lengths, word lengths and the bad-words scan behave as on web text.
var vocabulary = strings.Fields(`the of and to a in is it you that he was for on are with as I his they be at one
have this from or had by hot word but what some we can out other were all there when up use your how said an each
she which do their time if will way about many then them write would like so these her long make thing see him two
has look more day could go come did number sound no most people my over know water than call first who may down side
been now find any new work part take get place made live where after back little only round man year came show every
good me give our under name very through just form sentence great think say help low line differ turn cause much mean
before move right boy old too same tell does set three want air well also play small end put home read hand port large
spell add even land here must big high such follow act why ask men change went light kind off need house picture try
us again animal point mother world near build self earth father head stand own page should country found answer school
grow study still learn plant cover food sun four between state keep eye never last let thought city tree cross farm
hard start might story saw far sea draw left late run while press close night real life few north open seem together
next white children begin got walk example ease paper group always music those both mark often letter until mile river
car feet care second book carry took science eat room friend began idea fish mountain stop once base hear horse cut
sure watch color face wood main enough plain girl usual young ready above ever red list though feel talk bird soon body
dog family direct pose leave song measure door product black short numeral class wind question happen complete ship
area half rock order fire south problem piece told knew pass since top whole king space heard best hour better true
during hundred five remember step early hold west ground interest reach fast verb sing listen six table travel less
morning ten simple several vowel toward war lay against pattern slow center love person money serve appear road map
rain rule govern pull cold notice voice unit power town fine certain fly fall lead cry dark machine note wait plan
figure star box noun field rest correct able pound done beauty drive stood contain front teach week final gave green
quick develop ocean warm free minute strong special mind behind clear tail produce fact street inch multiply nothing
course stay wheel full force blue object decide surface deep moon island foot system busy test record boat common gold
possible plane stead dry wonder laugh thousand ago ran check game shape equate miss brought heat snow tire bring yes
distant fill east paint language among café naïve résumé façade Zürich São Paulo crème brûlée`)

var boilerplate = []string{
	"Home | About | Contact | Blog", "Posted by admin", "Share this:", "Click here to read more",
	"Please enable JavaScript to view the comments powered by Disqus.",
	"This website uses cookies to ensure you get the best experience on our website.",
	"By using this site you agree to our Terms of Use and Privacy Policy.",
	"Copyright 2019. All rights reserved.", "Leave a Reply Cancel reply", "Related Posts",
}

// page writes one page: mostly sentences of 4-30 words ending in . ? or !,
// with navigation and notices around them; 1 in 50 pages holds code with
// "{", 1 in 200 "lorem ipsum"; a few lines carry citation markers.
func page(r *rand.Rand) string {
	var b strings.Builder
	lines := 2 + r.Intn(25)
	if r.Intn(3) == 0 {
		b.WriteString(boilerplate[r.Intn(len(boilerplate))] + "\n")
	}
	for i := 0; i < lines; i++ {
		sentences := 1 + r.Intn(4)
		for s := 0; s < sentences; s++ {
			n := 4 + r.Intn(27)
			for w := 0; w < n; w++ {
				word := vocabulary[r.Intn(len(vocabulary))]
				if w == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				} else {
					b.WriteByte(' ')
				}
				b.WriteString(word)
			}
			b.WriteString([]string{".", ".", ".", ".", "?", "!"}[r.Intn(6)])
			if r.Intn(40) == 0 {
				b.WriteString("[" + fmt.Sprint(1+r.Intn(30)) + "]")
			}
			if s < sentences-1 {
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\n')
		if r.Intn(8) == 0 {
			b.WriteString(boilerplate[r.Intn(len(boilerplate))] + "\n")
		}
	}
	switch {
	case r.Intn(50) == 0:
		b.WriteString("In the code you write function f(x) { return x * 2; } to double a number.\n")
	case r.Intn(200) == 0:
		b.WriteString("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// quote escapes as the published shards do (", \ and control characters;
// non-ASCII raw), except that one page in ten is written with \u escapes
// for everything non-ASCII, as json.dumps(ensure_ascii=True) would.
func quote(s string, ascii bool) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		case ascii && r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		case ascii && r > 0x7e:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func gen(mb int, out string) {
	f, err := os.Create(out)
	if err != nil {
		log.Fatal(err)
	}
	z, _ := gzip.NewWriterLevel(f, gzip.DefaultCompression)
	w := bufio.NewWriter(z)
	r := rand.New(rand.NewSource(1))
	written := 0
	for i := 0; written < mb<<20; i++ {
		l := `{"text":` + quote(page(r), i%10 == 0) + `,"timestamp":"2019-04-2` + fmt.Sprint(i%10) +
			`T12:57:54Z","url":"https://site` + fmt.Sprint(i%997) + `.example.com/page/` + fmt.Sprint(i) + `"}` + "\n"
		w.WriteString(l)
		written += len(l)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := z.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// read reads the shard (and runs the step) and reports counts on stderr;
// run.sh divides the shard's decompressed size by the process's CPU time.
func read(in string, rules bool, dump string) {
	f, err := os.Open(in)
	if err != nil {
		log.Fatal(err)
	}
	var step *heuristics.C4
	if rules {
		step = heuristics.NewC4(heuristics.DefaultC4Options())
	}
	skips := 0
	rd := c4.NewReader(context.Background(), in, f, func(error) { skips++ }, c4.Options{})
	var out *bufio.Writer
	if dump != "" {
		df, err := os.Create(dump)
		if err != nil {
			log.Fatal(err)
		}
		defer df.Close()
		out = bufio.NewWriter(df)
		defer out.Flush()
	}
	var docs, kept, textBytes int64
	for rd.Next() {
		d := rd.Doc()
		docs++
		textBytes += int64(len(d.Text))
		dropped := false
		if step != nil {
			reason, _ := step.Process(d)
			dropped = reason != ""
		}
		if out != nil {
			rec := map[string]any{"id": d.ID, "text": nil}
			if !dropped {
				rec["text"] = d.Text
			}
			b, _ := json.Marshal(rec)
			out.Write(append(b, '\n'))
		}
		if !dropped {
			kept++
		}
	}
	if err := rd.Close(); err != nil {
		log.Fatal(err)
	}
	st, _ := os.Stat(in)
	fmt.Fprintf(os.Stderr, "docs %d kept %d skips %d text %d bytes, file %d bytes\n", docs, kept, skips, textBytes, st.Size())
}
