package codeheader

import (
	"bufio"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

type stripCase struct{ name, in, want string }

// readCases parses testdata/strip.txt (format in its header).
func readCases(t *testing.T) []stripCase {
	f, err := os.Open("testdata/strip.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []stripCase
	var cur *stripCase
	var buf []string
	inWant := false
	join := func(ls []string) string {
		if n := len(ls); n > 0 && ls[n-1] == "<no newline>" {
			return strings.Join(ls[:n-1], "\n")
		}
		if len(ls) == 0 {
			return ""
		}
		return strings.Join(ls, "\n") + "\n"
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case cur == nil && (l == "" || strings.HasPrefix(l, "#")):
		case cur == nil && strings.HasPrefix(l, "strip "):
			cur = &stripCase{name: strings.TrimPrefix(l, "strip ")}
			buf, inWant = nil, false
		case cur != nil && l == "----" && !inWant:
			cur.in, buf, inWant = join(buf), nil, true
		case cur != nil && l == "====":
			cur.want = join(buf)
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			buf = append(buf, l)
		default:
			t.Fatalf("strip.txt: unexpected line %q", l)
		}
	}
	return out
}

// TestStrip runs every case of testdata/strip.txt.
func TestStrip(t *testing.T) {
	cases := readCases(t)
	if len(cases) < 20 {
		t.Fatalf("%d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := Strip(c.in, c.name)
			if got != c.want {
				t.Errorf("Strip(%q):\n%s\nwant:\n%s", c.name, got, c.want)
			}
		})
	}
}

// TestRealFiles shows ours and RedPajama's rule side by side on the first
// lines of real files of the Go source tree (BSD-3-Clause): RedPajama's
// deletes the shebang of make.bash, the #include lines of the C files and the
// docstring-less Python comments; ours keeps them. Both outputs are golden.
func TestRealFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/real/*")
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "LICENSE") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ours, _ := Strip(string(b), filepath.Base(f))
			got := "=== ours\n" + ours + "=== redpajama\n" + RedPajama(string(b))
			golden := filepath.Join("testdata", "golden", filepath.Base(f)+".txt")
			if *update {
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, _ := os.ReadFile(golden)
			if got != string(want) {
				t.Errorf("%s differs from %s:\n%s", f, golden, got)
			}
		})
	}
	// The lines the rules are about.
	mk, _ := os.ReadFile("testdata/real/make.bash")
	ours, _ := Strip(string(mk), "make.bash")
	if !strings.HasPrefix(ours, "#!/usr/bin/env bash\n# See golang.org/s/go15bootstrap") {
		t.Errorf("make.bash: shebang or the build comment lost:\n%.200s", ours)
	}
	if strings.Contains(RedPajama(string(mk)), "#!/usr/bin/env bash") {
		t.Errorf("RedPajama's rule kept the shebang")
	}
	c, _ := os.ReadFile("testdata/real/gcc_linux_amd64.c")
	ours, _ = Strip(string(c), "gcc_linux_amd64.c")
	if !strings.HasPrefix(ours, "#include <pthread.h>\n") {
		t.Errorf("gcc_linux_amd64.c: want #include first:\n%.200s", ours)
	}
	if strings.Contains(RedPajama(string(c)), "#include <pthread.h>") {
		t.Errorf("RedPajama's rule kept #include")
	}
}

func TestStep(t *testing.T) {
	s := &Step{}
	d := &pipeline.Doc{ID: "r:refs/heads/main:x.go", Text: "// Copyright 2020 X\n\npackage x\n"}
	d.SetMeta("path", "x.go")
	if drop, err := s.Process(d); drop != "" || err != nil || d.Text != "package x\n" {
		t.Fatalf("drop %q err %v text %q", drop, err, d.Text)
	}
	if s.Counters()["headers_stripped"] != 1 {
		t.Error("counter")
	}
}

// FuzzStrip: no panic, and Strip only ever removes: the output is never
// longer, and is the input itself when nothing was stripped.
func FuzzStrip(f *testing.F) {
	for _, c := range []string{"// Copyright\npackage x\n", "#!/bin/sh\n# licence\nx\n", "/* (c) */", `"""license"""` + "\nx", "<!-- © -->\n<a/>"} {
		f.Add(c, "x.go")
		f.Add(c, "x.py")
		f.Add(c, "x.html")
	}
	f.Fuzz(func(t *testing.T, text, name string) {
		out, ok := Strip(text, name)
		if len(out) > len(text) || (!ok && out != text) {
			t.Fatalf("Strip(%q, %q) = %q, %v", text, name, out, ok)
		}
	})
}
