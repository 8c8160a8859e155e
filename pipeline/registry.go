package pipeline

import (
	"fmt"
	"log/slog"
	"sort"

	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/pipeline/storage"
)

// Field types a component spec can declare.
const (
	TypeString  = "string"
	TypeStrings = "strings" // a YAML sequence of strings
	TypeInt     = "int"
	TypeFloat   = "float"
	TypeBool    = "bool"
)

// Field declares one option of a component. A field without a Default is
// required. Min and Max bound numbers; Enum lists the allowed strings.
type Field struct {
	Name    string
	Type    string
	Default any
	Doc     string
	Min     *float64
	Max     *float64
	Enum    []string
	// Check, when set, validates the value after its type is checked (a
	// language code the detector knows, a well-formed pattern).
	Check func(v any) error
	// File marks a string field that names a file the component reads (a
	// model, a word list): `tokenmill recipe check` makes sure it exists.
	File bool
}

// Bound returns a pointer to v, for Field.Min and Field.Max.
func Bound(v float64) *float64 { return &v }

// Spec describes a component: its name in recipes, what it does, its fields.
// The same spec drives recipe checking and `tokenmill recipe docs`.
type Spec struct {
	Name   string
	Doc    string
	Fields []Field
}

// Config holds a component's options after checking: every declared field is
// present, with its default where the recipe gave none, and of its type
// (string, []string, int64, float64 or bool).
type Config struct {
	values map[string]any
}

// NewConfig builds a Config from already-typed values, for tests and for
// programs that assemble steps without a recipe. Values not given take the
// spec's defaults.
func NewConfig(spec Spec, values map[string]any) (Config, error) {
	c := Config{values: map[string]any{}}
	for _, f := range spec.Fields {
		v, ok := values[f.Name]
		if !ok {
			if f.Default == nil {
				return c, fmt.Errorf("%s.%s: required", spec.Name, f.Name)
			}
			v = f.Default
		}
		nv, err := coerce(f, v)
		if err != nil {
			return c, fmt.Errorf("%s.%s: %w", spec.Name, f.Name, err)
		}
		c.values[f.Name] = nv
	}
	for k := range values {
		if spec.field(k) == nil {
			return c, fmt.Errorf("%s: unknown field %q", spec.Name, k)
		}
	}
	return c, nil
}

func (s Spec) field(name string) *Field {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i]
		}
	}
	return nil
}

// coerce turns v into the field's Go type and checks bounds and enums.
func coerce(f Field, v any) (any, error) {
	var out any
	switch f.Type {
	case TypeString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be a string")
		}
		if len(f.Enum) > 0 && !contains(f.Enum, s) {
			return nil, fmt.Errorf("must be one of %v, not %q", f.Enum, s)
		}
		out = s
	case TypeStrings:
		switch t := v.(type) {
		case []string:
			out = append([]string(nil), t...)
		case []any:
			ss := make([]string, len(t))
			for i, e := range t {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("must be a list of strings")
				}
				ss[i] = s
			}
			out = ss
		default:
			return nil, fmt.Errorf("must be a list of strings")
		}
	case TypeInt:
		switch t := v.(type) {
		case int:
			out = int64(t)
		case int64:
			out = t
		default:
			return nil, fmt.Errorf("must be an integer")
		}
		if err := bounds(f, float64(out.(int64))); err != nil {
			return nil, err
		}
	case TypeFloat:
		switch t := v.(type) {
		case int:
			out = float64(t)
		case int64:
			out = float64(t)
		case float64:
			out = t
		default:
			return nil, fmt.Errorf("must be a number")
		}
		if err := bounds(f, out.(float64)); err != nil {
			return nil, err
		}
	case TypeBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("must be true or false")
		}
		out = b
	default:
		return nil, fmt.Errorf("spec declares unknown type %q", f.Type)
	}
	if f.Check != nil {
		if err := f.Check(out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func bounds(f Field, x float64) error {
	if f.Min != nil && f.Max != nil && (x < *f.Min || x > *f.Max) {
		return fmt.Errorf("must be within [%g,%g]", *f.Min, *f.Max)
	}
	if f.Min != nil && x < *f.Min {
		return fmt.Errorf("must be at least %g", *f.Min)
	}
	if f.Max != nil && x > *f.Max {
		return fmt.Errorf("must be at most %g", *f.Max)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// String returns a string field. Asking for an undeclared field or the wrong
// type is a bug in the component and panics.
func (c Config) String(name string) string { return c.values[name].(string) }

// Strings returns a list field.
func (c Config) Strings(name string) []string { return c.values[name].([]string) }

// Int returns an integer field.
func (c Config) Int(name string) int64 { return c.values[name].(int64) }

// Float returns a number field.
func (c Config) Float(name string) float64 { return c.values[name].(float64) }

// Bool returns a boolean field.
func (c Config) Bool(name string) bool { return c.values[name].(bool) }

// Files returns the non-empty values of the spec's File fields, by field
// name, for checks that the files exist.
func (c Config) Files(spec Spec) map[string]string {
	out := map[string]string{}
	for _, f := range spec.Fields {
		if v, ok := c.values[f.Name].(string); ok && f.File && v != "" {
			out[f.Name] = v
		}
	}
	return out
}

// Env is what a component's constructor may use besides its options. There
// is no global state: loggers, randomness, clocks and scratch space come from
// here.
type Env struct {
	Logger *slog.Logger
	// Source is the name of the source whose chain the step belongs to.
	Source string
	// BaseURL is the source's base_url: what relative paths in an input
	// listing are joined to ("" means the listing's own folder).
	BaseURL string
	// TempDir is a scratch folder private to this build (spills, sorted runs).
	TempDir string
	// Workers is the number of worker goroutines of the build.
	Workers int
	// MemoryBytes is the memory the step may hold before spilling, 0 for its default.
	MemoryBytes int64
	// Seed is the recipe's seed. A component that samples derives its own
	// generator from it (a shared generator is not safe across goroutines
	// and would make results depend on scheduling).
	Seed int64
	// ReadFile reads a file the recipe names (a model, a word list): a local
	// path relative to the recipe, a file://, s3://, gs:// or embed:// URL.
	ReadFile func(ref string) ([]byte, error)
}

// StepFactory builds a step from its checked options.
type StepFactory func(c Config, env *Env) (Step, error)

// SourceFactory builds a source reader from its checked options.
type SourceFactory func(c Config, env *Env) (Source, error)

type stepEntry struct {
	spec Spec
	new  StepFactory
}

type sourceEntry struct {
	spec Spec
	new  SourceFactory
}

// Registry maps component names to specs and constructors. Build one
// explicitly (cmd/tokenmill builds the default); packages expose a
// Register(*Registry) function and never register from init.
type Registry struct {
	steps   map[string]stepEntry
	sources map[string]sourceEntry
	sink    SinkFactory
}

// SinkOptions say what a build's writer writes.
type SinkOptions struct {
	Docs, Tokens  bool
	RowGroupBytes int64
	// Tokenizer is the model that made the tokens, nil without tokens.
	Tokenizer *manifest.Tokenizer
	// Dropped also writes the dropped documents, with their reasons.
	Dropped bool
	// Tool and RecipeSHA256 are the version of the program and the digest
	// of the recipe, which every shard's metadata records.
	Tool, RecipeSHA256 string
}

// SinkFactory makes the writer of a build's shards under out.
type SinkFactory func(out *storage.Store, o SinkOptions) (Sink, error)

// RegisterSink sets the writer plans make their Sink with (one per
// registry: stages/parquet registers the shard writer).
func (r *Registry) RegisterSink(f SinkFactory) { r.sink = f }

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{steps: map[string]stepEntry{}, sources: map[string]sourceEntry{}}
}

// RegisterStep adds a step kind; registering a name twice panics (a bug).
func (r *Registry) RegisterStep(spec Spec, f StepFactory) {
	if _, dup := r.steps[spec.Name]; dup {
		panic("pipeline: step " + spec.Name + " registered twice")
	}
	r.steps[spec.Name] = stepEntry{spec, f}
}

// RegisterSource adds a source format.
func (r *Registry) RegisterSource(spec Spec, f SourceFactory) {
	if _, dup := r.sources[spec.Name]; dup {
		panic("pipeline: source " + spec.Name + " registered twice")
	}
	r.sources[spec.Name] = sourceEntry{spec, f}
}

// StepSpec returns a step kind's spec.
func (r *Registry) StepSpec(name string) (Spec, bool) {
	e, ok := r.steps[name]
	return e.spec, ok
}

// SourceSpec returns a source format's spec.
func (r *Registry) SourceSpec(name string) (Spec, bool) {
	e, ok := r.sources[name]
	return e.spec, ok
}

// NewStep builds a step of kind name.
func (r *Registry) NewStep(name string, c Config, env *Env) (Step, error) {
	e, ok := r.steps[name]
	if !ok {
		return nil, fmt.Errorf("unknown step %q", name)
	}
	return e.new(c, env)
}

// NewSource builds a source reader of format name.
func (r *Registry) NewSource(name string, c Config, env *Env) (Source, error) {
	e, ok := r.sources[name]
	if !ok {
		return nil, fmt.Errorf("unknown source format %q", name)
	}
	return e.new(c, env)
}

// StepNames lists the registered step kinds, sorted.
func (r *Registry) StepNames() []string {
	var out []string
	for k := range r.steps {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SourceNames lists the registered source formats, sorted.
func (r *Registry) SourceNames() []string {
	var out []string
	for k := range r.sources {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
