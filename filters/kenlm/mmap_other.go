//go:build !unix

package kenlm

import (
	"io"
	"os"
)

// mapFile reads the file whole where memory mapping is not available.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, err
	}
	return data, func() error { return nil }, nil
}
