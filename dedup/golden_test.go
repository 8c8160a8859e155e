package dedup

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestGolden runs the groups of testdata/line_dedup, whose expected blocks
// CCNet's own dedup code wrote (testdata/ccnet_dedup.py), in both shard
// orders and with and without spilling.
func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/line_dedup")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); {
		l := lines[i]
		if l == "" || strings.HasPrefix(l, "#") {
			i++
			continue
		}
		start := i + 1
		cmd := l
		var body, want []string
		for i++; i < len(lines) && lines[i] != "----"; i++ {
			body = append(body, lines[i])
		}
		for i++; i < len(lines) && lines[i] != ""; i++ {
			want = append(want, lines[i])
		}
		mode, ok := strings.CutPrefix(cmd, "group mode=")
		if !ok {
			t.Fatalf("line_dedup:%d: unknown command %q", start-1, cmd)
		}
		shards := parseGroup(body)
		for _, memory := range []int64{0, 1} {
			for _, order := range [][]int{ascending(len(shards)), descending(len(shards))} {
				t.Run(fmt.Sprintf("line%d/%s/mem=%d/order=%v", start-1, mode, memory, order), func(t *testing.T) {
					_, l := runLines(t, Options{Mode: Mode(mode), MemoryBytes: memory, TempDir: t.TempDir()}, shards, order)
					var got []string
					for _, sh := range shards {
						for _, d := range sh {
							text, removed, err := l.Dedup(d.id, d.text)
							if err != nil {
								t.Fatal(err)
							}
							// CCNet drops a document none of whose lines is kept.
							if d.text == "" || removed == strings.Count(d.text, "\n")+1 {
								got = append(got, "doc "+d.id+" dropped")
								continue
							}
							got = append(got, "doc "+d.id)
							for _, x := range strings.Split(text, "\n") {
								if x == "" {
									got = append(got, "|")
								} else {
									got = append(got, "| "+x)
								}
							}
						}
					}
					if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
						t.Errorf("got\n%s\nwant\n%s", g, w)
					}
				})
			}
		}
	}
}

func parseGroup(body []string) [][]tdoc {
	var shards [][]tdoc
	for _, l := range body {
		switch {
		case strings.HasPrefix(l, "shard "):
			shards = append(shards, nil)
		case strings.HasPrefix(l, "doc "):
			sh := &shards[len(shards)-1]
			*sh = append(*sh, tdoc{id: l[4:], text: "\x00"})
		case strings.HasPrefix(l, "|"):
			sh := shards[len(shards)-1]
			d := &sh[len(sh)-1]
			t := strings.TrimPrefix(strings.TrimPrefix(l, "|"), " ")
			if d.text == "\x00" {
				d.text = t
			} else {
				d.text += "\n" + t
			}
		}
	}
	for _, sh := range shards {
		for i := range sh {
			if sh[i].text == "\x00" {
				sh[i].text = ""
			}
		}
	}
	return shards
}

func ascending(n int) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = i
	}
	return o
}

func descending(n int) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = n - 1 - i
	}
	return o
}
