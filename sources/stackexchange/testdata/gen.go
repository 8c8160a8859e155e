//go:build ignore

// gen writes the stackexchange fixtures: Posts.xml files in the dump's
// format (escaped the way the dumps are: & < > " as entities, line breaks
// inside values as &#xA; and &#xD;) and 7z archives made from them with
// p7zip's `7z a` (Debian package p7zip-full). Run from this folder:
//
//	go run gen.go
//
// (The embedded sample, recipes/sample/stackexchange, is made by
// tools/stackexchangesample.)
//
// The texts are written for these tests; no post comes from a real dump.
package main

import (
	"bytes"
	"compress/gzip"
	"github.com/tokenmill/tokenmill/internal/sedump"
	"log"
	"os"
	"path/filepath"
)

// The dump format, shared with the other generator (internal/sedump).
type post = sedump.Post

var (
	q, a      = sedump.Q, sedump.A
	file      = sedump.File
	write     = sedump.Write
	sevenZip  = sedump.SevenZip
	angleTags = sedump.AngleTags
	pipeTags  = sedump.PipeTags
)

// planted is the file every reader test starts from: one case per
// question, named in its title.
func planted(tags func(...string) string) []string {
	return []string{
		// Answers before their question, in the file's order: the join must
		// find them anyway.
		a("12", "10", "2011-03-02T08:00:00.000", "3", "<p>Answer written before its question appears in the file.</p>\n").Row(),
		a("11", "10", "2011-03-02T07:00:00.000", "5", "<p>The higher-scored early answer.</p>\n").Row(),
		q("10", "2011-03-01T09:15:00.123", "4", "Answers stored before the question",
			"<p>Why do these answers come first?</p>\n", tags("join", "order"), 2).Row(),
		// Scores 9 and 10: numerically 10 ranks first (RedPajama's string
		// sort put "9" first); equal scores go by Id.
		q("20", "2012-05-05T10:00:00.000", "7", "Score 9 versus 10",
			"<p>Which comes first?</p>\n", tags("sorting"), 4).Row(),
		a("21", "20", "2012-05-05T11:00:00.000", "9", "<p>Nine points.</p>\n").Row(),
		a("22", "20", "2012-05-05T12:00:00.000", "10", "<p>Ten points.</p>\n").Row(),
		a("24", "20", "2012-05-06T12:00:00.000", "2", "<p>Two points, higher Id.</p>\n").Row(),
		a("23", "20", "2012-05-06T11:00:00.000", "2", "<p>Two points, lower Id.</p>\n").Row(),
		// Negative scores sort below zero, and the question's own negative
		// score goes to the metadata.
		q("30", "2013-01-01T00:00:00.000", "-3", "Negative scores",
			"<p>Downvoted question.</p>\n", tags("scores"), 3).Row(),
		a("31", "30", "2013-01-02T00:00:00.000", "-2", "<p>Minus two.</p>\n").Row(),
		a("32", "30", "2013-01-02T00:00:01.000", "0", "<p>Zero.</p>\n").Row(),
		a("33", "30", "2013-01-02T00:00:02.000", "-10", "<p>Minus ten.</p>\n").Row(),
		// An answer whose question is not in the file.
		a("41", "40", "2013-02-02T00:00:00.000", "1", "<p>Orphan answer.</p>\n").Row(),
		// Tag wiki excerpt, tag wiki and a moderator nomination: left out.
		post{Id: "50", PostTypeId: "4", CreationDate: "2013-03-03T00:00:00.000", Score: "0",
			Body: "Questions about sorting.", ContentLicense: "CC BY-SA 3.0"}.Row(),
		post{Id: "51", PostTypeId: "5", CreationDate: "2013-03-03T00:00:00.000", Score: "0",
			Body: "<p>The sorting tag is for ...</p>\n", ContentLicense: "CC BY-SA 3.0"}.Row(),
		post{Id: "52", PostTypeId: "6", CreationDate: "2013-03-03T00:00:00.000", Score: "4", Title: "Nomination",
			Body: "<p>I would like to moderate.</p>\n", ContentLicense: "CC BY-SA 3.0"}.Row(),
		// A malformed row (unterminated Body value), between good ones.
		`  <row Id="60" PostTypeId="1" CreationDate="2014-01-01T00:00:00.000" Score="1" Body="&lt;p&gt;broken Title="Malformed" />`,
		// Entities: named, decimal and hexadecimal references at both
		// levels (the XML attribute, then the HTML in it).
		q("70", "2014-02-02T02:02:02.000", "2", "Entities: <tags> & \"quotes\" é",
			"<p>5 &lt; 6 &amp;&amp; caf&#233; &#x2603; &eacute;t&eacute; &nbsp;end</p>\n", tags("c#", ".net"), 1).Row(),
		a("71", "70", "2014-02-02T03:00:00.000", "1", "<p>AT&amp;T &quot;quoted&quot; &#39;single&#39; &copy; 2014</p>\n").Row(),
		// Code blocks: verbatim, indentation and blank lines kept, entities
		// decoded, tags inside dropped; inline code keeps its text.
		q("80", "2015-03-03T03:03:03.000", "12", "Code blocks",
			"<p>This loop prints <code>i &lt; 3</code>:</p>\n\n<pre><code>for i in range(3):\n    if i &lt; 3:\n\n        print(&quot;&lt;b&gt;&quot;, i)\n</code></pre>\n\n<p>Why?</p>\n",
			tags("python"), 1).Row(),
		a("81", "80", "2015-03-03T04:00:00.000", "6",
			"<p>Lists:</p>\n\n<ol>\n<li>first</li>\n<li>second with <a href=\"https://example.com\">a link</a></li>\n</ol>\n\n<ul>\n<li>bullet<br>next line</li>\n</ul>\n\n<blockquote>\n  <p>quoted <em>text</em></p>\n</blockquote>\n\n<p><img src=\"https://i.sstatic.net/x.png\" alt=\"enter image description here\"></p>\n\n<h2>Heading</h2>\n\n<pre class=\"lang-sh prettyprint-override\"><code>$ echo \"tab\there\"\n</code></pre>\n").Row(),
		// Unanswered: kept by default, left out with keep_unanswered off.
		q("90", "2016-04-04T04:04:04.000", "0", "Nobody answered", "<p>Hello?</p>\n", tags("unanswered"), 0).Row(),
		// An answer whose body is empty once its markup is gone.
		q("100", "2017-05-05T05:05:05.000", "1", "Empty answer", "<p>See below.</p>\n", tags("empty"), 2).Row(),
		a("101", "100", "2017-05-05T06:00:00.000", "1", "<p><img src=\"https://i.sstatic.net/y.png\" alt=\"screenshot\"></p>\n").Row(),
		a("102", "100", "2017-05-05T07:00:00.000", "0", "<p>Real answer.</p>\n").Row(),
	}
}

func main() {
	plantedXML := file("posts", "\r\n", planted(angleTags)...)
	write("extracted/cooking.stackexchange.com/Posts.xml", plantedXML)

	// The same file with the newer tag format, in a per-site archive with
	// some of the dump's other tables (LZMA2, 7-Zip's default).
	newXML := file("posts", "\r\n", planted(pipeTags)...)
	tmp, err := os.MkdirTemp("", "segen")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	write(filepath.Join(tmp, "site", "Posts.xml"), newXML)
	write(filepath.Join(tmp, "site", "Users.xml"), file("users", "\r\n",
		`  <row Id="7" Reputation="101" CreationDate="2010-01-01T00:00:00.000" DisplayName="asker" />`,
		`  <row Id="9" Reputation="2500" CreationDate="2010-01-01T00:00:00.000" DisplayName="answerer" />`))
	write(filepath.Join(tmp, "site", "Tags.xml"), file("tags", "\r\n",
		`  <row Id="1" TagName="sorting" Count="1" ExcerptPostId="50" WikiPostId="51" />`))
	write(filepath.Join(tmp, "site", "Badges.xml"), file("badges", "\r\n",
		`  <row Id="1" UserId="9" Name="Teacher" Date="2011-03-02T08:00:00.000" Class="3" TagBased="False" />`))
	sevenZip("archives/unix.stackexchange.com.7z", filepath.Join(tmp, "site"), nil,
		"Badges.xml", "Posts.xml", "Tags.xml", "Users.xml")
	// Stack Overflow's split layout: one table per archive, here LZMA (not
	// LZMA2) as in older dumps; its Users archive is not an input.
	sevenZip("archives/stackoverflow.com-Posts.7z", filepath.Join(tmp, "site"), []string{"-m0=LZMA"}, "Posts.xml")
	sevenZip("archives/stackoverflow.com-Users.7z", filepath.Join(tmp, "site"), nil, "Users.xml")
	// A meta site: left out without being read.
	sevenZip("archives/unix.meta.stackexchange.com.7z", filepath.Join(tmp, "site"), nil, "Posts.xml")
	// No Posts.xml in the archive.
	sevenZip("archives/noposts.stackexchange.com.7z", filepath.Join(tmp, "site"), nil, "Users.xml")
	// An archive cut in half: 7z keeps its header at the end.
	whole, err := os.ReadFile("archives/unix.stackexchange.com.7z")
	if err != nil {
		log.Fatal(err)
	}
	write("archives/cut.stackexchange.com.7z", whole[:len(whole)/2])

	// Posts.xml cut inside a row, and a gzipped copy cut inside the
	// compressed stream.
	cut := bytes.Index(plantedXML, []byte(`<row Id="100"`)) + 40
	write("extracted/cutrow.stackexchange.com/Posts.xml", plantedXML[:cut])
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(plantedXML)
	zw.Close()
	write("extracted/cutgz.stackexchange.com/Posts.xml.gz", gz.Bytes()[:gz.Len()*3/4])
}
