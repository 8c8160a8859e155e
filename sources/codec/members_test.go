package codec

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// memberFile gzips each text as its own member and returns the file and
// each member's [start, end) in it.
func memberFile(t testing.TB, texts []string) ([]byte, [][2]int) {
	var b bytes.Buffer
	var spans [][2]int
	for _, s := range texts {
		start := b.Len()
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		spans = append(spans, [2]int{start, b.Len()})
	}
	return b.Bytes(), spans
}

func texts(n int, seed int64) []string {
	r := rand.New(rand.NewSource(seed))
	words := strings.Fields("the quick brown fox jumps over a lazy dog while WARC records keep their text in gzip members")
	out := make([]string, n)
	for i := range out {
		var sb strings.Builder
		fmt.Fprintf(&sb, "member %d:", i)
		for j := 0; j < 20+r.Intn(400); j++ {
			sb.WriteString(" " + words[r.Intn(len(words))])
		}
		out[i] = sb.String()
	}
	return out
}

type readResult struct {
	got     []string
	offsets []int64
	damage  []Damage
	err     error
}

func readMembers(data []byte, opt MembersOptions) readResult {
	var res readResult
	opt.OnDamage = func(d Damage) { res.damage = append(res.damage, d) }
	m := NewMembers(bytes.NewReader(data), opt)
	for m.Next() {
		b, err := io.ReadAll(m.Reader())
		if err != nil {
			continue // a streamed member that failed: reported as damage
		}
		res.got = append(res.got, string(b))
		res.offsets = append(res.offsets, m.Offset())
	}
	res.err = m.Err()
	return res
}

func TestMembersClean(t *testing.T) {
	ts := texts(5, 1)
	data, spans := memberFile(t, ts)
	for _, maxBuf := range []int{0, 100} { // verified whole, and streamed
		res := readMembers(data, MembersOptions{MaxBuffered: maxBuf})
		if res.err != nil || len(res.damage) != 0 || strings.Join(res.got, "|") != strings.Join(ts, "|") {
			t.Fatalf("maxBuffered %d: got %d members, damage %v, err %v", maxBuf, len(res.got), res.damage, res.err)
		}
		for i, off := range res.offsets {
			if off != int64(spans[i][0]) {
				t.Errorf("member %d at %d, want %d", i, off, spans[i][0])
			}
		}
	}
}

func TestMembersDamage(t *testing.T) {
	ts := texts(6, 2)
	data, spans := memberFile(t, ts)
	cases := []struct {
		name   string
		mutate func([]byte) []byte
		want   []int // members read
		reason string
		at     int // damaged member
	}{
		{"deflate", func(b []byte) []byte { b[spans[2][0]+20] ^= 0x55; return b }, []int{0, 1, 3, 4, 5}, "bad-gzip", 2},
		{"crc", func(b []byte) []byte { b[spans[3][1]-6] ^= 0x01; return b }, []int{0, 1, 2, 4, 5}, "bad-gzip", 3},
		{"length", func(b []byte) []byte { b[spans[1][1]-2] ^= 0x01; return b }, []int{0, 2, 3, 4, 5}, "bad-gzip", 1},
		{"header", func(b []byte) []byte { b[spans[4][0]+2] = 7; return b }, []int{0, 1, 2, 3, 5}, "bad-gzip", 4},
		{"truncated", func(b []byte) []byte { return b[:spans[5][0]+30] }, []int{0, 1, 2, 3, 4}, "truncated-gzip", 5},
		{"garbage-between", func(b []byte) []byte {
			return append(append(append([]byte{}, b[:spans[3][0]]...), "garbage\x1f\x8b\x08 not gzip"...), b[spans[3][0]:]...)
		}, []int{0, 1, 2, 3, 4, 5}, "bad-gzip", 3},
	}
	for _, c := range cases {
		for _, maxBuf := range []int{0, 64} {
			t.Run(fmt.Sprintf("%s/%d", c.name, maxBuf), func(t *testing.T) {
				res := readMembers(c.mutate(append([]byte{}, data...)), MembersOptions{MaxBuffered: maxBuf})
				var want []string
				for _, i := range c.want {
					want = append(want, ts[i])
				}
				if res.err != nil || strings.Join(res.got, "|") != strings.Join(want, "|") {
					t.Fatalf("got %d members %v, want %v (err %v)", len(res.got), res.offsets, c.want, res.err)
				}
				if len(res.damage) != 1 || res.damage[0].Reason != c.reason || res.damage[0].Offset != int64(spans[c.at][0]) {
					t.Fatalf("damage %v, want one %s at %d", res.damage, c.reason, spans[c.at][0])
				}
			})
		}
	}
}

func TestMembersEmpty(t *testing.T) {
	m := NewMembers(bytes.NewReader(nil), MembersOptions{})
	if m.Next() || m.Any() || m.Err() != nil {
		t.Fatal("empty file")
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, fmt.Errorf("connection reset")
	}
	n := min(len(p), f.n)
	for i := range p[:n] {
		p[i] = 0
	}
	f.n -= n
	return n, nil
}

func TestMembersStorageError(t *testing.T) {
	ts := texts(3, 3)
	data, _ := memberFile(t, ts)
	m := NewMembers(io.MultiReader(bytes.NewReader(data), &failingReader{}), MembersOptions{})
	n := 0
	for m.Next() {
		n++
	}
	if n != 3 || m.Err() == nil || !strings.Contains(m.Err().Error(), "connection reset") {
		t.Fatalf("read %d members, err %v", n, m.Err())
	}
}

// FuzzMembersMutation damages a member file at random places and checks the
// promises: no member is returned twice, every returned member is one of the
// originals unaltered, in file order, and every member whose bytes were not
// touched is returned.
func FuzzMembersMutation(f *testing.F) {
	f.Add(int64(1), uint32(100), byte(0x20), uint32(5000), byte(0x01), uint8(2))
	f.Add(int64(2), uint32(14662), byte(0x20), uint32(64042), byte(0x01), uint8(3))
	f.Add(int64(3), uint32(44345), byte(0x80), uint32(117741), byte(0x02), uint8(0))
	f.Fuzz(func(t *testing.T, seed int64, p1 uint32, x1 byte, p2 uint32, x2 byte, maxBuf uint8) {
		ts := texts(12, seed)
		data, spans := memberFile(t, ts)
		touched := map[int]bool{}
		for _, m := range []struct {
			p uint32
			x byte
		}{{p1, x1}, {p2, x2}} {
			if m.x == 0 {
				continue
			}
			at := int(m.p % uint32(len(data)))
			data[at] ^= m.x
			for i, s := range spans {
				if at >= s[0] && at < s[1] {
					touched[i] = true
				}
			}
		}
		opt := MembersOptions{}
		if maxBuf%2 == 1 {
			opt.MaxBuffered = int(maxBuf) * 8 // stream most members
		}
		res := readMembers(data, opt)
		if res.err != nil {
			t.Fatal(res.err)
		}
		index := map[string]int{}
		for i, s := range ts {
			index[s] = i
		}
		last := -1
		seen := map[int]bool{}
		for _, g := range res.got {
			i, ok := index[g]
			if !ok {
				t.Fatalf("returned text that is no original member: %.60q", g)
			}
			if seen[i] || i <= last {
				t.Fatalf("member %d returned twice or out of order", i)
			}
			seen[i], last = true, i
		}
		for i := range ts {
			if !touched[i] && !seen[i] {
				t.Fatalf("intact member %d lost (touched %v, damage %v)", i, touched, res.damage)
			}
		}
	})
}
