// Command wikisample writes small MediaWiki pages-articles dumps in the real
// formats: the Wikipedia part of tokenmill's embedded sample corpus, and the
// wikipedia reader's test fixtures. The articles (articles.go) are written
// for tokenmill; the planted hard cases are redirects (by <redirect> and by
// localised magic word), pages outside namespace 0, a suppressed revision,
// another content model, an article in the wrong language, an exact
// duplicate, a page left empty by cleaning, a dump cut in its last page and
// a multistream dump with a damaged stream.
//
//	go run ./tools/wikisample -sample recipes/sample/wikipedia -testdata sources/wikipedia/testdata
//
// bzip2 streams are made by the bzip2 program (1.0.x, "bzip2 -9"), which
// must be on PATH; the output is the same on every run.
package main

import (
	"bytes"
	"crypto/sha1"
	"flag"
	"fmt"
	"html"
	"log"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

var (
	sampleDir   = flag.String("sample", "", "write the embedded sample's dumps in this folder")
	testdataDir = flag.String("testdata", "", "write the reader's fixtures in this folder")
)

type page struct {
	title    string
	ns       int
	id       int64
	rev      int64
	ts       string
	text     string
	redirect string // the <redirect title=...> element, if any
	deleted  bool   // <text deleted="deleted" />
	model    string // "" = wikitext
}

type wiki struct {
	db, lang, sitename, base string
	ns                       [][2]string // key, name
	aliases                  [][2]string // schema 0.11 only
}

var enwiki = wiki{db: "enwiki", lang: "en", sitename: "Wikipedia", base: "https://en.wikipedia.org/wiki/Main_Page",
	ns: [][2]string{{"-2", "Media"}, {"-1", "Special"}, {"0", ""}, {"1", "Talk"}, {"2", "User"}, {"3", "User talk"},
		{"4", "Wikipedia"}, {"6", "File"}, {"8", "MediaWiki"}, {"10", "Template"}, {"12", "Help"}, {"14", "Category"},
		{"100", "Portal"}, {"828", "Module"}},
	aliases: [][2]string{{"6", "Image"}, {"7", "Image talk"}, {"4", "WP"}}}

var dewiki = wiki{db: "dewiki", lang: "de", sitename: "Wikipedia", base: "https://de.wikipedia.org/wiki/Wikipedia:Hauptseite",
	ns: [][2]string{{"-2", "Medium"}, {"-1", "Spezial"}, {"0", ""}, {"1", "Diskussion"}, {"2", "Benutzer"},
		{"4", "Wikipedia"}, {"6", "Datei"}, {"10", "Vorlage"}, {"14", "Kategorie"}, {"100", "Portal"}},
	aliases: [][2]string{{"6", "Bild"}}}

var jawiki = wiki{db: "jawiki", lang: "ja", sitename: "Wikipedia", base: "https://ja.wikipedia.org/wiki/",
	ns: [][2]string{{"0", ""}, {"6", "ファイル"}, {"14", "Category"}}}

func enPages() []page {
	return []page{
		{title: "Lighthouse", id: 18300, rev: 1143000001, ts: "2023-03-02T10:15:00Z", text: lighthouseEN},
		{title: "Lighthouses", id: 18301, rev: 1143000002, ts: "2021-01-01T00:00:00Z", text: "#REDIRECT [[Lighthouse]]\n\n{{R from plural}}\n", redirect: "Lighthouse"},
		{title: "Talk:Lighthouse", ns: 1, id: 18302, rev: 1143000003, ts: "2022-05-05T05:05:05Z", text: talkEN},
		{title: "Bicycle", id: 3378, rev: 1150000004, ts: "2023-05-20T08:00:00Z", text: bicycleEN},
		{title: "Bike", id: 3379, rev: 1150000005, ts: "2020-02-02T02:02:02Z", text: "#redirect[[Bicycle]]\n"},
		{title: "Template:Navbox lighthouses", ns: 10, id: 3380, rev: 1150000006, ts: "2022-01-01T00:00:00Z", text: templateEN},
		{title: "Honey bee", id: 14288, rev: 1151000007, ts: "2023-05-30T12:30:00Z", text: honeyBeeEN},
		{title: "Basalt", id: 4442, rev: 1149000008, ts: "2023-04-11T16:45:10Z", text: basaltEN},
		{title: "Oversighted page", id: 4443, rev: 1149000009, ts: "2023-04-12T00:00:00Z", deleted: true},
		{title: "Fromage de chèvre", id: 4444, rev: 1149000010, ts: "2023-04-13T09:00:00Z", text: frenchInEN},
		{title: "Bicycle (draft copy)", id: 4445, rev: 1149000011, ts: "2023-04-14T09:00:00Z", text: bicycleCopyEN},
		{title: "Mercury", id: 4446, rev: 1149000012, ts: "2023-04-15T09:00:00Z", text: emptyEN},
		{title: "Lighthouse/data.json", id: 4447, rev: 1149000013, ts: "2023-04-16T09:00:00Z", text: `{"height": 60}`, model: "json"},
	}
}

func dePages() []page {
	return []page{
		{title: "Leuchtturm", id: 8841, rev: 232000001, ts: "2023-03-05T11:00:00Z", text: leuchtturmDE},
		{title: "Fahrrad", id: 1567, rev: 232000002, ts: "2023-04-01T07:30:00Z", text: fahrradDE},
		{title: "Velo", id: 1568, rev: 232000003, ts: "2019-09-09T09:09:09Z", text: redirectDE, redirect: "Fahrrad"},
		{title: "Drahtesel", id: 1569, rev: 232000004, ts: "2019-09-10T09:09:09Z", text: "#weiterleitung [[Fahrrad]]\n"},
		{title: "Kategorie:Leuchtturm", ns: 14, id: 1570, rev: 232000005, ts: "2020-01-01T00:00:00Z", text: categoryDE},
		{title: "Westliche Honigbiene", id: 2310, rev: 232000006, ts: "2023-05-11T14:00:00Z", text: honigbieneDE},
		{title: "Deich", id: 2311, rev: 232000007, ts: "2023-05-12T14:00:00Z", text: cutDE},
	}
}

func jaPages() []page {
	return []page{{title: "灯台", id: 100, rev: 900, ts: "2023-01-01T00:00:00Z", text: "'''灯台'''は、船の航行の目印となる塔である。\n"}}
}

// sha1Base36 is MediaWiki's <sha1>: the SHA-1 of the text in base 36,
// zero-padded to 31 digits.
func sha1Base36(s string) string {
	h := sha1.Sum([]byte(s))
	t := new(big.Int).SetBytes(h[:]).Text(36)
	return strings.Repeat("0", 31-len(t)) + t
}

func header(w wiki, version string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<mediawiki xmlns="http://www.mediawiki.org/xml/export-%s/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.mediawiki.org/xml/export-%s/ http://www.mediawiki.org/xml/export-%s.xsd" version="%s" xml:lang="%s">
  <siteinfo>
    <sitename>%s</sitename>
    <dbname>%s</dbname>
    <base>%s</base>
    <generator>MediaWiki 1.41.0-wmf.12</generator>
    <case>first-letter</case>
    <namespaces>
`, version, version, version, version, w.lang, w.sitename, w.db, w.base)
	for _, n := range w.ns {
		if n[1] == "" {
			fmt.Fprintf(&b, "      <namespace key=\"%s\" case=\"first-letter\" />\n", n[0])
		} else {
			fmt.Fprintf(&b, "      <namespace key=\"%s\" case=\"first-letter\">%s</namespace>\n", n[0], html.EscapeString(n[1]))
		}
	}
	b.WriteString("    </namespaces>\n")
	if version == "0.11" && len(w.aliases) > 0 {
		b.WriteString("    <namespacealiases>\n")
		for _, n := range w.aliases {
			fmt.Fprintf(&b, "      <namespace key=\"%s\">%s</namespace>\n", n[0], html.EscapeString(n[1]))
		}
		b.WriteString("    </namespacealiases>\n")
	}
	b.WriteString("  </siteinfo>\n")
	return b.String()
}

// xmlText escapes text as MediaWiki's dumper does (&, <, > and ").
func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func pageXML(p page) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  <page>\n    <title>%s</title>\n    <ns>%d</ns>\n    <id>%d</id>\n", xmlText(p.title), p.ns, p.id)
	if p.redirect != "" {
		fmt.Fprintf(&b, "    <redirect title=\"%s\" />\n", xmlText(p.redirect))
	}
	model, format := "wikitext", "text/x-wiki"
	if p.model == "json" {
		model, format = "json", "application/json"
	}
	fmt.Fprintf(&b, "    <revision>\n      <id>%d</id>\n      <parentid>%d</parentid>\n      <timestamp>%s</timestamp>\n", p.rev, p.rev-17, p.ts)
	b.WriteString("      <contributor>\n        <username>Sample editor</username>\n        <id>4242</id>\n      </contributor>\n")
	b.WriteString("      <comment>copyedit</comment>\n")
	fmt.Fprintf(&b, "      <model>%s</model>\n      <format>%s</format>\n", model, format)
	if p.deleted {
		b.WriteString("      <text bytes=\"1234\" deleted=\"deleted\" />\n      <sha1 />\n")
	} else {
		fmt.Fprintf(&b, "      <text bytes=\"%d\" xml:space=\"preserve\">%s</text>\n      <sha1>%s</sha1>\n", len(p.text), xmlText(p.text), sha1Base36(p.text))
	}
	b.WriteString("    </revision>\n  </page>\n")
	return b.String()
}

func bz2(data string) []byte {
	cmd := exec.Command("bzip2", "-9", "-c")
	cmd.Stdin = strings.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("bzip2: %v", err)
	}
	return out
}

func write(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%8d %s\n", len(data), path)
}

// single writes a one-stream dump; cut > 0 cuts the XML that many bytes into
// the last page's text (a download that stopped), plain writes it without
// compression.
func single(path string, w wiki, version string, pages []page, cut int, plain bool) {
	var b strings.Builder
	b.WriteString(header(w, version))
	for i, p := range pages {
		x := pageXML(p)
		if cut > 0 && i == len(pages)-1 {
			k := strings.Index(x, "xml:space=\"preserve\">") + len("xml:space=\"preserve\">") + cut
			x = x[:k]
		}
		b.WriteString(x)
	}
	if cut == 0 {
		b.WriteString("</mediawiki>\n")
	}
	if plain {
		write(path, []byte(b.String()))
		return
	}
	write(path, bz2(b.String()))
}

// multistream writes a multistream dump and its index, as Wikimedia does:
// the header and <siteinfo> in the first stream, perStream pages in each
// following one, "</mediawiki>" in the last. damage >= 1 flips bytes in the
// middle of that stream (1 = the first stream of pages).
func multistream(path string, w wiki, version string, pages []page, perStream, damage int) {
	var dump bytes.Buffer
	var index strings.Builder
	dump.Write(bz2(header(w, version)))
	for s := 0; s*perStream < len(pages); s++ {
		off := dump.Len()
		var b strings.Builder
		for _, p := range pages[s*perStream : min(len(pages), (s+1)*perStream)] {
			b.WriteString(pageXML(p))
			fmt.Fprintf(&index, "%d:%d:%s\n", off, p.id, p.title)
		}
		z := bz2(b.String())
		if damage == s+1 {
			for i := len(z) / 2; i < len(z)/2+8; i++ {
				z[i] ^= 0x5a
			}
		}
		dump.Write(z)
	}
	dump.Write(bz2("</mediawiki>\n"))
	write(path, dump.Bytes())
	ip := strings.Replace(path, "-pages-articles-multistream.xml.bz2", "-pages-articles-multistream-index.txt.bz2", 1)
	write(ip, bz2(index.String()))
}

func main() {
	flag.Parse()
	if *sampleDir == "" && *testdataDir == "" {
		log.Fatal("usage: wikisample -sample DIR -testdata DIR")
	}
	if d := *sampleDir; d != "" {
		multistream(filepath.Join(d, "enwiki-20230601-pages-articles-multistream.xml.bz2"), enwiki, "0.11", append(enPages(), citedPage()), 4, 0)
		single(filepath.Join(d, "dewiki-20230601-pages-articles.xml.bz2"), dewiki, "0.10", dePages(), 80, false)
	}
	if d := *testdataDir; d != "" {
		en := enPages()
		single(filepath.Join(d, "schema-0.10", "enwiki-20230101-pages-articles.xml.bz2"), enwiki, "0.10", en, 0, false)
		single(filepath.Join(d, "plain", "enwiki-20230101-pages-articles.xml"), enwiki, "0.10", en[:4], 0, true)
		multistream(filepath.Join(d, "schema-0.11", "enwiki-20230101-pages-articles-multistream.xml.bz2"), enwiki, "0.11", en, 2, 0)
		multistream(filepath.Join(d, "damaged-stream", "enwiki-20230101-pages-articles-multistream.xml.bz2"), enwiki, "0.11", en, 2, 2)
		single(filepath.Join(d, "cut", "dewiki-20230101-pages-articles.xml.bz2"), dewiki, "0.10", dePages(), 80, false)
		single(filepath.Join(d, "other-language", "jawiki-20230101-pages-articles.xml.bz2"), jawiki, "0.10", jaPages(), 0, false)
	}
}
