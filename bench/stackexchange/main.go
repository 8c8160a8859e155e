// Command stackexchange generates a Posts.xml in the dump's format and runs
// tokenmill's StackExchange reader (row scanning, question/answer join, HTML
// to text) over it, for bench/stackexchange/run.sh, which measures its CPU
// time from outside and runs RedPajama's scripts on the same file.
//
//	stackexchange gen -mb 50 -out Posts.xml
//	stackexchange run -in Posts.xml|SITE.7z [-memory BYTES] [-out docs.txt]
//
// The generated site looks like a real one: posts in Id order (answers
// after their question, interleaved with later questions), HTML bodies with
// paragraphs, inline code, links, code blocks with entities and
// indentation, lists and quotes, scores mostly small with some negatives,
// a few tag wiki posts.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"sort"
	"strings"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/stackexchange"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) < 2 {
		log.Fatal("usage: stackexchange gen|run ...")
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

var words = strings.Fields(`the a to of and in is it you that for this with on not be have are can
but if or as what my when use from file function value error how way one which there do get
would like any should need using so code string set class list data server user time does
only also some new will then than more just work works run running problem question answer
example here same first because make other command line output input return type object
array version install package system default call method window key change test case
build path directory script process memory query table column row field request response`)

var idents = strings.Fields(`foo bar baz count items result value config path buf data ctx err
name size index total node next prev user_id row col args opts`)

func sentence(r *rand.Rand) string {
	n := 6 + r.Intn(14)
	var b strings.Builder
	for i := 0; i < n; i++ {
		w := words[r.Intn(len(words))]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		switch r.Intn(25) {
		case 0:
			w = "<code>" + idents[r.Intn(len(idents))] + "()</code>"
		case 1:
			w = `<a href="https://example.com/` + w + `" rel="nofollow noreferrer">` + w + `</a>`
		case 2:
			w = "<strong>" + w + "</strong>"
		case 3:
			w = "<em>" + w + "</em>"
		case 4:
			w += " &amp;"
		case 5:
			w = "&quot;" + w + "&quot;"
		}
		b.WriteString(w)
	}
	b.WriteString([]string{".", ".", ".", "?", "!", ":"}[r.Intn(6)])
	return b.String()
}

func paragraph(r *rand.Rand) string {
	n := 1 + r.Intn(4)
	s := make([]string, n)
	for i := range s {
		s[i] = sentence(r)
	}
	return "<p>" + strings.Join(s, " ") + "</p>\n"
}

func codeBlock(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString(`<pre class="lang-py prettyprint-override"><code>`)
	depth := 0
	for i := 3 + r.Intn(12); i > 0; i-- {
		id := idents[r.Intn(len(idents))]
		b.WriteString(strings.Repeat("    ", depth))
		switch r.Intn(5) {
		case 0:
			fmt.Fprintf(&b, "if %s &lt; %d &amp;&amp; %s != &quot;x&quot;:\n", id, r.Intn(100), idents[r.Intn(len(idents))])
			depth = min(depth+1, 4)
		case 1:
			fmt.Fprintf(&b, "for %s in range(%d):\n", id, r.Intn(10))
			depth = min(depth+1, 4)
		case 2:
			fmt.Fprintf(&b, "return %s\n", id)
			depth = max(depth-1, 0)
		case 3:
			b.WriteString("\n")
		default:
			fmt.Fprintf(&b, "%s = %s(%s, %d)  # %s\n", id, idents[r.Intn(len(idents))], idents[r.Intn(len(idents))], r.Intn(1000), words[r.Intn(len(words))])
		}
	}
	b.WriteString("</code></pre>\n")
	return b.String()
}

func body(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString(paragraph(r))
	for i := r.Intn(5); i > 0; i-- {
		switch r.Intn(6) {
		case 0, 1:
			b.WriteString(codeBlock(r))
		case 2:
			b.WriteString("<ul>\n")
			for j := 2 + r.Intn(3); j > 0; j-- {
				b.WriteString("<li>" + sentence(r) + "</li>\n")
			}
			b.WriteString("</ul>\n")
		case 3:
			b.WriteString("<blockquote>\n  " + paragraph(r) + "</blockquote>\n")
		default:
			b.WriteString(paragraph(r))
		}
	}
	return b.String()
}

func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;", "\n", "&#xA;", "\r", "&#xD;").Replace(s)
}

type event struct {
	t     float64
	q     int // question index
	isAns bool
}

func gen(args []string) {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	mb := fs.Int("mb", 50, "size of the file to write, in MB")
	out := fs.String("out", "Posts.xml", "output file")
	seed := fs.Int64("seed", 1, "random seed")
	fs.Parse(args)
	r := rand.New(rand.NewSource(*seed))
	// Posts average about 1.4 KB escaped; make enough, then stop at the
	// size asked for.
	nq := *mb * 1000 * 1000 / 1400 / 3
	var evs []event
	for q := 0; q < nq; q++ {
		t := float64(q)
		evs = append(evs, event{t, q, false})
		for a := r.Intn(5); a > 0; a-- {
			evs = append(evs, event{t + r.ExpFloat64()*200, q, true})
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].t < evs[j].t })
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<posts>\r\n")
	qid := make([]int, nq)
	written := 0
	for i, e := range evs {
		id := i + 1
		score := r.Intn(12) - 2
		if r.Intn(20) == 0 {
			score = r.Intn(500)
		}
		date := fmt.Sprintf("2015-%02d-%02dT%02d:%02d:%02d.%03d", 1+e.q%12, 1+e.q%28, e.q%24, i%60, (i/60)%60, i%1000)
		var row string
		switch {
		case !e.isAns && r.Intn(200) == 0:
			row = fmt.Sprintf(`  <row Id="%d" PostTypeId="4" CreationDate="%s" Score="0" Body="%s" ContentLicense="CC BY-SA 4.0" />`,
				id, date, esc(sentence(r)))
			qid[e.q] = -1
		case !e.isAns:
			qid[e.q] = id
			title := strings.TrimRight(sentence(r), ".?!:")
			title = strings.NewReplacer("<code>", "", "</code>", "", "<strong>", "", "</strong>", "", "<em>", "", "</em>", "", "&amp;", "&", "&quot;", `"`).Replace(title)
			if i := strings.Index(title, "<a "); i >= 0 {
				title = title[:i]
			}
			row = fmt.Sprintf(`  <row Id="%d" PostTypeId="1" CreationDate="%s" Score="%d" ViewCount="%d" Body="%s" OwnerUserId="%d" LastActivityDate="%s" Title="%s" Tags="%s" AnswerCount="2" CommentCount="1" ContentLicense="CC BY-SA 4.0" />`,
				id, date, score, r.Intn(10000), esc(body(r)), r.Intn(100000), date, esc(title+"?"),
				esc("<"+words[r.Intn(len(words))]+"><"+idents[r.Intn(len(idents))]+">"))
		case qid[e.q] > 0:
			row = fmt.Sprintf(`  <row Id="%d" PostTypeId="2" ParentId="%d" CreationDate="%s" Score="%d" Body="%s" OwnerUserId="%d" LastActivityDate="%s" CommentCount="0" ContentLicense="CC BY-SA 4.0" />`,
				id, qid[e.q], date, score, esc(body(r)), r.Intn(100000), date)
		default:
			continue
		}
		w.WriteString(row + "\r\n")
		written += len(row) + 2
		if written >= *mb<<20 && !e.isAns {
			break
		}
	}
	w.WriteString("</posts>\r\n")
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	f.Close()
}

func run(args []string) {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	in := fs.String("in", "Posts.xml", "Posts.xml, or a site's 7z archive, to read")
	memory := fs.Int64("memory", 0, "join memory cap in bytes (0: the default)")
	out := fs.String("out", "", "write the documents' texts here")
	fs.Parse(args)
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	st, _ := f.Stat()
	skipped := 0
	tmp, _ := os.MkdirTemp("", "sebench")
	defer os.RemoveAll(tmp)
	opts := stackexchange.Options{Site: "bench.stackexchange.com", KeepUnanswered: true, MemoryBytes: *memory, TempDir: tmp}
	var r pipeline.Reader
	if strings.HasSuffix(*in, ".7z") {
		// The dump's archive, through the source as a build opens it.
		f.Close()
		ctx, fsys := context.Background(), pipeline.NewStores()
		src := &stackexchange.Source{Opts: opts}
		ins, err := src.Inputs(ctx, fsys, []string{*in})
		if err != nil {
			log.Fatal(err)
		}
		if r, err = src.Open(ctx, fsys, ins[0], func(error) { skipped++ }); err != nil {
			log.Fatal(err)
		}
	} else {
		r = stackexchange.NewReader(context.Background(), *in, f, f, nil, func(error) { skipped++ }, opts)
	}
	var w *bufio.Writer
	if *out != "" {
		o, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		defer o.Close()
		w = bufio.NewWriter(o)
		defer w.Flush()
	}
	docs, text := 0, 0
	for r.Next() {
		d := r.Doc()
		docs++
		text += len(d.Text)
		if w != nil {
			fmt.Fprintf(w, "%s\t%q\n", d.ID, d.Text)
		}
	}
	if err := r.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "%d documents, %d MB of text, %d records skipped\n", docs, text>>20, skipped)
	fmt.Println(st.Size())
}
