package tokenizer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/tokenize"
)

// Step sets Doc.Tokens. It is safe for concurrent use.
type Step struct {
	m *tokenize.Model
}

// New parses a SentencePiece model and returns the step and the manifest's
// description of the model (ref is how the recipe names it).
func New(ref string, model []byte) (*Step, *manifest.Tokenizer, error) {
	m, err := tokenize.Parse(model)
	if err != nil {
		return nil, nil, fmt.Errorf("tokenizer %s: %w", ref, err)
	}
	sum := sha256.Sum256(model)
	info := &manifest.Tokenizer{Path: ref, SHA256: hex.EncodeToString(sum[:]), VocabSize: m.VocabSize(), BOS: m.BOSID(), EOS: m.EOSID()}
	return &Step{m: m}, info, nil
}

// Name implements pipeline.Step.
func (s *Step) Name() string { return "tokenize" }

// Process implements pipeline.Step: it never drops.
func (s *Step) Process(d *pipeline.Doc) (string, error) {
	d.Tokens = s.m.AppendEncode(d.Tokens[:0], []byte(d.Text))
	return "", nil
}
