package kenlm

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestBucketBoundaries(t *testing.T) {
	// English cutoffs the LLaMA recipe uses: 340 (p30) and 520 (p60).
	c := Cutoffs{"en": {P30: 340, P60: 520}}
	for _, tc := range []struct {
		lang string
		pp   float64
		want string
	}{
		{"en", 12.5, Head}, {"en", 339.9, Head}, {"en", 340, Middle}, {"en", 519.9, Middle},
		{"en", 520, Tail}, {"en", 1e6, Tail}, {"en", math.NaN(), Tail},
		{"fr", 10, All}, {"en", -1, All},
	} {
		if got := c.Bucket(tc.lang, tc.pp); got != tc.want {
			t.Errorf("Bucket(%s, %v) = %s, want %s", tc.lang, tc.pp, got, tc.want)
		}
	}
}

func TestComputeCutoffs(t *testing.T) {
	// numpy.percentile([10, 20, 30, 40, 50], [30, 60]) == [22, 34]
	c := ComputeCutoffs(map[string][]float64{
		"en": {50, 10, 40, 20, 30, math.NaN()},
		"de": {7},
		"xx": {},
	})
	if c["en"] != (Cutoff{22, 34}) || c["de"] != (Cutoff{7, 7}) || len(c) != 2 {
		t.Fatalf("cutoffs %v", c)
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if want := "lang\tp30\tp60\nde\t7\t7\nen\t22\t34\n"; buf.String() != want {
		t.Errorf("table %q, want %q", buf.String(), want)
	}
	back, err := ReadCutoffs(&buf)
	if err != nil || len(back) != 2 || back["en"] != c["en"] {
		t.Errorf("read back %v, %v", back, err)
	}
}

func TestReadCutoffsCCNetCSV(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(",en,fr\n")
	for p := 0; p <= 100; p++ {
		sb.WriteString(strings.Join([]string{strconv.Itoa(p), strconv.Itoa(p * 10), strconv.Itoa(p * 20)}, ",") + "\n")
	}
	c, err := ReadCutoffs(strings.NewReader(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	if c["en"] != (Cutoff{300, 600}) || c["fr"] != (Cutoff{600, 1200}) {
		t.Errorf("%v", c)
	}
	if _, err := ReadCutoffs(strings.NewReader("language\tlow\thigh\n")); err == nil {
		t.Error("bad header accepted")
	}
}
