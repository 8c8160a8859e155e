package c4

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/sources/codec"
)

// TestParseLine pins the semantics on the cases that matter, each checked
// against the encoding/json reference too.
func TestParseLine(t *testing.T) {
	cases := []struct {
		line string
		want Record
		err  error
	}{
		{`{"text":"a","timestamp":"2019-04-25T12:57:54Z","url":"https://x/"}`,
			Record{Text: "a", Timestamp: "2019-04-25T12:57:54Z", URL: "https://x/", HasURL: true, HasTimestamp: true}, nil},
		{`{"text":"caf\u00e9 \ud83d\ude00"}`, Record{Text: "café 😀"}, nil},
		{`{"text":"\ud800x"}`, Record{Text: "\uFFFDx"}, nil},
		{`{"text":"\udc00\ud800"}`, Record{Text: "\uFFFD\uFFFD"}, nil},
		{`{"text":"\ud83d\u0041"}`, Record{Text: "\uFFFDA"}, nil},
		{`{"text":"a","text":"b"}`, Record{Text: "b"}, nil},
		{`{"Text":"a"}`, Record{}, ErrNoText},
		{`{"t\u0065xt":"escaped key"}`, Record{Text: "escaped key"}, nil},
		{`{"text":"x","url":null}`, Record{Text: "x"}, nil},
		{`{"text":"x","n":1.5e3,"o":{"a":[true,false,null]}}`, Record{Text: "x"}, nil},
		{` {"text" : "x" } ` + "\r", Record{Text: "x"}, nil},
		{`{}`, Record{}, ErrNoText},
		{`null`, Record{}, ErrNotObject},
		{`"text"`, Record{}, ErrNotObject},
		{`{"text":null}`, Record{}, ErrTextType},
		{`{"text":1}`, Record{}, ErrTextType},
		{`{"text":"a"`, Record{}, ErrSyntax},
		{`{"text":"a\x"}`, Record{}, ErrSyntax},
		{`{"text":"a\u12"}`, Record{}, ErrSyntax},
		{"{\"text\":\"a\tb\"}", Record{}, ErrSyntax},
		{`{"text":"a"}}`, Record{}, ErrSyntax},
		{"{\"text\":\"\xff\"}", Record{}, ErrInvalidUTF},
		// UTF-8 is checked while the strings are scanned: every place a bad
		// sequence can hide, and good ones around escapes.
		{"{\"te\xffxt\":\"a\"}", Record{}, ErrInvalidUTF},
		{"{\"text\":\"a\",\"x\":\"\xc3\"}", Record{}, ErrInvalidUTF},
		{"{\"text\":\"\xc0\xaf\"}", Record{}, ErrInvalidUTF},
		{"{\"text\":\"\xed\xa0\x80\"}", Record{}, ErrInvalidUTF},
		{"{\"text\":\"a\\n\xc3\"}", Record{}, ErrInvalidUTF},
		{"{\"text\":\"a\\n\xc3\xa9 \xef\xbf\xbd \xf0\x9f\x98\x80\\t.\"}", Record{Text: "a\né \uFFFD 😀\t."}, nil},
		{"{\"text\":\"caf\xc3\xa9\"} \xc3\xa9", Record{}, ErrSyntax},
		{"", Record{}, ErrBlank},
		{" \t\r", Record{}, ErrBlank},
	}
	for _, c := range cases {
		for name, f := range map[string]func([]byte) (Record, error){"fast": ParseLine, "std": ParseLineStd} {
			got, err := f([]byte(c.line))
			if err != c.err || got != c.want {
				t.Errorf("%s(%q) = %+v, %v; want %+v, %v", name, c.line, got, err, c.want, c.err)
			}
		}
	}
}

// TestLongLineOverBuffer: lines longer than the reader's buffer are
// assembled whole under the limit and skipped over it, and the lines
// around them survive.
func TestLongLineOverBuffer(t *testing.T) {
	long := `{"text":"` + strings.Repeat("x", 600<<10) + `"}`
	data := `{"text":"before"}` + "\n" + long + "\n" + `{"text":"after"}` + "\n" + long
	for _, c := range []struct {
		max  int
		want string
	}{{1 << 20, "before,600K,after,600K"}, {100 << 10, "before,after"}} {
		var skips []string
		r := NewReader(context.Background(), "x.json", io.NopCloser(strings.NewReader(data)),
			func(err error) { skips = append(skips, err.Error()) }, Options{MaxLineBytes: c.max})
		var got []string
		for r.Next() {
			s := r.Doc().Text
			if len(s) > 1000 {
				s = "600K"
			}
			got = append(got, s)
		}
		if strings.Join(got, ",") != c.want || r.Err() != nil {
			t.Errorf("max %d: got %v err %v skips %v", c.max, got, r.Err(), skips)
		}
	}
}

// seedLines returns every line of the fixtures, for the fuzz corpora.
func seedLines(tb testing.TB) [][]byte {
	var out [][]byte
	files, _ := filepath.Glob("testdata/*.json*")
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			tb.Fatal(err)
		}
		d, err := codec.NewReader(f)
		if err != nil {
			f.Close()
			continue
		}
		b, _ := io.ReadAll(d)
		d.Close()
		f.Close()
		for _, l := range bytes.Split(b, []byte("\n")) {
			out = append(out, l)
		}
	}
	return out
}

// FuzzParseLine: the fast scanner and encoding/json agree on every input,
// valid or not; and on valid JSON objects with a string text, the text is
// what encoding/json decodes (lone surrogates aside: both give U+FFFD).
func FuzzParseLine(f *testing.F) {
	for _, l := range seedLines(f) {
		f.Add(l)
	}
	f.Add([]byte(`{"text":"\ud83d\ude00\ud800\udfff\\\"\/"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		got, err := ParseLine(line)
		want, werr := ParseLineStd(line)
		if got != want || err != werr {
			t.Fatalf("ParseLine(%q) = %+v, %v; encoding/json: %+v, %v", line, got, err, want, werr)
		}
		if err == nil {
			var v struct{ Text string }
			var m map[string]any
			if json.Unmarshal(line, &m) != nil || !utf8.ValidString(got.Text) {
				t.Fatalf("accepted %q", line)
			}
			_ = v
			if m["text"] != got.Text {
				t.Fatalf("text %q, encoding/json %q", got.Text, m["text"])
			}
		}
	})
}

// FuzzReader feeds arbitrary bytes (and the fixtures, compressed or not)
// to the reader: no panic, no hang, IDs unique and increasing, text valid
// UTF-8, and at most one document per input line.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json*")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(context.Background(), "c4-train.00000-of-01024.json.gz", io.NopCloser(bytes.NewReader(data)),
			nil, Options{MaxLineBytes: 1 << 16})
		seen := map[string]bool{}
		for n := 0; r.Next(); n++ {
			d := r.Doc()
			if seen[d.ID] || !utf8.ValidString(d.Text) {
				t.Fatalf("bad doc %+v", d)
			}
			seen[d.ID] = true
			if n > len(data)+1<<20 {
				t.Fatal("more documents than input")
			}
		}
		if err := r.Close(); err != nil {
			t.Fatalf("in-memory input gave a fatal error: %v", err)
		}
	})
}

// syntheticShard returns n C4-shaped lines of about size bytes of text,
// with a little non-ASCII and an escaped quote now and then, as the real
// shards have.
func syntheticShard(n, size int) []byte {
	words := strings.Fields("the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their café naïve “quoted” — ")
	var b bytes.Buffer
	seed := uint32(1)
	next := func() int { seed = seed*1664525 + 1013904223; return int(seed >> 8) }
	var text strings.Builder
	for i := 0; i < n; i++ {
		text.Reset()
		for text.Len() < size {
			text.WriteString(words[next()%len(words)])
			switch next() % 40 {
			case 0:
				text.WriteString(".\n")
			case 1:
				text.WriteString(` "so" `)
			default:
				text.WriteByte(' ')
			}
		}
		q, _ := json.Marshal(text.String())
		b.WriteString(`{"text":`)
		b.Write(q)
		b.WriteString(`,"timestamp":"2019-04-25T12:57:54Z","url":"https://example.com/page/`)
		b.WriteString(strings.Repeat("x", next()%40))
		b.WriteString("\"}\n")
	}
	return b.Bytes()
}

// BenchmarkReader: MB/s of decompressed shard through the whole reader
// (line splitting, JSON, Doc), uncompressed and gzip.
func BenchmarkReader(b *testing.B) {
	raw := syntheticShard(20000, 2200) // C4's mean page is ~2.2 KB
	var gz bytes.Buffer
	z, _ := gzip.NewWriterLevel(&gz, gzip.DefaultCompression)
	z.Write(raw)
	z.Close()
	for _, c := range []struct {
		name string
		data []byte
	}{{"json", raw}, {"json.gz", gz.Bytes()}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for i := 0; i < b.N; i++ {
				r := NewReader(context.Background(), "c4-train.00000-of-01024.json", io.NopCloser(bytes.NewReader(c.data)), nil, Options{})
				n := 0
				for r.Next() {
					n++
				}
				if n != 20000 || r.Err() != nil {
					b.Fatal(n, r.Err())
				}
			}
		})
	}
}

// BenchmarkParseLine: the JSON scanner alone, fast path and encoding/json.
func BenchmarkParseLine(b *testing.B) {
	raw := syntheticShard(2000, 2200)
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	for name, f := range map[string]func([]byte) (Record, error){"fast": ParseLine, "encoding_json": ParseLineStd} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for i := 0; i < b.N; i++ {
				for _, l := range lines {
					if _, err := f(l); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
