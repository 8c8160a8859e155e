package github

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// A hand-written decoder for one NDJSON row: a flat JSON object whose
// values are strings, numbers, booleans or null (the github_repos tables
// have no nested columns; an unknown nested value is skipped). It does what
// encoding/json did here in one pass over the line, with one copy of each
// string (encoding/json validated the line, then scanned and unquoted it,
// then copied it again: two thirds of the reader's time on source code).
// Semantics follow encoding/json: invalid UTF-8 and lone surrogates become
// U+FFFD, raw control characters in strings are an error.

var errJSON = errors.New("invalid JSON")

type jsonDec struct {
	b []byte
	i int
}

func (d *jsonDec) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// str reads a string at d.i (the opening quote) and returns it; the string
// owns its bytes.
func (d *jsonDec) str() (string, error) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return "", errJSON
	}
	d.i++
	start := d.i
	// Fast path: no escapes and ASCII or valid UTF-8.
	for d.i < len(d.b) {
		c := d.b[d.i]
		if c == '"' {
			raw := d.b[start:d.i]
			d.i++
			if !utf8.Valid(raw) {
				return string([]rune(string(raw))), nil // U+FFFD for bad bytes, as encoding/json
			}
			return string(raw), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", errJSON
		}
		d.i++
	}
	// Slow path: unescape into a new buffer (never longer than the raw text).
	out := make([]byte, 0, len(d.b)-start)
	out = append(out, d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(out) {
				return string([]rune(string(out))), nil
			}
			return unsafe.String(unsafe.SliceData(out), len(out)), nil
		case c < 0x20:
			return "", errJSON
		case c != '\\':
			// Copy the run up to the next quote or backslash at once.
			j := d.i + 1
			for j < len(d.b) && d.b[j] != '"' && d.b[j] != '\\' && d.b[j] >= 0x20 {
				j++
			}
			out = append(out, d.b[d.i:j]...)
			d.i = j
			continue
		}
		if d.i+1 >= len(d.b) {
			return "", errJSON
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", errJSON
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				save := d.i
				if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
					d.i += 2
					if x, ok := d.hex4(); ok {
						r2 = x
					}
				}
				if dr := utf16.DecodeRune(r, r2); dr != utf8.RuneError {
					r = dr
				} else {
					d.i = save
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", errJSON
		}
	}
	return "", errJSON
}

func (d *jsonDec) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			r |= rune(c-'A') + 10
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// literal reads a number, true, false or null and returns its text.
func (d *jsonDec) literal() ([]byte, error) {
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			break
		}
		d.i++
	}
	lit := d.b[start:d.i]
	switch string(lit) {
	case "true", "false", "null":
		return lit, nil
	}
	if _, err := strconv.ParseFloat(string(lit), 64); err != nil || len(lit) == 0 {
		return nil, errJSON
	}
	return lit, nil
}

// skip skips any value (for columns the join does not use).
func (d *jsonDec) skip() error {
	d.ws()
	if d.i >= len(d.b) {
		return errJSON
	}
	switch d.b[d.i] {
	case '"':
		_, err := d.str()
		return err
	case '{', '[':
		open := d.b[d.i]
		closer := byte('}')
		if open == '[' {
			closer = ']'
		}
		d.i++
		d.ws()
		if d.i < len(d.b) && d.b[d.i] == closer {
			d.i++
			return nil
		}
		for {
			if open == '{' {
				d.ws()
				if _, err := d.str(); err != nil {
					return err
				}
				d.ws()
				if d.i >= len(d.b) || d.b[d.i] != ':' {
					return errJSON
				}
				d.i++
			}
			if err := d.skip(); err != nil {
				return err
			}
			d.ws()
			if d.i >= len(d.b) {
				return errJSON
			}
			if d.b[d.i] == closer {
				d.i++
				return nil
			}
			if d.b[d.i] != ',' {
				return errJSON
			}
			d.i++
		}
	}
	_, err := d.literal()
	return err
}

// decodeRow parses one row into r. INT64 columns may be strings ("123", as
// BigQuery writes them) or numbers; null and absent mean NULL.
func decodeRow(line []byte, r *Row) error {
	d := jsonDec{b: line}
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return errJSON
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return d.end()
	}
	for {
		d.ws()
		key, err := d.str()
		if err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return errJSON
		}
		d.i++
		d.ws()
		if err := d.field(key, r); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return errJSON
		}
		if d.b[d.i] == '}' {
			d.i++
			return d.end()
		}
		if d.b[d.i] != ',' {
			return errJSON
		}
		d.i++
	}
}

func (d *jsonDec) end() error {
	d.ws()
	if d.i != len(d.b) {
		return errJSON
	}
	return nil
}

var errColumn = errors.New("column of the wrong type")

func (d *jsonDec) field(key string, r *Row) error {
	switch key {
	case "repo_name", "ref", "path", "id", "symlink_target", "content", "license":
		if d.i < len(d.b) && d.b[d.i] == 'n' {
			_, err := d.literal() // null
			return err
		}
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return errColumn
		}
		s, err := d.str()
		if err != nil {
			return err
		}
		setText(r, key, s)
	case "mode", "size", "copies":
		var text []byte
		if d.i < len(d.b) && d.b[d.i] == '"' {
			s, err := d.str()
			if err != nil {
				return err
			}
			text = []byte(s)
		} else {
			lit, err := d.literal()
			if err != nil {
				return err
			}
			if string(lit) == "null" {
				return nil
			}
			text = lit
		}
		v, err := strconv.ParseInt(string(text), 10, 64)
		if err != nil {
			return errColumn
		}
		setInt(r, key, v)
	case "binary":
		lit, err := d.literal()
		if err != nil {
			if d.i < len(d.b) && d.b[d.i] == '"' {
				s, err := d.str()
				if err != nil || (s != "true" && s != "false") {
					return errColumn
				}
				r.Binary = s == "true"
				return nil
			}
			return err
		}
		switch string(lit) {
		case "true":
			r.Binary = true
		case "false", "null":
		default:
			return errColumn
		}
	default:
		return d.skip()
	}
	return nil
}
