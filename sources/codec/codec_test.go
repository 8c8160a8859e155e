package codec

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

func gz(t *testing.T, parts ...string) []byte {
	var b bytes.Buffer
	for _, p := range parts { // one member per part
		w := gzip.NewWriter(&b)
		w.Write([]byte(p))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func zst(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w, err := zstd.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func xzs(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w, err := xz.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestNewReader(t *testing.T) {
	bz, err := os.ReadFile("testdata/hello.txt.bz2")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		in   []byte
		f    Format
		want string
	}{
		{"plain", []byte("just text\n"), None, "just text\n"},
		{"empty", nil, None, ""},
		{"short-plain", []byte("BZ"), None, "BZ"},
		{"gzip-members", gz(t, "one\n", "two\n"), Gzip, "one\ntwo\n"},
		{"bzip2-streams", bz, Bzip2, "hello bzip2\nsecond stream\n"},
		{"zstd", zst(t, "zstandard\n"), Zstd, "zstandard\n"},
		{"zstd-frames", append(zst(t, "a\n"), zst(t, "b\n")...), Zstd, "a\nb\n"},
		{"xz", xzs(t, "xz text\n"), Xz, "xz text\n"},
		{"not-bzip2", []byte("BZhX is plain"), None, "BZhX is plain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, f, err := NewReaderOptions(bytes.NewReader(c.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if f != c.f || string(got) != c.want {
				t.Fatalf("got %s %q, want %s %q", f, got, c.f, c.want)
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	full := gz(t, string(bytes.Repeat([]byte("some text that compresses "), 500)))
	z := zst(t, string(bytes.Repeat([]byte("zz top and more words "), 5000)))
	for _, data := range [][]byte{full[:len(full)/2], z[:len(z)/2]} {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(r)
		if !IsTruncated(err) {
			t.Fatalf("cut stream: got %v, want io.ErrUnexpectedEOF", err)
		}
	}
}

func TestBadHeader(t *testing.T) {
	// gzip magic with a bad compression method byte.
	_, err := NewReader(bytes.NewReader([]byte{0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0}))
	if !errors.Is(err, ErrFormat) {
		t.Fatalf("got %v, want ErrFormat", err)
	}
}
