package dedup

import (
	"context"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/pipeline"
)

// LineDedupSpec is the recipe spec of the "line_dedup" gatherer.
var LineDedupSpec = pipeline.Spec{
	Name: "line_dedup",
	Doc: "CCNet line dedup over the group of input shards: a line's key is SHA-1 of its " +
		"normalize_for_dedup form; lines found in two or more documents are removed " +
		"(all copies in remove-all, all but the first in keep-first), repeats inside a " +
		"document too; documents left under min_chars characters are dropped.",
	Fields: []pipeline.Field{
		{Name: "mode", Type: pipeline.TypeString, Default: string(RemoveAll),
			Enum: []string{string(RemoveAll), string(KeepFirst)},
			Doc:  "remove-all is CCNet's; keep-first keeps the first copy in input order."},
		{Name: "min_chars", Type: pipeline.TypeInt, Default: 300, Min: pipeline.Bound(0),
			Doc: "Drop documents shorter than this many characters after dedup (CCNet: 300)."},
		{Name: "memory_bytes", Type: pipeline.TypeInt, Default: 0, Min: pipeline.Bound(0),
			Doc: "Records held in memory before spilling sorted runs (0: the build's memory setting, else 1 GiB)."},
	},
}

// DocDedupSpec is the recipe spec of the "doc_dedup" gatherer.
var DocDedupSpec = pipeline.Spec{
	Name: "doc_dedup",
	Doc:  "Exact document dedup over the group of input shards on the SHA-1 of the text; the first copy in input order is kept.",
	Fields: []pipeline.Field{
		{Name: "memory_bytes", Type: pipeline.TypeInt, Default: 0, Min: pipeline.Bound(0),
			Doc: "Records held in memory before spilling (0: the build's memory setting, else 1 GiB)."},
	},
}

// Register adds line_dedup and doc_dedup to r.
func Register(r *pipeline.Registry) {
	r.RegisterStep(LineDedupSpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		l, err := NewLines(Options{Mode: Mode(c.String("mode")), MemoryBytes: memory(c, env), TempDir: env.TempDir})
		if err != nil {
			return nil, err
		}
		return &LineStep{Lines: l, MinChars: int(c.Int("min_chars"))}, nil
	})
	r.RegisterStep(DocDedupSpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		return &DocStep{Docs: NewDocs(Options{MemoryBytes: memory(c, env), TempDir: env.TempDir})}, nil
	})
}

func memory(c pipeline.Config, env *pipeline.Env) int64 {
	if m := c.Int("memory_bytes"); m > 0 {
		return m
	}
	if env != nil {
		return env.MemoryBytes
	}
	return 0
}

// LineStep is the line_dedup gatherer.
type LineStep struct {
	*Lines
	MinChars int
}

// Name implements pipeline.Step.
func (s *LineStep) Name() string { return "line_dedup" }

// Observe implements pipeline.Gatherer.
func (s *LineStep) Observe(shard int, d *pipeline.Doc) error {
	return s.Lines.Observe(shard, d.ID, d.Text)
}

// Seal implements pipeline.Gatherer.
func (s *LineStep) Seal(ctx context.Context) error { return s.Lines.Seal(ctx) }

// Process implements pipeline.Step: it removes the duplicated lines and
// drops the document, "line_dedup:short", when fewer than MinChars
// characters remain (or none at all).
func (s *LineStep) Process(d *pipeline.Doc) (string, error) {
	text, _, err := s.Lines.Dedup(d.ID, d.Text)
	if err != nil {
		return "", err
	}
	d.Text = text
	if text == "" || utf8.RuneCountInString(text) < s.MinChars {
		return "line_dedup:short", nil
	}
	return "", nil
}

// DocStep is the doc_dedup gatherer.
type DocStep struct{ *Docs }

// Name implements pipeline.Step.
func (s *DocStep) Name() string { return "doc_dedup" }

// Observe implements pipeline.Gatherer.
func (s *DocStep) Observe(shard int, d *pipeline.Doc) error {
	return s.Docs.Observe(shard, d.ID, d.Text)
}

// Seal implements pipeline.Gatherer.
func (s *DocStep) Seal(ctx context.Context) error { return s.Docs.Seal(ctx) }

// Process implements pipeline.Step: a later copy is dropped, "doc_dedup:duplicate".
func (s *DocStep) Process(d *pipeline.Doc) (string, error) {
	dup, err := s.Docs.Duplicate(d.ID, d.Text)
	if err != nil || !dup {
		return "", err
	}
	return "doc_dedup:duplicate", nil
}

var (
	_ pipeline.Gatherer      = (*LineStep)(nil)
	_ pipeline.Gatherer      = (*DocStep)(nil)
	_ pipeline.StatsReporter = (*LineStep)(nil)
	_ pipeline.Closer        = (*LineStep)(nil)
)
