package arxiv

import (
	"context"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/inputs"
)

// Spec describes the arxiv source format in recipes.
var Spec = pipeline.Spec{
	Name: "arxiv",
	Doc: "arXiv bulk LaTeX sources (arXiv_src_YYMM_NNN.tar of per-paper .gz); each tar is one input; " +
		"each paper becomes its cleaned LaTeX (Lewkowycz et al. 2022, as LLaMA).",
	Fields: []pipeline.Field{
		{Name: "cut_appendix", Type: pipeline.TypeBool, Default: false,
			Doc: "remove everything from \\appendix on, as RedPajama did (LLaMA/Lewkowycz kept appendices)"},
		{Name: "max_paper_mb", Type: pipeline.TypeInt, Default: 256, Min: pipeline.Bound(1),
			Doc: "skip a paper whose source is larger than this, compressed or not (reason too-large)"},
	},
}

// Source opens arXiv source tars; it implements pipeline.Source.
type Source struct {
	Opts    Options
	BaseURL string
}

// Register adds the arxiv format to r.
func Register(r *pipeline.Registry) {
	r.RegisterSource(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Source, error) {
		return &Source{BaseURL: env.BaseURL, Opts: Options{Source: env.Source,
			MaxPaperBytes: c.Int("max_paper_mb") << 20,
			Clean:         CleanOptions{CutAppendix: c.Bool("cut_appendix")}}}, nil
	})
}

// Inputs resolves tars, globs, folders and listings; each tar is one input,
// named without ".tar". arXiv_src_manifest.xml, beside the tars, is not an
// input.
func (s *Source) Inputs(ctx context.Context, fs pipeline.Files, specs []string) ([]pipeline.Input, error) {
	return inputs.Resolve(ctx, fs, specs, inputs.Options{
		Patterns: []string{"*.tar"},
		BaseURL:  s.BaseURL,
		Suffixes: []string{".tar"},
	})
}

// Open starts reading one tar.
func (s *Source) Open(ctx context.Context, fs pipeline.Files, in pipeline.Input, skip pipeline.SkipFunc) (pipeline.Reader, error) {
	r, err := fs.Open(ctx, in.URL)
	if err != nil {
		return nil, err
	}
	return NewReader(ctx, in.URL, r, skip, s.Opts), nil
}
