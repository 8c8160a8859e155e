package langid

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

var english = "All human beings are born free and equal in dignity and rights. They are endowed with reason " +
	"and conscience and should act towards one another in a spirit of brotherhood. "
var german = "Alle Menschen sind frei und gleich an Würde und Rechten geboren. Sie sind mit Vernunft und " +
	"Gewissen begabt und sollen einander im Geist der Brüderlichkeit begegnen. "

func TestDecisions(t *testing.T) {
	d := Shared()
	cases := []struct {
		name, text, lang, path string
		min, max               float64
	}{
		{"english", strings.Repeat(english, 3), "en", "words", 0.9, 1},
		{"german", strings.Repeat(german, 3), "de", "words", 0.9, 1},
		{"greek script", "Όλοι οι άνθρωποι γεννιούνται ελεύθεροι και ίσοι στην αξιοπρέπεια και τα δικαιώματα.", "el", "script", 0.9, 1},
		{"no letters", "12345 67.89 -- ++", "", "empty", 0, 0},
		// Scripts without spaces and scripts with vowel signs are words too.
		{"chinese", "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。", "zh", "script", 0.9, 1},
		{"japanese", "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。", "ja", "script", 0.9, 1},
		{"thai", "เราทุกคนเกิดมาอย่างอิสระ เราทุกคนมีความคิดและความเข้าใจเป็นของเราเอง", "th", "script", 0.9, 1},
		{"hindi", "सभी मनुष्यों को गौरव और अधिकारों के मामले में जन्मजात स्वतन्त्रता और समानता प्राप्त है।", "hi", "lingua", 0.5, 1},
		{"arabic", "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق. وقد وهبوا عقلاً وضميرًا", "ar", "lingua", 0.5, 1},
		{"base64", "QUxsIGh1bWFuIGJlaW5ncyBhcmUgYm9ybiBmcmVlIGFuZCBlcXVhbCBpbiBkaWduaXR5IGFuZCByaWdodHMu", "", "", 0, 0.1},
		// Half German, half English: mixing, not a language.
		{"mixed", strings.Repeat(german+english, 2), "", "", 0, 0.49},
		// The same page with a few English words in it stays German.
		{"german with a quote", strings.Repeat(german, 3) + "The end.", "de", "words", 0.8, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := d.Detect(Sample(c.text, DefaultSampleBytes))
			if c.lang != "" && r.Lang != c.lang {
				t.Errorf("lang = %q, want %q (%+v)", r.Lang, c.lang, r)
			}
			if c.path != "" && r.Path != c.path {
				t.Errorf("path = %q, want %q", r.Path, c.path)
			}
			if r.Score < c.min || r.Score > c.max {
				t.Errorf("score = %.3f, want in [%g,%g] (%+v)", r.Score, c.min, c.max, r)
			}
		})
	}
}

func TestSample(t *testing.T) {
	if got := Sample("a\nb\r\nc", 100); got != "a b  c" {
		t.Errorf("newlines: %q", got)
	}
	words := make([]string, 300)
	for i := range words {
		words[i] = fmt.Sprintf("w%03d", i)
	}
	text := strings.Join(words, " ") // 1499 bytes
	got := Sample(text, 90)
	// Three windows of 30 bytes at 0, the middle and the end, whole words only.
	want := "w000 w001 w002 w003 w004 w005 w147 w148 w149 w150 w151 w294 w295 w296 w297 w298 w299"
	if got != want {
		t.Errorf("Sample = %q\nwant     %q", got, want)
	}
	if s := Sample("héllo wörld ünïcode", 9); !strings.Contains(s, "llo") && len(s) > 0 {
		for _, r := range s {
			if r == '\uFFFD' {
				t.Errorf("cut inside a character: %q", s)
			}
		}
	}
}

func TestStep(t *testing.T) {
	reg := pipeline.NewRegistry()
	Register(reg)
	spec, _ := reg.StepSpec("langid")
	c, err := pipeline.NewConfig(spec, map[string]any{"keep": []any{"en"}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := reg.NewStep("langid", c, &pipeline.Env{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ text, drop, lang string }{
		{strings.Repeat(english, 3), "", "en"},
		{strings.Repeat(german, 3), "langid:lang=de", "de"},
		{"QUxsIGh1bWFuIGJlaW5ncyBhcmUgYm9ybiBmcmVlIGFuZCBlcXVhbCBpbiBkaWduaXR5", "langid:score<0.5", ""},
	} {
		doc := &pipeline.Doc{Text: tc.text}
		drop, err := st.Process(doc)
		if err != nil {
			t.Fatal(err)
		}
		if drop != tc.drop || (tc.lang != "" && doc.Lang != tc.lang) {
			t.Errorf("%.30q: drop %q lang %q score %.2f, want drop %q lang %q", tc.text, drop, doc.Lang, doc.LangScore, tc.drop, tc.lang)
		}
	}
}
