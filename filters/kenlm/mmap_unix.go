//go:build unix

package kenlm

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps size bytes of f read-only and shared, so that the pages of a
// model are the page cache's, shared by every process that maps the file.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if size <= 0 {
		return nil, nil, formatErr("empty file")
	}
	if int64(int(size)) != size {
		return nil, nil, fmt.Errorf("kenlm: file of %d bytes is too large to map", size)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("kenlm: mmap: %w", err)
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
