"""Use cases on cases: the engine (create, edit, move, import), people, accounts, the case list."""
