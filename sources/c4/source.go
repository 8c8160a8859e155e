package c4

import (
	"context"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/sources/inputs"
)

// Spec describes the c4 source format in recipes.
var Spec = pipeline.Spec{
	Name: "c4",
	Doc: "C4 as published (allenai/c4 en/: c4-train.NNNNN-of-01024.json.gz, c4-validation.NNNNN-of-00008.json.gz; " +
		"also .json and .json.zst): one JSON object per line with text, timestamp and url. Inputs are shard files, " +
		"globs, folders or listings; document IDs are <shard file>#L<line>.",
	Fields: []pipeline.Field{
		{Name: "max_line_bytes", Type: pipeline.TypeInt, Default: DefaultMaxLineBytes, Min: pipeline.Bound(1024),
			Doc: "Lines longer than this are skipped and counted (line-too-long); bounds the memory of one line."},
	},
}

// Patterns are the shard names a folder input picks up.
var Patterns = []string{"c4-*.json", "c4-*.json.gz", "c4-*.json.zst"}

// Suffixes are removed from input names (outputs are named after the shard
// without them: c4-train.00000-of-01024).
var Suffixes = []string{".gz", ".zst", ".json"}

// Source opens C4 shards; it implements pipeline.Source.
type Source struct {
	Opts    Options
	BaseURL string
}

// Register adds the c4 format to r.
func Register(r *pipeline.Registry) {
	r.RegisterSource(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Source, error) {
		return &Source{BaseURL: env.BaseURL,
			Opts: Options{Source: env.Source, MaxLineBytes: int(c.Int("max_line_bytes"))}}, nil
	})
}

// Inputs resolves shard files, globs, folders (the files matching Patterns)
// and listings (*.paths, *.paths.gz: one shard path a line); each shard is
// one input.
func (s *Source) Inputs(ctx context.Context, fs pipeline.Files, specs []string) ([]pipeline.Input, error) {
	return inputs.Resolve(ctx, fs, specs, inputs.Options{Patterns: Patterns, BaseURL: s.BaseURL, Suffixes: Suffixes})
}

// Open starts reading one shard.
func (s *Source) Open(ctx context.Context, fs pipeline.Files, in pipeline.Input, skip pipeline.SkipFunc) (pipeline.Reader, error) {
	r, err := fs.Open(ctx, in.URL)
	if err != nil {
		return nil, err
	}
	return NewReader(ctx, in.URL, r, skip, s.Opts), nil
}
