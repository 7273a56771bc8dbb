"""kubectl command lines checked against the real kubectl's own grammar, offline.

help      kubectl's help text read as facts (pure)
usage     usage lines as grammar: what a command requires (pure)
grammar   `KubectlGrammar`: a command line checked against those facts, each command asked for
          when first needed (pure)
run       finding kubectl and running it isolated from any cluster (processes)
learn     what kubectl says of one command: its help and a few probing runs (processes)
facts     those facts for one kubectl version, learnt when first asked, side by side (processes)
store     the facts kept per kubectl version, entry by entry (files)
hidden    flags kubectl accepts but hides from its help, learnt by asking kubectl (processes)
cache     kubectl's version and its whole grammar, from the cache or learnt (processes, files)
"""
