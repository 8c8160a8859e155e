package commoncrawl

import (
	"context"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/inputs"
)

// Spec describes the commoncrawl source format in recipes.
var Spec = pipeline.Spec{
	Name: "commoncrawl",
	Doc:  "CommonCrawl WET files (WARC conversion records); inputs are *.warc.wet.gz files, globs, folders or a wet.paths.gz listing.",
	Fields: []pipeline.Field{
		{Name: "repair_utf8", Type: pipeline.TypeBool, Default: true,
			Doc: "replace invalid UTF-8 with U+FFFD and count the record, instead of skipping it"},
	},
}

// Source opens WET files; it implements pipeline.Source.
type Source struct {
	Name    string
	Opts    Options
	BaseURL string
}

// Register adds the commoncrawl format to r.
func Register(r *pipeline.Registry) {
	r.RegisterSource(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Source, error) {
		return &Source{Name: env.Source, BaseURL: env.BaseURL,
			Opts: Options{Source: env.Source, RepairUTF8: c.Bool("repair_utf8")}}, nil
	})
}

// inputOptions: WET files in folders, wet.paths.gz listings, and names
// without ".warc.wet.gz".
func (s *Source) inputOptions() inputs.Options {
	return inputs.Options{
		Patterns: []string{"*.warc.wet.gz", "*.wet.gz"},
		BaseURL:  s.BaseURL,
		Suffixes: []string{".gz", ".wet", ".warc"},
	}
}

// Inputs resolves WET files, globs, folders and wet.paths.gz listings; each
// file is one input, keyed by its crawl (Dump) so that cross-document steps
// never see two dumps at once.
func (s *Source) Inputs(ctx context.Context, fs pipeline.Files, specs []string) ([]pipeline.Input, error) {
	ins, err := inputs.Resolve(ctx, fs, specs, s.inputOptions())
	for i := range ins {
		ins[i].Group = Dump(ins[i].URL)
	}
	return ins, err
}

// Open starts reading one WET file.
func (s *Source) Open(ctx context.Context, fs pipeline.Files, in pipeline.Input, skip pipeline.SkipFunc) (pipeline.Reader, error) {
	r, err := fs.Open(ctx, in.URL)
	if err != nil {
		return nil, err
	}
	return NewReader(ctx, in.URL, r, skip, s.Opts), nil
}
