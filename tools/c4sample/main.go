// Command c4sample writes the C4 part of the embedded sample corpus,
// recipes/sample/c4: three small shards in the naming and byte layout of
// the published c4/en shards (allenai/c4, en/), with planted cases for the
// reader and for the c4 chain of recipes/llama.yaml (doc_dedup, c4_rules,
// langid). Run from the repository root:
//
//	go run ./tools/c4sample [-out recipes/sample/c4]
//
// The output is deterministic (gzip without a name or time, zstd without a
// checksum dependency on time), so rerunning it leaves git clean.
// cmd/tokenmill's TestC4Sample asserts what a build keeps and drops.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// page is one C4 record; raw, when set, is written as the line instead,
// and blank writes an empty line.
type page struct {
	text, ts, url string
	raw           string
	blank         bool
}

// line writes a record as the published shards do: keys text, timestamp,
// url, compact separators, non-ASCII raw.
func (p page) line() string {
	if p.raw != "" || p.blank {
		return p.raw + "\n"
	}
	return `{"text":` + quote(p.text) + `,"timestamp":"` + p.ts + `","url":"` + p.url + `"}` + "\n"
}

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
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Pages that pass every step, reused across shards.
var (
	bbq = page{"Beginners BBQ Class Taking Place in Missoula!\nDo you want to get better at making delicious BBQ? You will have the opportunity, put this on your calendar now. Thursday, September 22nd join World Class BBQ Champion, Tony Balay from Lonestar Smoke Rangers.\nHe will be teaching a beginner level class for everyone who wants to get better with their culinary skills.\nHe will teach you everything you need to know to compete in a KCBS BBQ competition, including techniques, recipes, timelines, meat selection and trimming, plus smoker and fire information.\nThe cost to be in the class is $35 per person, and for spectators it is free. Included in the cost will be either a t-shirt or apron and you will be tasting samples of each meat that is prepared.",
		"2019-04-25T12:57:54Z", "https://klyq.com/beginners-bbq-class-taking-place-in-missoula/", "", false}
	ssd = page{"Discussion in 'Mac OS X Lion (10.7)' started by axboi87, Jan 20, 2012.\nI've got a 500gb internal drive and a 240gb SSD.\nWhen trying to restore using disk utility i'm given the error \"Not enough space on disk ____ to restore\"\nBut I shouldn't have to do that!!!\nAny ideas or workarounds before resorting to the above?\nUse Carbon Copy Cloner to copy one drive to the other. I've done this several times going from larger HDD to smaller SSD and I wound up with a bootable SSD drive.\nOne step you have to remember not to skip is to use Disk Utility to partition the SSD as GUID partition scheme HFS+ before doing the clone.",
		"2019-04-21T10:07:13Z", "https://forums.macrumors.com/threads/restore-from-larger-disk-to-smaller-disk.1311329/", "", false}
	garden = page{"Spring is the best time of the year to plant a vegetable garden in most parts of the country.\nStart by choosing a sunny spot that gets at least six hours of direct light every day.\nWork a few inches of compost into the soil before you plant anything at all.\nTomatoes, peppers and beans are easy for beginners to grow and give a good harvest.\nWater deeply once or twice a week rather than a little every day, so the roots grow down.",
		"2019-04-19T06:12:44Z", "https://www.example-gardening.com/spring-vegetable-garden-basics", "", false}
	bike = page{"Our shop has repaired bicycles for families in this town for more than thirty years.\nBring your bike in for a tune-up before the summer season starts and the waiting list gets long.\nA basic service includes adjusting the brakes and gears, truing the wheels and checking the chain.\nWe also sell helmets, lights and locks, and we are happy to help you choose the right size.\nCall us or stop by the shop on Main Street any day from Tuesday to Saturday.",
		"2019-04-23T15:30:02Z", "http://www.cityspokesbikes.example.net/service", "", false}
	library = page{"The public library will be closed on Monday for the holiday weekend.\nAll books that are due during the closure can be returned on Tuesday without a late fee.\nThe children's reading hour moves to Wednesday morning at ten o'clock this week only.\nVolunteers are still needed for the annual book sale, which raises money for new computers.\nPlease ask at the front desk if you would like to sign up for a shift.",
		"2019-04-18T09:01:10Z", "https://library.example.org/news/holiday-closure", "", false}
)

// train0 is c4-train.00000-of-01024.json.gz: good pages, one of every bad
// line, and pages planted for each step of the chain.
var train0 = []page{
	bbq, // L1 kept as is
	ssd, // L2 kept as is
	// L3: \u escapes in the shard: BMP characters and a surrogate pair
	// (U+1F600), as json.dumps(ensure_ascii=True) writes them. Kept.
	{raw: `{"text":"Our caf\u00e9 on the corner serves the best cr\u00e8me br\u00fbl\u00e9e in town \ud83d\ude00.\nThe owner learned to bake in Lyon and came back home after ten years away.\nEvery morning she makes fresh bread, croissants and a small batch of macarons.\nThe terrace opens in May, and reservations are not needed for groups under six.","timestamp":"2019-04-24T08:15:00Z","url":"https://www.example-cafe.com/about"}`},
	// L4: a blank line: skipped (blank-line).
	{blank: true},
	// L5: invalid UTF-8 (a Latin-1 é): skipped (invalid-utf8).
	{raw: `{"text":"Caf` + "\xe9" + ` au lait is served all day at our place.","timestamp":"2019-04-24T08:15:00Z","url":"https://latin1.example.com/"}`},
	// L6: an object without text: skipped (missing-text).
	{raw: `{"timestamp":"2019-04-24T08:16:00Z","url":"https://notext.example.com/"}`},
	// L7: not English: dropped by langid (langid:…).
	{text: "Die Stadtbibliothek bleibt am Montag wegen des Feiertags geschlossen.\nAlle Bücher, die während der Schließung fällig werden, können am Dienstag ohne Gebühr zurückgegeben werden.\nDie Vorlesestunde für Kinder findet in dieser Woche am Mittwoch um zehn Uhr statt.\nFreiwillige für den jährlichen Bücherflohmarkt werden noch gesucht.",
		ts: "2019-04-22T11:00:00Z", url: "https://bibliothek.example.de/aktuelles"},
	// L8: lines removed by c4_rules (navigation without end marks, a short
	// line, a javascript notice, a cookie notice, citation markers, a word
	// over 1000 characters); the page is kept with the rest.
	{text: "Home | News | Sports | Contact\nTown council approves the new park.\nThe town council voted on Tuesday to build a new park on the site of the old railway yard.[1]\nConstruction will start in the autumn and should take about eighteen months to finish.[citation needed]\nYou need to enable JavaScript to watch the video of the meeting.\nThis site uses cookies to give you the best experience on our pages.\nThe park will have a playground, a pond and a path that links the two halves of the town.\nRead more.\nThe project id is " + strings.Repeat("x", 1001) + " and it was filed today.",
		ts: "2019-04-20T17:45:31Z", url: "https://www.example-news.com/local/new-park-approved"},
	// L9: "lorem ipsum": dropped (c4_rules:lorem_ipsum).
	{text: "Welcome to our brand new website for the spring season.\nLorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\nWe will be adding more content to these pages over the next few weeks.\nPlease come back soon to see what we have been working on.",
		ts: "2019-04-20T10:00:00Z", url: "https://placeholder.example.com/"},
	// L10: a curly bracket: dropped (c4_rules:curly_bracket).
	{text: "How to loop over a map in Go is a question people ask a lot.\nYou can range over a map and get each key and value in turn.\nThe loop is written as for k, v := range m { fmt.Println(k, v) } in your code.\nNote that the order of iteration is not specified and may change.",
		ts: "2019-04-21T13:14:15Z", url: "https://qa.example.com/questions/loop-map-go"},
	// L11: too few sentences once the lines without end marks are gone:
	// dropped (c4_rules:too_few_sentences).
	{text: "Cheap Flights to Paris\nBook now and save up to 40 percent on your next trip to Paris.\nDeparture\nReturn\nSearch Flights",
		ts: "2019-04-22T07:07:07Z", url: "https://flights.example.com/paris"},
	// L12: a word of the bad-words list: dropped (c4_rules:badwords).
	{text: "The band played their new album at the festival on Saturday night.\nThe crowd loved the show and sang along to every single song.\nTheir singer shouted \"Bollocks!\" when the power went out during the encore.\nTickets for the next tour go on sale in the spring of next year.",
		ts: "2019-04-23T22:10:00Z", url: "https://music.example.co.uk/review/festival"},
	garden, // L13 kept as is
	// L14: the same text as L1 at another URL (C4 repeats pages): dropped
	// by doc_dedup.
	{text: bbq.text, ts: "2019-04-26T01:02:03Z", url: "https://mirror.example.com/bbq-class"},
	bike, // L15 kept as is
}

// train1 is c4-train.00001-of-01024.json.zst: zstd, and a last line cut
// in the middle with no newline, as a partial copy leaves it.
var train1 = []page{
	library, // L1 kept as is
	// L2: a policy line and a "terms of use" line removed; kept.
	{text: "Welcome to the online store of a small family bakery in the hills.\nWe bake bread, cakes and pies every day with flour from the mill down the road.\nBy using this site you agree to our Terms of Use and our Privacy Policy.\nOrders placed before noon are delivered the same afternoon within ten miles.\nWe are closed on Sundays so that our bakers can rest with their families.",
		ts: "2019-04-22T12:00:00Z", url: "https://bakery.example.com/"},
	// L3: cut in the middle: skipped (bad-json).
	{raw: `{"text":"This line was cut in the middle of the copy and has no end`},
}

// validation0 is c4-validation.00000-of-00008.json.gz: train and
// validation overlap in the published C4, so it holds a page of train0.
var validation0 = []page{
	// L1: the same page as train0 L2: dropped by doc_dedup (train comes
	// first in input order).
	ssd,
	// L2: a new page; kept.
	{text: "The museum opens a new exhibition of old maps of the coast next month.\nSome of the maps are more than three hundred years old and have never been shown before.\nVisitors can see how the shape of the harbour changed over the centuries.\nGuided tours in English run every hour, and entry is free for children under twelve.",
		ts: "2019-04-24T14:20:00Z", url: "https://museum.example.org/exhibitions/old-maps"},
}

func shard(pages []page) string {
	var b strings.Builder
	for _, p := range pages {
		b.WriteString(p.line())
	}
	return b.String()
}

func gz(s string) []byte {
	var b bytes.Buffer
	z, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	z.Write([]byte(s))
	z.Close()
	return b.Bytes()
}

func zst(s string) []byte {
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	if err != nil {
		log.Fatal(err)
	}
	return e.EncodeAll([]byte(s), nil)
}

func main() {
	out := flag.String("out", filepath.Join("recipes", "sample", "c4"), "folder to write the shards to")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	t1 := strings.TrimSuffix(shard(train1), "\n") // the cut line has no newline
	files := map[string][]byte{
		"c4-train.00000-of-01024.json.gz":      gz(shard(train0)),
		"c4-train.00001-of-01024.json.zst":     zst(t1),
		"c4-validation.00000-of-00008.json.gz": gz(shard(validation0)),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
