package langid

import (
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

// TestMatchMeta: in check mode a page in another language than its meta
// says is dropped; one in the right language, or without the key, is kept.
func TestMatchMeta(t *testing.T) {
	s := NewStep(Shared(), nil, 0.5, DefaultSampleBytes)
	s.SetMatchMeta("wiki_lang")
	fr := "Le fromage de chèvre est un fromage fabriqué à partir du lait de chèvre. Il est produit dans de nombreuses régions de France, notamment dans la vallée de la Loire."
	en := "A lighthouse is a tower, building or other structure that carries a lamp and lenses so that ships at sea can find their way at night."
	for _, c := range []struct {
		text, meta, want string
	}{
		{fr, "en", "langid:lang!=wiki_lang"},
		{fr, "fr", ""},
		{en, "en", ""},
		{en, "", ""},
	} {
		d := &pipeline.Doc{Text: c.text}
		if c.meta != "" {
			d.SetMeta("wiki_lang", c.meta)
		}
		got, err := s.Process(d)
		if err != nil || got != c.want {
			t.Errorf("meta %q, text %.20q: drop %q, want %q (lang %s %.2f)", c.meta, c.text, got, c.want, d.Lang, d.LangScore)
		}
	}
	if !sameLanguage("sr", "hr") || sameLanguage("sl", "hr") {
		t.Error("sameLanguage")
	}
}
