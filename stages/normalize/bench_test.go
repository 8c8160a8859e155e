package normalize

import (
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

// benchText mixes the scripts of the golden file, ASCII-heavy like Common Crawl.
var benchText = strings.Repeat("The quick brown fox jumps over the lazy dog 1234 times. ", 12) +
	"Ça été Déjà Vu à Paris. Съешь же ещё этих мягких булок. 日本語のテキスト「ガギグ」。" +
	strings.Repeat("Another plain English sentence, with “quotes” and… dashes — here. ", 6)

func BenchmarkForDedup(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	var buf []byte
	for b.Loop() {
		buf = AppendForDedup(buf[:0], benchText)
	}
}

func BenchmarkNormalize(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	var buf []byte
	for b.Loop() {
		buf = AppendNormalize(buf[:0], benchText)
	}
}

func TestStepKeepsLines(t *testing.T) {
	d := &struct{ text string }{"  Ça Été\n１２ „x“\n"}
	s := NewStep("ccnet")
	doc := pipelineDoc(d.text)
	if drop, err := s.Process(doc); drop != "" || err != nil {
		t.Fatal(drop, err)
	}
	if doc.Text != "ca ete\n00 \"x\"\n" {
		t.Errorf("ccnet: %q", doc.Text)
	}
	doc = pipelineDoc(d.text)
	NewStep("dedup").Process(doc)
	if doc.Text != "ça été\n00 x\n" {
		t.Errorf("dedup: %q", doc.Text)
	}
}

func pipelineDoc(text string) *pipeline.Doc { return &pipeline.Doc{Text: text} }
