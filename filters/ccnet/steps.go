package ccnet

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/tokenmill/tokenmill/filters/perplexity"
	"github.com/tokenmill/tokenmill/filters/wikiref"
	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/stages/normalize"
	"github.com/tokenmill/tokenmill/tokenize"
)

// PerplexitySpec is the "perplexity" step's recipe spec.
var PerplexitySpec = pipeline.Spec{
	Name: "perplexity",
	Doc: "CCNet document perplexity: normalize, SentencePiece pieces, n-gram LM with <s>/</s>, " +
		"pp = 10^(-Σlog10 p / Σ(pieces+1)) rounded to 0.1; sets perplexity and bucket (head < p30 ≤ middle < p60 ≤ tail) " +
		"and drops the buckets listed in drop. Documents in other languages than lang pass unscored.",
	Fields: []pipeline.Field{
		{Name: "lang", Type: pipeline.TypeString, Doc: "language the model is for (ISO 639-1); \"\" scores every document"},
		{Name: "arpa", Type: pipeline.TypeString, Doc: "n-gram model, ARPA (optionally .gz)"},
		{Name: "spm", Type: pipeline.TypeString, Doc: "SentencePiece model giving the LM's pieces"},
		{Name: "cutoffs", Type: pipeline.TypeString, Doc: "cutoff table (tokenmill lm cutoffs): lang, p30, p60"},
		{Name: "drop", Type: pipeline.TypeStrings, Default: []string{"tail"}, Doc: "buckets to drop"},
		{Name: "per_line", Type: pipeline.TypeBool, Default: false,
			Doc: "score each line as a sentence instead of the whole document (CCNet's normalizer deletes newlines, so its default is the whole document)"},
	},
}

// WikirefSpec is the "wikiref" step's recipe spec.
var WikirefSpec = pipeline.Spec{
	Name: "wikiref",
	Doc:  "Linear (fastText) classifier of Wikipedia-reference-like pages: sets quality = p(label) on the text with lines joined by spaces, drops documents under threshold.",
	Fields: []pipeline.Field{
		{Name: "model", Type: pipeline.TypeString, Doc: "fastText supervised model (.bin or .ftz)"},
		{Name: "label", Type: pipeline.TypeString, Default: "__label__wiki", Doc: "the positive label"},
		{Name: "threshold", Type: pipeline.TypeFloat, Default: 0.25, Min: pipeline.Bound(0), Max: pipeline.Bound(1),
			Doc: "minimum p(label) (LLaMA/RedPajama: 0.25)"},
	},
}

// Register adds the perplexity, wikiref and fasttext_langid steps to r.
func Register(r *pipeline.Registry) {
	registerFastTextLangID(r)
	r.RegisterStep(PerplexitySpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		read := func(field string) ([]byte, error) {
			b, err := env.ReadFile(c.String(field))
			if err != nil {
				return nil, fmt.Errorf("perplexity.%s: %w", field, err)
			}
			return maybeGunzip(b)
		}
		arpa, err := read("arpa")
		if err != nil {
			return nil, err
		}
		lm, err := perplexity.ReadARPA(bytes.NewReader(arpa))
		if err != nil {
			return nil, fmt.Errorf("perplexity.arpa %s: %w", c.String("arpa"), err)
		}
		spm, err := read("spm")
		if err != nil {
			return nil, err
		}
		enc, err := tokenize.Parse(spm)
		if err != nil {
			return nil, fmt.Errorf("perplexity.spm %s: %w", c.String("spm"), err)
		}
		cb, err := read("cutoffs")
		if err != nil {
			return nil, err
		}
		cut, err := perplexity.ReadCutoffs(bytes.NewReader(cb))
		if err != nil {
			return nil, fmt.Errorf("perplexity.cutoffs %s: %w", c.String("cutoffs"), err)
		}
		return NewPerplexity(c.String("lang"), lm, enc, cut, c.Strings("drop"), c.Bool("per_line"))
	})
	r.RegisterStep(WikirefSpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		b, err := env.ReadFile(c.String("model"))
		if err != nil {
			return nil, fmt.Errorf("wikiref.model: %w", err)
		}
		m, err := wikiref.Read(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("wikiref.model %s: %w", c.String("model"), err)
		}
		return NewWikiref(m, c.String("label"), c.Float("threshold"))
	})
}

func maybeGunzip(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b, nil
	}
	z, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}

// Perplexity is the perplexity step.
type Perplexity struct {
	lang    string
	scorer  *perplexity.DocScorer
	cutoffs perplexity.Cutoffs
	drop    map[string]string // bucket → reason

	// The fast path scores token ids without making piece strings: wordOf
	// maps a tokenizer id to the LM's word (its <unk> where the LM lacks
	// the piece); slowID marks ids it cannot take (the unknown piece, whose
	// text depends on the input, and pieces KenLM would split on
	// whitespace), for which the step uses the scorer.
	lm      *perplexity.Model
	enc     *tokenize.Model
	wordOf  []uint32
	slowID  []bool
	eos     uint32
	perLine bool
	scratch sync.Pool
}

type pplScratch struct {
	norm []byte
	ids  []int32
}

// NewPerplexity returns the step for documents of lang.
func NewPerplexity(lang string, lm *perplexity.Model, enc *tokenize.Model, cut perplexity.Cutoffs, drop []string, perLine bool) (*Perplexity, error) {
	if _, ok := cut[lang]; !ok {
		return nil, fmt.Errorf("perplexity: the cutoff table has no entry for %q", lang)
	}
	p := &Perplexity{lang: lang, cutoffs: cut, drop: map[string]string{},
		scorer: &perplexity.DocScorer{LM: lm, Normalize: normalize.Normalize, Encoder: enc, PerLine: perLine},
		lm:     lm, enc: enc, perLine: perLine}
	p.wordOf = make([]uint32, enc.VocabSize())
	p.slowID = make([]bool, enc.VocabSize())
	for id := range p.wordOf {
		piece := enc.IDToPiece(int32(id))
		p.wordOf[id], _ = lm.Index(piece)
		p.slowID[id] = int32(id) == enc.UnkID() || piece == "" || strings.ContainsAny(piece, " \t\n\v\f\r")
	}
	p.eos, _ = lm.Index("</s>")
	for _, b := range drop {
		switch b {
		case "head", "middle", "tail":
			p.drop[b] = "perplexity:bucket=" + b
		default:
			return nil, fmt.Errorf("perplexity.drop: unknown bucket %q (head, middle, tail)", b)
		}
	}
	return p, nil
}

// Name implements pipeline.Step.
func (p *Perplexity) Name() string { return "perplexity" }

// Process implements pipeline.Step.
func (p *Perplexity) Process(d *pipeline.Doc) (string, error) {
	if p.lang != "" && d.Lang != p.lang {
		return "", nil
	}
	pp, ok := p.fast(d.Text)
	if !ok {
		pp = p.scorer.Score(d.Text).Perplexity
	}
	d.Perplexity = float32(pp)
	d.Bucket = p.cutoffs.Bucket(p.lang, pp)
	return p.drop[d.Bucket], nil
}

// fast is DocScorer.Score(text).Perplexity for the whole-document mode on
// ids; ok is false where it cannot answer exactly.
func (p *Perplexity) fast(text string) (float64, bool) {
	if p.perLine {
		return 0, false
	}
	sc, _ := p.scratch.Get().(*pplScratch)
	if sc == nil {
		sc = &pplScratch{}
	}
	defer p.scratch.Put(sc)
	sc.norm = normalize.AppendNormalize(sc.norm[:0], text)
	sc.ids = p.enc.AppendEncode(sc.ids[:0], sc.norm)
	var st [2]perplexity.State
	st[0] = p.lm.BeginSentence()
	cur := 0
	var lp float64
	for _, id := range sc.ids {
		if p.slowID[id] {
			return 0, false
		}
		lp += float64(p.lm.ScoreWord(&st[cur], p.wordOf[id], &st[1-cur]))
		cur = 1 - cur
	}
	lp += float64(p.lm.ScoreWord(&st[cur], p.eos, &st[1-cur]))
	return perplexity.DocPerplexity(lp, len(sc.ids)), true
}

// Wikiref is the wikiref step.
type Wikiref struct {
	m         *wikiref.Model
	label     string
	threshold float64
	reason    string
}

// NewWikiref returns the step.
func NewWikiref(m *wikiref.Model, label string, threshold float64) (*Wikiref, error) {
	found := false
	for _, l := range m.Labels() {
		found = found || l == label
	}
	if !found {
		return nil, fmt.Errorf("wikiref: the model has no label %q (it has %s)", label, strings.Join(m.Labels(), ", "))
	}
	return &Wikiref{m: m, label: label, threshold: threshold, reason: fmt.Sprintf("wikiref:p<%g", threshold)}, nil
}

// Name implements pipeline.Step.
func (w *Wikiref) Name() string { return "wikiref" }

// Process implements pipeline.Step.
func (w *Wikiref) Process(d *pipeline.Doc) (string, error) {
	p, ok := w.m.DocProb(d.Text, w.label)
	if !ok {
		p = 0
	}
	d.Quality = p
	if float64(p) < w.threshold || math.IsNaN(float64(p)) {
		return w.reason, nil
	}
	return "", nil
}
