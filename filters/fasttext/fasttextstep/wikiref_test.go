package fasttextstep

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/pipeline"
)

// env reads the sample's models, as the embedded recipe does.
func env() *pipeline.Env {
	return &pipeline.Env{ReadFile: func(ref string) ([]byte, error) {
		return os.ReadFile(filepath.Join("../../../recipes/sample", strings.TrimPrefix(ref, "embed://sample/")))
	}}
}

func build(t testing.TB, reg *pipeline.Registry, name string, values map[string]any) pipeline.Step {
	t.Helper()
	spec, _ := reg.StepSpec(name)
	c, err := pipeline.NewConfig(spec, values)
	if err != nil {
		t.Fatal(err)
	}
	s, err := reg.NewStep(name, c, env())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const prose = "Package bufio implements buffered I/O. It wraps an io.Reader or io.Writer object, creating another object (Reader or Writer) that also implements the interface but provides buffering and some help for textual I/O."

func TestWikirefStep(t *testing.T) {
	reg := pipeline.NewRegistry()
	Register(reg)
	s := build(t, reg, "wikiref", map[string]any{"model": "wikiref.bin"})
	keep := pipeline.Doc{Text: prose}
	chrome := pipeline.Doc{Text: "Home | About us | Products | Blog | Contact\nPrivacy policy | Terms of use | Cookie settings\nBack to top"}
	if drop, _ := s.Process(&keep); drop != "" || keep.Quality < 0.25 {
		t.Errorf("prose: drop %q quality %v", drop, keep.Quality)
	}
	if drop, _ := s.Process(&chrome); drop != "wikiref:p<0.25" || chrome.Quality >= 0.25 {
		t.Errorf("web chrome: drop %q quality %v", drop, chrome.Quality)
	}
	spec, _ := reg.StepSpec("wikiref")
	c, _ := pipeline.NewConfig(spec, map[string]any{"model": "wikiref.bin", "label": "__label__nope"})
	if _, err := reg.NewStep("wikiref", c, env()); err == nil {
		t.Error("a label the model lacks was accepted")
	}
}
