"""coursekit: remark-flavoured Kubernetes courses built into HTML decks, with labs that are checked."""

__version__ = "0.1.0"
