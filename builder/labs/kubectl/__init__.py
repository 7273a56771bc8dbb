"""kubectl command lines checked against the real kubectl's own grammar, offline.

help      kubectl's help text read as facts (pure)
usage     usage lines as grammar: what a command requires (pure)
grammar   `KubectlGrammar`: a command line checked against those facts (pure)
run       finding kubectl and running it isolated from any cluster (processes)
learn     the grammar learnt from kubectl's help and a few probing runs (processes)
hidden    flags kubectl accepts but hides from its help, learnt by asking kubectl (processes)
cache     the learnt grammar kept per kubectl version (files)
"""
