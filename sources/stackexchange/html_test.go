package stackexchange

import (
	"os"
	"strings"
	"testing"
)

// htmlCase is one case of testdata/html.txt.
type htmlCase struct {
	name, input, want string
	comment           []string
}

// readHTMLCases parses the data-driven file: "# comments", then
// "case NAME", the HTML, a "----" line, the expected text, a "====" line.
// Input and expected text are the lines between, joined by "\n" (no final
// line break).
func readHTMLCases(t testing.TB, path string) []htmlCase {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []htmlCase
	var cur *htmlCase
	var comment, buf []string
	state := 0 // 0 between cases, 1 input, 2 expected
	for i, ln := range strings.Split(string(data), "\n") {
		switch {
		case state == 0 && strings.HasPrefix(ln, "#"):
			comment = append(comment, ln)
		case state == 0 && strings.HasPrefix(ln, "case "):
			cur = &htmlCase{name: strings.TrimPrefix(ln, "case "), comment: comment}
			comment, buf, state = nil, nil, 1
		case state == 0 && ln == "":
		case state == 1 && ln == "----":
			cur.input, buf, state = strings.Join(buf, "\n"), nil, 2
		case state == 2 && ln == "====":
			cur.want, buf, state = strings.Join(buf, "\n"), nil, 0
			out = append(out, *cur)
		case state > 0:
			buf = append(buf, ln)
		default:
			t.Fatalf("%s:%d: unexpected %q", path, i+1, ln)
		}
	}
	if state != 0 {
		t.Fatalf("%s: last case not terminated", path)
	}
	return out
}

func writeHTMLCases(t *testing.T, path string, cases []htmlCase) {
	var b strings.Builder
	for i, c := range cases {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, l := range c.comment {
			b.WriteString(l + "\n")
		}
		b.WriteString("case " + c.name + "\n" + c.input + "\n----\n" + c.want + "\n====\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHTMLToText runs the rules of testdata/html.txt; -update rewrites the
// expected texts from the current output (review the diff).
func TestHTMLToText(t *testing.T) {
	const path = "testdata/html.txt"
	cases := readHTMLCases(t, path)
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	var conv htmlConverter // reused, as the reader does
	for i := range cases {
		c := &cases[i]
		got := conv.convert(c.input)
		if got != HTMLToText(c.input) {
			t.Errorf("%s: a reused converter differs from a fresh one", c.name)
		}
		if *update {
			c.want = got
			continue
		}
		if got != c.want {
			t.Errorf("case %s:\n--- input\n%s\n--- got\n%s\n--- want\n%s", c.name, c.input, got, c.want)
		}
	}
	if *update {
		writeHTMLCases(t, path, cases)
	}
}
