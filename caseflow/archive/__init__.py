"""The e-archive export: closed cases as E-ARK SIPs (FGS Paketstruktur 2.0 = E-ARK CSIP/SIP 2.1)
with FGS Ärendehantering 2.0 (E-ARK CITS ERMS 2.1) metadata, and reading such packages back.

`model` (what is archived), `erms`, `premis`, `mets` (the XML), `package` (the folder), `reader`
(a package back into the model) are pure; `service` reads closed cases from the database."""
