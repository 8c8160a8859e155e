package recipes

import (
	"embed"
	"io/fs"
)

//go:embed llama.yaml
var llama []byte

//go:embed llama-real.yaml
var llamaReal []byte

//go:embed sample
var sample embed.FS

// LLaMAReal returns the LLaMA recipe with the catalogue's real models and
// the dumps' real locations (llama-real.yaml).
func LLaMAReal() []byte { return llamaReal }

// LLaMA returns the embedded LLaMA recipe.
func LLaMA() []byte { return llama }

// Sample returns the sample corpus, rooted at the sample folder; the CLI
// serves it as embed://sample/.
func Sample() fs.FS {
	sub, err := fs.Sub(sample, "sample")
	if err != nil {
		panic(err) // the folder is compiled in
	}
	return sub
}
