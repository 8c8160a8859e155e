package dedup

import (
	"math/bits"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// Shingle kinds.
const (
	ShingleWords = "words" // n consecutive words (datatrove's n-grams of simplified text)
	ShingleChars = "chars" // n consecutive characters of the simplified text
)

// fmix64 is MurmurHash3's finaliser: full avalanche of 64 bits.
func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// splitmix64 steps a seed and returns the next pseudo-random value; it
// makes the MinHash parameters from the recipe's seed.
func splitmix64(s *uint64) uint64 {
	*s += 0x9E3779B97F4A7C15
	return fmix64(*s)
}

// isWordRune: letters, digits and combining marks make words; everything
// else (punctuation, symbols, spaces) separates them. This is datatrove's
// simplify_text (lower case, punctuation removed, whitespace collapsed)
// followed by a split on whitespace, without NLTK's tokenizer.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// shingler turns a text into 64-bit shingle hashes. It is not safe for
// concurrent use; its buffers are reused from one text to the next.
type shingler struct {
	kind  string
	n     int
	word  []byte   // the current word, lower-cased
	words []uint64 // ring of the last n word hashes
	norm  []byte   // simplified text, for character shingles
	offs  []int    // rune starts in norm
	out   []uint64
}

// appendLower appends the lower-cased word runes of s[i:] up to the next
// non-word rune and returns the index after it.
func appendLowerWord(dst []byte, s string, i int) ([]byte, int) {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				dst = append(dst, c)
			case 'A' <= c && c <= 'Z':
				dst = append(dst, c+'a'-'A')
			default:
				return dst, i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			return dst, i
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += n
	}
	return dst, i
}

// skipNonWord returns the index of the next word rune of s from i.
func skipNonWord(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			return i
		}
		i += n
	}
	return i
}

// shingles returns the hashes of text's shingles (with repeats, in text
// order); the slice is reused by the next call. A text with fewer than n
// words (or characters) has one shingle, the whole simplified text; an
// empty one has none.
func (s *shingler) shingles(text string) []uint64 {
	s.out = s.out[:0]
	if s.kind == ShingleChars {
		return s.charShingles(text)
	}
	if cap(s.words) < s.n {
		s.words = make([]uint64, s.n)
	}
	ring := s.words[:s.n]
	count := 0
	for i := skipNonWord(text, 0); i < len(text); i = skipNonWord(text, i) {
		s.word, i = appendLowerWord(s.word[:0], text, i)
		ring[count%s.n] = xxhash.Sum64(s.word)
		count++
		if count >= s.n {
			s.out = append(s.out, combine(ring, count, s.n))
		}
	}
	if count > 0 && count < s.n {
		s.out = append(s.out, combine(ring, count, count))
	}
	return s.out
}

// combine hashes the last k word hashes of the ring (count words seen so
// far), in text order: each rotated by its position, then mixed, so that the
// same words in another order make another shingle.
func combine(ring []uint64, count, k int) uint64 {
	n := len(ring)
	var h uint64 = uint64(k)
	for j := 0; j < k; j++ {
		w := ring[(count-k+j)%n]
		h ^= bits.RotateLeft64(w, 17*j)
	}
	return fmix64(h)
}

// charShingles hashes every window of n runes of the simplified text
// (lower-cased words joined by one space).
func (s *shingler) charShingles(text string) []uint64 {
	s.norm = s.norm[:0]
	for i := skipNonWord(text, 0); i < len(text); i = skipNonWord(text, i) {
		if len(s.norm) > 0 {
			s.norm = append(s.norm, ' ')
		}
		s.norm, i = appendLowerWord(s.norm, text, i)
	}
	s.offs = s.offs[:0]
	for i := range string(s.norm) {
		s.offs = append(s.offs, i)
	}
	if len(s.offs) == 0 {
		return s.out
	}
	s.offs = append(s.offs, len(s.norm))
	runes := len(s.offs) - 1
	if runes <= s.n {
		return append(s.out, xxhash.Sum64(s.norm))
	}
	for i := 0; i+s.n <= runes; i++ {
		s.out = append(s.out, xxhash.Sum64(s.norm[s.offs[i]:s.offs[i+s.n]]))
	}
	return s.out
}

// minhasher computes MinHash signatures: k values, the i-th the minimum
// over the shingle hashes h of a_i*h + b_i (mod 2^64), of which the top 32
// bits are kept. The shingle hashes are already uniform 64-bit values, so
// the odd-multiplier affine maps behave as independent random permutations
// for MinHash; datatrove uses (a*h+b) mod (2^61-1) on SHA-1 prefixes to
// the same end.
type minhasher struct {
	a, b []uint64
}

func newMinhasher(k int, seed uint64) *minhasher {
	m := &minhasher{a: make([]uint64, k), b: make([]uint64, k)}
	s := seed
	for i := 0; i < k; i++ {
		m.a[i] = splitmix64(&s) | 1
		m.b[i] = splitmix64(&s)
	}
	return m
}

// signature writes the signature of hashes into sig (len k). mins is
// scratch of len k.
func (m *minhasher) signature(hashes []uint64, sig []uint32, mins []uint64) {
	for i := range mins {
		mins[i] = ^uint64(0)
	}
	a, b := m.a, m.b[:len(m.a)]
	mins = mins[:len(a)]
	for _, h := range hashes {
		for i := range a {
			v := a[i]*h + b[i]
			if v < mins[i] {
				mins[i] = v
			}
		}
	}
	for i, v := range mins {
		sig[i] = uint32(v >> 32)
	}
}

// bandKey hashes band number b of a signature (rows values) into one key;
// the band number is mixed in so that equal values in different bands do
// not meet.
func bandKey(b int, vals []uint32) uint64 {
	h := fmix64(uint64(b+1) * 0x9E3779B97F4A7C15)
	for _, v := range vals {
		h = fmix64(h ^ uint64(v))
	}
	return h
}
