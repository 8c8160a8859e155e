package langid

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

type udhrLine struct {
	set, code, ref, text string
}

func readUDHR(t testing.TB) []udhrLine {
	f, err := os.Open("testdata/udhr.tsv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []udhrLine
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		f := strings.SplitN(sc.Text(), "\t", 5)
		out = append(out, udhrLine{f[0], f[1], f[2], f[4]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestUDHR measures agreement with lingua's high-accuracy answers (stored in
// the fixture by tools/udhr) on UDHR paragraphs, and checks that junk is
// rejected.
func TestUDHR(t *testing.T) {
	d := Shared()
	lines := readUDHR(t)
	type tally struct{ n, agree int }
	sets := map[string]*tally{}
	perLang := map[string]*tally{}
	var misses []string
	for _, l := range lines {
		r := d.Detect(Sample(l.text, DefaultSampleBytes))
		if sets[l.set] == nil {
			sets[l.set] = &tally{}
		}
		s := sets[l.set]
		s.n++
		if l.set == "junk" {
			if r.Score < 0.5 {
				s.agree++
			} else {
				misses = append(misses, fmt.Sprintf("junk passed as %s %.2f (%s): %.80s", r.Lang, r.Score, r.Path, l.text))
			}
			continue
		}
		if perLang[l.code] == nil {
			perLang[l.code] = &tally{}
		}
		perLang[l.code].n++
		if r.Lang == l.ref && r.Score >= 0.5 {
			s.agree++
			perLang[l.code].agree++
		} else if l.set == "llama20" || testing.Verbose() {
			misses = append(misses, fmt.Sprintf("%s %s: ref %s, got %s %.2f (%s): %.100s", l.set, l.code, l.ref, r.Lang, r.Score, r.Path, l.text))
		}
	}
	for _, m := range misses {
		t.Log(m)
	}
	var codes []string
	for c := range perLang {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		t.Logf("%-9s %3d/%3d", c, perLang[c].agree, perLang[c].n)
	}
	st := d.Stats()
	t.Logf("paths: script %d, words %d, lingua %d, empty %d", st.Script, st.Words, st.Lingua, st.Empty)
	for _, name := range []string{"llama20", "other", "junk"} {
		s := sets[name]
		t.Logf("%s: %d/%d = %.2f%%", name, s.agree, s.n, 100*float64(s.agree)/float64(s.n))
	}
	if s := sets["llama20"]; float64(s.agree) < 0.99*float64(s.n) {
		t.Errorf("agreement with lingua high-accuracy on the 20 languages: %d/%d, want ≥ 99%%", s.agree, s.n)
	}
	if s := sets["junk"]; s.agree != s.n {
		t.Errorf("junk rejected: %d/%d, want all", s.agree, s.n)
	}
}
