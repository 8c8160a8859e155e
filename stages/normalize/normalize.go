package normalize

import (
	"unicode"
	"unicode/utf8"
)

// punct is CCNet's UNICODE_PUNCT table: character → ASCII replacement used by
// Normalize; ForDedup deletes these characters instead. "１" (full-width
// one) is listed by CCNet but never fires: digits become "0" first.
var punct = map[rune]string{
	'，': ",", '。': ".", '、': ",", '„': `"`, '”': `"`, '“': `"`, '«': `"`,
	'»': `"`, '１': `"`, '」': `"`, '「': `"`, '《': `"`, '》': `"`, '´': "'",
	'∶': ":", '：': ":", '？': "?", '！': "!", '（': "(", '）': ")", '；': ";",
	'–': "-", '—': " - ", '．': ". ", '～': "~", '’': "'", '…': "...",
	'━': "-", '〈': "<", '〉': ">", '【': "[", '】': "]", '％': "%", '►': "-",
}

// isControl reports CCNet's non-printing characters: U+0000-U+001F and
// U+007F-U+009F.
func isControl(r rune) bool { return r < 0x20 || (r >= 0x7F && r <= 0x9F) }

// ForDedup returns CCNet's normalize_for_dedup(line).
func ForDedup(line string) string { return string(AppendForDedup(nil, line)) }

// AppendForDedup appends ForDedup(line) to dst and returns the extended
// buffer.
func AppendForDedup(dst []byte, line string) []byte {
	s := Strip(line)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			dst = appendASCII(dst, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsDigit(r):
			dst = append(dst, '0')
		case isControl(r):
		case punct[r] != "":
		default:
			// Lowercasing yields neither digits, punctuation of the table
			// nor control characters, so it can come last.
			dst = appendLower(dst, s, i, r)
		}
		i += n
	}
	return dst
}

// appendASCII is both normalizations of an ASCII byte: lowercase, digits
// to 0, control characters deleted (ASCII punctuation is kept by both).
func appendASCII(dst []byte, c byte) []byte {
	switch {
	case c >= 'A' && c <= 'Z':
		return append(dst, c+'a'-'A')
	case c >= '0' && c <= '9':
		return append(dst, '0')
	case isControl(rune(c)):
		return dst
	}
	return append(dst, c)
}

// Normalize returns CCNet's normalize(line) with its default arguments
// (accent, case, numbers: true; punct: 1).
func Normalize(line string) string { return string(AppendNormalize(nil, line)) }

// AppendNormalize appends Normalize(line) to dst and returns the extended
// buffer.
func AppendNormalize(dst []byte, line string) []byte {
	s := Strip(line)
	var n nfd
	var low [8]byte
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			// ASCII is a starter: it completes any pending segment.
			dst = n.flush(dst)
			i++
			dst = appendASCII(dst, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		lr := appendLower(low[:0], s, i, r)
		for j := 0; j < len(lr); {
			r2, m := utf8.DecodeRune(lr[j:])
			dst = n.add(dst, r2)
			j += m
		}
		i += size
	}
	return n.flush(dst)
}

// emit applies the steps that follow NFD to one character: Mn marks dropped,
// digits to "0", punctuation mapped, control characters deleted.
func emit(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		switch {
		case r >= '0' && r <= '9':
			return append(dst, '0')
		case isControl(r):
			return dst
		}
		return append(dst, byte(r))
	}
	switch {
	case unicode.Is(unicode.Mn, r):
		return dst
	case unicode.IsDigit(r):
		return append(dst, '0')
	case isControl(r):
		return dst
	}
	if p, ok := punct[r]; ok {
		return append(dst, p...)
	}
	return utf8.AppendRune(dst, r)
}
