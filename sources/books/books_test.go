package books

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

// render reads one input and writes what became of it: every document (ID,
// URL, meta, text) and every skipped record (reason, record, offset).
func render(t testing.TB, src *Source, in pipeline.Input) string {
	var sb strings.Builder
	skip := func(err error) {
		var re *pipeline.RecordError
		if !errors.As(err, &re) {
			t.Fatalf("skip without a RecordError: %v", err)
		}
		kind := "corrupt"
		if !errors.Is(err, pipeline.ErrCorrupt) {
			kind = "filtered"
		}
		fmt.Fprintf(&sb, "skip %s %s: %s %s (offset %d)\n", kind, pipeline.SkipReason(err), filepath.Base(re.Path), re.Record, re.Offset)
	}
	r, err := src.Open(context.Background(), pipeline.NewStores(), in, skip)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		d := r.Doc()
		fmt.Fprintf(&sb, "doc %s\n", d.ID)
		if d.URL != "" {
			fmt.Fprintf(&sb, "url %s\n", d.URL)
		}
		var keys []string
		for k := range d.Meta {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&sb, "meta %s=%s\n", k, d.Meta[k])
		}
		if !utf8.ValidString(d.Text) {
			t.Errorf("%s: text is not valid UTF-8", d.ID)
		}
		if strings.Contains(d.Text, "\r") {
			t.Errorf("%s: text keeps a CR", d.ID)
		}
		fmt.Fprintf(&sb, "----\n%s\n----\n", d.Text)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return sb.String()
}

// TestGolden reads every fixture and compares with testdata/golden.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/gutenberg/*")
	more, _ := filepath.Glob("testdata/pile/*")
	tars, _ := filepath.Glob("testdata/books3/*")
	files = append(append(files, more...), tars...)
	if len(files) < 20 {
		t.Fatalf("only %d fixtures", len(files))
	}
	src := &Source{Opts: Options{Source: "books", PileSubsets: []string{"Books3"}}}
	for _, f := range files {
		name := strings.TrimPrefix(f, "testdata/")
		t.Run(name, func(t *testing.T) {
			got := render(t, src, pipeline.Input{URL: f})
			gf := filepath.Join("testdata/golden", strings.ReplaceAll(name, "/", "_")+".txt")
			if *update {
				os.MkdirAll("testdata/golden", 0o755)
				os.WriteFile(gf, []byte(got), 0o644)
				return
			}
			want, err := os.ReadFile(gf)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestNoLicence: no fixture's documents hold licence or header text.
func TestNoLicence(t *testing.T) {
	files, _ := filepath.Glob("testdata/gutenberg/*")
	src := &Source{Opts: Options{Source: "books"}}
	for _, f := range files {
		out := render(t, src, pipeline.Input{URL: f})
		for _, bad := range []string{"Project Gutenberg", "PROJECT GUTENBERG", "SMALL PRINT", "LICENSE", "Produced by", "WORLD LIBRARY", "Title:", "www.gutenberg.org"} {
			body := out
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "meta ") || strings.HasPrefix(l, "url ") || strings.HasPrefix(l, "skip ") {
					body = strings.Replace(body, l, "", 1)
				}
			}
			if strings.Contains(body, bad) {
				t.Errorf("%s: output holds %q:\n%s", f, bad, out)
			}
		}
	}
}

// TestInputs: variant selection and batching over a mirror-shaped folder.
func TestInputs(t *testing.T) {
	fs := pipeline.NewStores()
	for _, tc := range []struct {
		opts Options
		want []string // name | part
	}{
		{Options{BatchFiles: 2}, []string{
			"gutenberg/11_to_1342-0 | files=1/1/11/11.txt|1/3/4/1342/1342-0.txt",
			"gutenberg/pg1342 | files=cache/epub/1342/pg1342.txt",
		}},
		{Options{BatchFiles: 100, AllVariants: true}, []string{
			"gutenberg/11_to_pg1342 | files=1/1/11/11.txt|1/1/11/11.zip|1/3/4/1342/1342-0.txt|1/3/4/1342/1342-0.zip|1/3/4/1342/1342-8.txt|1/3/4/1342/1342.txt|1/3/4/1342/1342.zip|cache/epub/1342/pg1342.txt",
		}},
	} {
		src := &Source{Opts: tc.opts}
		ins, err := src.Inputs(context.Background(), fs, []string{"testdata/variants"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range ins {
			got = append(got, in.Name+" | "+in.Part)
			if !strings.HasSuffix(in.URL, "testdata/variants") {
				t.Errorf("input URL %s", in.URL)
			}
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("inputs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
	// A batch reads its files in order.
	src := &Source{Opts: Options{Source: "books", BatchFiles: 10}}
	ins, err := src.Inputs(context.Background(), fs, []string{"testdata/variants"})
	if err != nil {
		t.Fatal(err)
	}
	out := render(t, src, ins[0])
	var ids []string
	for _, l := range strings.Split(out, "\n") {
		if id, ok := strings.CutPrefix(l, "doc "); ok {
			ids = append(ids, id)
		}
	}
	if strings.Join(ids, " ") != "gutenberg/11.txt gutenberg/1342-0.txt gutenberg/pg1342.txt" {
		t.Errorf("ids %v", ids)
	}
	// Mixed inputs: Pile shards and tarballs are an input each.
	ins, err = src.Inputs(context.Background(), fs, []string{"testdata/pile/00.jsonl.zst", "testdata/books3/books3.tar.gz", "testdata/gutenberg/1342-0.txt"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, in := range ins {
		names = append(names, in.Name)
	}
	if strings.Join(names, " ") != "gutenberg/1342-0 pile/00 books3/books3" {
		t.Errorf("names %v", names)
	}
}

// TestDecode: the encoding rules, byte by byte.
func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		in, hint, want, cs string
	}{
		{"plain ascii", "", "plain ascii", CharsetUTF8},
		{"caf\xc3\xa9", "", "café", CharsetUTF8},
		{"\xef\xbb\xbfbom", "", "bom", CharsetUTF8},
		{"\xff\xfeh\x00i\x00", "", "hi", CharsetUTF16LE},
		{"\xfe\xff\x00h\x00i", "", "hi", CharsetUTF16BE},
		{"\x93quoted\x94 \x97 caf\xe9 \x81", "", "“quoted” — café \u0081", CharsetWindows1252},
		{"Character set encoding: ISO-8859-1\n\x93q\x94", "", "Character set encoding: ISO-8859-1\n“q”", CharsetWindows1252},
		{"Character set encoding: ISO Latin-1\n\xe9", "", "Character set encoding: ISO Latin-1\né", CharsetWindows1252},
		{"Character set encoding: UTF-8\ncaf\xe9 \xc3\xa9", "", "Character set encoding: UTF-8\ncafé é", CharsetUTF8Repair},
		{"caf\xe9 \xc3\xa9", CharsetUTF8, "café é", CharsetUTF8Repair},
		{"Character set encoding: ISO-8859-7\n\xe1\xe2", "", "Character set encoding: ISO-8859-7\nαβ", "iso-8859-7"},
		{"Character set encoding: KOI8-R\n\xc1", "", "Character set encoding: KOI8-R\nа", "koi8-r"},
		{"Character set encoding: nonsense\n\xe9", "", "Character set encoding: nonsense\né", CharsetWindows1252},
	} {
		got, cs := Decode([]byte(tc.in), tc.hint)
		if got != tc.want || cs != tc.cs {
			t.Errorf("Decode(%q, %q) = %q, %s; want %q, %s", tc.in, tc.hint, got, cs, tc.want, tc.cs)
		}
	}
	// No byte of Windows-1252 decodes to U+FFFD.
	var all []byte
	for b := 0x80; b < 0x100; b++ {
		all = append(all, byte(b))
	}
	if s, _ := Decode(all, ""); strings.ContainsRune(s, utf8.RuneError) || utf8.RuneCountInString(s) != 128 {
		t.Errorf("Windows-1252 bytes gave %q", s)
	}
}

// TestStripEdges: marker rules on small inputs.
func TestStripEdges(t *testing.T) {
	for _, tc := range []struct {
		in, want, start, end string
	}{
		{"head\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\nbody\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\nlicence", "body", MarkerStrong, MarkerStrong},
		// Lower case and odd spacing.
		{"*** start of the project gutenberg ebook x ***\nbody\n   ***  end of this project gutenberg ebook\nx", "body", MarkerStrong, MarkerStrong},
		// An end marker before any start is header text.
		{"End of the Project Gutenberg notice\n*** START OF THIS PROJECT GUTENBERG EBOOK\nbody\nEnd of the Project Gutenberg EBook of X", "body", MarkerStrong, MarkerStrong},
		// Credits paragraphs go, the text after them stays.
		{"*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\nProduced by A and B\nand the Online Distributed Proofreading Team\n\nE-text prepared by C\n\nbody\n*** END OF THE PROJECT GUTENBERG EBOOK X ***", "body", MarkerStrong, MarkerStrong},
		// Weak start from the gutenberg package's list, no end.
		{"The Project Gutenberg Etext of X\nbody", "body", MarkerWeak, MarkerNone},
		// Nothing at all: the whole text.
		{"just\ntext", "just\ntext", MarkerNone, MarkerNone},
	} {
		b := Strip(tc.in)
		if b.Text != tc.want || b.Start != tc.start || b.End != tc.end {
			t.Errorf("Strip(%q) = %q (%s, %s); want %q (%s, %s)", tc.in, b.Text, b.Start, b.End, tc.want, tc.start, tc.end)
		}
	}
}
