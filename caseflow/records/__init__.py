"""Records (diarium): registered documents (handlingar) on cases, their files, secrecy marks,
the public register and requests for documents (utlämnande)."""
