#!/usr/bin/env python3
r"""adversarial.py SEED OUT.json.gz [tokens|lines]: a C4 shard of 20,000
pages made of what the C4 rules and Punkt's sentence rules turn on, for
compare.sh. "tokens" (default): initials, numbers, abbreviations, ellipses,
closing punctuation, runs of end marks, Unicode whitespace and case inside
lines. "lines": Python's line boundaries (\r, \v, \f, \x1c-\x1e, \x85,
U+2028/9), citation markers, "javascript"/policy/"lorem ipsum" in every
case (İ, the Kelvin sign), words around 1000 characters, bad words at word
boundaries, half the pages with \u escapes."""
import gzip, json, random, sys
seed=int(sys.argv[1]); out=sys.argv[2]
variant = sys.argv[3] if len(sys.argv) > 3 else "tokens"
r = random.Random(seed)
if variant == "lines":
    toks = ["the","Word","J.","Mr.","3.","1,000.","e.g.","...","…","?","!","\"","“end”","(see","it.)","x.\"","[1]","[12]","[]","[edit]","[citation needed]","[a]","[[2]]","[١]",
            "javascript","JAVASCRİPT","JavaScript","{","}","lorem","ipsum","Lorem Ipsum","uses cookies","use cookies","Terms of Use","privacy policy","coo\u212aies",
            "bollocks","Bollocks!","x_bollocks","bollocks_y","s&m","2 girls 1 cup","🖕","anal","analysis","g-spot","_","İ","Σ","ΣΑΣ","i̇",
            "a"*999,"b"*1000,"c"*1001,"é"*1001, "\x1f","\u00a0","\u3000","\u200b","\t", "Yes!!","Wait?!","etc.;","A.","b.",";",",","Ünïcödé","naïve","Zürich","日本語。"]
    seps = [" "," "," "," ","  ","\t"]
    lsep = ["\n","\n","\n","\r\n","\r","\x0b","\x0c","\x1c","\x1d","\x1e","\x85","\u2028","\u2029"]
    ends = [".",".","?","!","\"","...","",":"," ."," [1]",".[2]"]
    with gzip.open(out,"wt",encoding="utf-8") as f:
        for i in range(20000):
            lines=[]
            for _ in range(r.randint(1,8)):
                n=r.randint(1,12)
                w=[r.choice(toks) if r.random()<0.3 else r.choice(["one","two","three","four","five","six","seven"]) for _ in range(n)]
                line="".join(x+r.choice(seps) for x in w).rstrip()+r.choice(ends)
                if r.random()<0.2: line=r.choice(["  ","\u00a0","\x1f"])+line+r.choice([" ","\u3000",""])
                lines.append(line)
            text="".join(l+r.choice(lsep) for l in lines)
            if r.random()<0.5: text=text.rstrip("\n")
            f.write(json.dumps({"text":text,"timestamp":"2019-04-25T12:57:54Z","url":f"https://x/{i}"}, ensure_ascii=r.random()<0.5)+"\n")
    sys.exit(0)
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
