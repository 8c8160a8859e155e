package c4

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Record is the part of one C4 line the source keeps. Text, URL and
// Timestamp are the JSON strings decoded; Has* say whether the key was there
// with a string value.
type Record struct {
	Text, URL, Timestamp string
	HasURL, HasTimestamp bool
}

// Why a line is not a document. Each is the stats reason of the skip.
var (
	ErrBlank      = errors.New("c4: blank line")
	ErrInvalidUTF = errors.New("c4: invalid UTF-8")
	ErrSyntax     = errors.New("c4: malformed JSON")
	ErrNotObject  = errors.New("c4: line is not a JSON object")
	ErrNoText     = errors.New("c4: object has no \"text\"")
	ErrTextType   = errors.New("c4: \"text\" is not a string")
)

// reasons maps the sentinels to their stats reasons.
var reasons = map[error]string{
	ErrBlank:      "blank-line",
	ErrInvalidUTF: "invalid-utf8",
	ErrSyntax:     "bad-json",
	ErrNotObject:  "not-object",
	ErrNoText:     "missing-text",
	ErrTextType:   "text-not-string",
}

// ParseLine decodes one line of a C4 shard (without its newline). Its
// result is, by definition, that of [ParseLineStd] (encoding/json); it
// first tries a scanner that handles the shape C4 writes (an object of
// string values) in one pass and falls back to encoding/json for
// anything else, so odd but valid lines (numbers, nested values, escaped
// keys) come out the same. FuzzParseLine checks the two agree.
//
// Semantics: the line must be valid UTF-8 (encoding/json would silently
// replace bad bytes; a shard with them is damaged, so the line is skipped);
// a blank line (JSON whitespace only) is ErrBlank; the value must be an
// object holding the key "text" (matched exactly, the last of duplicate
// keys wins) with a string value. "url" and "timestamp" are taken when
// they are strings and ignored otherwise. A \u escape of a lone UTF-16
// surrogate decodes to U+FFFD, as encoding/json does (Python's json.loads
// would keep the surrogate, which no UTF-8 output can hold).
func ParseLine(line []byte) (Record, error) {
	if rec, ok := fastParse(line); ok {
		return rec, nil
	}
	return ParseLineStd(line)
}

// ParseLineStd is ParseLine through encoding/json alone: the reference the
// fast scanner is tested against.
func ParseLineStd(line []byte) (Record, error) {
	if isBlank(line) {
		return Record{}, ErrBlank
	}
	if !utf8.Valid(line) {
		return Record{}, ErrInvalidUTF
	}
	if !json.Valid(line) {
		return Record{}, ErrSyntax
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil || m == nil {
		// Valid JSON that is not an object (an array, a string, null).
		return Record{}, ErrNotObject
	}
	var rec Record
	raw, ok := m["text"]
	if !ok {
		return Record{}, ErrNoText
	}
	if !stdString(raw, &rec.Text) {
		return Record{}, ErrTextType
	}
	if raw, ok := m["url"]; ok {
		rec.HasURL = stdString(raw, &rec.URL)
	}
	if raw, ok := m["timestamp"]; ok {
		rec.HasTimestamp = stdString(raw, &rec.Timestamp)
	}
	return rec, nil
}

// stdString decodes raw into s if it is a JSON string (null, which
// encoding/json would accept into a string, is not).
func stdString(raw json.RawMessage, s *string) bool {
	if len(raw) == 0 || raw[0] != '"' {
		return false
	}
	return json.Unmarshal(raw, s) == nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// fastParse handles `{"k":"v",...}` with string values and keys without
// escapes; ok is false for anything else (including every invalid line),
// which ParseLineStd then decides.
//
// UTF-8 is checked as the strings are scanned (scanPlain): outside strings
// only ASCII structure is accepted, so a line it takes is valid UTF-8.
func fastParse(b []byte) (rec Record, ok bool) {
	i := skipSpace(b, 0)
	if i == len(b) || b[i] != '{' {
		return rec, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return rec, false // {}: the reference says "no text"
	}
	hasText := false
	for {
		// Key: a string without escapes.
		if i == len(b) || b[i] != '"' {
			return rec, false
		}
		j := bytes.IndexByte(b[i+1:], '"')
		if j < 0 {
			return rec, false
		}
		key := b[i+1 : i+1+j]
		if bytes.IndexByte(key, '\\') >= 0 || !plainASCII(key) {
			return rec, false
		}
		i = skipSpace(b, i+j+2)
		if i == len(b) || b[i] != ':' {
			return rec, false
		}
		i = skipSpace(b, i+1)
		if i == len(b) || b[i] != '"' {
			return rec, false
		}
		var dst *string
		switch string(key) {
		case "text":
			dst, hasText = &rec.Text, true
		case "url":
			dst, rec.HasURL = &rec.URL, true
		case "timestamp":
			dst, rec.HasTimestamp = &rec.Timestamp, true
		}
		var okv bool
		i, okv = scanString(b, i+1, dst)
		if !okv {
			return rec, false
		}
		i = skipSpace(b, i)
		if i == len(b) {
			return rec, false
		}
		if b[i] == '}' {
			if skipSpace(b, i+1) != len(b) {
				return rec, false
			}
			return rec, hasText
		}
		if b[i] != ',' {
			return rec, false
		}
		i = skipSpace(b, i+1)
	}
}

// plainASCII reports whether b is printable ASCII and spaces (no control
// byte, no byte of a multi-byte character): the keys fastParse takes.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// scanPlain returns the index of the first '"' or '\\' at or after b[i],
// having checked that the bytes before it are valid UTF-8 without control
// characters; ok is false otherwise.
func scanPlain(b []byte, i int) (int, bool) {
	for {
		j := indexSpecial(b[i:])
		if j < 0 {
			return 0, false
		}
		i += j
		c := b[i]
		if c == '"' || c == '\\' {
			return i, true
		}
		if c < 0x20 {
			return 0, false
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return 0, false
		}
		i += n
	}
}

// scanString reads the JSON string whose opening quote is just before b[i]
// and returns the index after its closing quote. When dst is non-nil the
// decoded value is stored there. ok is false on any syntax error.
func scanString(b []byte, i int, dst *string) (int, bool) {
	start := i
	// Fast path: no escapes before the closing quote.
	i, ok := scanPlain(b, i)
	if !ok {
		return 0, false
	}
	if b[i] == '"' {
		if dst != nil {
			*dst = string(b[start:i])
		}
		return i + 1, true
	}
	// The unescaped text is no longer than the rest of the line; a
	// Builder grows without zeroing its memory and hands its bytes to the
	// string without a copy.
	var out strings.Builder
	if dst != nil {
		out.Grow(len(b) - start)
		out.Write(b[start:i])
	}
	for {
		// b[i] is a backslash here.
		if i+1 >= len(b) {
			return 0, false
		}
		c := b[i+1]
		switch c {
		case '"', '\\', '/':
			out.WriteByte(c)
			i += 2
		case 'b':
			out.WriteByte('\b')
			i += 2
		case 'f':
			out.WriteByte('\f')
			i += 2
		case 'n':
			out.WriteByte('\n')
			i += 2
		case 'r':
			out.WriteByte('\r')
			i += 2
		case 't':
			out.WriteByte('\t')
			i += 2
		case 'u':
			r, ok := hex4(b, i+2)
			if !ok {
				return 0, false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				// A pair only if a \u low surrogate follows; otherwise
				// U+FFFD and the next escape stands on its own
				// (encoding/json's rule).
				if i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
					if r2, ok := hex4(b, i+2); ok {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							r = d
							i += 6
						} else {
							r = utf8.RuneError
						}
					} else {
						return 0, false
					}
				} else {
					r = utf8.RuneError
				}
			}
			if dst != nil {
				out.WriteRune(r)
			}
		default:
			return 0, false
		}
		// Copy up to the next quote or backslash.
		j, ok := scanPlain(b, i)
		if !ok {
			return 0, false
		}
		if dst != nil {
			out.Write(b[i:j])
		}
		i = j
		if b[i] == '"' {
			if dst != nil {
				*dst = out.String()
			}
			return i + 1, true
		}
	}
}

// indexSpecial returns the index of the first byte of b that ends a run of
// plain ASCII string content: '"', '\\', a control byte (< 0x20, invalid in
// a JSON string) or the first byte of a multi-byte character (which
// scanPlain validates); -1 if there is none. It tests eight bytes at a time
// (the classic "has a byte less than n" and "has a zero byte" bit tricks):
// text is long and such bytes are rare.
func indexSpecial(b []byte) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ (ones * '"')
		s := x ^ (ones * '\\')
		m := ((x - ones*0x20) &^ x) | ((q - ones) &^ q) | ((s - ones) &^ s) | x
		if m&highs != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
