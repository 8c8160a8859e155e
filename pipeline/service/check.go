package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tokenmill/tokenmill/pipeline"
)

// plan is what the server learns from checking a request: the recipe's
// digest (the task markers carry it) and the inputs each selected source
// resolves to.
type plan struct {
	digest  string
	sources []string
	totals  map[string]int
}

// checkRequest parses the recipe, confines every location the request and
// the recipe name, and resolves the selected sources' inputs through a
// confined view of storage.
func (s *Server) checkRequest(ctx context.Context, req *BuildRequest, data []byte, recipeDir string) (*plan, error) {
	rec, err := pipeline.ParseRecipe("recipe", data, s.cfg.Registry)
	if err != nil {
		return nil, badRequest(err)
	}
	known := map[string]bool{}
	for _, src := range rec.Sources {
		known[src.Name] = true
	}
	for _, o := range req.Only {
		if !known[o] {
			return nil, badRequest(fmt.Errorf("only: the recipe has no source %q", o))
		}
	}
	for n, ins := range req.Inputs {
		if !known[n] {
			return nil, badRequest(fmt.Errorf("inputs: the recipe has no source %q", n))
		}
		if len(ins) == 0 {
			return nil, badRequest(fmt.Errorf("inputs.%s: empty list", n))
		}
		for _, in := range ins {
			if err := s.conf.Check(in); err != nil {
				return nil, forbidden(fmt.Errorf("inputs.%s: %w", n, err))
			}
		}
	}
	if req.Output == "" {
		return nil, badRequest(fmt.Errorf("output: required"))
	}
	if err := s.conf.Check(req.Output); err != nil {
		return nil, forbidden(fmt.Errorf("output: %w", err))
	}
	if strings.HasPrefix(req.Output, "http://") || strings.HasPrefix(req.Output, "https://") {
		return nil, forbidden(fmt.Errorf("output: %w: %q: http(s) is read-only", ErrConfined, req.Output))
	}
	selected := func(name string) bool { return len(req.Only) == 0 || slices.Contains(req.Only, name) }
	if err := s.checkRecipeValues(data, recipeDir, req, selected); err != nil {
		return nil, err
	}

	p := &plan{digest: rec.Digest, totals: map[string]int{}}
	files := &confinedFiles{inner: pipeline.NewStores(), conf: s.conf}
	defer files.inner.Close()
	tmp, err := os.MkdirTemp("", "tokenmill-serve-check-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, src := range rec.Sources {
		if !selected(src.Name) {
			continue
		}
		env := &pipeline.Env{Logger: quiet, Source: src.Name, BaseURL: src.BaseURL, TempDir: tmp, Workers: 1, Seed: rec.Seed,
			ReadFile: func(ref string) ([]byte, error) {
				if badSegments(ref) {
					return nil, fmt.Errorf("%w: %q has a . or .. segment", ErrConfined, ref)
				}
				ref = recipeRef(ref, recipeDir)
				if err := s.conf.Check(ref); err != nil {
					return nil, err
				}
				return files.inner.ReadFile(ctx, ref)
			}}
		reader, err := s.cfg.Registry.NewSource(src.Format, src.Options, env)
		if err != nil {
			return nil, badRequest(fmt.Errorf("source %s: %w", src.Name, err))
		}
		var specs []string
		for _, in := range src.Inputs {
			specs = append(specs, recipeRef(in, recipeDir))
		}
		if o, ok := req.Inputs[src.Name]; ok {
			specs = o
		}
		ins, err := reader.Inputs(ctx, files, specs)
		if err != nil {
			if isConfined(err) {
				return nil, forbidden(fmt.Errorf("source %s: %w", src.Name, err))
			}
			return nil, badRequest(fmt.Errorf("source %s: inputs: %w", src.Name, err))
		}
		for _, in := range ins {
			if err := s.conf.Check(in.URL); err != nil {
				return nil, forbidden(fmt.Errorf("source %s: input %s: %w", src.Name, in.Name, err))
			}
		}
		p.sources = append(p.sources, src.Name)
		p.totals[src.Name] = len(ins)
	}
	if len(p.sources) == 0 {
		return nil, badRequest(fmt.Errorf("nothing to build"))
	}
	return p, nil
}

// checkRecipeValues confines every value of the recipe that could name a
// file: the tokenizer model, the selected sources' inputs (unless the
// request replaces them) and every string option of their sources and
// steps. The recipe's spec fields do not say which strings are paths, so
// any URL, any value with a separator and any bare name that exists next to
// the recipe is taken for one. base_url is left to the inputs it resolves.
func (s *Server) checkRecipeValues(data []byte, recipeDir string, req *BuildRequest, selected func(string) bool) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return badRequest(fmt.Errorf("recipe: %v", err))
	}
	root := doc.Content[0]
	var problems []string
	check := func(where string, n *yaml.Node) {
		walkStrings(n, func(v string) {
			if badSegments(v) {
				// Refused before joining: filepath.Join would clean it away.
				problems = append(problems, fmt.Sprintf("recipe %s: %q has a . or .. segment", where, v))
				return
			}
			if !fileLike(v, recipeDir) {
				return
			}
			if err := s.conf.Check(recipeRef(v, recipeDir)); err != nil {
				problems = append(problems, fmt.Sprintf("recipe %s: %v", where, err))
			}
		})
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i].Value, root.Content[i+1]
		switch k {
		case "tokenizer":
			check("tokenizer", v)
		case "sources":
			for _, sn := range v.Content {
				name := mapValue(sn, "name")
				if name == nil || !selected(name.Value) {
					continue
				}
				for j := 0; j+1 < len(sn.Content); j += 2 {
					key, val := sn.Content[j].Value, sn.Content[j+1]
					switch key {
					case "inputs":
						if _, ok := req.Inputs[name.Value]; !ok {
							check("sources."+name.Value+".inputs", val)
						}
					case "options", "steps":
						check("sources."+name.Value+"."+key, val)
					}
				}
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return forbidden(errors.New(strings.Join(problems, "; ")))
	}
	return nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// walkStrings calls fn with every string scalar below n (mapping values,
// sequence items; not mapping keys).
func walkStrings(n *yaml.Node, fn func(string)) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!str" || n.Tag == "" {
			fn(n.Value)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			walkStrings(c, fn)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkStrings(n.Content[i+1], fn)
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			walkStrings(n.Alias, fn)
		}
	}
}

// confinedFiles is the storage the check resolves inputs through: a source
// listing a folder or reading a listing file gets only what lies inside the
// allowed locations.
type confinedFiles struct {
	inner *pipeline.Stores
	conf  *Confiner
}

func (f *confinedFiles) Open(ctx context.Context, u string) (io.ReadCloser, error) {
	if err := f.conf.Check(u); err != nil {
		return nil, err
	}
	return f.inner.Open(ctx, u)
}

func (f *confinedFiles) OpenRange(ctx context.Context, u string, off, n int64) (io.ReadCloser, error) {
	if err := f.conf.Check(u); err != nil {
		return nil, err
	}
	return f.inner.OpenRange(ctx, u, off, n)
}

func (f *confinedFiles) Stat(ctx context.Context, u string) (pipeline.FileInfo, error) {
	if err := f.conf.Check(u); err != nil {
		return pipeline.FileInfo{}, err
	}
	return f.inner.Stat(ctx, u)
}

func (f *confinedFiles) List(ctx context.Context, u string) ([]pipeline.FileInfo, error) {
	if err := f.conf.Check(u); err != nil {
		return nil, err
	}
	return f.inner.List(ctx, u)
}

// recipeFolder is the folder a recipe's relative paths are joined to.
func recipeFolder(file string) string {
	if file == "" {
		// The embedded recipe: build joins its relative paths to the
		// working folder.
		if wd, err := os.Getwd(); err == nil {
			return wd
		}
		return "."
	}
	return filepath.Dir(file)
}
