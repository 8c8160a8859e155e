#!/usr/bin/env python3
"""adversarial.py SEED OUT.json.gz: a C4 shard of 20,000 pages made of the
tokens the C4 rules and Punkt's sentence rules turn on (initials, numbers,
abbreviations, ellipses, closing punctuation, citation markers, Unicode
whitespace and case, bad words at word boundaries), for compare.sh."""
import gzip, json, random, sys
seed=int(sys.argv[1]); out=sys.argv[2]
r = random.Random(seed)
toks = ["the","Word","J.","Mr.","3.","1,000.","-2.5.","e.g.","...","..",". . .","--","—","…","?","!","\"","'","“end”","(see","it.)","x.\"","(a.)","[b.]","{c.}","x.'","y.--","z.;","a.,","q.:","w.@","k.*","[1]","[]","[edit]","[[2]]","[١]","٣.","Ⅻ.","²."
        ,"javascript","{","}","lorem ipsum","Terms of Use","bollocks","🖕","İ.","É.","é.","ǅ.","_.","x_.","\x1f","\u00a0","\u3000","\u2009","\t","Yes!!","Wait?!","etc.;","A.","b.",";",",",".,","!?","?.","naïve","日本語。","Ａ.","a.b.c.","U.S.","p.m.","5p.m."]
seps = [" "," "," ","  ","\t","\u00a0","\u3000","\x1f"]
ends = [".",".","?","!","\"",".\"",".)","?)","!'",".]",". .","..."]
with gzip.open(out,"wt",encoding="utf-8") as f:
    for i in range(20000):
        lines=[]
        for _ in range(r.randint(1,4)):
            n=r.randint(4,14)
            w=[r.choice(toks) if r.random()<0.4 else r.choice(["one","two","Three","four","Five","six","seven"]) for _ in range(n)]
            lines.append("".join(x+r.choice(seps) for x in w).rstrip()+r.choice(ends))
        f.write(json.dumps({"text":"\n".join(lines),"timestamp":"2019-04-25T12:57:54Z","url":f"https://x/{i}"})+"\n")
