"""Pure vocabulary: diarienummer, amounts, funders, roles, permissions, working days, the case
document and its checks. No I/O."""
