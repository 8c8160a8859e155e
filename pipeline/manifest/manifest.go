package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"sort"
)

// FormatVersion is the version of the manifest layout this package writes.
const FormatVersion = 1

// Manifest is the content of manifest.json. Paths inside it are relative to
// the folder holding the manifest, with forward slashes.
type Manifest struct {
	Format int `json:"format"`
	// Version counts builds into the same output: incremental ingestion writes
	// version N+1 listing the old shards plus the new ones.
	Version      int    `json:"version"`
	RecipeSHA256 string `json:"recipe_sha256"`
	// Tool is the version of tokenmill that wrote the manifest (release or
	// module version, VCS commit, Go toolchain).
	Tool      string     `json:"tool,omitempty"`
	Tokenizer *Tokenizer `json:"tokenizer,omitempty"`
	// Models are the catalogue models the recipe named (by name), with the
	// URL and SHA-256 of the file the build used.
	Models  []Model  `json:"models,omitempty"`
	Sources []Source `json:"sources"`
	Totals  Totals   `json:"totals"`
}

// Model is a catalogue model a build used.
type Model struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	SHA256 string `json:"sha256"`
}

// TokenizerFile is where a build copies its tokenizer model, relative to the
// manifest: an output folder holds the model its token ids need.
const TokenizerFile = "tokenizer.model"

// Tokenizer records the model that produced the token shards. Token shards
// hold no BOS or EOS: a reader adds them between documents (BOS and EOS say
// which ids; -1 means the model has none).
type Tokenizer struct {
	// Path is how the recipe named the model.
	Path string `json:"path"`
	// File is the copy of the model in the output folder.
	File      string `json:"file,omitempty"`
	SHA256    string `json:"sha256"`
	VocabSize int    `json:"vocab_size"`
	BOS       int32  `json:"bos_id"`
	EOS       int32  `json:"eos_id"`
	// ShardsHaveBOSEOS is false: the shards hold each document's tokens
	// only. It is written so that a reader need not know the convention.
	ShardsHaveBOSEOS bool `json:"shards_have_bos_eos"`
}

// Source is one corpus of the mixture.
type Source struct {
	Name string `json:"name"`
	// Weight is the sampling proportion in the training mixture.
	Weight float64 `json:"weight"`
	// Epochs is the recipe's intended number of passes over this source's
	// tokens (informational; the loader derives its own from the budget).
	Epochs float64 `json:"epochs,omitempty"`
	Shards []Shard `json:"shards"`
	Inputs []Input `json:"inputs"`
	Docs   int64   `json:"docs"`
	Tokens int64   `json:"tokens"`
	Bytes  int64   `json:"bytes"`
}

// Shard kinds.
const (
	KindTokens = "tokens"
	KindDocs   = "docs"
	// KindDropped shards hold the documents the chain dropped, with the
	// reason (output.dropped / --keep-dropped); readers of the corpus skip
	// them.
	KindDropped = "dropped"
)

// Shard is one output file.
type Shard struct {
	Kind   string `json:"kind"`
	Path   string `json:"path"`
	Rows   int64  `json:"rows"`
	Tokens int64  `json:"tokens,omitempty"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Input is one consumed input file.
type Input struct {
	Path string `json:"path"`
	// Part is the part of Path the input covered, for sources that split a
	// file into several inputs; empty for the whole file.
	Part   string `json:"part,omitempty"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	ETag   string `json:"etag,omitempty"`
}

// Totals adds up the sources.
type Totals struct {
	Docs   int64 `json:"docs"`
	Tokens int64 `json:"tokens"`
	Bytes  int64 `json:"bytes"`
	Shards int   `json:"shards"`
}

// Normalize sorts sources by name and shards and inputs by path, and
// recomputes the totals, so that equal content always encodes to equal bytes.
func (m *Manifest) Normalize() {
	if m.Format == 0 {
		m.Format = FormatVersion
	}
	sort.Slice(m.Sources, func(i, j int) bool { return m.Sources[i].Name < m.Sources[j].Name })
	m.Totals = Totals{}
	for i := range m.Sources {
		s := &m.Sources[i]
		sort.Slice(s.Shards, func(a, b int) bool {
			if s.Shards[a].Kind != s.Shards[b].Kind {
				return s.Shards[a].Kind < s.Shards[b].Kind
			}
			return s.Shards[a].Path < s.Shards[b].Path
		})
		sort.Slice(s.Inputs, func(a, b int) bool { return s.Inputs[a].Path < s.Inputs[b].Path })
		m.Totals.Docs += s.Docs
		m.Totals.Tokens += s.Tokens
		m.Totals.Bytes += s.Bytes
		m.Totals.Shards += len(s.Shards)
	}
}

// Marshal returns the canonical encoding: normalized, indented, newline-ended.
func (m *Manifest) Marshal() ([]byte, error) {
	m.Normalize()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Parse decodes a manifest and checks what a reader relies on.
func Parse(data []byte) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if m.Format != FormatVersion {
		return nil, fmt.Errorf("manifest: format %d, this build reads %d", m.Format, FormatVersion)
	}
	for _, s := range m.Sources {
		for _, sh := range s.Shards {
			if sh.Path == "" || path.IsAbs(sh.Path) {
				return nil, fmt.Errorf("manifest: source %s: shard path %q must be relative", s.Name, sh.Path)
			}
		}
	}
	return &m, nil
}

// Source returns the named source, or nil.
func (m *Manifest) Source(name string) *Source {
	for i := range m.Sources {
		if m.Sources[i].Name == name {
			return &m.Sources[i]
		}
	}
	return nil
}

// TokenShards returns the source's token shards in path order.
func (s *Source) TokenShards() []Shard {
	var out []Shard
	for _, sh := range s.Shards {
		if sh.Kind == KindTokens {
			out = append(out, sh)
		}
	}
	return out
}
