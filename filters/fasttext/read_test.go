package fasttext_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

func TestReadErrors(t *testing.T) {
	orig, err := os.ReadFile("testdata/model_default.ftz")
	if err != nil {
		t.Fatal(err)
	}
	badMagic := append([]byte{0, 0, 0, 0}, orig[4:]...)
	badVersion := append(append([]byte{}, orig[:4]...), append([]byte{99, 0, 0, 0}, orig[8:]...)...)
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, io.ErrUnexpectedEOF},
		{"bad-magic", badMagic, fasttext.ErrFormat},
		{"bad-version", badVersion, fasttext.ErrFormat},
		{"cut-in-args", orig[:30], io.ErrUnexpectedEOF},
		{"cut-in-dictionary", orig[:1000], io.ErrUnexpectedEOF},
		{"cut-in-codes", orig[:len(orig)/2], io.ErrUnexpectedEOF},
		{"cut-last-byte", orig[:len(orig)-1], io.ErrUnexpectedEOF},
		{"trailing-byte", append(append([]byte{}, orig...), 0), fasttext.ErrFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fasttext.Read(bytes.NewReader(tc.data))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Read: %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := fasttext.Load("testdata/no-such-model.bin"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v", err)
	}
}
