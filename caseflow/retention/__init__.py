"""Retention (gallring): the information management plan as data (`records/retention.yaml`,
`plan`, pure), holds and the disposal log (`models`, store), due documents and disposal runs
(`service`)."""
