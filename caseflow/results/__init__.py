"""The yearly results report under förordning (2024:99): the form as data, exact character
counts, last year's answers from an OCR'd PDF, and the stored report with its answers."""
