// Package recipes holds the recipes compiled into tokenmill and the sample
// corpus its default build runs on, so that `tokenmill build` works on a
// fresh machine with nothing downloaded.
//
// llama.yaml reproduces the LLaMA-1 data recipe as far as the sources and
// stages it names exist in this build; users copy it and edit it. The sample
// corpus under sample/ is made by tools/samplegen (see sample/README.md).
package recipes

import (
	"embed"
	"io/fs"
)

//go:embed llama.yaml
var llama []byte

//go:embed sample
var sample embed.FS

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
