package kenlmstep

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/kenlm"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/stages/normalize"
	"github.com/tokenmill/tokenmill/tokenize"
)

// env reads the sample's models, as the embedded recipe does.
func env() *pipeline.Env {
	return &pipeline.Env{ReadFile: func(ref string) ([]byte, error) {
		if filepath.IsAbs(ref) {
			return os.ReadFile(ref)
		}
		return os.ReadFile(filepath.Join("../../../recipes/sample", strings.TrimPrefix(ref, "embed://sample/")))
	}}
}

func build(t testing.TB, reg *pipeline.Registry, name string, values map[string]any) pipeline.Step {
	t.Helper()
	spec, _ := reg.StepSpec(name)
	c, err := pipeline.NewConfig(spec, values)
	if err != nil {
		t.Fatal(err)
	}
	s, err := reg.NewStep(name, c, env())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const prose = "Package bufio implements buffered I/O. It wraps an io.Reader or io.Writer object, creating another object (Reader or Writer) that also implements the interface but provides buffering and some help for textual I/O."

func TestPerplexityStep(t *testing.T) {
	reg := pipeline.NewRegistry()
	Register(reg)
	s := build(t, reg, "perplexity", map[string]any{"lang": "en", "arpa": "lm.arpa.gz", "spm": "tokenizer.model", "cutoffs": "cutoffs.tsv"})
	junk := "zq xv kj wq pz qqq vvv xxj zzk qjx jjq wwz"
	cases := []struct {
		doc          pipeline.Doc
		drop, bucket string
		scored       bool
	}{
		{pipeline.Doc{Lang: "en", Text: junk}, "perplexity:bucket=tail", "tail", true},
		{pipeline.Doc{Lang: "de", Text: junk}, "", "", false}, // another language passes unscored
	}
	for i, c := range cases {
		d := c.doc
		drop, err := s.Process(&d)
		if err != nil {
			t.Fatal(err)
		}
		if drop != c.drop || d.Bucket != c.bucket || (d.Perplexity > 0) != c.scored {
			t.Errorf("case %d: drop %q bucket %q pp %v", i, drop, d.Bucket, d.Perplexity)
		}
	}
	// Prose scores lower than junk, and its bucket follows the cutoffs.
	cb, _ := env().ReadFile("cutoffs.tsv")
	cut, err := kenlm.ReadCutoffs(bytes.NewReader(cb))
	if err != nil {
		t.Fatal(err)
	}
	p := pipeline.Doc{Lang: "en", Text: prose}
	drop, _ := s.Process(&p)
	pp := float64(p.Perplexity)
	want := map[bool]string{true: "head", false: "middle"}[pp < cut["en"].P30]
	if pp >= cut["en"].P60 {
		want = "tail"
	}
	if p.Bucket != want || (drop != "") != (want == "tail") {
		t.Errorf("prose: pp %v bucket %q drop %q", p.Perplexity, p.Bucket, drop)
	}
	// The score is CCNet's rounding: a multiple of 0.1.
	d := pipeline.Doc{Lang: "en", Text: junk}
	s.Process(&d)
	if d.Perplexity < 5*p.Perplexity {
		t.Errorf("junk %v vs prose %v", d.Perplexity, p.Perplexity)
	}
	if r := float64(d.Perplexity) * 10; r-float64(int64(r+0.5)) > 1e-2 {
		t.Errorf("perplexity %v is not rounded to 0.1", d.Perplexity)
	}
	spec, _ := reg.StepSpec("perplexity")
	c, _ := pipeline.NewConfig(spec, map[string]any{"lang": "xx", "arpa": "lm.arpa.gz", "spm": "tokenizer.model", "cutoffs": "cutoffs.tsv"})
	if _, err := reg.NewStep("perplexity", c, env()); err == nil || !strings.Contains(err.Error(), `no entry for "xx"`) {
		t.Errorf("a language without cutoffs was accepted: %v", err)
	}
}

// piecesOnly hides the ids of an encoder, so a DocScorer takes the string
// path: pieces joined by spaces and split again, as cc_net does.
type piecesOnly struct{ enc *tokenize.Model }

func (p piecesOnly) EncodeAsPieces(text string) []string { return p.enc.EncodeAsPieces(text) }

// TestPerplexityIDPath: the step's scorer (ids through the engine's table)
// gives exactly what the string path gives, counts included.
func TestPerplexityIDPath(t *testing.T) {
	reg := pipeline.NewRegistry()
	Register(reg)
	s := build(t, reg, "perplexity", map[string]any{"lang": "en", "arpa": "lm.arpa.gz", "spm": "tokenizer.model", "cutoffs": "cutoffs.tsv"}).(*Perplexity)
	slow := &kenlm.DocScorer{LM: s.scorer.LM, Normalize: normalize.Normalize, Encoder: piecesOnly{s.scorer.Encoder.(*tokenize.Model)}}
	texts := []string{prose, "", "a", "Ünïcödé ＦＵＬＬ width, digits 12345 and\ttabs\nnew lines…", "zq xv kj wq", strings.Repeat("word ", 500), "<unk> <s> </s> ☃☃☃ 漢字"}
	for _, text := range texts {
		got, want := s.scorer.Score(text), slow.Score(text)
		if got != want {
			t.Errorf("%.30q: id path %+v, string path %+v", text, got, want)
		}
	}
}

func BenchmarkPerplexity(b *testing.B) {
	reg := pipeline.NewRegistry()
	Register(reg)
	s := build(b, reg, "perplexity", map[string]any{"lang": "en", "arpa": "lm.arpa.gz", "spm": "tokenizer.model", "cutoffs": "cutoffs.tsv"}).(*Perplexity)
	slow := &kenlm.DocScorer{LM: s.scorer.LM, Normalize: normalize.Normalize, Encoder: piecesOnly{s.scorer.Encoder.(*tokenize.Model)}}
	text := strings.Repeat(prose+"\n", 20)
	b.Run("ids", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for i := 0; i < b.N; i++ {
			s.scorer.Score(text)
		}
	})
	b.Run("pieces", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for i := 0; i < b.N; i++ {
			slow.Score(text)
		}
	})
}

// TestPerplexityModelFormats: model takes a KenLM binary file as well as an
// ARPA, told apart by content (an absolute path is mapped, anything else
// read through env.ReadFile); arpa is its older name; both or neither is an
// error. The unquantized binary gives the ARPA's perplexities exactly.
func TestPerplexityModelFormats(t *testing.T) {
	reg := pipeline.NewRegistry()
	Register(reg)
	tmp := t.TempDir()
	z, err := os.Open("../testdata/o4.trie.bin.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	bin, err := maybeGunzip(mustRead(t, z))
	if err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(tmp, "o4.model") // no extension: the content tells
	if err := os.WriteFile(abs, bin, 0o644); err != nil {
		t.Fatal(err)
	}
	e := &pipeline.Env{ReadFile: func(ref string) ([]byte, error) {
		switch {
		case strings.HasPrefix(ref, "embed://sample/"):
			return os.ReadFile(filepath.Join("../../../recipes/sample", strings.TrimPrefix(ref, "embed://sample/")))
		case ref == "rel/o4.bin":
			return bin, nil
		}
		return os.ReadFile(filepath.Join("../testdata", ref))
	}}
	mk := func(values map[string]any) (pipeline.Step, error) {
		spec, _ := reg.StepSpec("perplexity")
		v := map[string]any{"lang": "en", "spm": "embed://sample/tokenizer.model", "cutoffs": "embed://sample/cutoffs.tsv"}
		for k, x := range values {
			v[k] = x
		}
		c, err := pipeline.NewConfig(spec, v)
		if err != nil {
			return nil, err
		}
		return reg.NewStep("perplexity", c, e)
	}
	texts := []string{prose, "the function matches with the zeta function.", "", strings.Repeat("a test of the model ", 50)}
	var want []float32
	for i, values := range []map[string]any{
		{"arpa": "o4.arpa.gz"},
		{"model": "o4.arpa.gz"},
		{"model": abs},
		{"model": "file://" + filepath.ToSlash(abs)},
		{"model": "rel/o4.bin"},
	} {
		s, err := mk(values)
		if err != nil {
			t.Fatalf("%v: %v", values, err)
		}
		p := s.(*Perplexity)
		if bin := p.scorer.LM.Format() != "ARPA"; bin != (i >= 2) {
			t.Errorf("%v: read as %s", values, p.scorer.LM.Format())
		}
		for j, text := range texts {
			d := pipeline.Doc{Lang: "en", Text: text}
			if _, err := s.Process(&d); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				want = append(want, d.Perplexity)
			} else if d.Perplexity != want[j] {
				t.Errorf("%v: text %d: pp %v, ARPA %v", values, j, d.Perplexity, want[j])
			}
		}
	}
	for _, c := range []struct {
		values map[string]any
		want   string
	}{
		{map[string]any{}, "model is required"},
		{map[string]any{"model": abs, "arpa": "o4.arpa.gz"}, "give one"},
		{map[string]any{"model": filepath.Join(tmp, "missing")}, "no such file"},
	} {
		if _, err := mk(c.values); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.values, err, c.want)
		}
	}
	// recipe check finds the model fields.
	spec, _ := reg.StepSpec("perplexity")
	c, _ := pipeline.NewConfig(spec, map[string]any{"lang": "en", "model": abs, "spm": "s", "cutoffs": "c"})
	if got := c.Files(spec); got["model"] != abs || got["spm"] != "s" || got["cutoffs"] != "c" || len(got) != 3 {
		t.Errorf("Files() = %v", got)
	}
}

func mustRead(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPerplexityCatalogueNames: model: ccnet:en (and the other catalogue
// names) resolve to the cache ($TOKENMILL_CACHE); a model not fetched yet
// is an error that gives the command that fetches it.
func TestPerplexityCatalogueNames(t *testing.T) {
	reg := pipeline.NewRegistry()
	Register(reg)
	cache := t.TempDir()
	t.Setenv("TOKENMILL_CACHE", cache)
	spec, _ := reg.StepSpec("perplexity")
	c, err := pipeline.NewConfig(spec, map[string]any{"lang": "en", "model": "ccnet:en", "spm": "embed://sample/tokenizer.model", "cutoffs": "ccnet-cutoffs"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.NewStep("perplexity", c, env()); err == nil || !strings.Contains(err.Error(), "tokenmill models fetch ccnet:en") {
		t.Fatalf("uncached: %v", err)
	}
	z, _ := os.Open("../testdata/o4.trie.bin.gz")
	defer z.Close()
	bin, _ := maybeGunzip(mustRead(t, z))
	os.MkdirAll(filepath.Join(cache, "models"), 0o755)
	os.WriteFile(filepath.Join(cache, "models", "ccnet-en.arpa.bin"), bin, 0o644)
	if _, err := reg.NewStep("perplexity", c, env()); err == nil || !strings.Contains(err.Error(), "tokenmill models fetch ccnet-cutoffs") {
		t.Fatalf("cutoffs uncached: %v", err)
	}
	os.WriteFile(filepath.Join(cache, "models", "ccnet-cutoff.csv"), []byte(",en,de\n30,100,200\n60,300,400\n"), 0o644)
	s, err := reg.NewStep("perplexity", c, env())
	if err != nil {
		t.Fatal(err)
	}
	p := s.(*Perplexity)
	if p.scorer.LM.Format() != "KenLM binary, trie" || p.cutoffs["en"].P30 != 100 || p.cutoffs["en"].P60 != 300 {
		t.Errorf("model %s cutoffs %v", p.scorer.LM.Format(), p.cutoffs)
	}
}
