"""The board's portfolio report: build (pure), read (seed text, spreadsheets, md), render
(html, md, docx, xlsx), snapshots and diffs."""
