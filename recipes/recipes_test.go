package recipes

import (
	"io/fs"
	"path"
	"testing"
)

// TestSampleHoldsOnlyData: everything under sample/ is compiled into the
// binary, so the scripts that make the sample live elsewhere (tools/).
func TestSampleHoldsOnlyData(t *testing.T) {
	err := fs.WalkDir(Sample(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch path.Ext(p) {
		case ".sh", ".py", ".go":
			t.Errorf("sample/%s is embedded in the binary; keep tools outside recipes/sample", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
