package fasttext

import (
	"bytes"
	"fmt"
)

// EOS is the token fastText adds for every line end. It is an ordinary
// dictionary word, because training sees the line ends.
const EOS = "</s>"

// LabelPrefix marks a token as a label. fastText's -label option can change
// it at training time, but the model file does not record it, so readers of
// fastText models must assume the default.
const LabelPrefix = "__label__"

const (
	typeWord  int8 = 0
	typeLabel int8 = 1
)

type entry struct {
	word  string
	count int64
	typ   int8
}

// dictionary is fastText's Dictionary: words first (by descending count),
// then labels, plus the lookup table fastText rebuilds on load.
type dictionary struct {
	entries      []entry
	nwords       int32
	nlabels      int32
	ntokens      int64
	pruneidxSize int64
	pruneidx     map[int32]int32
	pruneOrder   [][2]int32 // pruneidx pairs in file order, for a faithful Write

	bucket, minn, maxn, wordNgrams int32

	table []slot // word lookup, see init
	mask  uint32

	// subwords of word i are subFlat[subOff[i]:subOff[i+1]] (only when maxn > 0).
	subOff  []int32
	subFlat []int32

	eosHash uint32
}

// hashBytes is fastText's FNV-1a. The int8 conversion reproduces the sign
// extension of C++ `char` on x86: bytes ≥ 0x80 are xored as 0xffffffXX.
func hashBytes(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(int8(c))
		h *= 16777619
	}
	return h
}

func hashString(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(int8(s[i]))
		h *= 16777619
	}
	return h
}

// slot is a lookup-table cell: entry id + 1 (0 = empty) and its hash.
type slot struct {
	hash uint32
	id   int32
}

// init builds the lookup table and the subword lists after the entries are set.
func (d *dictionary) init() error {
	n := len(d.entries)
	// A power-of-two open-addressing table that keeps each word's full hash:
	// a probe compares hashes first and strings only on a hash match. The
	// layout differs from fastText's word2int_, the ids it finds do not.
	size := 1
	for size < n+n/2+1 {
		size <<= 1
	}
	d.table = make([]slot, size)
	mask := uint32(size - 1)
	for i := range d.entries {
		w := d.entries[i].word
		h := hashString(w)
		p := h & mask
		for d.table[p].id != 0 {
			if d.table[p].hash == h && d.entries[d.table[p].id-1].word == w {
				return fmt.Errorf("%w: dictionary entry %d %q duplicates entry %d", ErrFormat, i, w, d.table[p].id-1)
			}
			p = (p + 1) & mask
		}
		d.table[p] = slot{hash: h, id: int32(i) + 1}
	}
	d.mask = mask
	d.eosHash = hashString(EOS)
	d.subOff, d.subFlat = nil, nil
	if d.maxn > 0 {
		d.subOff = make([]int32, n+1)
		var buf []byte
		for i := range d.entries {
			d.subFlat = append(d.subFlat, int32(i))
			if d.entries[i].word != EOS {
				buf = append(append(append(buf[:0], '<'), d.entries[i].word...), '>')
				d.subFlat = d.computeSubwords(buf, d.subFlat)
			}
			d.subOff[i+1] = int32(len(d.subFlat))
		}
	}
	return nil
}

// find returns the entry id of word w with hash h, or -1.
func (d *dictionary) find(w []byte, h uint32) int32 {
	p := h & d.mask
	for {
		c := d.table[p]
		if c.id == 0 {
			return -1
		}
		if c.hash == h && d.entries[c.id-1].word == string(w) {
			return c.id - 1
		}
		p = (p + 1) & d.mask
	}
}

// pushHash adds the input row of bucket id, honouring a pruned dictionary:
// pruneidxSize 0 means every bucket was pruned, -1 means none was.
func (d *dictionary) pushHash(ids []int32, id int32) []int32 {
	if d.pruneidxSize == 0 || id < 0 {
		return ids
	}
	if d.pruneidxSize > 0 {
		m, ok := d.pruneidx[id]
		if !ok {
			return ids
		}
		id = m
	}
	return append(ids, d.nwords+id)
}

// computeSubwords appends the character n-gram rows of word (already wrapped
// in '<' '>'). N-grams are counted in UTF-8 characters, as fastText does.
func (d *dictionary) computeSubwords(word []byte, ids []int32) []int32 {
	if d.bucket <= 0 {
		return ids
	}
	for i := 0; i < len(word); i++ {
		if word[i]&0xC0 == 0x80 {
			continue
		}
		j := i
		for n := int32(1); j < len(word) && n <= d.maxn; n++ {
			j++
			for j < len(word) && word[j]&0xC0 == 0x80 {
				j++
			}
			if n >= d.minn && !(n == 1 && (i == 0 || j == len(word))) {
				h := hashBytes(word[i:j]) % uint32(d.bucket)
				ids = d.pushHash(ids, int32(h))
			}
		}
	}
	return ids
}

// lineBuf holds the per-line scratch space so that tokenizing allocates
// nothing once the buffers have grown.
type lineBuf struct {
	ids    []int32 // input rows, in fastText's order
	hashes []int32 // word hashes for the word n-grams
	labels []int32 // label indices (training)
	word   []byte  // scratch for "<word>"
}

func isSep(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == 0
}

const (
	classWord    = 0
	classSep     = 1
	classNewline = 2
)

// byteClass sorts bytes for fastText's readWord: separators, '\n', and
// bytes that belong to a token.
var byteClass = func() (t [256]uint8) {
	for c := range t {
		if isSep(byte(c)) {
			t[c] = classSep
		}
	}
	t['\n'] = classNewline
	return t
}()

// line tokenizes one line as fastText's Dictionary::getLine reads it from a
// stream: tokens up to the first '\n', which becomes "</s>". If text has no
// '\n', eos says whether the line ends with one anyway (Python's predict
// appends it; the CLI's last line may lack it). It returns the number of
// tokens read, labels and "</s>" included, as fastText counts them.
func (d *dictionary) line(lb *lineBuf, text []byte, eos bool) int {
	lb.ids, lb.hashes, lb.labels = lb.ids[:0], lb.hashes[:0], lb.labels[:0]
	ntokens := 0
	i := 0
	for {
		for i < len(text) && byteClass[text[i]] == classSep {
			i++
		}
		if i == len(text) || text[i] == '\n' {
			if i < len(text) || eos {
				ntokens++
				d.addToken(lb, eosBytes, d.eosHash)
			}
			break
		}
		// Scan the token and hash it in one pass.
		start := i
		h := uint32(2166136261)
		for i < len(text) && byteClass[text[i]] == classWord {
			h ^= uint32(int8(text[i]))
			h *= 16777619
			i++
		}
		ntokens++
		d.addToken(lb, text[start:i], h)
	}
	if d.wordNgrams > 1 && d.bucket > 0 {
		hs := lb.hashes
		for i := range hs {
			h := uint64(int64(hs[i]))
			for j := i + 1; j < len(hs) && j < i+int(d.wordNgrams); j++ {
				h = h*116049371 + uint64(int64(hs[j]))
				lb.ids = d.pushHash(lb.ids, int32(h%uint64(d.bucket)))
			}
		}
	}
	return ntokens
}

var eosBytes = []byte(EOS)
var labelPrefix = []byte(LabelPrefix)

func (d *dictionary) addToken(lb *lineBuf, tok []byte, h uint32) {
	wid := d.find(tok, h)
	var typ int8
	if wid < 0 {
		if bytes.HasPrefix(tok, labelPrefix) {
			typ = typeLabel
		}
	} else {
		typ = d.entries[wid].typ
	}
	switch {
	case typ == typeWord:
		switch {
		case wid < 0:
			if d.maxn > 0 && string(tok) != EOS {
				lb.word = append(append(append(lb.word[:0], '<'), tok...), '>')
				lb.ids = d.computeSubwords(lb.word, lb.ids)
			}
		case d.maxn <= 0:
			lb.ids = append(lb.ids, wid)
		default:
			lb.ids = append(lb.ids, d.subFlat[d.subOff[wid]:d.subOff[wid+1]]...)
		}
		lb.hashes = append(lb.hashes, int32(h))
	case typ == typeLabel && wid >= 0:
		lb.labels = append(lb.labels, wid-d.nwords)
	}
}
