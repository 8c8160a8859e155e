package loop

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"
)

// TestRemoveStale: with the lock every temporary file of the checkpoint
// goes; without it only those last written before the run started; other
// files never.
func TestRemoveStale(t *testing.T) {
	start := time.Now()
	for _, tc := range []struct {
		name      string
		olderThan time.Time
		want      []string // files left
	}{
		{"locked", time.Time{}, []string{".ckpt.bin.tmp-", ".other.bin.tmp-aa", "ckpt.bin", "ckpt.bin.tmp-aa"}},
		{"unlocked", start, []string{".ckpt.bin.tmp-", ".ckpt.bin.tmp-new", ".other.bin.tmp-aa", "ckpt.bin", "ckpt.bin.tmp-aa"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			old := start.Add(-time.Hour)
			for _, f := range []struct {
				name string
				t    time.Time
			}{
				{".ckpt.bin.tmp-old1", old}, {".ckpt.bin.tmp-old2", old}, {".ckpt.bin.tmp-new", start.Add(time.Second)},
				{".other.bin.tmp-aa", old}, {"ckpt.bin", old}, {"ckpt.bin.tmp-aa", old},
			} {
				p := filepath.Join(dir, f.name)
				os.WriteFile(p, []byte("x"), 0o644)
				os.Chtimes(p, f.t, f.t)
			}
			// A folder named like a temporary file is not a file to remove.
			os.Mkdir(filepath.Join(dir, ".ckpt.bin.tmp-"), 0o755)
			n, err := removeStale(filepath.Join(dir, "ckpt.bin"), tc.olderThan)
			if err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			var left []string
			for _, e := range entries {
				left = append(left, e.Name())
			}
			sort.Strings(left)
			wantN := 3
			if !tc.olderThan.IsZero() {
				wantN = 2
			}
			if n != wantN || !slices.Equal(left, tc.want) {
				t.Errorf("removed %d, left %v; want %d, %v", n, left, wantN, tc.want)
			}
		})
	}
}
