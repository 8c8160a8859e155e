package fasttext_test

import (
	"bufio"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/filters/fasttext"
)

// expectedRow is one line of the kit's expected.<model>.tsv: fastText's
// top-2 predictions for a test line, at full float precision (Python) and
// as the CLI prints them.
type expectedRow struct {
	gold       string
	labels     [2]string
	probs      [2]float64
	cli1, cli2 string
}

func readExpected(t testing.TB, name string) []expectedRow {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []expectedRow
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 8 {
			t.Fatalf("%s: %d columns in %q", name, len(c), sc.Text())
		}
		r := expectedRow{gold: c[1], labels: [2]string{c[2], c[4]}, cli1: c[6], cli2: c[7]}
		for i, s := range []string{c[3], c[5]} {
			if r.probs[i], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatal(err)
			}
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// testLines returns testdata/test.txt's lines with their gold label token
// still in front: fastText drops label tokens before it looks at the text,
// so predicting on them also checks that rule.
func testLines(t testing.TB) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/test.txt")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// stripLabel removes the leading gold label, giving test_nolabel.txt's line.
func stripLabel(line string) string {
	if strings.HasPrefix(line, fasttext.LabelPrefix) {
		if i := strings.IndexByte(line, ' '); i >= 0 {
			return line[i+1:]
		}
		return ""
	}
	return line
}

func trainText(t testing.TB) []byte {
	t.Helper()
	f, err := os.Open("testdata/train.txt.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadTestModel(t testing.TB, name string) *fasttext.Model {
	t.Helper()
	m, err := fasttext.Load(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// needFastText returns the path of Debian's fasttext command, or skips.
func needFastText(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("fasttext")
	if err != nil {
		t.Skip("fasttext command not installed (Debian package fasttext); skipping the comparison with fastText itself")
	}
	return p
}
