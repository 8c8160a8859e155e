package pipeline

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Recipe is a checked build recipe: which sources to read, from where, and
// the chain of steps each goes through.
type Recipe struct {
	Path   string
	Digest string // SHA-256 of the recipe's bytes: a marker of "same recipe"
	Name   string
	Seed   int64
	// Tokenizer is the SentencePiece model the tokenize steps use, if any.
	Tokenizer string
	Output    OutputSpec
	Sources   []SourceSpec
}

// OutputSpec says which shards a build writes.
type OutputSpec struct {
	Docs   bool
	Tokens bool
	// Dropped writes the documents the chains drop, with the reason and
	// the steps' scores, under dropped/ (off by default).
	Dropped       bool
	RowGroupBytes int64
}

// SourceSpec is one source entry of a recipe.
type SourceSpec struct {
	Name    string
	Format  string
	Weight  float64
	Epochs  float64
	Inputs  []string
	BaseURL string
	Group   int
	Options Config
	Steps   []StepSpec
	Line    int
}

// StepSpec is one step of a source's chain.
type StepSpec struct {
	Kind   string
	Config Config
	Line   int
}

// RecipeError lists every problem found in a recipe, each with its position.
type RecipeError struct {
	Problems []string
}

func (e *RecipeError) Error() string { return strings.Join(e.Problems, "\n") }

type recipeParser struct {
	path string
	reg  *Registry
	errs []string
}

func (p *recipeParser) errorf(n *yaml.Node, where, format string, args ...any) {
	pos := p.path
	if n != nil {
		pos = fmt.Sprintf("%s:%d:%d", p.path, n.Line, n.Column)
	}
	p.errs = append(p.errs, fmt.Sprintf("%s: %s: %s", pos, where, fmt.Sprintf(format, args...)))
}

// ParseRecipe decodes and checks a recipe against the registry. All problems
// are reported together, as "file:line:col: field: problem".
func ParseRecipe(path string, data []byte, reg *Registry) (*Recipe, error) {
	p := &recipeParser{path: path, reg: reg}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &RecipeError{Problems: []string{fmt.Sprintf("%s: %v", path, err)}}
	}
	r := &Recipe{Path: path, Digest: Digest(data), Output: OutputSpec{Docs: true, Tokens: true}}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, &RecipeError{Problems: []string{path + ": a recipe is a mapping (name:, sources:, ...)"}}
	}
	root := doc.Content[0]
	p.mapping(root, "", map[string]func(*yaml.Node, string){
		"name": func(n *yaml.Node, w string) { r.Name = p.str(n, w) },
		"seed": func(n *yaml.Node, w string) { r.Seed = p.int(n, w) },
		"tokenizer": func(n *yaml.Node, w string) {
			p.mapping(n, w, map[string]func(*yaml.Node, string){
				"model": func(n *yaml.Node, w string) { r.Tokenizer = p.str(n, w) },
			})
		},
		"output": func(n *yaml.Node, w string) {
			p.mapping(n, w, map[string]func(*yaml.Node, string){
				"docs":    func(n *yaml.Node, w string) { r.Output.Docs = p.bool(n, w) },
				"tokens":  func(n *yaml.Node, w string) { r.Output.Tokens = p.bool(n, w) },
				"dropped": func(n *yaml.Node, w string) { r.Output.Dropped = p.bool(n, w) },
				"row_group_mb": func(n *yaml.Node, w string) {
					if v := p.int(n, w); v < 1 || v > 4096 {
						p.errorf(n, w, "must be within [1,4096]")
					} else {
						r.Output.RowGroupBytes = v << 20
					}
				},
			})
		},
		"sources": func(n *yaml.Node, w string) {
			if n.Kind != yaml.SequenceNode {
				p.errorf(n, w, "must be a list of sources")
				return
			}
			for i, sn := range n.Content {
				r.Sources = append(r.Sources, p.source(sn, fmt.Sprintf("%s[%d]", w, i)))
			}
		},
	})
	if len(r.Sources) == 0 && len(p.errs) == 0 {
		p.errorf(root, "sources", "required: at least one source")
	}
	names := map[string]bool{}
	var wsum float64
	for _, s := range r.Sources {
		if names[s.Name] && s.Name != "" {
			p.errs = append(p.errs, fmt.Sprintf("%s:%d: sources: %q appears twice", path, s.Line, s.Name))
		}
		names[s.Name] = true
		wsum += s.Weight
	}
	if wsum > 1.0001 {
		p.errorf(root, "sources", "weights add up to %.4f, more than 1", wsum)
	}
	if len(p.errs) > 0 {
		return nil, &RecipeError{Problems: p.errs}
	}
	return r, nil
}

func (p *recipeParser) source(n *yaml.Node, where string) SourceSpec {
	s := SourceSpec{Line: n.Line}
	var optsNode *yaml.Node
	p.mapping(n, where, map[string]func(*yaml.Node, string){
		"name":     func(n *yaml.Node, w string) { s.Name = p.str(n, w) },
		"format":   func(n *yaml.Node, w string) { s.Format = p.str(n, w) },
		"weight":   func(n *yaml.Node, w string) { s.Weight = p.float(n, w, 0, 1) },
		"epochs":   func(n *yaml.Node, w string) { s.Epochs = p.float(n, w, 0, 1000) },
		"inputs":   func(n *yaml.Node, w string) { s.Inputs = p.strs(n, w) },
		"base_url": func(n *yaml.Node, w string) { s.BaseURL = p.str(n, w) },
		"group": func(n *yaml.Node, w string) {
			if s.Group = int(p.int(n, w)); s.Group < 0 {
				p.errorf(n, w, "must be at least 0 (0: all inputs in one group)")
			}
		},
		"options": func(n *yaml.Node, w string) { optsNode = n },
		"steps": func(n *yaml.Node, w string) {
			if n.Kind != yaml.SequenceNode {
				p.errorf(n, w, "must be a list of steps")
				return
			}
			for i, sn := range n.Content {
				if st, ok := p.step(sn, fmt.Sprintf("%s[%d]", w, i)); ok {
					s.Steps = append(s.Steps, st)
				}
			}
		},
	})
	if s.Name == "" {
		p.errorf(n, where+".name", "required")
	}
	if s.Format == "" {
		s.Format = s.Name
	}
	w := where
	if s.Name != "" {
		w = "sources." + s.Name
	}
	spec, ok := p.reg.SourceSpec(s.Format)
	if !ok {
		p.errorf(n, w+".format", "unknown source format %q (known: %s)", s.Format, strings.Join(p.reg.SourceNames(), ", "))
		return s
	}
	s.Options = p.config(optsNode, n, w+".options", spec)
	return s
}

func (p *recipeParser) step(n *yaml.Node, where string) (StepSpec, bool) {
	var kind string
	var body *yaml.Node
	switch {
	case n.Kind == yaml.ScalarNode:
		kind = n.Value
	case n.Kind == yaml.MappingNode && len(n.Content) == 2:
		kind, body = n.Content[0].Value, n.Content[1]
	default:
		p.errorf(n, where, "a step is a name, or a mapping of one name to its options")
		return StepSpec{}, false
	}
	spec, ok := p.reg.StepSpec(kind)
	if !ok {
		p.errorf(n, where, "unknown step %q (known: %s)", kind, strings.Join(p.reg.StepNames(), ", "))
		return StepSpec{}, false
	}
	if body != nil && body.Kind == yaml.ScalarNode && body.Tag == "!!null" {
		body = nil
	}
	return StepSpec{Kind: kind, Config: p.config(body, n, where+"."+kind, spec), Line: n.Line}, true
}

// config checks a component's options mapping against its spec.
func (p *recipeParser) config(n, at *yaml.Node, where string, spec Spec) Config {
	c := Config{values: map[string]any{}}
	given := map[string]*yaml.Node{}
	if n != nil {
		if n.Kind != yaml.MappingNode {
			p.errorf(n, where, "must be a mapping of options")
			return c
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if spec.field(k.Value) == nil {
				var known []string
				for _, f := range spec.Fields {
					known = append(known, f.Name)
				}
				p.errorf(k, where+"."+k.Value, "unknown field (known: %s)", strings.Join(known, ", "))
				continue
			}
			given[k.Value] = v
		}
	}
	for _, f := range spec.Fields {
		v, ok := given[f.Name]
		var raw any
		if ok {
			var err error
			if raw, err = nodeValue(v); err != nil {
				p.errorf(v, where+"."+f.Name, "%v", err)
				continue
			}
		} else if f.Default == nil {
			if n != nil {
				at = n
			}
			p.errorf(at, where+"."+f.Name, "required")
			continue
		} else {
			raw = f.Default
		}
		val, err := coerce(f, raw)
		if err != nil {
			p.errorf(v, where+"."+f.Name, "%v", err)
			continue
		}
		c.values[f.Name] = val
	}
	return c
}

// nodeValue decodes a scalar or a sequence of scalars.
func nodeValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int":
			return strconv.ParseInt(n.Value, 0, 64)
		case "!!float":
			return strconv.ParseFloat(n.Value, 64)
		case "!!bool":
			return strconv.ParseBool(n.Value)
		case "!!null":
			return nil, fmt.Errorf("must have a value")
		}
		return n.Value, nil
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, e := range n.Content {
			v, err := nodeValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("must be a value or a list of values")
}

func (p *recipeParser) mapping(n *yaml.Node, where string, fields map[string]func(*yaml.Node, string)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, where, "must be a mapping")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		w := k.Value
		if where != "" {
			w = where + "." + k.Value
		}
		f, ok := fields[k.Value]
		if !ok {
			var known []string
			for name := range fields {
				known = append(known, name)
			}
			sort.Strings(known)
			p.errorf(k, w, "unknown key (known: %s)", strings.Join(known, ", "))
			continue
		}
		f(v, w)
	}
}

func (p *recipeParser) str(n *yaml.Node, w string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, w, "must be a string")
		return ""
	}
	return n.Value
}

func (p *recipeParser) strs(n *yaml.Node, w string) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, w, "must be a list of strings")
		return nil
	}
	var out []string
	for _, e := range n.Content {
		out = append(out, p.str(e, w))
	}
	return out
}

func (p *recipeParser) int(n *yaml.Node, w string) int64 {
	v, err := strconv.ParseInt(n.Value, 0, 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.errorf(n, w, "must be an integer")
	}
	return v
}

func (p *recipeParser) float(n *yaml.Node, w string, lo, hi float64) float64 {
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.errorf(n, w, "must be a number")
		return 0
	}
	if v < lo || v > hi {
		p.errorf(n, w, "must be within [%g,%g]", lo, hi)
	}
	return v
}

func (p *recipeParser) bool(n *yaml.Node, w string) bool {
	v, err := strconv.ParseBool(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.errorf(n, w, "must be true or false")
	}
	return v
}
