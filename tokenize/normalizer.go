package tokenize

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
)

// spaceSymbol is U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's visible space.
const spaceSymbol = "\u2581"

// charsmap is a compiled normalization rule set (precompiled_charsmap): a
// Darts-clone double array mapping input byte strings to offsets of
// NUL-terminated replacement strings, as SentencePiece's normalizer.cc reads it.
type charsmap struct {
	units      []uint32
	normalized []byte
	// ascii[b] is the rule for the one-byte input b when no longer key
	// starts with b (most ASCII): n 0 means no rule, -1 means look it up.
	ascii [128]struct {
		n   int8
		val uint32
	}
}

func parseCharsmap(b []byte) (*charsmap, error) {
	if len(b) < 4 {
		return nil, errors.New("precompiled_charsmap shorter than its header")
	}
	n := binary.LittleEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) || n%4 != 0 || n == 0 {
		return nil, fmt.Errorf("precompiled_charsmap: trie size %d does not fit %d bytes", n, len(b)-4)
	}
	c := &charsmap{units: make([]uint32, n/4), normalized: b[4+n:]}
	for i := range c.units {
		c.units[i] = binary.LittleEndian.Uint32(b[4+4*i:])
	}
	for a := range c.ascii {
		n, v := c.longestPrefix([]byte{byte(a)})
		c.ascii[a].n, c.ascii[a].val = int8(n), v
		for x := 0; x < 256; x++ {
			if n2, _ := c.longestPrefix([]byte{byte(a), byte(x)}); n2 == 2 || c.continues(byte(a), byte(x)) {
				c.ascii[a].n = -1
				break
			}
		}
	}
	return c, nil
}

// Darts-clone unit accessors.
func dartsHasLeaf(u uint32) bool  { return (u>>8)&1 == 1 }
func dartsValue(u uint32) uint32  { return u & (1<<31 - 1) }
func dartsLabel(u uint32) uint32  { return u & (1<<31 | 0xFF) }
func dartsOffset(u uint32) uint32 { return (u >> 10) << ((u & (1 << 9)) >> 6) }

// longestPrefix returns the length and value of the longest key of the
// double array that is a prefix of s, or length 0. SentencePiece keeps only
// the first 32 matches; no rule set comes close to that many.
func (c *charsmap) longestPrefix(s []byte) (int, uint32) {
	units := c.units
	pos := uint32(0)
	unit := units[0]
	pos ^= dartsOffset(unit)
	bestLen, bestVal := 0, uint32(0)
	for i := 0; i < len(s); i++ {
		pos ^= uint32(s[i])
		if int(pos) >= len(units) {
			break
		}
		unit = units[pos]
		if dartsLabel(unit) != uint32(s[i]) {
			break
		}
		pos ^= dartsOffset(unit)
		if dartsHasLeaf(unit) {
			if int(pos) >= len(units) {
				break
			}
			bestLen, bestVal = i+1, dartsValue(units[pos])
		}
	}
	return bestLen, bestVal
}

// continues reports whether some key starts with the two bytes a, b.
func (c *charsmap) continues(a, b byte) bool {
	units := c.units
	pos := dartsOffset(units[0])
	for _, x := range []byte{a, b} {
		pos ^= uint32(x)
		if int(pos) >= len(units) || dartsLabel(units[pos]) != uint32(x) {
			return false
		}
		pos ^= dartsOffset(units[pos])
	}
	return true
}

// replacement returns the NUL-terminated string at off.
func (c *charsmap) replacement(off uint32) []byte {
	if int(off) >= len(c.normalized) {
		return nil
	}
	s := c.normalized[off:]
	for i, b := range s {
		if b == 0 {
			return s[:i]
		}
	}
	return s
}

var replacementChar = []byte("\uFFFD")

// normalizePrefix is SentencePiece's Normalizer::NormalizePrefix: the
// normalized form of the longest rule (or user-defined piece) at the start of
// s, and how many input bytes it consumes. Malformed UTF-8 consumes one byte
// and yields U+FFFD.
func (m *Model) normalizePrefix(s []byte) ([]byte, int) {
	if len(s) == 0 {
		return nil, 0
	}
	if m.user != nil {
		if n := m.user.match(s); n > 0 {
			return s[:n], n
		}
	}
	if m.charsmap != nil {
		if s[0] < utf8.RuneSelf && m.charsmap.ascii[s[0]].n >= 0 {
			if a := m.charsmap.ascii[s[0]]; a.n == 1 {
				return m.charsmap.replacement(a.val), 1
			}
			return s[:1], 1
		}
		if n, v := m.charsmap.longestPrefix(s); n > 0 {
			return m.charsmap.replacement(v), n
		}
	}
	if s[0] < utf8.RuneSelf {
		return s[:1], 1
	}
	r, n := utf8.DecodeRune(s)
	if r == utf8.RuneError && n == 1 {
		return replacementChar, 1
	}
	return s[:n], n
}

// normalize appends the normalized form of text to dst, following
// SentencePiece 0.1.97's Normalizer::Normalize: leading, trailing and repeated
// spaces removed when remove_extra_whitespaces, spaces escaped to U+2581, and
// the dummy prefix (or suffix) added.
func (m *Model) normalize(dst []byte, text []byte) []byte {
	if len(text) == 0 {
		return dst
	}
	if m.removeExtraWS {
		for len(text) > 0 {
			p, n := m.normalizePrefix(text)
			if len(p) != 1 || p[0] != ' ' {
				break
			}
			text = text[n:]
		}
		if len(text) == 0 {
			return dst
		}
	}
	start := len(dst)
	addWS := func() {
		if m.escapeWS {
			dst = append(dst, spaceSymbol...)
		} else {
			dst = append(dst, ' ')
		}
	}
	if !m.wsSuffix && m.addDummyPrefix {
		addWS()
	}
	isPrevSpace := m.removeExtraWS
	fast := m.user == nil && m.charsmap == nil
	for len(text) > 0 {
		if fast && !m.removeExtraWS {
			// Identity normalizer: copy ASCII runs in one go.
			i := 0
			for i < len(text) && text[i] < utf8.RuneSelf && text[i] != ' ' {
				i++
			}
			if i > 0 {
				dst = append(dst, text[:i]...)
				text = text[i:]
				continue
			}
		}
		sp, n := m.normalizePrefix(text)
		if isPrevSpace {
			for len(sp) > 0 && sp[0] == ' ' {
				sp = sp[1:]
			}
		}
		if len(sp) > 0 {
			for _, b := range sp {
				if m.escapeWS && b == ' ' {
					dst = append(dst, spaceSymbol...)
				} else {
					dst = append(dst, b)
				}
			}
			isPrevSpace = sp[len(sp)-1] == ' '
		}
		text = text[n:]
		if !m.removeExtraWS {
			isPrevSpace = false
		}
	}
	if m.removeExtraWS {
		space := " "
		if m.escapeWS {
			space = spaceSymbol
		}
		for len(dst)-start >= len(space) && string(dst[len(dst)-len(space):]) == space {
			dst = dst[:len(dst)-len(space)]
		}
	}
	if m.wsSuffix && m.addDummyPrefix {
		addWS()
	}
	return dst
}

// prefixMatcher finds the longest user-defined piece at the start of a string.
type prefixMatcher struct {
	set    map[string]struct{}
	maxLen int
	first  [256]bool
}

func newPrefixMatcher(words []string) *prefixMatcher {
	if len(words) == 0 {
		return nil
	}
	p := &prefixMatcher{set: make(map[string]struct{}, len(words))}
	for _, w := range words {
		p.set[w] = struct{}{}
		p.maxLen = max(p.maxLen, len(w))
		p.first[w[0]] = true
	}
	return p
}

// match returns the length of the longest user-defined piece prefixing s, or 0.
func (p *prefixMatcher) match(s []byte) int {
	if !p.first[s[0]] {
		return 0
	}
	for n := min(len(s), p.maxLen); n > 0; n-- {
		if _, ok := p.set[string(s[:n])]; ok {
			return n
		}
	}
	return 0
}

// has reports whether any piece of the matcher may start in s.
func (p *prefixMatcher) has(s []byte) bool {
	if p == nil {
		return false
	}
	for _, b := range s {
		if p.first[b] {
			return true
		}
	}
	return false
}

// replace is PrefixMatcher::GlobalReplace with a tab: it appends s to dst
// with every longest match replaced by "\t", scanning one character at a
// time.
func (p *prefixMatcher) replace(dst, s []byte) []byte {
	for len(s) > 0 {
		if n := p.match(s); n > 0 {
			dst = append(dst, '\t')
			s = s[n:]
			continue
		}
		n := min(oneCharLen(s[0]), len(s))
		dst = append(dst, s[:n]...)
		s = s[n:]
	}
	return dst
}

// oneCharLen is SentencePiece's string_util::OneCharLen: the UTF-8 sequence
// length announced by a lead byte, trusting it.
func oneCharLen(b byte) int {
	return int("\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x02\x02\x03\x04"[b>>4])
}
