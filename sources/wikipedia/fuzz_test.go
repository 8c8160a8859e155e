package wikipedia

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCleaner: any wikitext gives text without a panic or a hang, no longer
// than twice the input (nothing the cleaner writes grows without bound), and
// valid UTF-8 for valid UTF-8.
func FuzzCleaner(f *testing.F) {
	for _, c := range readCases(&testing.T{}, "testdata/wikitext") {
		f.Add(c.input)
	}
	f.Add("{{a|{{b|[[c|{{d}}]]}}}}}}{{{{[[[[]]]]")
	f.Add("<ref><ref></ref></ref><nowiki><pre></nowiki></pre>")
	f.Add("== a ==\n=== b ===\n== See also ==\n=\n==\n")
	// Inputs that make a naive cleaner quadratic (a search to the end of
	// the line or page per opening): each must stay linear.
	for _, unit := range []string{"[http://a ", "{{", "}}", "[[", "[[a|", "<ref>", "<ref>x</ref", "<b ",
		"'''''", "__A", "==a==\n", "{|\n", "<nowiki>", "<ref>http://", "://", "&amp", "( "} {
		f.Add(strings.Repeat(unit, 20000))
	}
	cl := NewCleaner(&SiteInfo{DBName: "enwiki", Lang: "en"}, true)
	f.Fuzz(func(t *testing.T, in string) {
		out, urls := cl.Clean(in)
		if len(out) > 2*len(in)+16 {
			t.Fatalf("%d bytes of text from %d of wikitext", len(out), len(in))
		}
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of valid input: %q", out)
		}
		if len(urls) > maxURLs {
			t.Fatalf("%d URLs", len(urls))
		}
	})
}

// FuzzReader: any bytes read as an (uncompressed) dump end the reader without
// a panic, a hang or an error (damage is reported through skip, never
// fatal), and every document has an ID and text.
func FuzzReader(f *testing.F) {
	seed, err := os.ReadFile("testdata/plain/enwiki-20230101-pages-articles.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add([]byte("<page><title>a</title><ns>0</ns><id>1</id><revision><text>x</text></revision></page>"))
	f.Add([]byte("<siteinfo><dbname>dewiki</dbname></siteinfo><page><page></page>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(context.Background(), "fuzz", io.NopCloser(bytes.NewReader(data)), nil, Options{MaxPageBytes: 1 << 16})
		n := 0
		for r.Next() {
			d := r.Doc()
			if d.ID == "" || d.Text == "" {
				t.Fatalf("document without ID or text: %+v", d)
			}
			n++
		}
		if err := r.Close(); err != nil {
			t.Fatalf("fatal error on in-memory input: %v", err)
		}
		if n > len(data)/20+1 {
			t.Fatalf("%d documents from %d bytes", n, len(data))
		}
	})
}

// FuzzStreams: any bytes as a range of multistream streams end the reader
// without a panic, a hang or a fatal error.
func FuzzStreams(f *testing.F) {
	raw, err := os.ReadFile("testdata/schema-0.11/enwiki-20230101-pages-articles-multistream.xml.bz2")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw[500:])
	f.Add(raw[500:3000])
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewStreamsReader(context.Background(), "fuzz", io.NopCloser(bytes.NewReader(data)), 0, SiteInfo{DBName: "enwiki", Lang: "en"}, nil, Options{MaxPageBytes: 1 << 16})
		for r.Next() {
		}
		if err := r.Close(); err != nil {
			t.Fatalf("fatal error on in-memory input: %v", err)
		}
	})
}
