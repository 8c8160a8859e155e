package heuristics

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// badwordsEN is LDNOOBW's English list at the commit TFDS pins for C4
// (25e679f03d96baa721cde20db9944649e8d0a844), unchanged; see
// badwords_en.LICENSE.md for its source and licence (CC BY 4.0).
//
//go:embed badwords_en.txt
var badwordsEN string

// BadwordsEN returns the embedded English list, one entry a line, as
// published.
func BadwordsEN() string { return badwordsEN }

// Badwords finds entries of a word list in text the way TFDS' c4
// badwords_filter does for English: the text is lowercased (Python's
// str.lower), and an entry matches where it is flanked on each side by a
// non-word character or the end of the text, the regular expression
// (?:\W|^)(w1|w2|...)(?:\W|$) with Python's Unicode \W (a word character is
// a letter, a number or "_"). Entries match literally (TFDS escapes them),
// multi-word entries included ("2 girls 1 cup"). Safe for concurrent use.
type Badwords struct {
	// A byte trie of the entries: node 0 is the root. Scanning walks it
	// from each position that follows a non-word character, and most walks
	// stop after a byte or two.
	nodes []trieNode
	first [256]bool // the first bytes of the entries
	// pairs has bit b0<<8|b1 set for the first two bytes of each entry;
	// short is set when an entry has one byte, which pairs cannot see.
	pairs [1 << 16 / 64]uint64
	short bool
	// dense child tables of the root and its children, where most walks
	// end: dense[trieNode.dense][c] is the child by byte c, or 0.
	dense [][256]int32
	n     int
}

type trieNode struct {
	keys []byte  // child bytes
	kids []int32 // child nodes, parallel to keys
	end  bool    // an entry ends here
	// dense is the node's table in Badwords.dense (root and depth 1).
	dense int32
}

// NewBadwords builds a matcher from a list with one entry a line, as
// TFDS reads it: each line stripped of surrounding whitespace; blank lines
// are skipped (TFDS would keep an empty entry, which matches any page with
// two adjacent non-word characters; no list it pins has one).
func NewBadwords(list string) (*Badwords, error) {
	b := &Badwords{nodes: []trieNode{{}}}
	for _, l := range strings.Split(list, "\n") {
		w := pyStrip(l) // as TFDS: entries are not lowercased (the lists are)
		if w == "" {
			continue
		}
		if !utf8.ValidString(w) {
			return nil, fmt.Errorf("heuristics: bad-words entry %q is not valid UTF-8", w)
		}
		if b.add(w) {
			b.n++
			b.first[w[0]] = true
			if len(w) == 1 {
				b.short = true
			} else {
				k := uint(w[0])<<8 | uint(w[1])
				b.pairs[k/64] |= 1 << (k % 64)
			}
		}
	}
	b.addDense(0)
	for _, k := range b.nodes[0].kids {
		b.addDense(k)
	}
	return b, nil
}

func (b *Badwords) addDense(node int32) {
	var t [256]int32
	for i, c := range b.nodes[node].keys {
		t[c] = b.nodes[node].kids[i]
	}
	b.nodes[node].dense = int32(len(b.dense))
	b.dense = append(b.dense, t)
}

// add inserts w and reports whether it was new.
func (b *Badwords) add(w string) bool {
	at := int32(0)
	for i := 0; i < len(w); i++ {
		nd := &b.nodes[at]
		k := bytes.IndexByte(nd.keys, w[i])
		if k < 0 {
			b.nodes = append(b.nodes, trieNode{})
			nd = &b.nodes[at]
			nd.keys = append(nd.keys, w[i])
			nd.kids = append(nd.kids, int32(len(b.nodes)-1))
			k = len(nd.keys) - 1
		}
		at = nd.kids[k]
	}
	if b.nodes[at].end {
		return false
	}
	b.nodes[at].end = true
	return true
}

// Len is the number of distinct entries.
func (b *Badwords) Len() int { return b.n }

// Find returns the first entry found in text (already lowercased with
// pyLower) and whether there is one.
func (b *Badwords) Find(lower string) (string, bool) {
	prevWord := false // whether the rune before i is a word character
	for i := 0; i < len(lower); {
		c := lower[i]
		if !prevWord && b.first[c] && b.mayStart(lower, i) {
			if n := b.match(lower, i); n > 0 {
				return lower[i : i+n], true
			}
		}
		if c < utf8.RuneSelf {
			prevWord = asciiWord[c]
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(lower[i:])
		prevWord = isPyWord(r)
		i += n
	}
	return "", false
}

// mayStart reports whether an entry may start at s[i], from its first two
// bytes.
func (b *Badwords) mayStart(s string, i int) bool {
	if b.short {
		return true
	}
	if i+1 >= len(s) {
		return false
	}
	k := uint(s[i])<<8 | uint(s[i+1])
	return b.pairs[k/64]&(1<<(k%64)) != 0
}

// match returns the length of an entry that starts at s[i] and is followed
// by a non-word character or the end, or 0.
func (b *Badwords) match(s string, i int) int {
	// The first two bytes through the dense tables.
	at := b.dense[0][s[i]]
	if at == 0 {
		return 0
	}
	j := i + 1
	if b.nodes[at].end && !isWordAt(s, j) {
		return j - i
	}
	if j >= len(s) {
		return 0
	}
	at = b.dense[b.nodes[at].dense][s[j]]
	if at == 0 {
		return 0
	}
	for j++; ; j++ {
		if b.nodes[at].end && !isWordAt(s, j) {
			return j - i
		}
		if j >= len(s) {
			return 0
		}
		nd := &b.nodes[at]
		next := int32(0)
		for k, c := range nd.keys {
			if c == s[j] {
				next = nd.kids[k]
				break
			}
		}
		if next == 0 {
			return 0
		}
		at = next
	}
}

// asciiWord marks the ASCII word characters [0-9A-Za-z_].
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// isWordAt reports whether the rune starting at byte i of s is a word
// character (false at the end of s).
func isWordAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	if c := s[i]; c < utf8.RuneSelf {
		return asciiWord[c]
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isPyWord(r)
}

// isPyWord is Python's \w for str patterns: str.isalnum() or "_", that is
// a letter (L*) or a number (N*).
func isPyWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}
