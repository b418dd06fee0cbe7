"""Decision memos: compose (pure: facts from the case and `memos/board.yaml`), render (Markdown,
HTML, Word), and the stored renders and decisions."""
