package tokenize

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Protocol buffer wire types used by sentencepiece_model.proto.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

// errTruncated reports a message that ends inside a field.
var errTruncated = errors.New("tokenize: truncated protobuf message")

// field is one wire-format field as read, kept verbatim so that a message
// can be written back byte for byte, unknown fields included.
type field struct {
	num  int
	wire int
	u    uint64 // varint, fixed32 and fixed64 values
	b    []byte // length-delimited payload
}

// message is a protobuf message kept as its ordered list of fields.
// Getters read the last occurrence (proto2 semantics for optional scalars);
// setters replace the value in place or insert it in field-number order,
// which is the order protoc-generated C++ code writes, so a message built
// from scratch serializes like SentencePiece's own.
type message struct {
	fields []field
}

func readVarint(b []byte) (uint64, int, error) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * uint(i))
		if b[i] < 0x80 {
			return v, i + 1, nil
		}
	}
	return 0, 0, errTruncated
}

// parseMessage splits b into fields without interpreting them.
func parseMessage(b []byte) (message, error) {
	var m message
	off := 0
	for off < len(b) {
		key, n, err := readVarint(b[off:])
		if err != nil {
			return m, fmt.Errorf("field key at byte %d: %w", off, err)
		}
		off += n
		f := field{num: int(key >> 3), wire: int(key & 7)}
		if f.num == 0 {
			return m, fmt.Errorf("tokenize: field number 0 at byte %d", off-n)
		}
		switch f.wire {
		case wireVarint:
			v, n, err := readVarint(b[off:])
			if err != nil {
				return m, fmt.Errorf("field %d at byte %d: %w", f.num, off, err)
			}
			f.u = v
			off += n
		case wireFixed64:
			if off+8 > len(b) {
				return m, fmt.Errorf("field %d at byte %d: %w", f.num, off, errTruncated)
			}
			f.u = binary.LittleEndian.Uint64(b[off:])
			off += 8
		case wireFixed32:
			if off+4 > len(b) {
				return m, fmt.Errorf("field %d at byte %d: %w", f.num, off, errTruncated)
			}
			f.u = uint64(binary.LittleEndian.Uint32(b[off:]))
			off += 4
		case wireBytes:
			l, n, err := readVarint(b[off:])
			if err != nil {
				return m, fmt.Errorf("field %d length at byte %d: %w", f.num, off, err)
			}
			off += n
			if l > uint64(len(b)-off) {
				return m, fmt.Errorf("field %d at byte %d: length %d: %w", f.num, off, l, errTruncated)
			}
			f.b = b[off : off+int(l)]
			off += int(l)
		default:
			return m, fmt.Errorf("tokenize: field %d has unsupported wire type %d at byte %d", f.num, f.wire, off)
		}
		m.fields = append(m.fields, f)
	}
	return m, nil
}

func appendVarint(dst []byte, v uint64) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}

func appendField(dst []byte, f field) []byte {
	dst = appendVarint(dst, uint64(f.num)<<3|uint64(f.wire))
	switch f.wire {
	case wireVarint:
		dst = appendVarint(dst, f.u)
	case wireFixed64:
		dst = binary.LittleEndian.AppendUint64(dst, f.u)
	case wireFixed32:
		dst = binary.LittleEndian.AppendUint32(dst, uint32(f.u))
	case wireBytes:
		dst = appendVarint(dst, uint64(len(f.b)))
		dst = append(dst, f.b...)
	}
	return dst
}

func (m *message) marshal(dst []byte) []byte {
	for _, f := range m.fields {
		dst = appendField(dst, f)
	}
	return dst
}

func (m *message) last(num int) (field, bool) {
	for i := len(m.fields) - 1; i >= 0; i-- {
		if m.fields[i].num == num {
			return m.fields[i], true
		}
	}
	return field{}, false
}

func (m *message) has(num int) bool { _, ok := m.last(num); return ok }

func (m *message) getUint(num int, def uint64) uint64 {
	if f, ok := m.last(num); ok && f.wire == wireVarint {
		return f.u
	}
	return def
}

// getInt32 decodes an int32 field; negative values are sign-extended varints.
func (m *message) getInt32(num int, def int32) int32 {
	if f, ok := m.last(num); ok && f.wire == wireVarint {
		return int32(f.u)
	}
	return def
}

func (m *message) getBool(num int, def bool) bool {
	if f, ok := m.last(num); ok && f.wire == wireVarint {
		return f.u != 0
	}
	return def
}

func (m *message) getFloat(num int, def float32) float32 {
	if f, ok := m.last(num); ok && f.wire == wireFixed32 {
		return math.Float32frombits(uint32(f.u))
	}
	return def
}

func (m *message) getBytes(num int) []byte {
	if f, ok := m.last(num); ok && f.wire == wireBytes {
		return f.b
	}
	return nil
}

func (m *message) getString(num int, def string) string {
	if f, ok := m.last(num); ok && f.wire == wireBytes {
		return string(f.b)
	}
	return def
}

func (m *message) getStrings(num int) []string {
	var out []string
	for _, f := range m.fields {
		if f.num == num && f.wire == wireBytes {
			out = append(out, string(f.b))
		}
	}
	return out
}

// set replaces the last occurrence of f.num (dropping earlier ones) or inserts
// f before the first field with a larger number.
func (m *message) set(f field) {
	idx := -1
	out := m.fields[:0:0]
	for _, g := range m.fields {
		if g.num == f.num {
			idx = len(out)
			continue
		}
		out = append(out, g)
	}
	if idx < 0 {
		idx = len(out)
		for i, g := range out {
			if g.num > f.num {
				idx = i
				break
			}
		}
	}
	out = append(out, field{})
	copy(out[idx+1:], out[idx:])
	out[idx] = f
	m.fields = out
}

// setRepeated replaces every occurrence of num with the given strings.
func (m *message) setStrings(num int, vals []string) {
	out := m.fields[:0:0]
	idx := -1
	for _, g := range m.fields {
		if g.num == num {
			if idx < 0 {
				idx = len(out)
			}
			continue
		}
		out = append(out, g)
	}
	if idx < 0 {
		idx = len(out)
		for i, g := range out {
			if g.num > num {
				idx = i
				break
			}
		}
	}
	ins := make([]field, len(vals))
	for i, v := range vals {
		ins[i] = field{num: num, wire: wireBytes, b: []byte(v)}
	}
	m.fields = append(out[:idx:idx], append(ins, out[idx:]...)...)
}

func (m *message) setInt32(num int, v int32) {
	m.set(field{num: num, wire: wireVarint, u: uint64(int64(v))})
}
func (m *message) setUint(num int, v uint64) { m.set(field{num: num, wire: wireVarint, u: v}) }
func (m *message) setBool(num int, v bool) {
	var u uint64
	if v {
		u = 1
	}
	m.set(field{num: num, wire: wireVarint, u: u})
}
func (m *message) setFloat(num int, v float32) {
	m.set(field{num: num, wire: wireFixed32, u: uint64(math.Float32bits(v))})
}
func (m *message) setString(num int, v string) {
	m.set(field{num: num, wire: wireBytes, b: []byte(v)})
}
func (m *message) setBytes(num int, v []byte) { m.set(field{num: num, wire: wireBytes, b: v}) }
