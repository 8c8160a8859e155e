//go:build ignore

// gen writes the C4 shard fixtures of this folder: go run gen.go. Each file
// is named after what is special about it; README.md says what a reader
// must make of each. The lines are written here, in the byte layout the
// published shards use (keys text, timestamp, url in that order, compact
// separators, non-ASCII as raw UTF-8; see README.md).
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// line is one C4 record as the published shards write it.
func line(text, ts, url string) string {
	return `{"text":` + quote(text) + `,"timestamp":"` + ts + `","url":"` + url + `"}` + "\n"
}

// quote escapes like the published shards: only '"', '\\' and control
// characters, "\n" for newlines, everything else raw.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

var good = []string{
	line("Beginners BBQ Class Taking Place in Missoula!\nDo you want to get better at making delicious BBQ? You will have the opportunity, put this on your calendar now.", "2019-04-25T12:57:54Z", "https://example.com/bbq-class/"),
	line("Discussion in 'Mac OS X Lion (10.7)' started by axboi87, Jan 20, 2012.\nI've got a 500gb internal drive and a 240gb SSD.", "2019-04-21T10:07:13Z", "https://forums.example.com/threads/ssd.1224/"),
	line("Foil plaid lycra and spandex shortall with metallic slinky insets. Attached metallic elastic belt with O-ring.", "2019-04-25T10:40:23Z", "http://shop.example.net/product/foil-plaid/"),
}

func gz(s string) []byte {
	var b bytes.Buffer
	z, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	z.Write([]byte(s))
	z.Close()
	return b.Bytes()
}

func zst(s string) []byte {
	e, _ := zstd.NewWriter(nil)
	return e.EncodeAll([]byte(s), nil)
}

func write(name string, b []byte) {
	if err := os.WriteFile(name, b, 0o644); err != nil {
		panic(err)
	}
}

func main() {
	all := strings.Join(good, "")
	write("c4-train.00000-of-01024.json.gz", gz(all))
	write("c4-validation.00000-of-00008.json", []byte(all))
	write("c4-train.00001-of-01024.json.zst", zst(all))
	// Two gzip members, as `cat a.gz b.gz` makes.
	write("c4-train.00002-of-01024.json.gz", append(gz(good[0]+good[1]), gz(good[2])...))
	write("empty.json.gz", gz(""))

	// Non-ASCII: raw UTF-8, \u escapes (BMP, a surrogate pair, a lone
	// high and a lone low surrogate, a high followed by a non-surrogate
	// escape), the other JSON escapes, and a key order and spacing other
	// than C4's (json.dumps defaults) with an extra key.
	esc := `{"text":"Caf\u00e9 na\u00efve \u2014 \ud83d\ude00 smile. Raw: café 😀 日本語.","timestamp":"2019-04-20T08:00:00Z","url":"https://example.org/caf\u00e9"}` + "\n" +
		`{"text":"lone high \ud800 and lone low \udc00 and high then BMP \ud83d\u0041.","timestamp":"2019-04-20T08:00:01Z","url":"https://example.org/lone"}` + "\n" +
		`{"text":"quote \" backslash \\ slash \/ tab \t cr \r bs \b ff \f nul \u0000 end.","timestamp":"2019-04-20T08:00:02Z","url":"https://example.org/escapes"}` + "\n" +
		`{"url": "https://example.org/order", "text": "Keys in another order, with spaces.", "timestamp": "2019-04-20T08:00:03Z", "extra": [1, {"a": null}]}` + "\n" +
		`{"text":"No timestamp nor url here."}` + "\n" +
		`{"text":"Bad timestamp and numeric url.","timestamp":"April 2019","url":42}` + "\n"
	write("escapes.json.gz", gz(esc))

	// One of every bad line, each between good ones.
	bad := good[0] +
		"\n" + // blank
		good[1] +
		`{"text":"cut off in the mid` + "\n" + // truncated JSON
		`{"text":"Latin-1 caf` + "\xe9" + `","timestamp":"2019-04-20T08:00:00Z","url":"https://example.org/latin1"}` + "\n" +
		`{"timestamp":"2019-04-20T08:00:00Z","url":"https://example.org/notext"}` + "\n" +
		`{"text":null,"url":"https://example.org/nulltext"}` + "\n" +
		`{"text":["a","b"]}` + "\n" +
		`["text","an array"]` + "\n" +
		`{"text":"control` + "\x01" + ` character"}` + "\n" +
		`{"text":"trailing garbage"} x` + "\n" +
		"   \t\r\n" + // whitespace only
		`{"text":"bad escape \x"}` + "\n" +
		`{"text":"good again with CRLF."}` + "\r\n" +
		good[2]
	write("bad-lines.json.gz", gz(bad))

	// A shard cut in the middle of its third line.
	var many strings.Builder
	for i := 0; i < 12; i++ {
		many.WriteString(line(fmt.Sprintf("Page %d of the truncated shard: %s", i, strings.Repeat(fmt.Sprint(i*7919%1000, " "), i)),
			"2019-04-22T00:00:00Z", fmt.Sprintf("https://example.com/%d", i)))
	}
	z := gz(many.String())
	write("truncated.json.gz", z[:len(z)*2/3])

	// A last line without its newline.
	write("no-final-newline.json", []byte(good[0]+strings.TrimSuffix(good[1], "\n")))

	// A line over the limit the tests set (4096 bytes) between good ones.
	long := line(strings.Repeat("long line ", 600)+".", "2019-04-20T08:00:00Z", "https://example.org/long")
	write("long-line.json.gz", gz(good[0]+long+good[1]))

	// A gzip stream whose deflate data is damaged after the first member.
	g := append(gz(good[0]), gz(good[1]+good[2])...)
	m1 := len(gz(good[0]))
	for i := m1 + 20; i < m1+40 && i < len(g); i++ {
		g[i] ^= 0x55
	}
	write("corrupt-member.json.gz", g)
}
