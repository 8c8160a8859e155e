package loop

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
)

// removeStale removes the temporary files atomicfile left for ckpt (named
// "."+base+atomicfile.TempMarker+random, in ckpt's folder) and returns how
// many. Other files of the folder are never touched.
//
// The holder of lockOut's lock passes the zero time: no live writer of ckpt
// exists then, so every such file was left by a trainer killed while
// saving. Without the lock it passes the run's start, and only files last
// written before it go: a live trainer's temporary file is being written
// and so is newer.
func removeStale(ckpt string, olderThan time.Time) (int, error) {
	dir, base := filepath.Split(ckpt)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	prefix := "." + base + atomicfile.TempMarker
	n := 0
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if !olderThan.IsZero() {
			info, err := e.Info()
			if err != nil || !info.ModTime().Before(olderThan) {
				continue
			}
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
