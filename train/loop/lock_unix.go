//go:build unix

package loop

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/tokenmill/tokenmill/pipeline/storage/atomicfile"
)

// lockOut makes this process the only trainer writing ckpt: it holds an
// exclusive flock on ckpt+".lock" until unlock. The lock file holds the
// holder's host and pid, so that the error a second trainer gets says who
// has it. The kernel drops a flock when its holder dies, so a killed
// trainer never leaves a folder locked; the file itself stays (deleting it
// would race with a trainer opening it).
func lockOut(ckpt string) (unlock func(), err error) {
	name := ckpt + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("train: lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(name)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := strings.TrimSpace(string(holder))
			if who == "" {
				who = "another process"
			}
			return nil, fmt.Errorf("train: %s is in use by another trainer (%s): give each run its own --out", ckpt, who)
		}
		return nil, fmt.Errorf("train: lock %s: %w", name, err)
	}
	host, _ := os.Hostname()
	f.Truncate(0)
	f.WriteAt([]byte(fmt.Sprintf("host %s pid %d\n", host, os.Getpid())), 0)
	return func() { f.Close() }, nil
}

// removeStale removes the temporary files atomicfile left for ckpt (named
// "."+base+atomicfile.TempMarker+random, in ckpt's folder) and returns how
// many. Only the holder of lockOut's lock may call it: then no live writer
// of ckpt exists, so every such file was left by a trainer killed while
// saving. Other files of the folder are never touched.
func removeStale(ckpt string) (int, error) {
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
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
