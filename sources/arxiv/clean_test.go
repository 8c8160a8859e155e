package arxiv

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected blocks of testdata/*.txt")

// tcase is one data-driven case: "=== cmd args" then the input, "----",
// then the expected output (up to the next "===").
type tcase struct {
	cmd, input, want string
}

func parseCases(t testing.TB, file string) (header string, cases []tcase) {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(b), "\n=== ")
	header = parts[0]
	for _, p := range parts[1:] {
		cmd, rest, _ := strings.Cut(p, "\n")
		in, want, ok := strings.Cut(rest, "\n----\n")
		if !ok {
			t.Fatalf("%s: case %q has no ---- line", file, cmd)
		}
		cases = append(cases, tcase{cmd: cmd, input: in, want: strings.TrimSuffix(want, "\n")})
	}
	return header, cases
}

// files splits a "-- name --" separated input into files (txtar style).
func files(in string) map[string][]byte {
	out := map[string][]byte{}
	var name string
	var cur []string
	flush := func() {
		if name != "" {
			out[name] = []byte(strings.Join(cur, "\n") + "\n")
		}
	}
	for _, line := range strings.Split(in, "\n") {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --") {
			flush()
			name, cur = strings.TrimSuffix(strings.TrimPrefix(line, "-- "), " --"), nil
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

func runCase(c tcase) string {
	f := strings.Fields(c.cmd)
	opt := CleanOptions{}
	for _, a := range f[1:] {
		if a == "cut_appendix" {
			opt.CutAppendix = true
		}
	}
	result := func(text, reason string) string {
		if reason != "" {
			return "DROP " + reason
		}
		return text
	}
	switch f[0] {
	case "strip":
		return StripComments(c.input)
	case "expand":
		out, over := ExpandMacros(c.input)
		if over {
			out += "\n[overflow]"
		}
		return out
	case "text":
		return result(CleanText(c.input, opt))
	case "paper":
		return result(Clean(files(c.input), opt))
	case "latin1":
		// The input's «…» marks bytes written as Latin-1.
		b := []byte(strings.NewReplacer("«e9»", "\xe9", "«fc»", "\xfc").Replace(c.input))
		return Decode(b)
	}
	return "unknown command " + f[0]
}

// TestClean runs testdata/clean.txt: every LaTeX cleaning rule with its
// exact expected output. go test -run TestClean -rewrite rewrites the
// expected blocks (review the diff).
func TestClean(t *testing.T) {
	const file = "testdata/clean.txt"
	header, cases := parseCases(t, file)
	var out strings.Builder
	out.WriteString(header)
	for _, c := range cases {
		got := runCase(c)
		if !*rewrite && got != c.want {
			t.Errorf("%s: %s\ninput:\n%s\ngot:\n%s\nwant:\n%s", file, c.cmd, c.input, got, c.want)
		}
		out.WriteString("\n=== " + c.cmd + "\n" + c.input + "\n----\n" + got + "\n")
	}
	if *rewrite {
		os.WriteFile(file, []byte(out.String()), 0o644)
	}
}
