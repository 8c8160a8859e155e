package kenlm

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

const tinyARPA = `\data\
ngram 1=4
ngram 2=2

\1-grams:
-1	<unk>	0
0	<s>	-0.5
-0.7	</s>	0
-0.6	a	-0.3

\2-grams:
-0.2	<s> a
-0.4	a </s>

\end\
`

// TestReadARPAErrors: each fault is reported as ErrFormat with the line.
func TestReadARPAErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"truncated-section", strings.Split(tinyARPA, "-0.4")[0], "arpa line 12: 2-grams section has 1 of 2 entries"},
		{"no-end", strings.TrimSuffix(tinyARPA, "\\end\\\n"), "missing \\end\\"},
		{"no-data", "hello\n", "no \\data\\ section"},
		// A corrupt header must not make the reader allocate for it.
		{"huge-declared-count", "\\data\\\nngram 1=101111111100\nngram 2=900000000000\n\n\\1-grams:\n-1\t<s>\t0\n", "1-grams section has 1 of 101111111100 entries"},
		{"unknown-word", strings.Replace(tinyARPA, "<s> a", "<s> zz", 1), `arpa line 12: word "zz" is not a unigram`},
		{"missing-section", strings.Replace(tinyARPA, "ngram 2=2", "ngram 2=2\nngram 3=1", 1), `arpa line 16: expected \3-grams:, got "\\end\\"`},
		{"bad-prob", strings.Replace(tinyARPA, "-0.6\ta", "x\ta", 1), "arpa line 9: bad probability"},
		{"backoff-on-top", strings.Replace(tinyARPA, "-0.4\ta </s>", "-0.4\ta </s>\t-1", 1), "arpa line 13: backoff on a 2-gram of the highest order"},
		{"more-than-declared", strings.Replace(tinyARPA, "ngram 1=4", "ngram 1=3", 1), `expected \2-grams:, got "-0.6\ta\t-0.3"`},
		{"duplicate", strings.Replace(tinyARPA, "-0.4\ta </s>", "-0.2\t<s> a", 1), "duplicate 2-gram"},
		{"positive-prob", strings.Replace(tinyARPA, "-0.6\ta", "0.6\ta", 1), "arpa line 9: log10 probability 0.6 is not a log probability"},
		{"inf-prob", strings.Replace(tinyARPA, "-0.6\ta", "inf\ta", 1), "log10 probability inf is not a log probability"},
		{"minus-inf-prob", strings.Replace(tinyARPA, "-0.6\ta", "-inf\ta", 1), "log10 probability -inf is not a log probability"},
		{"nan-backoff", strings.Replace(tinyARPA, "-0.6\ta\t-0.3", "-0.6\ta\tnan", 1), "backoff nan is not finite"},
		{"no-eos", strings.NewReplacer("ngram 1=4", "ngram 1=3", "-0.7\t</s>\t0\n", "", "ngram 2=2", "ngram 2=1", "-0.4\ta </s>\n", "").Replace(tinyARPA), "no </s> in the vocabulary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadARPA(strings.NewReader(tc.text))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrFormat containing %q", err, tc.want)
			}
		})
	}
}

// withTrigram turns tinyARPA into a 3-gram model holding one trigram.
func withTrigram(trigram string) string {
	text := strings.Replace(tinyARPA, "ngram 2=2", "ngram 2=2\nngram 3=1", 1)
	text = strings.Replace(text, "-0.4\ta </s>\n", "-0.4\ta </s>\t0\n", 1)
	text = strings.Replace(text, "-0.2\t<s> a\n", "-0.2\t<s> a\t-0.05\n", 1)
	return strings.Replace(text, "\\end\\", "\\3-grams:\n"+trigram+"\n\n\\end\\", 1)
}

// TestReadARPABlankSuffix: a 3-gram whose suffix 2-gram is missing stays
// reachable, as in KenLM, through a blank "a a" whose probability is the
// backed-off p(a) + b(a); the blank is neither counted nor written.
func TestReadARPABlankSuffix(t *testing.T) {
	m, err := ReadARPA(strings.NewReader(withTrigram("-0.1\t<s> a a")))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(m.Counts()) != "[4 2 1]" {
		t.Errorf("counts %v", m.Counts())
	}
	// p(a | <s>) = -0.2, then the trigram: p(a | <s> a) = -0.1.
	if lp, _ := m.Score([]string{"a", "a"}, true, false); lp != float64(float32(-0.2))+float64(float32(-0.1)) {
		t.Errorf("score %v, want -0.3", lp)
	}
	// Without <s>, "a a" backs off through the blank: p(a) + b(a).
	a := State{}
	var b, c State
	id, _ := m.Index("a")
	m.ScoreWord(&a, id, &b)
	if got := m.ScoreWord(&b, id, &c); got != sum32(-0.6, -0.3) {
		t.Errorf("p(a | a) = %v", got)
	}
	var buf bytes.Buffer
	m.WriteARPA(&buf)
	if strings.Contains(buf.String(), "\ta a\n") || !strings.Contains(buf.String(), "ngram 2=2\n") {
		t.Errorf("blank written:\n%s", buf.String())
	}
}

// TestReadARPAMissingContext: like KenLM, an n-gram whose context is not
// an n-gram is an error.
func TestReadARPAMissingContext(t *testing.T) {
	_, err := ReadARPA(strings.NewReader(withTrigram("-0.1\ta a </s>")))
	if err == nil || !strings.Contains(err.Error(), "context of every 3-gram should appear as a 2-gram") {
		t.Fatalf("err = %v", err)
	}
}

// TestReadARPADialects: spaces instead of tabs, missing backoffs, SRILM's
// -99 for <s>, no <unk> (added at -100 as KenLM does) all read.
func TestReadARPADialects(t *testing.T) {
	text := "junk before data\n\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-99 <s> -0.5\n-0.7 </s>\n-0.6 a\n\n\\2-grams:\n-0.2 <s> a\n\\end\\\n"
	m, err := ReadARPA(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if m.VocabSize() != 4 {
		t.Errorf("vocab %d", m.VocabSize())
	}
	lp, oov := m.Score([]string{"zz"}, true, true)
	// p(<unk>|<s>) = -100 + -0.5, then p(</s>) = -0.7.
	if oov != 1 || lp != float64(sum32(-100, -0.5))+float64(float32(-0.7)) {
		t.Errorf("score %v oov %d", lp, oov)
	}
	var buf bytes.Buffer
	if err := m.WriteARPA(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "-100\t<unk>\t0\n") || !strings.Contains(buf.String(), "-99\t<s>\t-0.5\n") {
		t.Errorf("written:\n%s", buf.String())
	}
}

// FuzzReadARPA: the reader never panics, and what it accepts it writes
// back in a form it reads again to the same bytes.
func FuzzReadARPA(f *testing.F) {
	f.Add(tinyARPA)
	f.Add(strings.Replace(tinyARPA, "ngram 2=2", "ngram 2=3", 1))
	f.Fuzz(func(t *testing.T, text string) {
		m, err := ReadARPA(strings.NewReader(text))
		if err != nil {
			return
		}
		var a, b bytes.Buffer
		if err := m.WriteARPA(&a); err != nil {
			t.Fatal(err)
		}
		m2, err := ReadARPA(bytes.NewReader(a.Bytes()))
		if err != nil {
			t.Fatalf("re-read: %v\n%s", err, a.String())
		}
		m2.WriteARPA(&b)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("not stable:\n%s\n%s", a.String(), b.String())
		}
		m.Score([]string{"a", "zz", "</s>"}, true, true)
	})
}
