package train

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigs(t *testing.T) {
	for _, tc := range []struct {
		name           string
		hidden, params int
	}{{"tiny", 192, 139584}, {"stories15M", 768, 15191712}, {"small", 768, 15191712}} {
		c, err := ConfigByName(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if c.Hidden != tc.hidden || c.NumParams() != tc.params {
			t.Errorf("%s: hidden %d, %d parameters; want %d, %d", tc.name, c.Hidden, c.NumParams(), tc.hidden, tc.params)
		}
	}
	// The kit's N_mm and FLOPs per token.
	s, _ := ConfigByName("stories15M")
	if s.MatmulParams() != 15187968 || HiddenFor(64, 256) != 256 {
		t.Errorf("N_mm %d, hidden(64, 256) %d", s.MatmulParams(), HiddenFor(64, 256))
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	y, err := LoadConfig(write("m.yaml", "dim: 96\nn_layers: 3\nn_heads: 4\nvocab_size: 1000\nseq_len: 64\nmultiple_of: 256\n"))
	if err != nil {
		t.Fatal(err)
	}
	j, err := LoadConfig(write("m.json", `{"dim": 96, "n_layers": 3, "n_heads": 4, "vocab_size": 1000, "seq_len": 64, "multiple_of": 256}`))
	if err != nil {
		t.Fatal(err)
	}
	if y != j || !y.Tied || y.Hidden != 256 || y.NormEps != 1e-5 || y.RopeTheta != 10000 {
		t.Fatalf("yaml %+v json %+v", y, j)
	}
	if _, err := LoadConfig(write("bad.yaml", "dim: 96\nlayers: 3\n")); err == nil {
		t.Fatal("unknown key accepted")
	}
	_, err = LoadConfig(write("bad.json", `{"dim": 92, "n_layers": 0, "n_heads": 4, "vocab_size": 10, "seq_len": 8}`))
	if err == nil || !strings.Contains(err.Error(), "n_layers must be positive") || !strings.Contains(err.Error(), "head dim") {
		t.Fatalf("want every problem reported, got %v", err)
	}
	if _, err := ConfigByName("huge"); err == nil {
		t.Fatal("unknown name accepted")
	}
}
