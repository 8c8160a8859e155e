package dedup

import (
	"context"
	"strconv"
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
		{Name: "key", Type: pipeline.TypeString, Default: "text", Enum: []string{"text", "blob"},
			Doc: "text: the SHA-1 of the text; blob: the document's \"blob\" metadata, a git blob id the github source checked against the text (the same equality, without hashing every file again)"},
		{Name: "memory_bytes", Type: pipeline.TypeInt, Default: 0, Min: pipeline.Bound(0),
			Doc: "Records held in memory before spilling (0: the build's memory setting, else 1 GiB)."},
	},
}

// MinLengthSpec is the recipe spec of the "min_length" step.
var MinLengthSpec = pipeline.Spec{
	Name: "min_length",
	Doc:  "Drops documents shorter than min_chars characters (Unicode code points, as Python's len).",
	Fields: []pipeline.Field{
		{Name: "min_chars", Type: pipeline.TypeInt, Default: 300, Min: pipeline.Bound(0),
			Doc: "Minimum length in characters (CCNet: 300)."},
	},
}

// Register adds line_dedup, doc_dedup and min_length to r.
func Register(r *pipeline.Registry) {
	r.RegisterStep(LineDedupSpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		l, err := NewLines(Options{Mode: Mode(c.String("mode")), MemoryBytes: memory(c, env), TempDir: env.TempDir})
		if err != nil {
			return nil, err
		}
		return &LineStep{Lines: l, MinChars: int(c.Int("min_chars"))}, nil
	})
	r.RegisterStep(DocDedupSpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		return &DocStep{Docs: NewDocs(Options{MemoryBytes: memory(c, env), TempDir: env.TempDir}), Blob: c.String("key") == "blob"}, nil
	})
	r.RegisterStep(MinLengthSpec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		return MinLength(c.Int("min_chars")), nil
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
type DocStep struct {
	*Docs
	// Blob keys documents by their "blob" metadata (see BlobKey).
	Blob bool
}

// BlobKey is the key of a document by its git blob id (40 hex digits: the
// first 8 bytes), or of its text when it has none.
func BlobKey(d *pipeline.Doc) uint64 {
	if b := d.Meta["blob"]; len(b) >= 16 {
		if k, err := strconv.ParseUint(b[:16], 16, 64); err == nil {
			return k
		}
	}
	return TextKey(d.Text)
}

func (s *DocStep) key(d *pipeline.Doc) uint64 {
	if s.Blob {
		return BlobKey(d)
	}
	return TextKey(d.Text)
}

// Name implements pipeline.Step.
func (s *DocStep) Name() string { return "doc_dedup" }

// Observe implements pipeline.Gatherer.
func (s *DocStep) Observe(shard int, d *pipeline.Doc) error {
	return s.Docs.ObserveKey(shard, d.ID, s.key(d))
}

// Seal implements pipeline.Gatherer.
func (s *DocStep) Seal(ctx context.Context) error { return s.Docs.Seal(ctx) }

// Process implements pipeline.Step: a later copy is dropped, "doc_dedup:duplicate".
func (s *DocStep) Process(d *pipeline.Doc) (string, error) {
	dup, err := s.Docs.DuplicateKey(d.ID, s.key(d))
	if err != nil || !dup {
		return "", err
	}
	return "doc_dedup:duplicate", nil
}

// MinLength drops documents under a number of characters.
type MinLength int

// Name implements pipeline.Step.
func (m MinLength) Name() string { return "min_length" }

// Process implements pipeline.Step.
func (m MinLength) Process(d *pipeline.Doc) (string, error) {
	if len(d.Text) < int(m) || utf8.RuneCountInString(d.Text) < int(m) {
		return "min_length:short", nil
	}
	return "", nil
}

var (
	_ pipeline.Gatherer      = (*LineStep)(nil)
	_ pipeline.Gatherer      = (*DocStep)(nil)
	_ pipeline.StatsReporter = (*LineStep)(nil)
	_ pipeline.Closer        = (*LineStep)(nil)
)
