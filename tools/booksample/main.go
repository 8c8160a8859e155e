// Command booksample writes the books part of the sample corpus that
// tokenmill embeds (recipes/sample/books): Project Gutenberg files in the
// boilerplate variants of each era, and a small Pile shard with Books3 and
// other subsets' rows, with near-duplicates planted for near_dedup.
//
//	go run ./tools/booksample -out recipes/sample/books
//
// The texts (texts.go) are excerpts of public-domain books. Output is
// deterministic.
package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"flag"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
)

var outDir = flag.String("out", "recipes/sample/books", "output folder")

// wrap flows each paragraph to lines of at most width columns (paragraphs
// holding newlines, verse, are kept) and joins them with blank lines.
func wrap(paras []string, width int) string {
	var out []string
	for _, p := range paras {
		if strings.Contains(p, "\n") {
			out = append(out, p)
			continue
		}
		var sb strings.Builder
		n := 0
		for _, w := range strings.Fields(p) {
			l := utf8.RuneCountInString(w)
			if n > 0 && n+1+l > width {
				sb.WriteByte('\n')
				n = 0
			} else if n > 0 {
				sb.WriteByte(' ')
				n++
			}
			sb.WriteString(w)
			n += l
		}
		out = append(out, sb.String())
	}
	return strings.Join(out, "\n\n")
}

func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// cp1252 encodes s, whose runes are all in Windows-1252, one byte each.
func cp1252(s string) []byte {
	m := map[rune]byte{'€': 0x80, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97}
	var b []byte
	for _, r := range s {
		if c, ok := m[r]; ok {
			b = append(b, c)
		} else if r < 256 {
			b = append(b, byte(r))
		} else {
			log.Fatalf("%q is not in Windows-1252", r)
		}
	}
	return b
}

func write(name string, data []byte) {
	p := filepath.Join(*outDir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		log.Fatal(err)
	}
}

// The licence as the 2008-2023 files end; cut short (the sample has no
// need of its 3,000 words, and the reader stops at its first line).
const licence2008 = `

*** START: FULL LICENSE ***

THE FULL PROJECT GUTENBERG LICENSE
PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK

To protect the Project Gutenberg-tm mission of promoting the free
distribution of electronic works, by using or distributing this work
(or any other work associated in any way with the phrase "Project
Gutenberg"), you agree to comply with all the terms of the Full Project
Gutenberg-tm License (available with this file or online at
http://gutenberg.org/license).
`

const licence2024 = `

Updated editions will replace the previous one—the old editions will
be renamed.

Creating the works from print editions not protected by U.S. copyright
law means that no one owns a United States copyright in these works,
so the Foundation (and you!) can copy and distribute it in the United
States without permission and without paying copyright
royalties. Special rules, set forth in the General Terms of Use part
of this license, apply to copying and distributing Project
Gutenberg™ electronic works to protect the PROJECT GUTENBERG™
concept and trademark.

START: FULL LICENSE

THE FULL PROJECT GUTENBERG LICENSE

PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK

To protect the Project Gutenberg™ mission of promoting the free
distribution of electronic works, by using or distributing this work
(or any other work associated in any way with the phrase “Project
Gutenberg”), you agree to comply with all the terms of the Full
Project Gutenberg™ License available with this file or online at
www.gutenberg.org/license.
`

func header2024(title, author, date, no, upper string) string {
	return "The Project Gutenberg eBook of " + title + "\n    \n" +
		`This ebook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever. You may copy it, give it away or re-use it under the terms
of the Project Gutenberg License included with this ebook or online
at www.gutenberg.org. If you are not located in the United States,
you will have to check the laws of the country where you are located
before using this eBook.

Title: ` + title + `

Author: ` + author + `

Release date: ` + date + ` [eBook #` + no + `]

Language: English

Credits: Chuck Greif and the Online Distributed Proofreading Team at http://www.pgdp.net


*** START OF THE PROJECT GUTENBERG EBOOK ` + upper + ` ***


`
}

func header2008(title, author, posted, no, charset, upper string) string {
	return "The Project Gutenberg EBook of " + title + ", by " + author + `

This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.  You may copy it, give it away or
re-use it under the terms of the Project Gutenberg License included
with this eBook or online at www.gutenberg.org


Title: ` + title + `

Author: ` + author + `

Posting Date: ` + posted + ` [EBook #` + no + `]

Language: English

Character set encoding: ` + charset + `

*** START OF THIS PROJECT GUTENBERG EBOOK ` + upper + ` ***




Produced by David Widger




`
}

func footer2008(title, author, upper string) string {
	return "\n\n\n\nEnd of the Project Gutenberg EBook of " + title + ", by " + author +
		"\n\n*** END OF THIS PROJECT GUTENBERG EBOOK " + upper + " ***\n" + licence2008
}

const smallPrint = `**The Project Gutenberg Etext of The Adventures of Sherlock Holmes**
*****This file should be named advsh12.txt or advsh12.zip*****

Copyright laws are changing all over the world, be sure to check
the copyright laws for your country before posting these files!!

**Welcome To The World of Free Plain Vanilla Electronic Texts**

**Etexts Readable By Both Humans and By Computers, Since 1971**

*These Etexts Prepared By Hundreds of Volunteers and Donations*

***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***
Why is this "Small Print!" statement here?  You know: lawyers.
They tell us you might sue us if there is something wrong with
your copy of this etext, even if you got it for free from
someone other than us, and even if what's wrong is not our
fault.  So, among other things, this "Small Print!" statement
disclaims most of our liability to you.  It also tells you how
you can distribute copies of this etext if you want to.

*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*



`

const legalese = `<<THIS ELECTRONIC VERSION OF THE COMPLETE WORKS OF WILLIAM
SHAKESPEARE IS COPYRIGHT 1990-1993 BY WORLD LIBRARY, INC., AND IS
PROVIDED BY PROJECT GUTENBERG ETEXT OF ILLINOIS BENEDICTINE COLLEGE
WITH PERMISSION.  ELECTRONIC AND MACHINE READABLE COPIES MAY BE
DISTRIBUTED SO LONG AS SUCH COPIES (1) ARE FOR YOUR OR OTHERS
PERSONAL USE ONLY, AND (2) ARE NOT DISTRIBUTED OR USED
COMMERCIALLY.  PROHIBITED COMMERCIAL DISTRIBUTION INCLUDES BY ANY
SERVICE THAT CHARGES FOR DOWNLOAD TIME OR FOR MEMBERSHIP.>>`

// chapter2 is the index of Pride and Prejudice's second chapter heading.
func chapter2() int {
	for i, p := range pride {
		if p == "Chapter 2" {
			return i
		}
	}
	panic("no chapter 2")
}

func withTitle(title string, paras []string) []string {
	return append([]string{title}, paras...)
}

func main() {
	flag.Parse()
	os.RemoveAll(*outDir)
	g := "gutenberg/"

	// Pride and Prejudice, 2024 header, UTF-8.
	write(g+"1342-0.txt", []byte(header2024("Pride and Prejudice", "Jane Austen", "June 1, 1998", "1342", "PRIDE AND PREJUDICE")+
		wrap(withTitle(prideTitle, pride), 70)+"\n\n\n\n*** END OF THE PROJECT GUTENBERG EBOOK PRIDE AND PREJUDICE ***\n"+licence2024))
	// The illustrated edition of the same book: another header, a note and
	// captions, CRLF, wrapped narrower. A near duplicate that contains the
	// other: it survives, 1342-0.txt goes.
	illustrated := append([]string{prideTitle, "ILLUSTRATED EDITION",
		"[Illustration: “He came down to see the place” _Chapter 1_]",
		"The illustrations of this edition were drawn for it; the text is that of the first edition of 1813, with the spelling of its time kept throughout."},
		pride...)
	illustrated = append(illustrated[:12:12], append([]string{"[Illustration: “Mr. Bennet made no answer”]"}, illustrated[12:]...)...)
	write(g+"42671-0.txt", []byte(crlf(header2008("Pride and Prejudice, Illustrated", "Jane Austen", "April 21, 2013", "42671", "UTF-8", "PRIDE AND PREJUDICE, ILLUSTRATED")+
		wrap(illustrated, 66)+footer2008("Pride and Prejudice, Illustrated", "Jane Austen", "PRIDE AND PREJUDICE, ILLUSTRATED"))))
	// Alice, 2008 header, 7-bit, CRLF.
	write(g+"11.txt", []byte(crlf(header2008("Alice's Adventures in Wonderland", "Lewis Carroll", "June 25, 2008", "11", "ASCII", "ALICE'S ADVENTURES IN WONDERLAND")+
		wrap(withTitle(aliceTitle, alice), 72)+footer2008("Alice's Adventures in Wonderland", "Lewis Carroll", "ALICE'S ADVENTURES IN WONDERLAND"))))
	// A Tale of Two Cities: declared ISO-8859-1, written in Windows-1252
	// (em dashes at 0x97), and no end marker: the licence follows the text.
	two := strings.ReplaceAll(wrap(withTitle(twoCitiesTitle, twoCities), 70), "--", "—")
	write(g+"98-8.txt", cp1252(strings.Replace(header2008("A Tale of Two Cities", "Charles Dickens", "November 28, 2009", "98", "ISO-8859-1", "A TALE OF TWO CITIES"), "Produced by David Widger", "Produced by Judith Boss, and David Widger", 1)+
		two+"\n\n\n"+licence2008))
	// Moby Dick in a zip, "***START OF" without spaces.
	moby := "The Project Gutenberg EBook of Moby Dick; or The Whale, by Herman Melville\n\nTitle: Moby Dick; or The Whale\n\nAuthor: Herman Melville\n\nRelease Date: December 25, 2008 [EBook #2701]\n\n***START OF THE PROJECT GUTENBERG EBOOK MOBY DICK; OR THE WHALE***\n\n\n\n" +
		wrap(withTitle(mobyTitle, moby), 70) + "\n\n\n\n***END OF THE PROJECT GUTENBERG EBOOK MOBY DICK; OR THE WHALE***\n" + licence2008
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "2701.txt", Method: zip.Deflate, Modified: time.Date(2008, 12, 25, 0, 0, 0, 0, time.UTC)})
	w.Write([]byte(moby))
	zw.Close()
	write(g+"2701.zip", zb.Bytes())
	// Sherlock Holmes, 1990s small print.
	write(g+"advsh12.txt", []byte(smallPrint+wrap(withTitle(holmesTitle, holmes), 65)+
		"\n\n\n\nEnd of The Project Gutenberg Etext of The Adventures of Sherlock Holmes\n"))
	// The Sonnets, with the World Library notice between them.
	var sp []string
	for _, p := range withTitle(sonnetsTitle, sonnets) {
		if p == "LEGALESE" {
			p = legalese
		}
		sp = append(sp, p)
	}
	write(g+"100-0.txt", []byte(strings.Replace(header2008("The Sonnets", "William Shakespeare", "September 1, 2011", "1041", "UTF-8", "THE SONNETS"), "Produced by David Widger", "This Etext file is presented by Project Gutenberg, in\ncooperation with World Library, Inc.", 1)+
		strings.Join(sp, "\n\n")+footer2008("The Sonnets", "William Shakespeare", "THE SONNETS")))

	// The Pile: Books3 rows (one an abridged Alice, one the first chapter
	// of Pride and Prejudice: near duplicates, contained in Gutenberg's
	// books; Frankenstein, found nowhere else) and other subsets' rows.
	abridged := append(append([]string{}, alice[:6]...), alice[8:]...)
	rows := []struct{ text, set string }{
		{strings.Join(withTitle("Alice in Wonderland", abridged), "\n\n"), "Books3"},
		{"Best hiking trails near the lake. Parking is free on weekdays; the north loop is closed in winter. Book a guided tour online.", "Pile-CC"},
		{strings.Join(withTitle(frankensteinTitle, frankenstein), "\n\n"), "Books3"},
		{"package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n", "Github"},
		{strings.Join(pride[:chapter2()], "\n\n"), "Books3"},
		{wrap(pride, 70), "Gutenberg (PG-19)"},
		{"Alice's Adventures in Wonderland is an 1865 English children's novel by Lewis Carroll.", "Wikipedia (en)"},
	}
	var jl bytes.Buffer
	for _, r := range rows {
		b, _ := json.Marshal(map[string]any{"text": r.text, "meta": map[string]string{"pile_set_name": r.set}})
		jl.Write(b)
		jl.WriteByte('\n')
	}
	var zs bytes.Buffer
	enc, _ := zstd.NewWriter(&zs, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedBetterCompression))
	enc.Write(jl.Bytes())
	enc.Close()
	write("pile/00.jsonl.zst", zs.Bytes())
}
