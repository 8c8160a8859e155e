package fasttextstep

import (
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/fasttext"
	"github.com/tokenmill/tokenmill/pipeline"
)

// TestFastTextLangID trains a two-language fastText model and checks the
// step's decisions: the label without __label__, CCNet's rounded score, the
// keep list and the threshold, with newlines deleted as CCNet does.
func TestFastTextLangID(t *testing.T) {
	var train strings.Builder
	en := []string{"the house is on the hill and the river", "we went to the market with our friends", "this is a book about the history of the world"}
	de := []string{"das haus ist auf dem berg und der fluss", "wir gingen mit unseren freunden auf den markt", "dies ist ein buch über die geschichte der welt"}
	for i := 0; i < 30; i++ {
		train.WriteString("__label__en " + en[i%3] + "\n__label__de " + de[i%3] + "\n")
	}
	opts := fasttext.DefaultOptions()
	opts.Dim, opts.Epoch, opts.Seed = 8, 20, 1
	m, err := fasttext.Train(strings.NewReader(train.String()), opts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewFastTextLangID(m, []string{"en"}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	en0 := pipeline.Doc{Text: "the river and the\nhill"}
	if drop, _ := s.Process(&en0); drop != "" || en0.Lang != "en" || en0.LangScore < 0.5 {
		t.Errorf("english: drop %q lang %q score %v", drop, en0.Lang, en0.LangScore)
	}
	if r := en0.LangScore * 100; r != float32(int(r+0.5)) {
		t.Errorf("score %v is not rounded to two decimals", en0.LangScore)
	}
	de0 := pipeline.Doc{Text: "der fluss und\nder berg"}
	if drop, _ := s.Process(&de0); drop != "langid:lang=de" || de0.Lang != "de" {
		t.Errorf("german: drop %q lang %q", drop, de0.Lang)
	}
	// The same decision as the library's CCNet adapter.
	l, _ := fasttext.NewLangID(m)
	lang, p := l.Detect("der fluss und\nder berg")
	if lang != de0.Lang || float32(fasttext.CCNetScore(p)) != de0.LangScore {
		t.Errorf("step %s/%v vs LangID %s/%v", de0.Lang, de0.LangScore, lang, p)
	}
	strict, _ := NewFastTextLangID(m, nil, 1)
	if drop, _ := strict.Process(&pipeline.Doc{Text: "zzz qqq"}); drop != "langid:score<1" {
		t.Errorf("threshold 1: drop %q", drop)
	}
}
