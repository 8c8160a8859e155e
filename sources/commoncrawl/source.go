package commoncrawl

import (
	"context"
	"io"

	"github.com/tokenmill/tokenmill/pipeline"
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
	Name string
	Opts Options
}

// Register adds the commoncrawl format to r.
func Register(r *pipeline.Registry) {
	r.RegisterSource(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Source, error) {
		return &Source{Name: env.Source, Opts: Options{Source: env.Source, RepairUTF8: c.Bool("repair_utf8")}}, nil
	})
}

// Pattern is the file pattern of WET files in a folder.
func (s *Source) Pattern() []string { return []string{"*.warc.wet.gz", "*.wet.gz"} }

// Open starts reading one WET file.
func (s *Source) Open(ctx context.Context, in pipeline.Input, r io.ReadCloser, skip pipeline.SkipFunc) (pipeline.Reader, error) {
	return NewReader(ctx, in.URL, r, skip, s.Opts), nil
}
