package tokenize

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected blocks of data-driven test files")

// TestDataDriven runs testdata/encode.txt: hand-picked cases, each with a
// comment saying why it exists.
func TestDataDriven(t *testing.T) {
	path := filepath.Join("testdata", "encode.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []string
	models := map[string]*Model{}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !strings.HasPrefix(line, "encode ") {
			out = append(out, line)
			continue
		}
		name := strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(line, "encode")), "model=")
		m := models[name]
		if m == nil {
			m = loadTestModel(t, name+".model")
			models[name] = m
		}
		if i+2 >= len(lines) || lines[i+2] != "----" {
			t.Fatalf("%s:%d: want input line and ----", path, i+1)
		}
		input := lines[i+1]
		text := input
		if strings.HasPrefix(input, `"`) {
			if text, err = strconv.Unquote(input); err != nil {
				t.Fatalf("%s:%d: %v", path, i+2, err)
			}
		}
		ids := m.Encode(text)
		idStr := make([]string, len(ids))
		for j, id := range ids {
			idStr[j] = fmt.Sprint(id)
		}
		got := []string{strings.Join(idStr, " "), strings.Join(m.EncodePieces(text), " ")}
		want := []string{"", ""}
		for j := 0; j < 2 && i+3+j < len(lines); j++ {
			want[j] = lines[i+3+j]
		}
		if !*rewrite && (got[0] != want[0] || got[1] != want[1]) {
			t.Errorf("%s:%d: encode %s %q:\n got %s\n     %s\nwant %s\n     %s", path, i+1, name, text, got[0], got[1], want[0], want[1])
		}
		out = append(out, line, input, "----", got[0], got[1])
		i += 4
	}
	if *rewrite {
		if err := os.WriteFile(path, []byte(strings.Join(out, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
