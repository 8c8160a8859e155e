package tokenizer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/tokenmill/tokenmill/pipeline"
	"github.com/tokenmill/tokenmill/pipeline/manifest"
	"github.com/tokenmill/tokenmill/tokenize"
)

// Spec is the tokenize step's recipe spec. A build appends this step to every
// chain when the recipe names a tokenizer model; it is registered like every
// other step so that a plan builds it through the registry.
var Spec = pipeline.Spec{
	Name: "tokenize",
	Doc:  "Encode the text with a SentencePiece model (sets the document's tokens; never drops).",
	Fields: []pipeline.Field{
		{Name: "model", Type: pipeline.TypeString, File: true, Doc: "SentencePiece model: a path relative to the recipe or a URL"},
	},
}

// Register adds the tokenize step to r.
func Register(r *pipeline.Registry) {
	r.RegisterStep(Spec, func(c pipeline.Config, env *pipeline.Env) (pipeline.Step, error) {
		ref := c.String("model")
		data, err := env.ReadFile(ref)
		if err != nil {
			return nil, fmt.Errorf("tokenizer: %w", err)
		}
		s, _, err := New(ref, data)
		return s, err
	})
}

// Step sets Doc.Tokens. It is safe for concurrent use.
type Step struct {
	m     *tokenize.Model
	info  *manifest.Tokenizer
	model []byte
}

// ModelFile is the model file's bytes, which a build copies into its output
// (manifest.TokenizerFile) so that the output folder is self-contained.
func (s *Step) ModelFile() []byte { return s.model }

// Info is the manifest's description of the step's model.
func (s *Step) Info() *manifest.Tokenizer { return s.info }

// New parses a SentencePiece model and returns the step and the manifest's
// description of the model (ref is how the recipe names it).
func New(ref string, model []byte) (*Step, *manifest.Tokenizer, error) {
	m, err := tokenize.Parse(model)
	if err != nil {
		return nil, nil, fmt.Errorf("tokenizer %s: %w", ref, err)
	}
	sum := sha256.Sum256(model)
	info := &manifest.Tokenizer{Path: ref, File: manifest.TokenizerFile, SHA256: hex.EncodeToString(sum[:]),
		VocabSize: m.VocabSize(), BOS: m.BOSID(), EOS: m.EOSID()}
	return &Step{m: m, info: info, model: model}, info, nil
}

// Name implements pipeline.Step.
func (s *Step) Name() string { return "tokenize" }

// Process implements pipeline.Step: it never drops.
func (s *Step) Process(d *pipeline.Doc) (string, error) {
	d.Tokens = s.m.AppendEncode(d.Tokens[:0], []byte(d.Text))
	return "", nil
}
