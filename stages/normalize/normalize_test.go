package normalize

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// testCase is one block of a datadriven file: a command line, its input
// lines and the expected output lines.
type testCase struct {
	line     int
	cmd      string
	args     []string
	input    []string
	expected []string
}

// readCases parses the cockroachdb/datadriven layout: "cmd args", input
// lines, "----", expected lines up to a blank line; an expected block that
// holds blank lines is fenced by "----\n----" on both sides.
func readCases(t *testing.T, path string) []testCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var cases []testCase
	for i := 0; i < len(lines); {
		l := lines[i]
		if l == "" || strings.HasPrefix(l, "#") {
			i++
			continue
		}
		f := strings.Fields(l)
		c := testCase{line: i + 1, cmd: f[0], args: f[1:]}
		i++
		for ; i < len(lines) && lines[i] != "----"; i++ {
			c.input = append(c.input, lines[i])
		}
		if i >= len(lines) {
			t.Fatalf("%s:%d: no ---- after input", path, c.line)
		}
		i++
		if i < len(lines) && lines[i] == "----" {
			for i++; i+1 < len(lines) && !(lines[i] == "----" && lines[i+1] == "----"); i++ {
				c.expected = append(c.expected, lines[i])
			}
			i += 2
		} else {
			for ; i < len(lines) && lines[i] != ""; i++ {
				c.expected = append(c.expected, lines[i])
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// unescape reads the \xNN, \uNNNN, \UNNNNNNNN and \\ escapes of the
// "escaped" cases.
func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("trailing backslash in %q", s)
		}
		n := map[byte]int{'x': 2, 'u': 4, 'U': 8, 't': 0, '\\': 0}[s[i+1]]
		switch s[i+1] {
		case '\\':
			b.WriteByte('\\')
		case 't':
			b.WriteByte('\t')
		case 'x', 'u', 'U':
			v, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32)
			if err != nil {
				return "", err
			}
			b.WriteRune(rune(v))
		default:
			return "", fmt.Errorf("unknown escape in %q", s)
		}
		i += 1 + n
	}
	return b.String(), nil
}

// escape mirrors ccnet_ref.py's escape.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || (r >= 0x7F && r <= 0xA0) || (isPySpace(r) && r != ' ') ||
			r == 0xAD || r == 0x200B || r == 0xFEFF || r == 0x180E:
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	funcs := map[string]func(string) string{"normalize": Normalize, "dedup": ForDedup}
	for _, c := range readCases(t, "testdata/normalize") {
		t.Run(fmt.Sprintf("%s:%d", c.cmd, c.line), func(t *testing.T) {
			f, ok := funcs[c.cmd]
			if !ok {
				t.Fatalf("unknown command %q", c.cmd)
			}
			esc := len(c.args) > 0 && c.args[0] == "escaped"
			if len(c.expected) != len(c.input) {
				t.Fatalf("%d inputs, %d expected lines", len(c.input), len(c.expected))
			}
			for i, in := range c.input {
				if esc {
					var err error
					if in, err = unescape(in); err != nil {
						t.Fatal(err)
					}
				}
				got := f(in)
				if esc {
					got = escape(got)
				}
				if got != c.expected[i] {
					t.Errorf("%s(%q)\n got %q\nwant %q", c.cmd, in, got, c.expected[i])
				}
			}
		})
	}
}

// TestCodepoints checks every code point against CPython: each function on
// "a"+c+"a" must give what testdata/codepoints.tsv.gz lists, or "a"+c+"a"
// unchanged where the file has no line for c.
func TestCodepoints(t *testing.T) {
	if tablesUnicodeVersion != unicode.Version {
		t.Fatalf("tables.go is Unicode %s, Go's unicode package %s: regenerate with a matching Python",
			tablesUnicodeVersion, unicode.Version)
	}
	fh, err := os.Open("testdata/codepoints.tsv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	want := map[rune][2]string{}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, "\t")
		c, _ := strconv.ParseUint(f[0], 16, 32)
		var out [2]string
		for k := 0; k < 2; k++ {
			var b strings.Builder
			for _, h := range strings.Fields(f[1+k]) {
				v, _ := strconv.ParseUint(h, 16, 32)
				b.WriteRune(rune(v))
			}
			out[k] = "a" + b.String() + "a"
		}
		want[rune(c)] = out
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) < 15000 {
		t.Fatalf("only %d code points listed", len(want))
	}
	bad := 0
	for c := rune(0); c <= unicode.MaxRune; c++ {
		if c >= 0xD800 && c < 0xE000 {
			continue
		}
		s := "a" + string(c) + "a"
		w, ok := want[c]
		if !ok {
			w = [2]string{s, s}
		}
		if got := Normalize(s); got != w[0] {
			bad++
			if bad < 20 {
				t.Errorf("Normalize(a U+%04X a) = %+q, want %+q", c, got, w[0])
			}
		}
		if got := ForDedup(s); got != w[1] {
			bad++
			if bad < 20 {
				t.Errorf("ForDedup(a U+%04X a) = %+q, want %+q", c, got, w[1])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d mismatches", bad)
	}
}

// TestStrip checks Strip against Python's whitespace on every code point.
func TestStrip(t *testing.T) {
	// The 29 characters str.isspace() accepts (CPython 3.12).
	want := []rune{0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0,
		0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
		0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000}
	var got []rune
	for c := rune(0); c <= unicode.MaxRune; c++ {
		if isPySpace(c) {
			got = append(got, c)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("whitespace = %U\nwant %U", got, want)
	}
	if s := Strip("\u3000\x1c a b \u0085"); s != "a b" {
		t.Errorf("Strip = %q", s)
	}
}
