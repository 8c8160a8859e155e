package stackexchange

import (
	"bytes"
	"context"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzReader feeds arbitrary bytes to the reader as a Posts.xml: it must
// not panic or loop, every document must have an ID, a URL and valid UTF-8
// text starting with "Q: ", and row offsets must grow.
func FuzzReader(f *testing.F) {
	// Seeds: the fixtures' rows, three at a time (whole files make the
	// fuzzer's minimization of every new input take minutes).
	files, _ := filepath.Glob("testdata/extracted/*/Posts.xml")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		lines := bytes.SplitAfter(b, []byte("\n"))
		for i := 0; i < len(lines); i += 3 {
			f.Add(bytes.Join(lines[i:min(i+3, len(lines))], nil))
		}
	}
	f.Add([]byte(`<row Id="1" PostTypeId="1" Title="t" Body="&lt;pre&gt;x" /><row Id="2" PostTypeId="2" ParentId="1" Score="-1" Body="a" />`))
	tmp := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		lastOff := int64(-1)
		skip := func(err error) {}
		r := NewReader(context.Background(), "fuzz", bytes.NewReader(data), nil, nil, skip,
			Options{Site: "f.stackexchange.com", KeepUnanswered: true, MemoryBytes: 4096, TempDir: tmp})
		for n := 0; r.Next(); n++ {
			d := r.Doc()
			if !strings.HasPrefix(d.ID, "f.stackexchange.com:") || d.URL == "" || !strings.HasPrefix(d.Text, "Q: ") {
				t.Fatalf("bad doc %+v", d)
			}
			if !utf8.ValidString(d.Text) {
				t.Fatalf("invalid UTF-8 in %s", d.ID)
			}
			if n > len(data) {
				t.Fatal("more documents than input bytes")
			}
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		s := NewRowScanner(bytes.NewReader(data))
		for i := int64(0); s.Scan(); i++ {
			if s.RowIndex() != i || s.RowOffset() <= lastOff || s.RowOffset() >= int64(len(data)) {
				t.Fatalf("row %d at %d after %d", s.RowIndex(), s.RowOffset(), lastOff)
			}
			lastOff = s.RowOffset()
		}
	})
}

// FuzzHTMLToText: no panic; valid UTF-8 in, valid UTF-8 out; outside code
// blocks never two blank lines in a row, and no line with trailing spaces
// unless it is code.
func FuzzHTMLToText(f *testing.F) {
	for _, c := range readHTMLCases(f, "testdata/html.txt") {
		f.Add(c.input)
	}
	f.Fuzz(func(t *testing.T, h string) {
		out := HTMLToText(h)
		if utf8.ValidString(h) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", h)
		}
		if strings.HasPrefix(out, "\n") || strings.HasSuffix(out, "\n") {
			t.Fatalf("leading or trailing line break: %q", out)
		}
		if !strings.Contains(strings.ToLower(h), "<pre") && strings.Contains(out, "\n\n\n") {
			t.Fatalf("two blank lines in %q from %q", out, h)
		}
	})
}

// FuzzUnescapeHTML: the fast entity decoder gives html.UnescapeString's
// result on any text.
func FuzzUnescapeHTML(f *testing.F) {
	for _, s := range []string{"&lt;&gt;&amp;&quot;&#39;", "&amp &lt &#x41 &#65;&eacute;&notit; &notin;", "&&&;#", "a &#128; &#0; &#xD800; &#x110000;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(unescapeHTML(nil, s)), html.UnescapeString(s); got != want {
			t.Fatalf("unescapeHTML(%q) = %q, want %q", s, got, want)
		}
	})
}
