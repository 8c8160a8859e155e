package books

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// licenceLeakRE matches text that only Gutenberg's header, footer and
// licence hold.
var licenceLeakRE = regexp.MustCompile(`(?i)Project Gutenberg-tm|Project Gutenberg™|Literary Archive Foundation|START OF (THE|THIS) PROJECT GUTENBERG|END OF (THE|THIS) PROJECT GUTENBERG|SMALL PRINT!|START: FULL LICENSE|Character set encoding:`)

// TestRealGutenberg strips every .txt under $BOOKS_GUTENBERG_DIR (real
// files from a mirror; not shipped) and fails on any licence text left,
// reporting how the markers were found. Skipped without the variable.
func TestRealGutenberg(t *testing.T) {
	dir := os.Getenv("BOOKS_GUTENBERG_DIR")
	if dir == "" {
		t.Skip("BOOKS_GUTENBERG_DIR not set")
	}
	kinds := map[string]int{}
	files, leaks := 0, 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".txt") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files++
		text, cs := Decode(data, charsetHint(filepath.Base(p)))
		b := Strip(normalizeNewlines(text))
		kinds["start="+b.Start]++
		kinds["end="+b.End]++
		kinds["charset="+cs]++
		if loc := licenceLeakRE.FindStringIndex(b.Text); loc != nil {
			leaks++
			if leaks <= 10 {
				lo, hi := max(loc[0]-200, 0), min(loc[1]+100, len(b.Text))
				t.Errorf("%s (start %s end %s): licence text left: %q", p, b.Start, b.End, b.Text[lo:hi])
			}
		}
		return nil
	})
	t.Logf("%d files, %d with licence text; %v", files, leaks, kinds)
}
