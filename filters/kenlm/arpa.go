package kenlm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ErrFormat marks a malformed ARPA file; errors wrapping it carry the line.
var ErrFormat = errors.New("kenlm: malformed ARPA")

type arpaError struct {
	line int
	msg  string
	err  error
}

func (e *arpaError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("arpa line %d: %s: %v", e.line, e.msg, e.err)
	}
	return fmt.Sprintf("arpa line %d: %s", e.line, e.msg)
}

func (e *arpaError) Unwrap() []error {
	if e.err != nil {
		return []error{ErrFormat, e.err}
	}
	return []error{ErrFormat}
}

// isSpace reports KenLM's kSpaces: space, \t, \n, \v, \f and \r. The
// SentencePiece meta symbol U+2581 is not a space.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// fields splits b on ASCII whitespace into dst without allocating.
func fields(dst [][]byte, b []byte) [][]byte {
	dst = dst[:0]
	i := 0
	for i < len(b) {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		j := i
		for j < len(b) && !isSpace(b[j]) {
			j++
		}
		if j > i {
			dst = append(dst, b[i:j])
		}
		i = j
	}
	return dst
}

func parseFloat32(b []byte) (float32, error) {
	f, err := strconv.ParseFloat(string(b), 32)
	return float32(f), err
}

// ReadARPA reads a model in ARPA format as KenLM reads it: the \data\
// header gives the count of each order, each n-gram line is "log10prob
// w1 ... wn [backoff]" (fields separated by tabs or spaces), a missing
// backoff is 0, and a missing <unk> gets log10 probability -100. <s> keeps
// whatever probability the file gives it (lmplz writes 0, SRILM -99); it is
// only ever used as context.
func ReadARPA(r io.Reader) (*Model, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	line := 0
	next := func() ([]byte, bool) {
		for sc.Scan() {
			line++
			b := bytes.TrimRight(sc.Bytes(), " \t\r")
			return b, true
		}
		return nil, false
	}
	fail := func(msg string, err error) error { return &arpaError{line: line, msg: msg, err: err} }
	scanErr := func(what string) error {
		if err := sc.Err(); err != nil {
			return fmt.Errorf("arpa line %d: %w", line, err)
		}
		return fail(what, io.ErrUnexpectedEOF)
	}

	// Header: anything before \data\ is ignored, as in KenLM.
	for {
		b, ok := next()
		if !ok {
			return nil, scanErr("no \\data\\ section")
		}
		if string(b) == `\data\` {
			break
		}
	}
	var counts []int
	for {
		b, ok := next()
		if !ok {
			return nil, scanErr("truncated \\data\\ section")
		}
		if len(b) == 0 {
			if len(counts) == 0 {
				continue
			}
			break
		}
		rest, found := bytes.CutPrefix(b, []byte("ngram "))
		if !found {
			return nil, fail(fmt.Sprintf("expected \"ngram N=count\", got %q", b), nil)
		}
		k, v, found := bytes.Cut(rest, []byte("="))
		if !found {
			return nil, fail(fmt.Sprintf("expected \"ngram N=count\", got %q", b), nil)
		}
		n, err1 := strconv.Atoi(string(bytes.TrimSpace(k)))
		c, err2 := strconv.Atoi(string(bytes.TrimSpace(v)))
		if err1 != nil || err2 != nil || n != len(counts)+1 || c < 0 {
			return nil, fail(fmt.Sprintf("bad count line %q", b), nil)
		}
		counts = append(counts, c)
	}
	bld, err := newBuilder(len(counts), counts, true)
	if err != nil {
		return nil, fail("bad header", err)
	}
	order := len(counts)
	var fs [][]byte
	ids := make([]uint32, order)
	var prev prevGram
	for n := 1; n <= order; n++ {
		prev.reset()
		for {
			b, ok := next()
			if !ok {
				return nil, scanErr(fmt.Sprintf("missing \\%d-grams: section", n))
			}
			if len(b) == 0 {
				continue
			}
			if string(b) != fmt.Sprintf(`\%d-grams:`, n) {
				return nil, fail(fmt.Sprintf("expected \\%d-grams:, got %q", n, b), nil)
			}
			break
		}
		for i := 0; i < counts[n-1]; i++ {
			b, ok := next()
			if !ok {
				return nil, scanErr(fmt.Sprintf("%d-grams section has %d of %d entries", n, i, counts[n-1]))
			}
			fs = fields(fs, b)
			if len(fs) != n+1 && len(fs) != n+2 {
				return nil, fail(fmt.Sprintf("%d-gram line has %d fields: %q", n, len(fs), b), nil)
			}
			prob, err := parseFloat32(fs[0])
			if err != nil {
				return nil, fail("bad probability", err)
			}
			// KenLM refuses positive log probabilities ("a bug in IRSTLM");
			// NaN and infinities are damage. -inf is only tolerated for <s>,
			// which is never predicted.
			if p := float64(prob); p > 0 || math.IsNaN(p) || (math.IsInf(p, -1) && !(n == 1 && string(fs[1]) == "<s>")) {
				return nil, fail(fmt.Sprintf("log10 probability %s is not a log probability", fs[0]), nil)
			}
			var backoff float32
			if len(fs) == n+2 {
				if n == order {
					return nil, fail(fmt.Sprintf("backoff on a %d-gram of the highest order", n), nil)
				}
				if backoff, err = parseFloat32(fs[n+1]); err != nil {
					return nil, fail("bad backoff", err)
				}
				if b := float64(backoff); math.IsNaN(b) || math.IsInf(b, 0) {
					return nil, fail(fmt.Sprintf("backoff %s is not finite", fs[n+1]), nil)
				}
			}
			if n == 1 {
				if _, err := bld.addWord(string(fs[1]), prob, backoff); err != nil {
					return nil, fail("unigram", err)
				}
				continue
			}
			// Neighbouring lines share words in the same positions
			// (sorted files share a prefix or, as lmplz's, a suffix), so
			// the previous line's ids and suffix save most lookups.
			for j := 0; j < n; j++ {
				w := fs[j+1]
				if j < len(prev.words) && bytes.Equal(w, prev.words[j]) {
					ids[j] = prev.ids[j]
					continue
				}
				id := bld.m.index.lookup(bld.m.words, string(w))
				if id == emptyWord {
					return nil, fail(fmt.Sprintf("word %q is not a unigram", w), nil)
				}
				ids[j] = id
			}
			suf := prev.suffix
			if suf < 0 || !slices.Equal(ids[1:n], prev.ids[1:n]) {
				if suf, err = bld.ensureSuffix(ids[:n]); err != nil {
					return nil, fail(string(b), err)
				}
			}
			// KenLM refuses an n-gram whose context is not an n-gram: it
			// could never be reached from a scoring state.
			if n > 2 && !(prev.suffix >= 0 && slices.Equal(ids[:n-1], prev.ids[:n-1])) && bld.index(ids[:n-1]) < 0 {
				return nil, fail(string(b), fmt.Errorf("kenlm: the context of every %d-gram should appear as a %d-gram", n, n-1))
			}
			if err := bld.addNGramAt(ids[:n], suf, prob, backoff); err != nil {
				return nil, fail(string(b), err)
			}
			prev.remember(fs[1:n+1], ids[:n], suf)
		}
		bld.finishOrder(n)
	}
	for {
		b, ok := next()
		if !ok {
			return nil, scanErr("missing \\end\\")
		}
		if len(b) == 0 {
			continue
		}
		if string(b) != `\end\` {
			return nil, fail(fmt.Sprintf("expected \\end\\, got %q", b), nil)
		}
		break
	}
	m, err := bld.finish()
	if err != nil {
		return nil, fail("vocabulary", err)
	}
	return m, nil
}

// prevGram remembers the words, ids and suffix index of the previous
// n-gram line while reading ARPA.
type prevGram struct {
	buf    []byte
	words  [][]byte
	ids    [MaxOrder]uint32
	suffix int
}

func (p *prevGram) reset() {
	p.words = p.words[:0]
	p.suffix = -1
}

func (p *prevGram) remember(words [][]byte, ids []uint32, suffix int) {
	p.buf = p.buf[:0]
	for _, w := range words {
		p.buf = append(p.buf, w...)
	}
	p.words = p.words[:0]
	at := 0
	for _, w := range words {
		p.words = append(p.words, p.buf[at:at+len(w)])
		at += len(w)
	}
	copy(p.ids[:], ids)
	p.suffix = suffix
}

func formatFloat32(f float32) string {
	return strconv.FormatFloat(float64(f), 'g', -1, 32)
}

// WriteARPA writes the model in lmplz's dialect: tab-separated columns, a
// backoff column on every order below the highest (0 included), unigrams in
// id order and higher orders sorted by word ids, so that the same model
// always gives the same bytes. Values are float32 in shortest round-trip
// form, so reading the file back gives the same model.
//
// A model read from a KenLM binary file cannot be written back as ARPA.
func (m *Model) WriteARPA(w io.Writer) error {
	if m.bin != nil {
		return errors.New("kenlm: WriteARPA of a model read from a KenLM binary file is not supported (keep the ARPA)")
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	counts := m.Counts()
	fmt.Fprintf(bw, "\\data\\\n")
	for i, c := range counts {
		fmt.Fprintf(bw, "ngram %d=%d\n", i+1, c)
	}
	fmt.Fprintf(bw, "\n\\1-grams:\n")
	for id, word := range m.words {
		bw.WriteString(formatFloat32(m.uniProb[id]))
		bw.WriteByte('\t')
		bw.WriteString(word)
		if m.order > 1 {
			bw.WriteByte('\t')
			bw.WriteString(formatFloat32(m.uniBackoff[id]))
		}
		bw.WriteByte('\n')
	}
	for n := 2; n <= m.order; n++ {
		fmt.Fprintf(bw, "\n\\%d-grams:\n", n)
		grams := m.ngrams(n)
		var sb strings.Builder
		for i := 0; i < len(grams); i += n + 1 {
			ids, at := grams[i:i+n], grams[i+n]
			t := &m.tables[n-2]
			var prob, backoff float32
			if t.mid != nil {
				prob, backoff = t.mid[at].prob, t.mid[at].backoff
			} else {
				prob = t.top[at].prob
			}
			sb.Reset()
			sb.WriteString(formatFloat32(prob))
			sb.WriteByte('\t')
			for j, id := range ids {
				if j > 0 {
					sb.WriteByte(' ')
				}
				sb.WriteString(m.words[id])
			}
			if n < m.order {
				sb.WriteByte('\t')
				sb.WriteString(formatFloat32(backoff))
			}
			sb.WriteByte('\n')
			bw.WriteString(sb.String())
		}
	}
	fmt.Fprintf(bw, "\n\\end\\\n")
	return bw.Flush()
}

// ngrams returns the n-grams of order n as a flat list of records of n word
// ids followed by the slot index, sorted by word ids.
func (m *Model) ngrams(n int) []uint32 {
	t := &m.tables[n-2]
	rec := n + 1
	out := make([]uint32, 0, t.n*rec)
	for i := uint64(0); i < t.size; i++ {
		var word, suf uint32
		if t.mid != nil {
			word, suf = t.mid[i].word, t.mid[i].suffix
		} else {
			word, suf = t.top[i].word, t.top[i].suffix
		}
		if word == emptyWord || t.isBlank(i) {
			continue
		}
		out = append(out, word)
		// Follow suffix links down to the last word.
		for k := n - 1; k >= 2; k-- {
			s := &m.tables[k-2].mid[suf]
			out = append(out, s.word)
			suf = s.suffix
		}
		out = append(out, suf, uint32(i))
	}
	// Sort records.
	idx := make([]int, len(out)/rec)
	for i := range idx {
		idx[i] = i * rec
	}
	slices.SortFunc(idx, func(a, b int) int { return naturalCmp(out[a:a+n], out[b:b+n]) })
	sorted := make([]uint32, 0, len(out))
	for _, i := range idx {
		sorted = append(sorted, out[i:i+rec]...)
	}
	return sorted
}
