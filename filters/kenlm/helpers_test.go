package kenlm

import (
	"bufio"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// openTestdata opens testdata/name, gunzipping it when it ends in .gz.
func openTestdata(t testing.TB, name string) io.Reader {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if !strings.HasSuffix(name, ".gz") {
		return f
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func readLines(t testing.TB, name string) []string {
	t.Helper()
	b, err := io.ReadAll(openTestdata(t, name))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	return strings.Split(s, "\n")
}

// readTSV returns the rows of a tab-separated file with a header, as maps
// from column name to value.
func readTSV(t testing.TB, name string) []map[string]string {
	t.Helper()
	sc := bufio.NewScanner(openTestdata(t, name))
	var head []string
	var rows []map[string]string
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if head == nil {
			head = f
			continue
		}
		row := map[string]string{}
		for i, h := range head {
			row[h] = f[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func num(t testing.TB, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var (
	o3Once  sync.Once
	o3Model *Model
	o3Err   error
	o5Once  sync.Once
	o5Model *Model
	o5Err   error
)

// kitO3 is lmplz's o3.arpa from the reference kit (see testdata/README).
func kitO3(t testing.TB) *Model {
	t.Helper()
	o3Once.Do(func() { o3Model, o3Err = ReadARPA(openTestdata(t, "o3.arpa.gz")) })
	if o3Err != nil {
		t.Fatal(o3Err)
	}
	return o3Model
}

// trainedO5 is our own 5-gram from train.pieces; TestTrain checks it
// against lmplz's, so the scoring tests can use it in place of o5.arpa.
func trainedO5(t testing.TB) *Model {
	t.Helper()
	o5Once.Do(func() { o5Model, o5Err = Train(openTestdata(t, "train.pieces.gz"), 5, TrainOptions{}) })
	if o5Err != nil {
		t.Fatal(o5Err)
	}
	return o5Model
}

func writeFile(p string, b []byte) error { return os.WriteFile(p, b, 0o644) }
