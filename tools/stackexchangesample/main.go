// Command stackexchangesample writes the StackExchange part of the sample
// corpus that tokenmill embeds (recipes/sample/stackexchange): small 7z
// archives in the archive.org dump's layout, made with p7zip's `7z a`
// (Debian package p7zip-full), holding Posts.xml and Users.xml tables
// escaped the way the dumps are (.NET's XmlWriter: & < > " as entities,
// line breaks inside values as &#xA;, rows ending in CR LF).
//
//	go run ./tools/stackexchangesample -out recipes/sample/stackexchange
//
// The texts are written for the sample; no post comes from a real dump.
// The folder's README.md (written by hand) lists the planted cases;
// cmd/tokenmill's TestBuildStackExchange asserts on the IDs it keeps and
// drops, so change both together.
package main

import (
	"flag"
	"github.com/tokenmill/tokenmill/internal/sedump"
	"log"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "recipes/sample/stackexchange", "folder to write the archives to")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	writeSample(*out)
}

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

// writeSample writes the embedded sample: two listed sites (a per-site
// archive and Stack Overflow's split layout), a site the recipe does not
// list, and a meta site. Planted: answers before their question, an orphan
// answer, tag wiki posts, scores 9 and 10, negative scores, a malformed row,
// entities, code blocks, a question cross-posted word for word to both
// sites (exact dedup keeps one), and a question in Portuguese (kept; the
// chain labels its language).
func writeSample(dir string) {
	tmp, err := os.MkdirTemp("", "sesample")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	crossTitle := "How can I see which process is listening on a port?"
	crossBody := "<p>Something on my machine listens on port 8080 and I cannot start my server. How do I find out which process holds the port?</p>\n"

	unix := []string{
		a("1004", "1001", "2012-06-01T10:20:00.000", "31", "<p>Use <code>find</code> with <code>-mtime</code>:</p>\n\n<pre><code>find /var/log -type f -mtime +30 -name '*.gz' -delete\n</code></pre>\n\n<p><code>-mtime +30</code> matches files modified more than 30 days ago. Run it once without <code>-delete</code> to see what would go.</p>\n").Row(),
		q("1001", "2012-06-01T09:00:00.000", "54", "Delete files older than 30 days",
			"<p>My <code>/var/log</code> fills up with rotated logs. How can I delete compressed logs that are older than 30 days, from cron?</p>\n", pipeTags("find", "logs", "cron"), 2).Row(),
		a("1002", "1001", "2012-06-01T11:00:00.000", "9", "<p>If you use <code>logrotate</code>, set <code>maxage 30</code> in its configuration instead of deleting files behind its back.</p>\n").Row(),
		q("1010", "2013-02-11T14:30:00.000", "120", "What is the difference between &&, ; and || in a shell?",
			"<p>I see commands joined with <code>&amp;&amp;</code>, <code>;</code> and <code>||</code>. What does each one do?</p>\n", pipeTags("bash", "shell"), 3).Row(),
		a("1011", "1010", "2013-02-11T14:41:00.000", "9", "<ul>\n<li><code>a ; b</code> runs <code>b</code> after <code>a</code>, whatever happened.</li>\n<li><code>a &amp;&amp; b</code> runs <code>b</code> only if <code>a</code> succeeded (exit status 0).</li>\n<li><code>a || b</code> runs <code>b</code> only if <code>a</code> failed.</li>\n</ul>\n").Row(),
		a("1012", "1010", "2013-02-11T15:02:00.000", "10", "<p>Think of the exit status as a boolean: 0 is true. Then <code>&amp;&amp;</code> and <code>||</code> are the short-circuit operators you know from C:</p>\n\n<pre><code>mkdir build &amp;&amp; cd build || echo &quot;could not enter build&quot; &gt;&amp;2\n</code></pre>\n").Row(),
		a("1013", "1010", "2013-02-12T08:00:00.000", "-2", "<p>They are all the same, just use <code>;</code>.</p>\n").Row(),
		q("1020", "2014-09-24T07:45:00.000", "88", "Why does my script fail with \"bad interpreter: No such file or directory\"?",
			"<p>Running <code>./deploy.sh</code> prints</p>\n\n<pre><code>bash: ./deploy.sh: /bin/bash^M: bad interpreter: No such file or directory\n</code></pre>\n\n<p>but <code>/bin/bash</code> exists.</p>\n", pipeTags("bash", "line-endings"), 1).Row(),
		a("1021", "1020", "2014-09-24T07:52:00.000", "97", "<p>The file has Windows line endings: the <code>^M</code> is a carriage return at the end of the <code>#!</code> line, so the kernel looks for an interpreter called <code>bash\\r</code>. Convert the file:</p>\n\n<pre><code>sed -i 's/\\r$//' deploy.sh\n</code></pre>\n\n<p>or use <code>dos2unix deploy.sh</code>.</p>\n").Row(),
		q("1030", "2015-01-05T19:00:00.000", "15", crossTitle, crossBody, pipeTags("networking", "ports"), 0).Row(),
		q("1040", "2016-03-14T10:10:00.000", "23", "How do I make a change to PATH permanent?",
			"<p>I add a folder with <code>export PATH=\"$HOME/bin:$PATH\"</code> but it is gone in the next terminal.</p>\n", pipeTags("bash", "environment-variables"), 2).Row(),
		a("1041", "1040", "2016-03-14T10:20:00.000", "18", "<p>Put the line in a file your shell reads at start-up:</p>\n\n<ol>\n<li>for login shells, <code>~/.profile</code> (or <code>~/.bash_profile</code> if it exists);</li>\n<li>for interactive bash shells, <code>~/.bashrc</code>.</li>\n</ol>\n\n<p>Then open a new terminal, or run <code>. ~/.profile</code>.</p>\n").Row(),
		a("1042", "1040", "2016-03-14T12:00:00.000", "3", "<blockquote>\n<p>it is gone in the next terminal</p>\n</blockquote>\n\n<p>Every shell starts from its parent's environment; <code>export</code> changes only the current shell and its children.</p>\n").Row(),
		// Tag wiki excerpt and tag wiki.
		post{Id: "1050", PostTypeId: "4", CreationDate: "2012-01-01T00:00:00.000", Score: "0",
			Body: "Bash is the GNU Bourne-Again shell.", ContentLicense: "CC BY-SA 3.0"}.Row(),
		post{Id: "1051", PostTypeId: "5", CreationDate: "2012-01-01T00:00:00.000", Score: "0",
			Body: "<p>Bash is the shell of the GNU project ...</p>\n", ContentLicense: "CC BY-SA 3.0"}.Row(),
		// An answer whose question was deleted (not in the file).
		a("1061", "1060", "2017-07-07T07:07:00.000", "2", "<p>Reboot.</p>\n").Row(),
	}
	so := []string{
		q("2001", "2009-03-02T12:00:00.000", "412", "Sorting a list of dictionaries by a value",
			"<p>I have a list of dictionaries and want to sort it by the value of the <code>\"name\"</code> key:</p>\n\n<pre><code>people = [{'name': 'Homer', 'age': 39}, {'name': 'Bart', 'age': 10}]\n</code></pre>\n",
			angleTags("python", "list", "sorting"), 3).Row(),
		a("2002", "2001", "2009-03-02T12:05:00.000", "9", "<p>Use <code>sorted</code> with a key:</p>\n\n<pre><code>newlist = sorted(people, key=lambda d: d['name'])\n</code></pre>\n").Row(),
		a("2003", "2001", "2009-03-02T12:07:00.000", "10", "<p><code>operator.itemgetter</code> is a little faster than a lambda:</p>\n\n<pre><code>from operator import itemgetter\nnewlist = sorted(people, key=itemgetter('name'))\n</code></pre>\n\n<p>Add <code>reverse=True</code> to sort in descending order.</p>\n").Row(),
		a("2004", "2001", "2009-03-03T08:00:00.000", "-1", "<p>Write your own bubble sort.</p>\n").Row(),
		a("2012", "2010", "2010-08-15T16:40:00.000", "57", "<p><code>==</code> compares after type coercion, <code>===</code> does not:</p>\n\n<pre><code>0 == ''     // true\n0 === ''    // false\nnull == undefined   // true\n</code></pre>\n\n<p>Prefer <code>===</code> unless you want the coercion.</p>\n").Row(),
		q("2010", "2010-08-15T16:30:00.000", "73", "Which equals operator (== vs ===) should be used in JavaScript comparisons?",
			"<p>JSLint wants me to replace <code>==</code> with <code>===</code> in <code>if (idSele_UNVEHtype.value.length == 0)</code>. Is there a benefit?</p>\n", angleTags("javascript", "operators"), 1).Row(),
		// A malformed row: a value with a raw '<'.
		`  <row Id="2020" PostTypeId="1" CreationDate="2011-01-01T00:00:00.000" Score="1" Body="<p>raw markup</p>" Title="Malformed row" Tags="&lt;xml&gt;" />`,
		q("2030", "2011-05-20T09:00:00.000", "-4", "Why does 0.1 + 0.2 != 0.3?",
			"<p>In C, <code>0.1 + 0.2 == 0.3</code> is false. Is my compiler broken?</p>\n", angleTags("c", "floating-point"), 2).Row(),
		a("2031", "2030", "2011-05-20T09:10:00.000", "25", "<p>No. 0.1, 0.2 and 0.3 have no exact binary representation; the sum of the two nearest doubles is not the double nearest to 0.3. Compare with a tolerance:</p>\n\n<pre><code>#include &lt;math.h&gt;\nif (fabs(a - b) &lt; 1e-9) { /* equal enough */ }\n</code></pre>\n").Row(),
		a("2032", "2030", "2011-05-20T11:00:00.000", "-3", "<p>Use <code>float</code> instead of <code>double</code>.</p>\n").Row(),
		q("2040", "2015-01-06T08:00:00.000", "15", crossTitle, crossBody, angleTags("networking", "ports"), 0).Row(),
		q("2050", "2018-10-10T10:10:00.000", "6", "Como converter uma string em número inteiro em Java?",
			"<p>Tenho a string <code>\"123\"</code> e preciso do número inteiro correspondente. Qual é a forma correta?</p>\n", angleTags("java", "string"), 1).Row(),
		a("2051", "2050", "2018-10-10T10:20:00.000", "11", "<p>Use <code>Integer.parseInt</code>, que lança <code>NumberFormatException</code> se a string não for um número:</p>\n\n<pre><code>int n = Integer.parseInt(&quot;123&quot;);\n</code></pre>\n").Row(),
		post{Id: "2060", PostTypeId: "4", CreationDate: "2009-01-01T00:00:00.000", Score: "0",
			Body: "Python is a dynamically typed language.", ContentLicense: "CC BY-SA 3.0"}.Row(),
	}
	beer := []string{
		q("3001", "2014-01-21T20:00:00.000", "8", "What is the difference between an ale and a lager?",
			"<p>Both are beers; what sets them apart?</p>\n", angleTags("ale", "lager"), 1).Row(),
		a("3002", "3001", "2014-01-21T20:30:00.000", "12", "<p>The yeast: ales ferment warm with top-fermenting yeast, lagers cold with bottom-fermenting yeast.</p>\n").Row(),
	}
	meta := []string{
		q("4001", "2013-04-04T04:00:00.000", "5", "Should we allow questions about shells other than bash?",
			"<p>Discussion.</p>\n", pipeTags("discussion"), 0).Row(),
	}
	users := file("users", "\r\n", `  <row Id="7" Reputation="101" CreationDate="2010-01-01T00:00:00.000" DisplayName="asker" />`)
	for name, rows := range map[string][]string{"unix": unix, "so": so, "beer": beer, "meta": meta} {
		write(filepath.Join(tmp, name, "Posts.xml"), file("posts", "\r\n", rows...))
		write(filepath.Join(tmp, name, "Users.xml"), users)
	}
	abs, _ := filepath.Abs(dir)
	sevenZip(filepath.Join(abs, "unix.stackexchange.com.7z"), filepath.Join(tmp, "unix"), nil, "Posts.xml", "Users.xml")
	sevenZip(filepath.Join(abs, "stackoverflow.com-Posts.7z"), filepath.Join(tmp, "so"), nil, "Posts.xml")
	sevenZip(filepath.Join(abs, "stackoverflow.com-Users.7z"), filepath.Join(tmp, "so"), nil, "Users.xml")
	sevenZip(filepath.Join(abs, "beer.stackexchange.com.7z"), filepath.Join(tmp, "beer"), nil, "Posts.xml", "Users.xml")
	sevenZip(filepath.Join(abs, "unix.meta.stackexchange.com.7z"), filepath.Join(tmp, "meta"), nil, "Posts.xml", "Users.xml")
}
