package kenlm

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Bucket names, as CCNet writes them in its "bucket" field.
const (
	Head   = "head"
	Middle = "middle"
	Tail   = "tail"
	// All is CCNet's bucket for a document whose language has no cutoffs
	// or that has no perplexity.
	All = "all"
)

// Cutoff holds the document perplexities at the 30th and 60th percentiles
// of one language's sample.
type Cutoff struct {
	P30, P60 float64
}

// Bucket assigns CCNet's bucket: head < P30 <= middle < P60 <= tail.
// A NaN perplexity is tail.
func (c Cutoff) Bucket(pp float64) string {
	switch {
	case pp < c.P30:
		return Head
	case pp < c.P60:
		return Middle
	default:
		return Tail
	}
}

// Cutoffs maps a language code to its cutoffs.
type Cutoffs map[string]Cutoff

// Bucket is CCNet's PerplexityBucket.get_bucket: All when the language has
// no cutoffs or pp is negative (CCNet's "no perplexity"), else the bucket.
func (c Cutoffs) Bucket(lang string, pp float64) string {
	cut, ok := c[lang]
	if !ok || pp < 0 {
		return All
	}
	return cut.Bucket(pp)
}

// Percentile is numpy.percentile's default (linear interpolation between
// the closest ranks) of sorted, for p in [0, 100]; NaN when sorted is empty.
func Percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	rank := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(rank))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := rank - float64(lo)
	return sorted[lo] + (sorted[lo+1]-sorted[lo])*f
}

// ComputeCutoffs returns, for each language, the 30th and 60th percentiles
// of the document perplexities sampled for it. NaN values are ignored; a
// language with no value gets no entry.
func ComputeCutoffs(samples map[string][]float64) Cutoffs {
	out := Cutoffs{}
	for lang, pps := range samples {
		s := make([]float64, 0, len(pps))
		for _, p := range pps {
			if !math.IsNaN(p) {
				s = append(s, p)
			}
		}
		if len(s) == 0 {
			continue
		}
		slices.Sort(s)
		out[lang] = Cutoff{P30: Percentile(s, 30), P60: Percentile(s, 60)}
	}
	return out
}

// WriteTo writes the table as tab-separated "lang p30 p60" lines under a
// header, languages sorted, values in shortest round-trip form.
func (c Cutoffs) WriteTo(w io.Writer) (int64, error) {
	var sb strings.Builder
	sb.WriteString("lang\tp30\tp60\n")
	for _, lang := range slices.Sorted(func(yield func(string) bool) {
		for k := range c {
			if !yield(k) {
				return
			}
		}
	}) {
		cut := c[lang]
		fmt.Fprintf(&sb, "%s\t%s\t%s\n", lang,
			strconv.FormatFloat(cut.P30, 'g', -1, 64), strconv.FormatFloat(cut.P60, 'g', -1, 64))
	}
	n, err := io.WriteString(w, sb.String())
	return int64(n), err
}

// ReadCutoffs reads a table written by [Cutoffs.WriteTo]. It also reads
// CCNet's cutoff.csv layout: comma-separated, one column per language and
// one row per percentile 0..100 (the first column), from which rows 30 and
// 60 are taken.
func ReadCutoffs(r io.Reader) (Cutoffs, error) {
	return ReadCutoffsAt(r, 30, 60)
}

// ReadCutoffsAt is ReadCutoffs with other percentiles for the head/middle
// and middle/tail boundaries (CCNet's PerplexityBucket takes them as
// options): they are read from CCNet's cutoff.csv, which holds every
// percentile; a lang/p30/p60 table holds 30 and 60 only.
func ReadCutoffsAt(r io.Reader, headP, tailP int) (Cutoffs, error) {
	if headP < 0 || tailP > 100 || headP >= tailP {
		return nil, fmt.Errorf("cutoffs: percentiles %d and %d: want 0 <= head < tail <= 100", headP, tailP)
	}
	br := bufio.NewReader(r)
	if _, err := br.Peek(1); err != nil {
		return nil, fmt.Errorf("cutoffs: empty table: %w", err)
	}
	first, err := br.ReadString('\n')
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("cutoffs: %w", err)
	}
	if strings.Contains(first, ",") && !strings.Contains(first, "\t") {
		return readCCNetCutoffs(io.MultiReader(strings.NewReader(first), br), headP, tailP)
	}
	if headP != 30 || tailP != 60 {
		return nil, fmt.Errorf("cutoffs: a lang/p30/p60 table holds percentiles 30 and 60 only, not %d and %d (use CCNet's cutoff.csv)", headP, tailP)
	}
	if strings.TrimRight(first, "\r\n") != "lang\tp30\tp60" {
		return nil, fmt.Errorf("cutoffs: line 1: header %q, want \"lang\\tp30\\tp60\"", strings.TrimSpace(first))
	}
	out := Cutoffs{}
	sc := bufio.NewScanner(br)
	line := 1
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		f := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("cutoffs: line %d: %d fields, want 3", line, len(f))
		}
		p30, err1 := strconv.ParseFloat(f[1], 64)
		p60, err2 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("cutoffs: line %d: bad number in %q", line, sc.Text())
		}
		if _, dup := out[f[0]]; dup {
			return nil, fmt.Errorf("cutoffs: line %d: language %q listed twice", line, f[0])
		}
		out[f[0]] = Cutoff{P30: p30, P60: p60}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cutoffs: line %d: %w", line+1, err)
	}
	return out, nil
}

func readCCNetCutoffs(r io.Reader, headP, tailP int) (Cutoffs, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("cutoffs csv: %w", err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("cutoffs csv: no rows")
	}
	langs := recs[0][1:]
	rows := map[int][]string{}
	for _, rec := range recs[1:] {
		p, err := strconv.ParseFloat(rec[0], 64)
		if err != nil {
			return nil, fmt.Errorf("cutoffs csv: percentile %q: %w", rec[0], err)
		}
		rows[int(p)] = rec[1:]
	}
	r30, r60 := rows[headP], rows[tailP]
	if r30 == nil || r60 == nil {
		return nil, fmt.Errorf("cutoffs csv: no rows for percentiles %d and %d", headP, tailP)
	}
	out := Cutoffs{}
	for i, lang := range langs {
		p30, err1 := strconv.ParseFloat(r30[i], 64)
		p60, err2 := strconv.ParseFloat(r60[i], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("cutoffs csv: language %q: bad number", lang)
		}
		out[lang] = Cutoff{P30: p30, P60: p60}
	}
	return out, nil
}
