package kenlmstep

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/tokenmill/tokenmill/filters/kenlm"
	"github.com/tokenmill/tokenmill/filters/models"
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
		{Name: "model", Type: pipeline.TypeString, Default: "", File: true,
			Doc: "n-gram model: ARPA, gzipped ARPA or KenLM binary (build_binary, as CCNet's {lang}.arpa.bin), told apart by content; an absolute path is memory-mapped; ccnet:LANG names CCNet's model in the cache (tokenmill models fetch)"},
		{Name: "arpa", Type: pipeline.TypeString, Default: "", File: true, Doc: "the same as model (its older name)"},
		{Name: "spm", Type: pipeline.TypeString, File: true, Doc: "SentencePiece model giving the LM's pieces (ccnet-sp:LANG: CCNet's, from the cache)"},
		{Name: "cutoffs", Type: pipeline.TypeString, File: true, Doc: "cutoff table (tokenmill lm cutoffs): lang, p30, p60; or CCNet's cutoff.csv (ccnet-cutoffs, from the cache)"},
		{Name: "head_percentile", Type: pipeline.TypeInt, Default: 30, Min: pipeline.Bound(0), Max: pipeline.Bound(100),
			Doc: "percentile below which a document is head (CCNet: 30); other than 30 needs CCNet's cutoff.csv, which holds every percentile"},
		{Name: "tail_percentile", Type: pipeline.TypeInt, Default: 60, Min: pipeline.Bound(0), Max: pipeline.Bound(100),
			Doc: "percentile from which a document is tail (CCNet: 60)"},
		{Name: "drop", Type: pipeline.TypeStrings, Default: []string{"tail"}, Doc: "buckets to drop"},
		{Name: "per_line", Type: pipeline.TypeBool, Default: false,
			Doc: "score each line as a sentence instead of the whole document (CCNet's normalizer deletes newlines, so its default is the whole document)"},
	},
}

// Register adds the perplexity step to r.
func Register(r *pipeline.Registry) {
	r.RegisterStep(PerplexitySpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		read := func(field string) ([]byte, error) {
			ref, err := resolveRef(c.String(field))
			if err != nil {
				return nil, fmt.Errorf("perplexity.%s: %w", field, err)
			}
			b, err := env.ReadFile(ref)
			if err != nil {
				return nil, fmt.Errorf("perplexity.%s: %w", field, err)
			}
			return maybeGunzip(b)
		}
		field, ref := "model", c.String("model")
		switch arpa := c.String("arpa"); {
		case ref != "" && arpa != "":
			return nil, fmt.Errorf("perplexity: model and arpa name the same thing: give one")
		case ref == "" && arpa == "":
			return nil, fmt.Errorf("perplexity: model is required")
		case ref == "":
			field, ref = "arpa", arpa
		}
		lm, err := loadModel(env, ref)
		if err != nil {
			return nil, fmt.Errorf("perplexity.%s %s: %w", field, ref, err)
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
		cut, err := kenlm.ReadCutoffsAt(bytes.NewReader(cb), int(c.Int("head_percentile")), int(c.Int("tail_percentile")))
		if err != nil {
			return nil, fmt.Errorf("perplexity.cutoffs %s: %w", c.String("cutoffs"), err)
		}
		return NewPerplexity(c.String("lang"), lm, enc, cut, c.Strings("drop"), c.Bool("per_line"))
	})
}

// loadModel opens the n-gram model ref names. An absolute local path or a
// file:// URL is loaded with kenlm.Load, which memory-maps a KenLM binary
// file (a CCNet model is gigabytes: mapping shares the page cache between
// processes and costs no load time). Other references (relative to the
// recipe, embed://, s3://, ...) are read whole through env.ReadFile, whose
// resolution of relative paths the step does not know.
func loadModel(env *pipeline.Env, ref string) (*kenlm.Model, error) {
	ref, err := resolveRef(ref)
	if err != nil {
		return nil, err
	}
	if p, ok := localPath(ref); ok {
		return kenlm.Load(p)
	}
	b, err := env.ReadFile(ref)
	if err != nil {
		return nil, err
	}
	return kenlm.Parse(b)
}

// resolveRef turns a name of the model catalogue ("ccnet:en",
// "ccnet-sp:en", "ccnet-cutoffs") into its file in the cache
// ($TOKENMILL_CACHE); an uncached model is an error that says how to fetch
// it. Other references are returned as they are.
func resolveRef(ref string) (string, error) {
	if !models.IsName(ref) {
		return ref, nil
	}
	m, err := models.Lookup(ref)
	if err != nil {
		return "", err
	}
	c, err := models.NewCache()
	if err != nil {
		return "", err
	}
	return c.Resolve(m)
}

// localPath returns the file a reference names when it is an absolute local
// path or a file:// URL.
func localPath(ref string) (string, bool) {
	if u, err := url.Parse(ref); err == nil && u.Scheme == "file" && u.Host == "" && u.Path != "" {
		return filepath.FromSlash(u.Path), true
	}
	if !strings.Contains(ref, "://") && filepath.IsAbs(ref) {
		return ref, true
	}
	return "", false
}

// maybeGunzip inflates a gzip file and returns anything else as it is, so
// a recipe may name lm.arpa or lm.arpa.gz.
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

// Perplexity is the perplexity step: the engine's DocScorer (CCNet's
// normalizer, the SentencePiece model, the n-gram LM) and its cutoff table;
// the step only decides what to keep.
type Perplexity struct {
	lang    string
	scorer  *kenlm.DocScorer
	cutoffs kenlm.Cutoffs
	drop    map[string]string // bucket → reason
}

// NewPerplexity returns the step for documents of lang.
func NewPerplexity(lang string, lm *kenlm.Model, enc *tokenize.Model, cut kenlm.Cutoffs, drop []string, perLine bool) (*Perplexity, error) {
	if _, ok := cut[lang]; !ok {
		return nil, fmt.Errorf("perplexity: the cutoff table has no entry for %q", lang)
	}
	p := &Perplexity{lang: lang, cutoffs: cut, drop: map[string]string{},
		scorer: &kenlm.DocScorer{LM: lm, Normalize: normalize.Normalize, AppendNormalize: normalize.AppendNormalize,
			Encoder: enc, PerLine: perLine}}
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
	pp := p.scorer.Score(d.Text).Perplexity
	d.Perplexity = float32(pp)
	d.Bucket = p.cutoffs.Bucket(p.lang, pp)
	return p.drop[d.Bucket], nil
}
