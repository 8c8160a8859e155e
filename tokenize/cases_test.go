package tokenize

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

type refCase struct {
	Text   string   `json:"text"`
	IDs    []int32  `json:"ids"`
	Pieces []string `json:"pieces"`
	Tag    string   `json:"tag"`
}

func readCases(t testing.TB, path string) []refCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []refCase
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c refCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if c.IDs == nil {
			c.IDs = []int32{}
		}
		out = append(out, c)
	}
	return out
}

func loadTestModel(t testing.TB, name string) *Model {
	t.Helper()
	m, err := Load(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReferenceCases checks every case of the reference kit: ids and pieces
// must equal python3-sentencepiece 0.1.97's.
func TestReferenceCases(t *testing.T) {
	for _, name := range []string{"bpe8k", "unigram8k"} {
		t.Run(name, func(t *testing.T) {
			m := loadTestModel(t, name+".model")
			cases := readCases(t, filepath.Join("testdata", name+"-cases.jsonl"))
			if len(cases) != 577 {
				t.Fatalf("%d cases, want 577", len(cases))
			}
			fails := 0
			for i, c := range cases {
				got := m.Encode(c.Text)
				if got == nil {
					got = []int32{}
				}
				pieces := m.EncodePieces(c.Text)
				if len(pieces) == 0 {
					pieces = nil
				}
				wantPieces := c.Pieces
				if len(wantPieces) == 0 {
					wantPieces = nil
				}
				if !reflect.DeepEqual(got, c.IDs) || !reflect.DeepEqual(pieces, wantPieces) {
					fails++
					if fails <= 10 {
						t.Errorf("case %d (%s) %q:\n got %v %q\nwant %v %q", i, c.Tag, c.Text, got, pieces, c.IDs, c.Pieces)
					}
				}
			}
			if fails > 0 {
				t.Errorf("%d of %d cases differ", fails, len(cases))
			}
		})
	}
}

// TestMarshalRoundTrip: parsing and writing a shipped model gives the same bytes.
func TestMarshalRoundTrip(t *testing.T) {
	for _, name := range []string{"bpe8k.model", "unigram8k.model"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		out, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, data) {
			t.Errorf("%s: Marshal gives %d bytes, differing from the %d parsed", name, len(out), len(data))
		}
	}
}

// TestConcurrentEncode: goroutines sharing one Model get the same ids as
// sequential calls (encoder state and word caches are per goroutine).
func TestConcurrentEncode(t *testing.T) {
	m := loadTestModel(t, "bpe8k.model")
	cases := readCases(t, filepath.Join("testdata", "bpe8k-cases.jsonl"))
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for r := 0; r < 3; r++ {
				for i := range cases {
					c := cases[(i*7+g)%len(cases)]
					got := m.Encode(c.Text)
					if len(got) != len(c.IDs) {
						done <- fmt.Errorf("goroutine %d: %q: %v, want %v", g, c.Text, got, c.IDs)
						return
					}
					for j := range got {
						if got[j] != c.IDs[j] {
							done <- fmt.Errorf("goroutine %d: %q: %v, want %v", g, c.Text, got, c.IDs)
							return
						}
					}
				}
			}
			done <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
