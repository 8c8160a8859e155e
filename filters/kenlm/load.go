package kenlm

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

// Format is what a model file holds, as told by its first bytes.
type Format int

// The formats Load and Parse recognise.
const (
	FormatARPA        Format = iota // ARPA text
	FormatARPAGzip                  // gzip of ARPA text
	FormatKenLMBinary               // KenLM build_binary output
)

func (f Format) String() string {
	switch f {
	case FormatARPAGzip:
		return "ARPA (gzip)"
	case FormatKenLMBinary:
		return "KenLM binary"
	}
	return "ARPA"
}

// DetectFormat tells the format of a model from its first bytes (8 are
// enough): KenLM's binary magic, gzip's, or else ARPA text. The name of the
// file plays no part, as in KenLM.
func DetectFormat(head []byte) Format {
	switch {
	case IsBinary(head):
		return FormatKenLMBinary
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return FormatARPAGzip
	}
	return FormatARPA
}

// Load opens a model file of any format: a KenLM binary file is
// memory-mapped and read in place (nothing is copied or parsed beyond the
// header, so it opens in constant time whatever its size); an ARPA file,
// plain or gzipped, is parsed into memory. Call Close when done with a
// binary model to unmap it.
func Load(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	head, _ := br.Peek(len(binMagicPrefix))
	switch DetectFormat(head) {
	case FormatKenLMBinary:
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		data, unmap, err := mapFile(f, st.Size())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m, err := newBinaryModel(data)
		if err != nil {
			unmap()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m.bin.unmap = unmap
		return m, nil
	case FormatARPAGzip:
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m, err := ReadARPA(z)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return m, nil
	}
	m, err := ReadARPA(br)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Parse reads a model of any format from its bytes (a model embedded in
// the program or fetched whole). A KenLM binary model is used in place: data
// must not be modified while the model is in use.
func Parse(data []byte) (*Model, error) {
	switch DetectFormat(data) {
	case FormatKenLMBinary:
		return newBinaryModel(data)
	case FormatARPAGzip:
		z, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return ReadARPA(z)
	}
	return ReadARPA(bytes.NewReader(data))
}

// Open is Load on a reader: a KenLM binary file is read whole into memory
// (use Load on a local file to map it instead).
func Open(r io.Reader) (*Model, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	head, _ := br.Peek(len(binMagicPrefix))
	if DetectFormat(head) == FormatKenLMBinary {
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		return newBinaryModel(data)
	}
	if DetectFormat(head) == FormatARPAGzip {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		return ReadARPA(z)
	}
	return ReadARPA(br)
}

func newBinaryModel(data []byte) (*Model, error) {
	b, err := openBinary(data)
	if err != nil {
		return nil, err
	}
	m := &Model{order: b.order, bin: b, unk: 0}
	m.bos = b.index(BOS)
	m.eos = b.index(EOS)
	return m, nil
}

// Format returns the format the model was read from.
func (m *Model) Format() string {
	if m.bin != nil {
		return "KenLM binary, " + binTypeNames[m.bin.typ]
	}
	return "ARPA"
}

// Close releases a model read from a KenLM binary file with Load (its
// mapping); the model must not be used afterwards. It does nothing for
// other models.
func (m *Model) Close() error {
	if m.bin == nil || m.bin.unmap == nil {
		return nil
	}
	u := m.bin.unmap
	m.bin.unmap = nil
	return u()
}
