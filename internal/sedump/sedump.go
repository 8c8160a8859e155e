// Package sedump writes StackExchange dump tables (Posts.xml rows escaped
// as the dumps escape them) and 7z archives of them, for the stackexchange
// source's test fixtures and the embedded sample's generator, which share
// it so that both write the format one way.
package sedump

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Post is one row; attributes are written in the dumps' order and only when
// set.
type Post struct {
	Id, PostTypeId, ParentId, AcceptedAnswerId string
	CreationDate, Score, ViewCount, Body       string
	OwnerUserId, LastActivityDate, Title, Tags string
	AnswerCount, CommentCount, ContentLicense  string
}

// esc escapes an attribute value as the dumps do (.NET's XmlWriter).
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		case '\t':
			b.WriteString("&#x9;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Row is the post as a row element of Posts.xml.
func (p Post) Row() string {
	var b strings.Builder
	b.WriteString("  <row")
	for _, kv := range [][2]string{{"Id", p.Id}, {"PostTypeId", p.PostTypeId}, {"AcceptedAnswerId", p.AcceptedAnswerId},
		{"ParentId", p.ParentId}, {"CreationDate", p.CreationDate}, {"Score", p.Score}, {"ViewCount", p.ViewCount},
		{"Body", p.Body}, {"OwnerUserId", p.OwnerUserId}, {"LastActivityDate", p.LastActivityDate},
		{"Title", p.Title}, {"Tags", p.Tags}, {"AnswerCount", p.AnswerCount}, {"CommentCount", p.CommentCount},
		{"ContentLicense", p.ContentLicense}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, ` %s="%s"`, kv[0], esc(kv[1]))
		}
	}
	b.WriteString(" />")
	return b.String()
}

// File lays rows out as a dump table: declaration, root, one row a line.
func File(root, nl string, rows ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + nl + "<" + root + ">" + nl)
	for _, r := range rows {
		b.WriteString(r + nl)
	}
	b.WriteString("</" + root + ">" + nl)
	return []byte(b.String())
}

// Q is a question.
func Q(id, date, score, title, body, tags string, answers int) Post {
	return Post{Id: id, PostTypeId: "1", CreationDate: date, Score: score, ViewCount: "120", Body: body,
		OwnerUserId: "7", LastActivityDate: date, Title: title, Tags: tags, AnswerCount: fmt.Sprint(answers),
		CommentCount: "0", ContentLicense: "CC BY-SA 4.0"}
}

// A is an answer to parent.
func A(id, parent, date, score, body string) Post {
	return Post{Id: id, PostTypeId: "2", ParentId: parent, CreationDate: date, Score: score, Body: body,
		OwnerUserId: "9", LastActivityDate: date, CommentCount: "1", ContentLicense: "CC BY-SA 4.0"}
}

// Write writes data to path, making its folder.
func Write(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
}

// SevenZip makes archive from the named files of dir (at the archive's
// root) with the given 7z method switches.
func SevenZip(archive, dir string, method []string, files ...string) {
	abs, _ := filepath.Abs(archive)
	os.Remove(abs)
	args := append([]string{"a", "-bd", "-bso0", "-mtm=off", "-mtc=off", "-mta=off"}, method...)
	args = append(args, abs)
	args = append(args, files...)
	cmd := exec.Command("7z", args...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("7z %v: %v", args, err)
	}
}

// AngleTags and PipeTags are the old and new Tags formats.
func AngleTags(t ...string) string {
	if len(t) == 0 {
		return ""
	}
	return "<" + strings.Join(t, "><") + ">"
}

func PipeTags(t ...string) string {
	if len(t) == 0 {
		return ""
	}
	return "|" + strings.Join(t, "|") + "|"
}
